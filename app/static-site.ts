import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};
/** Text-like files worth compressing (images and fonts are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.xml', '.txt', '.map', '.wasm', '.ico']);
/** Below this, compression saves less than the header costs. */
const MIN_COMPRESS_BYTES = 1024;
/** Astro puts content-hashed assets under /_astro/: their name changes whenever their bytes do. */
const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
export const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Entry {
  mtimeMs: number;
  size: number;
  type: string;
  etag: string;
  lastModified: string;
  raw: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

/** The encoding to send: brotli when accepted, else gzip, else none (a q=0 refuses). */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.slice(0, 500).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name!, q ? Number(q.slice(2)) || 0 : 1);
  }
  const ok = (e: string) => (accepted.get(e) ?? accepted.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : undefined;
}

/**
 * The built site, compressed: each file is read and compressed (brotli and gzip) once, on its first
 * request, and kept in memory until its modification time or size changes. Hashed assets under
 * /_astro/ are cached by browsers for a year; HTML is revalidated on every visit (ETag, Last-Modified).
 */
export function serveSite(root: string): MiddlewareHandler {
  return siteFiles(root).serve;
}

/**
 * The site's files as two handlers: `serve` answers a file that exists (else passes on), `notFound`
 * answers the site's own 404 page (404.html, in the site's layout) with status 404, or plain text
 * when the site has none.
 */
export function siteFiles(root: string): { serve: MiddlewareHandler; notFound: (c: Context) => Promise<Response> } {
  const base = resolve(root);
  const cache = new Map<string, Entry>();
  /** Files being read and compressed: concurrent first requests share the work (compression runs off the event loop). */
  const pending = new Map<string, Promise<Entry>>();

  async function load(file: string): Promise<Entry | undefined> {
    let s = await stat(file).catch(() => undefined);
    if (s?.isDirectory()) {
      file = join(file, 'index.html');
      s = await stat(file).catch(() => undefined);
    }
    if (!s?.isFile()) return undefined;
    const known = cache.get(file);
    if (known && known.mtimeMs === s.mtimeMs && known.size === s.size) return known;
    const key = `${file}\0${s.mtimeMs}\0${s.size}`;
    let p = pending.get(key);
    if (!p) {
      p = read(file, s).finally(() => pending.delete(key));
      pending.set(key, p);
    }
    const entry = await p;
    cache.set(file, entry);
    return entry;
  }

  async function read(file: string, s: { mtimeMs: number; size: number; mtime: Date }): Promise<Entry> {
    const raw = await readFile(file);
    const ext = extname(file).toLowerCase();
    const entry: Entry = {
      mtimeMs: s.mtimeMs,
      size: s.size,
      type: TYPES[ext] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`,
      lastModified: s.mtime.toUTCString(),
      raw,
    };
    if (COMPRESSIBLE.has(ext) && raw.length >= MIN_COMPRESS_BYTES) {
      const [br, gz] = await Promise.all([
        brotliAsync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
        gzipAsync(raw, { level: 9 }),
      ]);
      if (br.length < raw.length) entry.br = br;
      if (gz.length < raw.length) entry.gzip = gz;
    }
    return entry;
  }

  /** The entry as a response: compressed when accepted; 304 when the browser's copy is current (200s only). */
  function respond(c: Context, entry: Entry, path: string, status: 200 | 404): Response {
    const encoding = entry.br || entry.gzip ? pickEncoding(c.req.header('accept-encoding')) : undefined;
    const body = encoding === 'br' ? entry.br ?? entry.gzip : encoding === 'gzip' ? entry.gzip : undefined;
    const sent = body === entry.br && body ? 'br' : body ? 'gzip' : undefined;
    const headers: Record<string, string> = {
      'content-type': entry.type,
      'cache-control': status === 200 && path.startsWith('/_astro/') ? IMMUTABLE : 'no-cache',
      etag: sent ? `${entry.etag.slice(0, -1)}-${sent}"` : entry.etag,
      'last-modified': entry.lastModified,
    };
    if (entry.br || entry.gzip) headers.vary = 'Accept-Encoding';
    if (sent) headers['content-encoding'] = sent;
    if (status === 200) {
      const inm = c.req.header('if-none-match');
      const fresh = inm
        ? inm.split(',').some((t) => t.trim().replace(/^W\//, '') === headers.etag)
        : c.req.header('if-modified-since') !== undefined && Date.parse(c.req.header('if-modified-since')!) >= Date.parse(entry.lastModified);
      if (fresh) return c.body(null, 304, headers);
    }
    const bytes = body ?? entry.raw;
    headers['content-length'] = String(bytes.length);
    if (c.req.method === 'HEAD') return c.body(null, status, headers);
    return c.body(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) as Uint8Array<ArrayBuffer>, status, headers);
  }

  const serve: MiddlewareHandler = async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    let path: string;
    try {
      path = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return next();
    }
    if (path.includes('\0') || path.includes('\\')) return next();
    const file = resolve(base, `.${path}`);
    if (file !== base && !file.startsWith(base + sep)) return next();
    const entry = await load(file);
    if (!entry) return next();
    return respond(c, entry, path, 200);
  };

  const notFound = async (c: Context): Promise<Response> => {
    const page = c.req.method === 'GET' || c.req.method === 'HEAD' ? await load(join(base, '404.html')) : undefined;
    if (!page) return c.text(`There is no page at ${c.req.path}.`, 404, { 'cache-control': 'no-cache' });
    return respond(c, page, c.req.path, 404);
  };

  return { serve, notFound };
}
