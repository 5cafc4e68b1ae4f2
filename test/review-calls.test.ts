import '../synth/node.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGitHub, PLAN, payload, probot } from './github/harness.ts';

const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);
/**
 * Listing the pull request's files, one batched read at both refs, the head re-read, the comment
 * lookup and write, the check run (look up, create with its result, list again to confirm it came
 * first: E12, replicas racing on one head).
 */
const MAX_CALLS = 8;
let gh: FakeGitHub;
afterEach(() => gh?.verify());

function prPayload() {
  return payload('pull_request', 'opened', (p) => {
    p.number = 7;
    p.pull_request.number = 7;
    p.pull_request.head.sha = HEAD;
    p.pull_request.base.sha = BASE;
  });
}

/** The GitHub API calls of one full review of `n` changed plans (the installation token aside). */
async function reviewCalls(n: number): Promise<number> {
  gh = new FakeGitHub().token();
  const base: Record<string, string> = {};
  const head: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const f = `.autostack/db-${i}.yaml`;
    base[f] = PLAN(`db-${i}`);
    head[f] = PLAN(`db-${i}`).replace('sizeGiB: 50', `sizeGiB: ${60 + i}`);
  }
  // An unchanged plan beside them: the listing (duplicate names) must still see it.
  base['.autostack/other-db.yaml'] = head['.autostack/other-db.yaml'] = PLAN('other-db');
  gh.pages(gh.repoPath('/pulls/7/files'), Object.keys(head).filter((f) => !f.includes('other')).map((filename) => ({ filename, status: 'modified' })));
  gh.graphql({ [BASE]: base, [HEAD]: head });
  gh.newCheckRun(HEAD, 99);
  gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
  gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
  gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
  await (await probot()).receive({ id: `n${n}`, name: 'pull_request', payload: prPayload() } as never);
  const check = gh.made('POST', '/check-runs')[0]!.body;
  expect(check).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: expect.stringContaining(`${n} plan${n === 1 ? '' : 's'} changed`) } });
  expect(gh.made('POST', '/issues/7/comments')[0]!.body.body).toContain(`storage 50 → ${60 + n - 1} GiB`);
  return gh.requests.filter((r) => !r.path.includes('/access_tokens')).length;
}

describe('GitHub API calls of a pull-request review', () => {
  for (const n of [1, 10, 100]) {
    it(`reviews ${n} changed plan${n === 1 ? '' : 's'} in at most ${MAX_CALLS} calls`, async () => {
      const calls = await reviewCalls(n);
      expect(calls, `${calls} GitHub API calls for ${n} changed plans`).toBeLessThanOrEqual(MAX_CALLS);
    });
  }
});

describe('the batched reader in a review', () => {
  it('reads every other plan a budget needs in one more batch, and sees names used twice through the listing', async () => {
    gh = new FakeGitHub().token();
    const settings = 'apiVersion: autostack.dev/v1\nkind: Settings\nspec:\n  budgets: { monthlyUsd: 100000 }\n';
    const files: Record<string, string> = { '.autostack/autostack.yaml': settings };
    for (let i = 0; i < 30; i++) files[`.autostack/team-${i % 3}/db-${i}.yaml`] = PLAN(`db-${i}`);
    // The changed plan's name is taken by a plan two directories down.
    files['.autostack/a/b/c/d/orders-db.yaml'] = PLAN('orders-db');
    const head = { ...files, '.autostack/orders-db.yaml': PLAN('orders-db') };
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: '.autostack/orders-db.yaml', status: 'added' }]);
    gh.graphql({ [BASE]: files, [HEAD]: head }, 2);
    gh.newCheckRun(HEAD, 99);
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
    await (await probot()).receive({ id: 'budget', name: 'pull_request', payload: prPayload() } as never);
    const queries = gh.made('POST', '/graphql');
    expect(queries).toHaveLength(2);
    // The second batch holds the 31 plans the change did not touch, at head.
    expect(Object.keys(queries[1]!.body.variables).filter((k) => k.startsWith('e'))).toHaveLength(31);
    const comment = gh.made('POST', '/issues/7/comments')[0]!.body.body as string;
    expect(comment).toContain('.autostack/a/b/c/d/orders-db.yaml');
    expect(gh.requests.filter((r) => !r.path.includes('/access_tokens'))).toHaveLength(MAX_CALLS + 1);
  });
});

