import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { GitHubClient, paginate } from '../github/client.ts';
import { jsonBody, notConfigured } from './http.ts';
import type { PlanStore } from '../services/plan-store.ts';
import { ApiError } from './errors.ts';
import { checkAccess, GitHubPlanStore, listPlans, proposePlanChange, readPlan } from './repo-plans.ts';
import type { ChangeKind } from './repo-plans.ts';
import { SESSION_COOKIE } from './session.ts';
import type { ApiApp, ApiContext, ApiEnv } from './types.ts';
import { userOctokit } from './user-octokit.ts';

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * The plan API. In local mode the local repository answers as `local/<name>`, no sign-in (the
 * server listens on loopback); otherwise every action first asks GitHub what this signed-in user
 * may do in that repository, and changes are pull requests opened as the user.
 */
export function addRepoRoutes(api: ApiApp, ctx: ApiContext): void {
  const guard = async (c: Context<ApiEnv>, next: () => Promise<void>) => {
    if (ctx.local) {
      await next();
      return;
    }
    if (!ctx.oauth || !ctx.sealer) return notConfigured(c);
    const s = ctx.sealer.openSession(getCookie(c, SESSION_COOKIE));
    if (!s) return c.json({ error: 'Sign in with GitHub first (the Sign in link at the top of the site).' }, 401);
    c.set('session', s);
    await next();
  };
  api.use('/repos/*', guard);
  api.use('/repos', guard);

  // The signed-in user's repositories where AutoStack is installed (the App's installations this user can see).
  api.get('/repos', async (c) => {
    if (ctx.local) return c.json({ repositories: [{ fullName: ctx.local.repo, local: true }] });
    const gh = userOctokit(c.get('session').token, ctx.apiUrl);
    const installations = (await paginate(gh, 'GET /user/installations')) as { id: number }[];
    const repositories: { fullName: string; private: boolean; defaultBranch: string }[] = [];
    for (const i of installations.slice(0, 20)) {
      const page = (await paginate(gh, 'GET /user/installations/{installation_id}/repositories', { installation_id: i.id })) as { full_name: string; private: boolean; default_branch: string }[];
      for (const r of page) repositories.push({ fullName: r.full_name, private: r.private, defaultBranch: r.default_branch });
    }
    return c.json({ repositories: repositories.sort((a, b) => a.fullName.localeCompare(b.fullName)) });
  });

  const storeFor = async (c: Context<ApiEnv>, write: boolean): Promise<PlanStore> => {
    const owner = c.req.param('owner') ?? '';
    const repo = c.req.param('repo') ?? '';
    if (!NAME.test(owner) || !NAME.test(repo) || repo.includes('..')) throw new ApiError(400, `"${owner}/${repo}" is not a repository name.`);
    if (ctx.local) {
      if (`${owner}/${repo}` !== ctx.local.repo) throw new ApiError(404, `This AutoStack runs in local mode and serves only ${ctx.local.repo}.`);
      return ctx.local;
    }
    const client = new GitHubClient(userOctokit(c.get('session').token, ctx.apiUrl), { owner, repo });
    return new GitHubPlanStore(client, await checkAccess(client, write));
  };
  const login = (c: Context<ApiEnv>) => (ctx.local ? 'local' : c.get('session').login);

  api.get('/repos/:owner/:repo/plans', async (c) => c.json(await listPlans(await storeFor(c, false))));
  api.get('/repos/:owner/:repo/activity', async (c) => c.json({ activity: await (await storeFor(c, false)).activity() }));
  api.get('/repos/:owner/:repo/plans/:name', async (c) => c.json(await readPlan(await storeFor(c, false), c.req.param('name'))));

  const change = (kind: ChangeKind) => async (c: Context<ApiEnv>) => {
    const store = await storeFor(c, true);
    const body = kind === 'remove' ? {} : ((await jsonBody(c)) as { content?: unknown; path?: unknown; title?: unknown });
    const pr = await proposePlanChange(store, {
      kind,
      login: login(c),
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
    const r = await (await storeFor(c, true)).redeploy(c.req.param('name'));
    return c.json(r, r.ok ? 202 : 409);
  });
}
