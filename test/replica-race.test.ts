import '../synth/node.ts';
import type { AddressInfo } from 'node:net';
import type { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_NAME, DEPLOY_CHECK_NAME } from '../app/github/check-run.ts';
import { MARKER } from '../app/github/sticky-comment.ts';
import { createGitHubServer, WEBHOOK_PATH } from '../app/server.ts';
import { loadAppConfig } from '../app/services/config.ts';
import { APP_ID, PLAN, payload, TEST_OCTOKIT, TEST_PRIVATE_KEY } from './github/harness.ts';
import { LiveGitHub } from './github/live-github.ts';
import type { LiveRequest } from './github/live-github.ts';

/**
 * E12: App replicas (each its own webhook server, token cache and in-process queue) handling the
 * same pull-request head at the same instant, against one stateful fake GitHub over HTTP. The fake
 * holds each kind of look-up until every replica has asked it, so all of them find nothing and
 * all of them create: the race really happens, every time.
 */

const SECRET = 'a-webhook-secret-for-replica-race-tests';
const F = '.autostack/orders-db.yaml';
const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length) cleanup.pop()!();
});

function quiet(): Probot['log'] {
  const log: Record<string, unknown> = {};
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) log[level] = () => undefined;
  log.child = () => log;
  log.level = 'fatal';
  return log as never;
}

async function github(): Promise<LiveGitHub> {
  const gh = await new LiveGitHub(APP_ID, SECRET).start();
  cleanup.push(() => gh.close());
  return gh;
}

async function replica(gh: LiveGitHub): Promise<string> {
  const server = await createGitHubServer({ appId: String(APP_ID), privateKey: TEST_PRIVATE_KEY, secret: SECRET, baseUrl: gh.url, Octokit: TEST_OCTOKIT, config: loadAppConfig({}), log: quiet() });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
}

const prPayload = (action: string, labels: string[] = []) => payload('pull_request', action, (p) => {
  p.number = 7;
  p.pull_request.number = 7;
  p.pull_request.head.sha = HEAD;
  p.pull_request.base.sha = BASE;
  p.pull_request.labels = labels.map((name) => ({ name }));
});

