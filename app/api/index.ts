import { Hono } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { addAuthRoutes } from './auth-routes.ts';
import { githubMessage } from './http.ts';
import { addLocalRoutes } from './local-routes.ts';
import { addPublicRoutes } from './public-routes.ts';
import { ApiError } from './errors.ts';
import { addRepoRoutes } from './repo-routes.ts';
import { SESSION_COOKIE, SessionSealer } from './session.ts';
import { ValidationPool } from './validate-pool.ts';
import type { ApiEnv, ApiOptions } from './types.ts';

export type { ApiOptions } from './types.ts';
export { userOctokit } from './user-octokit.ts';

/**
 * The HTTP API of the site, served by the same process as the webhooks:
 * - POST /api/validate, GET /api/templates, POST /api/templates/:name/render — public
 * - /api/auth/*, /api/me — the GitHub App's user authorization with a sealed http-only cookie
 * - /api/repos/:owner/:repo/plans… — as the signed-in user, each action checked against the
 *   user's own access to that repository; changes are pull requests opened as the user
 * Errors become JSON with a message that says what to do; GitHub's own errors are translated.
 */
export function createApi(o: ApiOptions): Hono<ApiEnv> {
  const publicUrl = new URL(o.publicUrl);
  const ctx = {
    apiUrl: (o.apiUrl ?? 'https://api.github.com').replace(/\/$/, ''),
    publicUrl,
    callbackUrl: new URL('/api/auth/callback', publicUrl).toString(),
    secure: publicUrl.protocol === 'https:',
    ...(o.oauth ? { oauth: o.oauth } : {}),
    ...(o.sessionSecret ? { sealer: new SessionSealer(o.sessionSecret) } : {}),
    ...(o.templatesDir ? { templatesDir: o.templatesDir } : {}),
    ...(o.local ? { local: o.local } : {}),
    // Threads start on the first validation, not here: an idle server holds none.
    validation: o.validation instanceof ValidationPool ? o.validation : new ValidationPool(o.validation),
  };
  const api = new Hono<ApiEnv>().basePath('/api');
  api.onError((err, c) => {
    if (err instanceof ApiError) return c.json({ error: err.message, ...(err.diagnostics ? { diagnostics: err.diagnostics } : {}) }, err.status);
    const status = (err as { status?: number }).status;
    if (status === 401) {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ error: 'Your GitHub sign-in has expired or was revoked: sign in again.' }, 401);
    }
    if (status === 403 || status === 404) return c.json({ error: 'GitHub refused this for your account: check that you can access the repository and that AutoStack is installed on it.' }, 404);
    if (status === 422 || status === 409) return c.json({ error: `GitHub refused the change: ${githubMessage(err)}` }, 409);
    if (typeof status === 'number') return c.json({ error: `GitHub answered ${status}; try again in a minute.` }, 502);
    console.error(`api: ${c.req.method} ${c.req.path} failed: ${(err as Error).message.split('\n')[0]}`);
    return c.json({ error: 'Something went wrong on the AutoStack server; nothing was changed.' }, 500);
  });
  // CSRF: browsers send Origin on every cross-site write; a write carrying the session must come from our origin.
  // Local mode has no session but acts on the user's repository: any browser write must be same-origin,
  // and the Host must be this machine (no DNS rebinding).
  api.use('*', async (c, next) => {
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method);
    const origin = c.req.header('origin');
    const host = c.req.header('host') ?? '';
    if (o.local && !isLoopbackHost(host, publicUrl)) return c.json({ error: `Local mode answers only on ${publicUrl.host}.` }, 403);
    const sameOrigin = origin === publicUrl.origin || origin === `http://${host}`;
    if (write && (o.local ? origin !== undefined && !sameOrigin : getCookie(c, SESSION_COOKIE) && origin !== publicUrl.origin)) {
      return c.json({ error: 'Cross-site request refused.' }, 403);
    }
    c.header('cache-control', 'no-store');
    c.header('x-content-type-options', 'nosniff');
    await next();
  });
  addPublicRoutes(api, ctx);
  addAuthRoutes(api, ctx);
  addRepoRoutes(api, ctx);
  addLocalRoutes(api, ctx);
  api.all('*', (c) => c.json({ error: `No API route ${c.req.method} ${c.req.path}.` }, 404));
  return api;
}

function isLoopbackHost(host: string, publicUrl: URL): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === publicUrl.host || name === 'localhost' || name === '127.0.0.1' || name === '::1';
}