describe('GitHubReader, batched', () => {
  it('reads text GitHub truncates from its blob, lists trees deeper than the query through REST, and reads through REST when GraphQL fails twice', async () => {
    const { GitHubReader } = await import('../app/github/reader.ts');
    const { GitHubClient } = await import('../app/github/client.ts');
    const { TEST_OCTOKIT, OWNER, REPO } = await import('./github/harness.ts');
    gh = new FakeGitHub();
    const big = 'x'.repeat(10);
    const nock = (await import('nock')).default;
    let query = 0;
    nock('https://api.github.com').post('/graphql').times(3).reply(() => {
      query++;
      if (query >= 2) return [200, { data: { repository: { f0: null } }, errors: [{ message: 'Timeout on validation of query' }] }];
      const deep = { name: 'e', type: 'tree' };
      return [200, { data: { repository: { f0: { oid: 'd'.repeat(40), text: 'xxx', isBinary: false, isTruncated: true }, f1: null, f2: { entries: [{ name: 'top.yaml', type: 'blob' }, { name: 'a', type: 'tree', object: { entries: [{ name: 'b', type: 'tree', object: { entries: [{ name: 'c', type: 'tree', object: { entries: [{ name: 'd', type: 'tree', object: { entries: [deep] } }] } }] } }] } }] } } } }];
    });
    gh.on('GET', gh.repoPath(`/git/blobs/${'d'.repeat(40)}`), 200, { sha: 'd'.repeat(40), encoding: 'base64', content: Buffer.from(big).toString('base64'), size: big.length });
    gh.on('GET', gh.repoPath('/git/trees/main'), 200, { sha: 'main', truncated: false, tree: [{ path: '.autostack', type: 'tree', sha: 'sub', mode: '040000' }] });
    gh.on('GET', gh.repoPath('/git/trees/sub'), 200, { sha: 'sub', truncated: false, tree: [{ path: 'top.yaml', type: 'blob', sha: 'e'.repeat(40), mode: '100644' }, { path: 'a/b/c/d/e/deep.yaml', type: 'blob', sha: 'f'.repeat(40), mode: '100644' }] });
    const reader = new GitHubReader(new GitHubClient(new TEST_OCTOKIT({ auth: 'ghs_x' }) as never, { owner: OWNER, repo: REPO }), { batch: true });
    const [text, missing, listed] = await Promise.all([reader.read('main', '.autostack/big.yaml'), reader.read('main', '.autostack/none.yaml'), reader.list('main', '.autostack')]);
    expect(text).toBe(big);
    expect(missing).toBeUndefined();
    expect(listed).toEqual(['.autostack/a/b/c/d/e/deep.yaml', '.autostack/top.yaml']);
    // Asked twice, then answered from the tree already read (not from the partial data).
    gh.on('GET', gh.repoPath(`/git/blobs/${'e'.repeat(40)}`), 200, { sha: 'e'.repeat(40), encoding: 'base64', content: Buffer.from('top').toString('base64'), size: 3 });
    expect(await reader.read('main', '.autostack/top.yaml')).toBe('top');
    expect(query).toBe(3);
    // From then on, this reader reads through REST only.
    expect(await reader.read('main', '.autostack/none-either.yaml')).toBeUndefined();
    expect(query).toBe(3);
  });
});

describe('GitHubClient.graphql', () => {
  it('posts to /api/graphql on GitHub Enterprise Server (REST under /api/v3) and to /graphql on github.com', async () => {
    const { GitHubClient } = await import('../app/github/client.ts');
    const { TEST_OCTOKIT: Octokit } = await import('./github/harness.ts');
    const seen: string[] = [];
    const fetch = async (url: string) => {
      seen.push(String(url));
      return new Response(JSON.stringify({ data: {} }), { headers: { 'content-type': 'application/json' } });
    };
    await new GitHubClient(new Octokit({ baseUrl: 'https://ghe.example/api/v3', request: { fetch } }) as never, { owner: 'a', repo: 'b' }).graphql('query { x }');
    await new GitHubClient(new Octokit({ request: { fetch } }) as never, { owner: 'a', repo: 'b' }).graphql('query { x }');
    expect(seen).toEqual(['https://ghe.example/api/graphql', 'https://api.github.com/graphql']);
  });
});
