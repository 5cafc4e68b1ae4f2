import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MAX_FILE_BYTES } from '../synth/core/parse/parse.ts';

/** A plan of about 253 KB (under the 256 KiB cap) with all its keys in one flow mapping: the attack input. */
export function worstFlowMap(): string {
  const head = 'apiVersion: autostack.dev/v1\nkind: Plan\nmetadata: { name: x-db, project: shop }\nspec: { ';
  const keys: string[] = [];
  let size = head.length + 2;
  for (let i = 0; size + 11 < MAX_FILE_BYTES - 1024; i++) {
    const k = `k${i.toString(36).padStart(5, '0')}: 1`;
    keys.push(k);
    size += k.length + 2;
  }
  return `${head}${keys.join(', ')} }\n`;
}

/** The same size and number of keys, spread over small block mappings: parsing it is linear work. */
export function linearBaseline(bytes: number): string {
  const lines = ['apiVersion: autostack.dev/v1', 'kind: Plan', 'metadata: { name: x-db, project: shop }', 'spec:'];
  let size = lines.join('\n').length;
  for (let m = 0; size < bytes - 200; m++) {
    lines.push(`  m${m}:`);
    size += `  m${m}:`.length + 1;
    for (let i = 0; i < 100 && size < bytes - 200; i++) {
      const l = `    k${i.toString(36).padStart(3, '0')}: 1`;
      lines.push(l);
      size += l.length + 1;
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The median duration of `times` runs, in milliseconds (compared only with a baseline measured in the same run). */
export async function median(run: () => Promise<unknown>, times = 3): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    t.push(performance.now() - start);
  }
  return t.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

const run = promisify(execFile);

export interface UploadResult {
  status: number;
  body: string;
  /** Bytes the client had sent when the answer arrived. */
  sentBeforeAnswer: number;
}

/** The client side of `chunkedUpload`, run in its own process. */
const UPLOAD_CLIENT = String.raw`
import { connect } from 'node:net';
const [url, total, headers] = JSON.parse(process.argv[1]);
const u = new URL(url);
let sent = 0;
let answeredAt;
let received = Buffer.alloc(0);
const chunk = Buffer.alloc(64 * 1024, 'a');
const frame = Buffer.concat([Buffer.from(chunk.length.toString(16) + '\r\n'), chunk, Buffer.from('\r\n')]);
const socket = connect(Number(u.port), u.hostname);
const head = Object.entries({ host: u.host, 'transfer-encoding': 'chunked', connection: 'close', ...headers }).filter(([, v]) => v !== '').map(([k, v]) => k + ': ' + v + '\r\n').join('');
socket.write('POST ' + u.pathname + u.search + ' HTTP/1.1\r\n' + head + '\r\n');
const pump = () => {
  if (answeredAt !== undefined || socket.destroyed) return;
  if (sent >= total) return void socket.write('0\r\n\r\n');
  sent += chunk.length;
  if (socket.write(frame)) setTimeout(pump, 1);
  else socket.once('drain', () => setTimeout(pump, 1));
};
socket.on('data', (d) => {
  answeredAt ??= sent;
  received = Buffer.concat([received, d]);
});
socket.on('error', () => undefined);
socket.on('close', () => {
  const text = received.toString('utf8');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const [rawHead, ...rest] = text.split('\r\n\r\n');
  let body = rest.join('\r\n\r\n');
  if (/transfer-encoding: chunked/i.test(rawHead)) body = body.replace(/(^|\r\n)[0-9a-f]+\r\n/gi, '');
  process.stdout.write(JSON.stringify({ status, body, sentBeforeAnswer: answeredAt ?? sent }));
});
pump();
`;

/**
 * POSTs `total` bytes chunked (no Content-Length), 64 KiB a millisecond at most, and stops sending
 * as soon as an answer arrives or the server closes the connection: the bytes sent by then show how
 * much the server read before it answered. The client runs in a child process over a plain socket
 * (nock, loaded by the tests, holds a request's body until it ends).
 */
export async function chunkedUpload(url: string, total: number, headers: Record<string, string> = {}): Promise<UploadResult> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', UPLOAD_CLIENT, JSON.stringify([url, total, headers])], { maxBuffer: 16 * 1024 * 1024 });
  const r = JSON.parse(stdout) as UploadResult;
  if (!r.status) throw new Error(`the server closed the connection after ${r.sentBeforeAnswer} bytes without answering`);
  return r;
}
