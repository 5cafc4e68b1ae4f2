import '../synth/node.ts';
import { collectingLog } from './helpers.ts';
import type { AddressInfo } from 'node:net';
import type { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_NAME } from '../app/github/check-run.ts';
import { createGitHubServer, WEBHOOK_PATH } from '../app/server.ts';
import { loadAppConfig } from '../app/services/config.ts';
import { sourceOf } from '../synth/contract/deploy-manifest.ts';
import { APP_ID, PLAN, payload, TEST_OCTOKIT, TEST_PRIVATE_KEY } from './github/harness.ts';
import { LiveGitHub } from './github/live-github.ts';

// Concurrency and delivery faults against GitHub faked as a whole on 127.0.0.1 (test/github/live-github.ts),
// with the App's real webhook server: docs/security.md rows D5, D6, D11, D13, D14.

const SECRET = 'a-webhook-secret-for-fault-tests';
const F = '.autostack/orders-db.yaml';
const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);
const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length) cleanup.pop()!();
});

/** A logger that keeps every record as JSON text. */
const collecting = () => collectingLog() as { records: string[]; log: Probot['log'] };

async function setUp(answerWithinMs?: number) {
  const gh = await new LiveGitHub(APP_ID, SECRET).start();
  cleanup.push(() => gh.close());
  const { records, log } = collecting();
  const server = await createGitHubServer({ appId: String(APP_ID), privateKey: TEST_PRIVATE_KEY, secret: SECRET, baseUrl: gh.url, Octokit: TEST_OCTOKIT, config: loadAppConfig({}), log, ...(answerWithinMs ? { answerWithinMs } : {}) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => server.close());
  gh.targets = [`http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`];
  gh.pulls.set(7, { number: 7, state: 'open', merged_at: null, head: { sha: HEAD }, base: { sha: BASE, ref: 'main' }, files: [F] });
  gh.files[BASE] = { [F]: PLAN('orders-db') };
  gh.files[HEAD] = { [F]: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 200') };
  return { gh, records };
}

const prPayload = (action = 'opened') => payload('pull_request', action, (p) => {
  p.number = 7;
  p.pull_request.number = 7;
  p.pull_request.head.sha = HEAD;
  p.pull_request.base.sha = BASE;
});

const pushPayload = (before: string, after: string) => payload('push', undefined, (p) => {
  p.ref = 'refs/heads/main';
  p.before = before;
  p.after = after;
  p.deleted = false;
});

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('D11: a slow handler, a fast acknowledgement', () => {
  it('answers 202 while the work still waits on GitHub, then finishes it: one comment, one completed check', async () => {
    const { gh } = await setUp(200);
    let held = false;
    gh.intercept = (r) => {
      if (!held && r.path.endsWith('/pulls/7/files')) {
        held = true;
        return 'hang';
      }
      return undefined;
    };
    const answer = await gh.deliver('pull_request', prPayload());
    // Answered although the work cannot finish (GitHub holds the handler's first read until released).
    expect(answer).toMatchObject({ status_code: 202, status: 'OK' });
    await waitFor(() => held);
    expect(gh.comments).toEqual([]);
    expect(gh.checkRuns).toEqual([]);
    gh.release();
    await waitFor(() => gh.checkRuns.some((c) => c.status === 'completed'));
    expect(gh.comments).toHaveLength(1);
    expect(gh.checkRuns).toEqual([expect.objectContaining({ name: CHECK_NAME, head_sha: HEAD, conclusion: 'success' })]);
    expect(gh.problems).toEqual([]);
  });
});

describe('D13: the installation deleted or the repository removed while work is queued', () => {
  it('a refused installation token ends the handler at once: one token request, no failed check, no retry, and later deliveries for it are dropped', async () => {
    const { gh, records } = await setUp();
    gh.goneInstallations.add(1);
    const first = await gh.deliver('pull_request', prPayload());
    expect(first.status_code).toBe(200);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /app/installations/1/access_tokens']);
    expect(records.filter((r) => r.includes('GitHub refused the installation token'))).toHaveLength(1);
    // A second delivery for the same installation: no request at all.
    const second = await gh.deliver('pull_request', prPayload('synchronize'));
    expect(second.status_code).toBe(200);
    expect(gh.requests).toHaveLength(1);
    expect(records.some((r) => r.includes('delivery dropped') && r.includes(second.guid))).toBe(true);
    expect(records.join('\n')).not.toMatch(/ghs_|BEGIN RSA/);
    expect(gh.problems).toEqual([]);
  });

  it('installation.deleted while deliveries for it wait in the queue: the running one stops at its next refused call, the queued ones never call GitHub', async () => {
    const { gh, records } = await setUp(200);
    let held = false;
    gh.intercept = (r) => {
      if (!held && r.path.endsWith('/pulls/7/files')) {
        held = true;
        return 'hang';
      }
      return undefined;
    };
    expect((await gh.deliver('pull_request', prPayload())).status_code).toBe(202);
    // Two more for the same pull request wait behind the first one.
    const queued = [await gh.deliver('pull_request', prPayload('synchronize')), await gh.deliver('pull_request', prPayload('reopened'))];
    expect(queued.map((q) => q.status_code)).toEqual([202, 202]);
    expect((await gh.deliver('installation', payload('installation', 'deleted', (p) => (p.installation.id = 1)))).status_code).toBe(200);
    gh.goneInstallations.add(1);
    const before = gh.requests.length;
    gh.release();
    await waitFor(() => queued.every((q) => records.some((r) => r.includes('delivery dropped') && r.includes(q.guid))));
    await new Promise((r) => setTimeout(r, 200));
    const after = gh.requests.slice(before);
    // The running handler's call is refused (401): one fresh token is asked for, GitHub refuses it,
    // and the handler stops there, without a failed check. The only repeats are @octokit/auth-app's,
    // for a token under 5 s old (GitHub's token replication), at most 3.
    const made = new Set(after.map((r) => `${r.method} ${r.path}`));
    expect([...made].filter((m) => m !== 'GET /repos/acme/infra/pulls/7/files' && m !== 'POST /app/installations/1/access_tokens')).toEqual([]);
    expect(after.filter((r) => r.path.endsWith('/pulls/7/files')).length).toBeLessThanOrEqual(3);
    expect(records.filter((r) => r.includes('GitHub refused the installation token'))).toHaveLength(1);
    expect(gh.checkRuns).toEqual([]);
    expect(gh.comments).toEqual([]);
    // The server is still there.
    gh.goneInstallations.delete(1);
    expect((await gh.deliver('installation', payload('installation', 'created', (p) => (p.installation.id = 1)))).status_code).toBeLessThan(300);
  });

  it('a repository removed from the installation: queued work for it is dropped, other repositories go on', async () => {
    const { gh, records } = await setUp();
    await gh.deliver('installation_repositories', payload('installation_repositories', 'removed', (p) => {
      p.installation.id = 1;
      p.repositories_removed = [{ id: 1, name: 'infra', full_name: 'acme/infra', private: true }];
      p.repositories_added = [];
    }));
    const dropped = await gh.deliver('pull_request', prPayload());
    expect(dropped.status_code).toBe(200);
    expect(gh.requests.filter((r) => r.path.startsWith('/repos/'))).toEqual([]);
    expect(records.some((r) => r.includes('delivery dropped') && r.includes(dropped.guid))).toBe(true);
  });
});

describe('D14: a pull request closed while it is being reviewed', () => {
  it('writes no comment and completes the check as neutral, saying why', async () => {
    const { gh } = await setUp();
    gh.intercept = (r) => {
      // Closed while the review reads the plans.
      if (r.path === '/graphql') gh.pulls.get(7)!.state = 'closed';
      return undefined;
    };
    expect((await gh.deliver('pull_request', prPayload())).status_code).toBe(200);
    expect(gh.comments).toEqual([]);
    expect(gh.made('POST', '/issues/7/comments')).toEqual([]);
    expect(gh.checkRuns).toEqual([expect.objectContaining({ name: CHECK_NAME, head_sha: HEAD, status: 'completed', conclusion: 'neutral', output: expect.objectContaining({ title: 'Not reviewed: the pull request was closed' }) })]);
    expect(gh.problems).toEqual([]);
  });

  it('a pull request merged meanwhile still gets its review (the deploy status is added to that comment)', async () => {
    const { gh } = await setUp();
    gh.intercept = (r) => {
      if (r.path === '/graphql') Object.assign(gh.pulls.get(7)!, { state: 'closed', merged_at: new Date().toISOString() });
      return undefined;
    };
    await gh.deliver('pull_request', prPayload());
    expect(gh.comments).toHaveLength(1);
    expect(gh.checkRuns).toEqual([expect.objectContaining({ conclusion: 'success' })]);
  });
});

describe('D5/D6: merges in quick succession', () => {
  it('three pushes to main in quick succession: three deploy commits in order, each dispatch naming its own source, the last render at the head', async () => {
    // Each push is answered 202 at once and waits behind the one before it (one repository's pushes run one at a time).
    const { gh } = await setUp(100);
    const C = ['1', '2', '3'].map((c) => c.repeat(40));
    const sizes = ['60', '70', '80'];
    gh.files[BASE] = { [F]: PLAN('orders-db') };
    C.forEach((c, i) => (gh.files[c] = { [F]: PLAN('orders-db').replace('sizeGiB: 50', `sizeGiB: ${sizes[i]}`) }));
    const parents = [BASE, ...C];
    gh.history = parents;
    for (let i = 0; i < C.length; i++) gh.compares.set(`${parents[i]}...${C[i]}`, { status: 'ahead', files: [{ filename: F, status: 'modified' }] });
    for (const [i, c] of C.entries()) expect((await gh.deliver('push', pushPayload(parents[i]!, c))).status_code).toBe(202);
    await waitFor(() => gh.dispatches.length === 3 && gh.checkRuns.filter((r) => r.status === 'in_progress').length === 3, 100_000);
    // The deploy branch: C3's render on C2's on C1's (one repository's pushes are handled one at a time, in order).
    const chain: string[] = [];
    for (let sha = gh.refs.get('refs/heads/autostack/deploy'); sha && gh.commits.get(sha); sha = gh.commits.get(sha)!.parents[0]) chain.push(sourceOf(gh.commits.get(sha)!.message)!);
    expect(chain).toEqual([...C].reverse());
    expect(gh.dispatches.map((d) => d.inputs.source_sha)).toEqual(C);
    expect(gh.deployments.map((d) => d.payload.sourceSha)).toEqual(C);
    expect(gh.problems).toEqual([]);
  }, 120_000);
});
