import type { Context } from 'hono';
import { ApiError } from './errors.ts';

/** At most this many files and bytes per request (the parser refuses bigger files anyway). */
export const MAX_FILES = 50;
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

export function notConfigured(c: Context) {
  return c.json({ error: 'Sign-in with GitHub is not configured on this server: set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET (from the GitHub App settings) and SESSION_SECRET (32+ random characters).' }, 503);
}

export async function jsonBody(c: Context): Promise<unknown> {
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_REQUEST_BYTES) throw new ApiError(400, `The request is larger than ${MAX_REQUEST_BYTES / 1024 / 1024} MiB.`);
  const text = await c.req.text();
  if (text.length > MAX_REQUEST_BYTES) throw new ApiError(400, `The request is larger than ${MAX_REQUEST_BYTES / 1024 / 1024} MiB.`);
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
    const text = await c.req.text();
    if (text.length > MAX_REQUEST_BYTES) throw new ApiError(400, `The request is larger than ${MAX_REQUEST_BYTES / 1024 / 1024} MiB.`);
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
