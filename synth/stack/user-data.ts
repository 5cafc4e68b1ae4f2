import { gzipSync } from 'node:zlib';

/** Where the first-boot script is written on the server before cloud-init runs it. */
export const BOOT_SCRIPT_PATH = '/var/lib/autostack/bootstrap.sh';

/**
 * The first-boot script as a cloud-init `#cloud-config` document: the script travels gzip-compressed
 * and base64-encoded in `write_files` (a third of its size), and `runcmd` runs it once per
 * instance. The document itself is plain YAML, so `cloud-init schema` can validate it.
 */
export function cloudConfig(script: string): string {
  const content = gzipSync(Buffer.from(script, 'utf8'), { level: 9 }).toString('base64');
  // The base64 alphabet needs no YAML quoting; the block scalar keeps lines short for readers.
  const folded = content.match(/.{1,76}/g)!.map((line) => `      ${line}`).join('\n');
  return [
    '#cloud-config',
    '# AutoStack first boot: the script below is gzip + base64 (cloud-init decodes it).',
    'write_files:',
    `  - path: ${BOOT_SCRIPT_PATH}`,
    "    permissions: '0700'",
    '    owner: root:root',
    '    encoding: gz+b64',
    '    content: |',
    folded,
    'runcmd:',
    `  - [${BOOT_SCRIPT_PATH}]`,
    '',
  ].join('\n');
}

/** A first-boot document within the cloud's limit, or a synth error naming the server and the limit. */
export function withinLimit(doc: string, limit: number, what: string): string {
  const bytes = Buffer.byteLength(doc);
  if (bytes > limit) throw new Error(`synth: ${what} is ${bytes} bytes, over the cloud's limit of ${limit}`);
  return doc;
}
