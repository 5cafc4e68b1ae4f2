import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { GitHubClient } from '../github/client.ts';
import { redeploy } from '../services/redeploy.ts';
import { MAX_REQUEST_BYTES } from './evaluate.ts';
import { jsonBody, notConfigured } from './http.ts';
import { ApiError, checkAccess, listPlans, proposePlanChange } from './repo-plans.ts';
import type { ChangeKind } from './repo-plans.ts';
import { SESSION_COOKIE } from './session.ts';
import type { Session } from './session.ts';
import type { ApiApp, ApiContext, ApiEnv } from './types.ts';
import { userOctokit } from './user-octokit.ts';

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** The plan API as the signed-in user: every action first asks GitHub what this user may do there. */
export function addRepoRoutes(api: ApiApp, ctx: ApiContext): void {
  api.use('/repos/*', async (c, next) => {
    if (!ctx.oauth || !ctx.sealer) return notConfigured(c);
    const s = ctx.sealer.open<Session>(getCookie(c, SESSION_COOKIE));
    if (!s || s.expiresAt < Date.now()) return c.json({ error: 'Sign in with GitHub first (/api/auth/login).' }, 401);
    c.set('session', s);
    await next();
  });

  const clientFor = (c: Context<ApiEnv>) => {
    const owner = c.req.param('owner') ?? '';
    const repo = c.req.param('repo') ?? '';
    if (!NAME.test(owner) || !NAME.test(repo) || repo.includes('..')) throw new ApiError(400, `"${owner}/${repo}" is not a repository name.`);
    return new GitHubClient(userOctokit(c.get('session').token, ctx.apiUrl), { owner, repo });
  };

  api.get('/repos/:owner/:repo/plans', async (c) => {
    const client = clientFor(c);
    return c.json(await listPlans(client, await checkAccess(client, false)));
  });

  const change = (kind: ChangeKind) => async (c: Context<ApiEnv>) => {
    const client = clientFor(c);
    const access = await checkAccess(client, true);
    const body = kind === 'remove' ? {} : ((await jsonBody(c)) as { content?: unknown; path?: unknown; title?: unknown });
    if (kind !== 'remove' && typeof body.content !== 'string') throw new ApiError(400, 'Send the plan as {"content": "<YAML>"}.');
    if (typeof body.content === 'string' && body.content.length > MAX_REQUEST_BYTES) throw new ApiError(400, 'The plan is too large.');
    const pr = await proposePlanChange(client, access, {
      kind,
      login: c.get('session').login,
      ...(c.req.param('name') ? { name: c.req.param('name') } : {}),
      ...(typeof body.content === 'string' ? { content: body.content } : {}),
      ...(typeof body.path === 'string' ? { path: body.path } : {}),
      ...(typeof body.title === 'string' ? { title: body.title } : {}),
    });
    return c.json({ pullRequest: pr }, 201);
  };
  api.post('/repos/:owner/:repo/plans', change('add'));
  api.put('/repos/:owner/:repo/plans/:name', change('update'));
  api.delete('/repos/:owner/:repo/plans/:name', change('remove'));

  api.post('/repos/:owner/:repo/plans/:name/deploy', async (c) => {
    const client = clientFor(c);
    await checkAccess(client, true);
    const r = await redeploy(client, c.req.param('name'));
    return c.json(r, r.ok ? 202 : 409);
  });
}
