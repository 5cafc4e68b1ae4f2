import type { Context } from 'hono';
import { ApiError } from './errors.ts';

/** At most this many files and bytes per request (the parser refuses bigger files anyway). */
export const MAX_FILES = 50;
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

export function notConfigured(c: Context) {
  return c.json({ error: 'Sign-in with GitHub is not configured on this server: set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET (from the GitHub App settings) and SESSION_SECRET (32+ random characters).' }, 503);
}

const tooLarge = () => new ApiError(413, `The request body is larger than ${MAX_REQUEST_BYTES / 1024 / 1024} MiB, so it was not read. Send at most ${MAX_FILES} files of at most 256 KiB each.`);

/**
 * The request body as text, read while counting: reading stops at MAX_REQUEST_BYTES whatever the
 * transfer encoding (a chunked body has no Content-Length to check first), so an oversized upload
 * costs at most that much memory.
 */
export async function bodyText(c: Context): Promise<string> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > MAX_REQUEST_BYTES) throw tooLarge();
  const body = c.req.raw.body;
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REQUEST_BYTES) {
      // The server drains or closes the rest of the upload; nothing more is kept.
      reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function jsonBody(c: Context): Promise<unknown> {
  const text = await bodyText(c);
  try {
    return text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(400, 'The request body is not valid JSON.');
  }
}

/** Either {"files": {"path": "yaml"}} or {"content": "yaml", "path"?: "…"}; YAML text as the body also works. */
export async function readFiles(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('json')) {
    const text = await bodyText(c);
    return { [filePath(c.req.query('path'))]: text };
  }
  const body = (await jsonBody(c)) as { files?: unknown; content?: unknown; path?: unknown };
  if (typeof body.content === 'string') return { [filePath(typeof body.path === 'string' ? body.path : undefined)]: body.content };
  if (!body.files || typeof body.files !== 'object' || Array.isArray(body.files)) throw new ApiError(400, 'Send {"content": "<YAML>"} or {"files": {".autostack/<name>.yaml": "<YAML>"}}.');
  const entries = Object.entries(body.files as Record<string, unknown>);
  if (entries.length > MAX_FILES) throw new ApiError(400, `At most ${MAX_FILES} files per request.`);
  const out: Record<string, string> = {};
  for (const [path, text] of entries) {
    if (typeof text !== 'string') throw new ApiError(400, `files["${path}"] must be the file's text.`);
    out[filePath(path)] = text;
  }
  return out;
}

export function githubMessage(err: unknown): string {
  const data = (err as { response?: { data?: { message?: string } } }).response?.data;
  return (data?.message ?? 'unprocessable').slice(0, 200);
}

/** Where a validated file claims to live: under .autostack/, a YAML name, no way out of the folder. */
function filePath(path: string | undefined): string {
  if (path === undefined) return '.autostack/plan.yaml';
  if (!/^\.autostack\/[^\0]+\.ya?ml$/.test(path) || path.includes('..')) throw new ApiError(400, `"${path}" is not a file under .autostack/ ending in .yaml.`);
  return path;
}
