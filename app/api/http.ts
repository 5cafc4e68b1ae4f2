import type { Context } from 'hono';
import { MAX_FILES, MAX_REQUEST_BYTES } from './evaluate.ts';
import { ApiError } from './repo-plans.ts';

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
    return { [c.req.query('path') ?? '.autostack/plan.yaml']: text };
  }
  const body = (await jsonBody(c)) as { files?: unknown; content?: unknown; path?: unknown };
  if (typeof body.content === 'string') return { [typeof body.path === 'string' ? body.path : '.autostack/plan.yaml']: body.content };
  if (!body.files || typeof body.files !== 'object' || Array.isArray(body.files)) throw new ApiError(400, 'Send {"content": "<YAML>"} or {"files": {".autostack/<name>.yaml": "<YAML>"}}.');
  const entries = Object.entries(body.files as Record<string, unknown>);
  if (entries.length > MAX_FILES) throw new ApiError(400, `At most ${MAX_FILES} files per request.`);
  const out: Record<string, string> = {};
  for (const [path, text] of entries) {
    if (typeof text !== 'string') throw new ApiError(400, `files["${path}"] must be the file's text.`);
    if (!/^\.autostack\/[^\0]+\.ya?ml$/.test(path) || path.includes('..')) throw new ApiError(400, `"${path}" is not a file under .autostack/ ending in .yaml.`);
    out[path] = text;
  }
  return out;
}

export function githubMessage(err: unknown): string {
  const data = (err as { response?: { data?: { message?: string } } }).response?.data;
  return (data?.message ?? 'unprocessable').slice(0, 200);
}