/** Pull request 7 on the fake: its file grows from 50 to 200 GiB (a valid change). */
function openPull(gh: LiveGitHub): void {
  gh.pulls.set(7, { number: 7, state: 'open', merged_at: null, head: { sha: HEAD }, base: { sha: BASE, ref: 'main' }, files: [F] });
  gh.files[BASE] = { [F]: PLAN('orders-db') };
  gh.files[HEAD] = { [F]: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 200') };
}

/**
 * Holds the first `n` requests of each kind until all `n` have arrived, then answers them together
 * (GitHub answering every replica's look-up before any of them has created anything).
 */
function barrier(gh: LiveGitHub, n: number, kinds: Record<string, (r: LiveRequest) => boolean>, patient: Record<string, number> = {}): Record<string, number> {
  const held: Record<string, number> = Object.fromEntries(Object.keys(kinds).map((k) => [k, 0]));
  const holding = new Set<LiveRequest>();
  const release = (kind: string) => gh.release((h) => holding.has(h) && kinds[kind]!(h));
  gh.intercept = (r) => {
    const kind = Object.keys(kinds).find((k) => kinds[k]!(r));
    if (!kind || held[kind]! >= n) return undefined;
    holding.add(r);
    held[kind] = held[kind]! + 1;
    if (held[kind] === n) setImmediate(() => release(kind));
    // A kind only some replicas may reach: answered after `patient[kind]` ms if the others never ask.
    else if (held[kind] === 1 && patient[kind]) setTimeout(() => release(kind), patient[kind]);
    return 'hang';
  };
  return held;
}

const reviewLookups = {
  comments: (r: LiveRequest) => r.method === 'GET' && r.path.endsWith('/issues/7/comments'),
  checks: (r: LiveRequest) => r.method === 'GET' && r.path.endsWith(`/commits/${HEAD}/check-runs`),
};

const reviewRuns = (gh: LiveGitHub) => gh.checkRuns.filter((c) => c.name === CHECK_NAME && c.head_sha === HEAD).sort((a, b) => a.id - b.id);

/** Exactly one comment and one check run that counts (the oldest, with the review); any other run says it is a duplicate of it and carries the same conclusion. */
function expectOneReview(gh: LiveGitHub, replicas: number, conclusion: string): void {
  expect(gh.comments).toHaveLength(1);
  expect(gh.comments[0]!.body).toContain(MARKER);
  expect(gh.comments[0]!.body).toContain('storage 50 → 200 GiB');
  const [counts, ...duplicates] = reviewRuns(gh);
  // The race happened: every replica created a run.
  expect(duplicates).toHaveLength(replicas - 1);
  expect(counts).toMatchObject({ status: 'completed', conclusion });
  expect(counts!.output.title).not.toMatch(/Duplicate/);
  expect(counts!.output.summary).toContain('storage 50 → 200 GiB');
  for (const d of duplicates) {
    expect(d).toMatchObject({ status: 'completed', conclusion });
    expect(d.output.title).toMatch(new RegExp(`^Duplicate of check run ${counts!.id}: `));
  }
}

describe('E12: replicas handling the same pull-request head or push at the same instant', () => {
  it('two replicas get the same delivery at once, both look up before either creates: one comment, one check run that counts, the other marked a duplicate with the same conclusion', async () => {
    const gh = await github();
    openPull(gh);
    gh.targets = [await replica(gh), await replica(gh)];
    const held = barrier(gh, 2, reviewLookups);
    const body = prPayload('opened');
    const answers = await Promise.all([gh.deliver('pull_request', body, 'e12-race'), gh.deliver('pull_request', body, 'e12-race')]);
    expect(answers.map((a) => a.status_code)).toEqual([200, 200]);
    expect(held).toEqual({ comments: 2, checks: 2 });
    expectOneReview(gh, 2, 'success');
    // Both created a comment; the replica whose check came second deleted its own.
    expect(gh.made('POST', '/issues/7/comments')).toHaveLength(2);
    expect(gh.made('DELETE', '/issues/comments/')).toHaveLength(1);
    expect(gh.problems).toEqual([]);
  });

  it('three replicas get different deliveries for the same head at once: one comment and one check run that counts; a later review updates that run and keeps the duplicates in step', async () => {
    const gh = await github();
    openPull(gh);
    gh.targets = [await replica(gh), await replica(gh), await replica(gh)];
    barrier(gh, 3, reviewLookups);
    const answers = await Promise.all([
      gh.deliver('pull_request', prPayload('opened'), 'e12-opened'),
      gh.deliver('pull_request', prPayload('synchronize'), 'e12-synchronize'),
      gh.deliver('pull_request', prPayload('ready_for_review'), 'e12-ready'),
    ]);
    expect(answers.map((a) => a.status_code)).toEqual([200, 200, 200]);
    expectOneReview(gh, 3, 'success');
    const counted = reviewRuns(gh)[0]!.id;

    // Seen again with a server resize (it stops the server, and the pull request has no downtime label): a
    // review of the same head on any replica fails the run that counts, and the duplicates follow.
    gh.intercept = undefined;
    gh.files[HEAD] = { [F]: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 200').replace('compute: { vcpu: 2, memoryGiB: 8 }', 'compute: { vcpu: 4, memoryGiB: 16 }') };
    const before = gh.made('POST', '/check-runs').length;
    expect((await gh.deliver('pull_request', prPayload('reopened'), 'e12-later')).status_code).toBe(200);
    expect(gh.made('POST', '/check-runs')).toHaveLength(before);
    const runs = reviewRuns(gh);
    expect(runs[0]!.id).toBe(counted);
    expect(runs.map((r) => r.conclusion)).toEqual(['failure', 'failure', 'failure']);
    expect(runs[0]!.output.title).not.toMatch(/Duplicate/);
    expect(gh.comments).toHaveLength(1);
    expect(gh.problems).toEqual([]);
  });

  it('two comments left by a race on two heads of one pull request: the next review keeps the oldest, updates it, and deletes the other', async () => {
    const gh = await github();
    openPull(gh);
    gh.targets = [await replica(gh)];
    const ours = { user: { login: 'autostack[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID } };
    const person = { id: 1, issue: 7, body: `${MARKER}\ntyped by a person`, user: { login: 'someone', type: 'User' }, performed_via_github_app: null as never };
    gh.comments.push(person, { id: 2, issue: 7, body: `${MARKER}\nreview of an older head`, ...ours }, { id: 3, issue: 7, body: `${MARKER}\nreview of another head`, ...ours });
    expect((await gh.deliver('pull_request', prPayload('synchronize'), 'e12-leftover')).status_code).toBe(200);
    expect(gh.comments.map((c) => c.id)).toEqual([1, 2]);
    expect(gh.comments[1]!.body).toContain('storage 50 → 200 GiB');
    expect(gh.comments[0]!.body).toBe(`${MARKER}\ntyped by a person`);
    expect(gh.problems).toEqual([]);
  });

  it('two replicas get the same push at once: one deploy commit, one deployment, one dispatch, one deploy check that counts (the other a neutral duplicate)', async () => {
    const gh = await github();
    const BEFORE = 'e'.repeat(40);
    const AFTER = 'f'.repeat(40);
    gh.files[BEFORE] = { [F]: PLAN('orders-db') };
    gh.files[AFTER] = { [F]: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 60') };
    gh.compares.set(`${BEFORE}...${AFTER}`, { status: 'ahead', files: [{ filename: F, status: 'modified' }] });
    gh.targets = [await replica(gh), await replica(gh)];
    const held = barrier(gh, 2, {
      branch: (r) => r.method === 'GET' && r.path.endsWith('/git/ref/heads/autostack/deploy'),
      checks: (r) => r.method === 'GET' && r.path.endsWith(`/commits/${AFTER}/check-runs`),
      deployments: (r) => r.method === 'GET' && r.path.endsWith('/deployments'),
    }, { deployments: 1500 });
    const push = payload('push', undefined, (p) => {
      p.ref = 'refs/heads/main';
      p.before = BEFORE;
      p.after = AFTER;
      p.deleted = false;
    });
    const answers = await Promise.all([gh.deliver('push', push, 'e12-push'), gh.deliver('push', push, 'e12-push')]);
    expect(answers.map((a) => a.status_code)).toEqual([200, 200]);
    expect(held.checks).toBe(2);
    // One deploy commit on the branch (the slower replica's branch creation was refused and it reused the first).
    expect([...gh.refs.keys()]).toEqual(['refs/heads/autostack/deploy']);
    expect(gh.deployments).toHaveLength(1);
    expect(gh.dispatches).toEqual([{ ref: 'main', inputs: { source_sha: AFTER, stacks: '["orders-db-aws"]', mode: 'apply' } }]);
    const [counts, ...duplicates] = gh.checkRuns.filter((c) => c.name === DEPLOY_CHECK_NAME && c.head_sha === AFTER).sort((a, b) => a.id - b.id);
    expect(counts).toMatchObject({ status: 'in_progress' });
    expect(duplicates).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'neutral', output: expect.objectContaining({ title: `Duplicate of check run ${counts!.id}` }) })]);
    expect(gh.problems).toEqual([]);
  });
});
