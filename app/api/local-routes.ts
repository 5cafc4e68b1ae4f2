import { ApiError } from './errors.ts';
import type { ApiApp, ApiContext } from './types.ts';

/**
 * Local mode only: the repository's pull requests with their reviews, merge and close; the deploy
 * folder (where the rendered Terraform is and how to apply it); and the progress of a merge or
 * render while it runs (the page polls it).
 */
export function addLocalRoutes(api: ApiApp, ctx: ApiContext): void {
  const local = () => {
    if (!ctx.local) throw new ApiError(404, 'This AutoStack is connected to GitHub: pull requests are on GitHub.');
    return ctx.local;
  };
  const number = (v: string) => {
    if (!/^\d{1,9}$/.test(v)) throw new ApiError(400, `"${v}" is not a pull request number.`);
    return Number(v);
  };
  api.get('/local', async (c) => {
    const l = local();
    return c.json({ repo: l.repo, path: l.git.dir, defaultBranch: l.defaultBranch, deploy: await l.deployFolder() });
  });
  api.get('/local/progress', (c) => c.json({ progress: local().progress() ?? null }));
  api.get('/local/pulls', async (c) => c.json({ pulls: (await local().listPulls()).map(({ review, ...p }) => ({ ...p, review: { ...review, markdown: undefined } })) }));
  api.get('/local/pulls/:n', async (c) => c.json(await local().getPull(number(c.req.param('n')))));
  api.post('/local/pulls/:n/merge', async (c) => c.json(await local().mergePull(number(c.req.param('n')))));
  api.post('/local/pulls/:n/close', async (c) => c.json(await local().closePull(number(c.req.param('n')))));
}
