import { readFile, writeFile } from 'node:fs/promises';

const ROOT = new URL('../', import.meta.url).pathname;

/**
 * Writes a generated file, or with `--check` fails (exit 1) when the committed one differs:
 * CI then catches a source edit that was not regenerated.
 */
export async function writeOrCheck(target: URL | string, text: string, regenerate: string): Promise<void> {
  const path = typeof target === 'string' ? target : target.pathname;
  const name = path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
  if (process.argv.includes('--check')) {
    const current = await readFile(path, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write(`${name} is stale: run \`${regenerate}\` and commit the result.\n`);
      process.exit(1);
    }
    process.stdout.write(`${name} is up to date (${(text.length / 1024).toFixed(0)} KiB)\n`);
  } else {
    await writeFile(path, text);
    process.stdout.write(`wrote ${name} (${(text.length / 1024).toFixed(0)} KiB)\n`);
  }
}
