// What the site costs a visitor: `node bench/site.bench.ts` (npm run bench:site), after `npm run build:site`.
// 1. JavaScript shipped per page, gzipped: every script the built HTML loads (inline scripts,
//    module scripts, island components and renderers, and the chunks they import), each counted once.
//    Targets: marketplace pages < 30 KB, editor < 300 KB. Next to it, what the server actually sends
//    for the same scripts and the page itself (the site served by app/web.ts on 127.0.0.1, fetched
//    with Accept-Encoding: br, gzip, bytes on the wire), and the raw size.
// 2. One live cost recompute in the editor (the same reviewDocs the editor runs on each edit),
//    median and p95 over 300 runs after warm-up, against a bare YAML parse of the same document
//    measured in the same run. Target < 16 ms (one frame).
import '../synth/node.ts';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { getRequestListener } from '@hono/node-server';
import { parse } from 'yaml';
import { createWebApp } from '../app/web.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const DIST = join(ROOT, 'site/dist');

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? (f === '_astro' ? [] : pages(p)) : f.endsWith('.html') ? [p] : [];
  });
}

function scriptsOf(html: string): { inline: string[]; files: string[] } {
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).filter((s) => s.trim());
  const files = new Set<string>();
  for (const m of html.matchAll(/\b(?:src|component-url|renderer-url)="(\/_astro\/[^"]+\.js)"/g)) files.add(m[1]!);
  for (const m of html.matchAll(/import\(?\s*["'](\/_astro\/[^"']+\.js)["']/g)) files.add(m[1]!);
  return { inline, files: [...files] };
}

function withImports(files: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    const text = readFileSync(join(DIST, f), 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["']\.\/([^"']+\.js)["']/g)) visit(`/_astro/${m[1]}`);
  };
  files.forEach(visit);
  return seen;
}

const gz = (s: string | Buffer) => gzipSync(s, { level: 9 }).length;
const server = createServer(getRequestListener(createWebApp({ publicUrl: 'http://127.0.0.1', apiUrl: 'https://api.github.com' }, DIST).fetch));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
/** Bytes of the body as sent (not decompressed), with the encoding the server chose. */
const transfer = (path: string) => new Promise<{ bytes: number; encoding: string }>((resolve, reject) => {
  request(`${origin}${path}`, { headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
    let bytes = 0;
    res.on('data', (c: Buffer) => (bytes += c.length));
    res.on('end', () => (res.statusCode === 200 ? resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'none') }) : reject(new Error(`${path}: ${res.statusCode}`))));
  }).on('error', reject).end();
});
const kb = (n: number) => `${(n / 1024).toFixed(1).padStart(7)} KB`;
console.log('JavaScript per page: gzipped (target), sent by the server (br when accepted), raw; then the page HTML as sent (sent and raw count the script files: inline scripts travel in the HTML)');
const rows: [string, number][] = [];
for (const page of pages(DIST).sort()) {
  const html = readFileSync(page, 'utf8');
  const { inline, files } = scriptsOf(html);
  const all = withImports(files);
  const bytes = inline.reduce((s, t) => s + gz(t), 0) + [...all].reduce((s, f) => s + gz(readFileSync(join(DIST, f))), 0);
  const raw = [...all].reduce((s, f) => s + statSync(join(DIST, f)).size, 0);
  let sent = 0;
  for (const f of all) sent += (await transfer(f)).bytes;
  const route = `/${relative(DIST, page).replace(/index\.html$/, '')}`;
  const htmlSent = await transfer(route);
  rows.push([route, bytes]);
  const target = route.startsWith('/marketplace') ? 30 : route.startsWith('/editor') ? 300 : undefined;
  console.log(`  ${route.padEnd(34)} ${kb(bytes)}${(target ? `   target < ${target} KB ${bytes / 1024 < target ? 'ok' : 'OVER'}` : '').padEnd(25)}   sent ${kb(sent)}   raw ${kb(raw)}   html sent ${kb(htmlSent.bytes)} (${htmlSent.encoding})`);
}

server.close();

const { reviewDocs, toYaml } = await import('../site/src/lib/live-review.ts');
const { PALETTE } = await import('../site/src/lib/palette.ts');
const doc = PALETTE[0]!.starter('bench-db');
const docs = [{ id: 'n1', doc }];
const text = toYaml(doc);
for (let i = 0; i < 30; i++) await reviewDocs(docs);
const times: number[] = [];
const parses: number[] = [];
for (let i = 0; i < 300; i++) {
  doc.spec.storage.sizeGiB = 20 + (i % 200);
  let t = performance.now();
  await reviewDocs(docs);
  times.push(performance.now() - t);
  t = performance.now();
  parse(text);
  parses.push(performance.now() - t);
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)]!;
console.log('Editor live recompute (validate + resolve + cost on 3 clouds, one plan), 300 runs');
console.log(`  median ${pct(times, 0.5).toFixed(2)} ms, p95 ${pct(times, 0.95).toFixed(2)} ms   target < 16 ms ${pct(times, 0.95) < 16 ? 'ok' : 'OVER'}`);
console.log(`  bare YAML parse of the same file: median ${pct(parses, 0.5).toFixed(3)} ms (ratio ${(pct(times, 0.5) / pct(parses, 0.5)).toFixed(1)}x)`);
