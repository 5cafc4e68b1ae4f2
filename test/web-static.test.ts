import '../synth/node.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebApp } from '../app/web.ts';
import { tempDir } from './helpers.ts';

// A built site in miniature: a hashed asset under /_astro/ and an HTML page.
const ASSET = Buffer.from(Array.from({ length: 4000 }, (_, i) => `export const value${i} = { id: ${i}, label: "item ${i % 17}" };\n`).join(''));
const HTML = Buffer.from(`<!doctype html><html><head><script type="module" src="/_astro/editor.Ab12Cd34.js"></script></head><body>${'<p>AutoStack editor</p>'.repeat(200)}</body></html>`);
let url = '';
let close: () => void;

beforeAll(async () => {
  const site = await tempDir('autostack-static-');
  mkdirSync(join(site, '_astro'));
  mkdirSync(join(site, 'editor'));
  writeFileSync(join(site, '_astro', 'editor.Ab12Cd34.js'), ASSET);
  writeFileSync(join(site, 'editor', 'index.html'), HTML);
  writeFileSync(join(site, 'index.html'), HTML);
  const server = createServer(getRequestListener(createWebApp({ publicUrl: 'http://127.0.0.1', apiUrl: 'https://api.github.com' }, site).fetch));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close?.());

/** A raw HTTP GET (fetch would decompress and hide the transfer size): status, headers and the bytes as sent. */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the built site over HTTP', () => {
  it('sends a hashed asset brotli-compressed when accepted, cached for a year as immutable', async () => {
    const r = await get('/_astro/editor.Ab12Cd34.js', { 'accept-encoding': 'br, gzip' });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(String(r.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.body.length).toBeLessThan(ASSET.length / 5);
    expect(brotliDecompressSync(r.body).equals(ASSET)).toBe(true);
    expect(r.headers['content-type']).toMatch(/javascript/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('falls back to gzip, and sends the raw bytes to a client that accepts no encoding', async () => {
    const gz = await get('/_astro/editor.Ab12Cd34.js', { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.length).toBeLessThan(ASSET.length / 5);
    expect(gunzipSync(gz.body).equals(ASSET)).toBe(true);
    const raw = await get('/_astro/editor.Ab12Cd34.js');
    expect(raw.headers['content-encoding']).toBeUndefined();
    expect(raw.body.equals(ASSET)).toBe(true);
    expect(Number(raw.headers['content-length'])).toBe(ASSET.length);
  });

  it('sends HTML with no-cache and a validator, and answers 304 to a matching revalidation', async () => {
    for (const path of ['/', '/editor/']) {
      const r = await get(path, { 'accept-encoding': 'br, gzip' });
      expect(r.status).toBe(200);
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers['content-type']).toMatch(/text\/html/);
      expect(r.headers.etag).toBeTruthy();
      expect(r.headers['last-modified']).toBeTruthy();
      expect(brotliDecompressSync(r.body).equals(HTML)).toBe(true);
      const again = await get(path, { 'accept-encoding': 'br, gzip', 'if-none-match': String(r.headers.etag) });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
    }
  });

  it('keeps to the site directory and answers 404 for what is not there', async () => {
    expect((await get('/_astro/missing.js')).status).toBe(404);
    expect((await get('/../package.json')).status).toBe(404);
    expect((await get('/%2e%2e/package.json')).status).toBe(404);
    expect((await get('/_astro/..%2f..%2fpackage.json')).status).toBe(404);
  });
});
