import '../synth/node.ts';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Probot } from 'probot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HANDLED_EVENTS } from '../app/github-app.ts';
import { CHECK_NAME, DEPLOY_CHECK_NAME } from '../app/github/check-run.ts';
import { createGitHubServer, gitHubModeFromEnv, WEBHOOK_PATH } from '../app/server.ts';
import { loadAppConfig } from '../app/services/config.ts';
import { Redeliverer, redeliverIntervalFromEnv, scheduleRuns } from '../app/services/redeliver.ts';
import type { RedeliverLimits } from '../app/services/redeliver.ts';
import { SOURCE_TRAILER } from '../synth/contract/deploy-manifest.ts';
import { APP_ID, PLAN, payload, TEST_OCTOKIT, TEST_PRIVATE_KEY } from './github/harness.ts';
import { LiveGitHub } from './github/live-github.ts';
import type { Attempt } from './github/live-github.ts';
import { collectingLog, ROOT } from './helpers.ts';

const SECRET = 'a-webhook-secret-for-redelivery-tests';
const F = '.autostack/orders-db.yaml';
const BASE = 'b'.repeat(40);
const MIN = 60_000;
/** The production limits, but judged at once in tests that do not age the deliveries. */
const LIMITS: Partial<RedeliverLimits> = {};

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length) cleanup.pop()!();
});

/** A logger that keeps every record as JSON text. */
const collecting = () => collectingLog() as { records: string[]; log: Probot['log'] };

async function github(): Promise<LiveGitHub> {
  const gh = await new LiveGitHub(APP_ID, SECRET).start();
  cleanup.push(() => gh.close());
  return gh;
}

/** The job as one replica runs it, authenticated with the App's key against the fake GitHub. */
function redeliverer(gh: LiveGitHub, limits: Partial<RedeliverLimits> = LIMITS, log = collecting().log): Redeliverer {
  const probot = new Probot({ appId: APP_ID, privateKey: TEST_PRIVATE_KEY, secret: SECRET, baseUrl: gh.url, Octokit: TEST_OCTOKIT, logLevel: 'fatal' });
  return new Redeliverer({ appId: APP_ID, auth: (id) => probot.auth(id) as never, handledEvents: HANDLED_EVENTS, log, limits });
}

/** A replica of the App in this process, answering the fake GitHub's deliveries. */
async function replica(gh: LiveGitHub, extra: Partial<Parameters<typeof createGitHubServer>[0]> = {}): Promise<{ server: Server; url: string }> {
  const server = await createGitHubServer({ appId: String(APP_ID), privateKey: TEST_PRIVATE_KEY, secret: SECRET, baseUrl: gh.url, Octokit: TEST_OCTOKIT, config: loadAppConfig({}), log: collecting().log, ...extra });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => server.close());
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}` };
}

/** A replica in a process of its own, which the test can kill. */
async function childReplica(gh: LiveGitHub, answerMs: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'test/fixtures/app-replica.ts')], { cwd: ROOT, env: { ...process.env, GH_URL: gh.url, APP_ID: String(APP_ID), APP_PRIVATE_KEY: TEST_PRIVATE_KEY, APP_SECRET: SECRET, ANSWER_MS: String(answerMs), LOG_LEVEL: 'fatal' }, stdio: ['ignore', 'pipe', 'inherit'] });
  cleanup.push(() => child.kill('SIGKILL'));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c;
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the replica exited (${code}) before listening`)));
  });
  return { child, url: `http://127.0.0.1:${port}${WEBHOOK_PATH}` };
}

const prPayload = (n: number, head: string, action = 'opened', installation = 1) => payload('pull_request', action, (p) => {
  p.number = n;
  p.pull_request.number = n;
  p.pull_request.head.sha = head;
  p.pull_request.base.sha = BASE;
  p.installation.id = installation;
});

const pushPayload = (before: string, after: string) => payload('push', undefined, (p) => {
  p.ref = 'refs/heads/main';
  p.before = before;
  p.after = after;
  p.deleted = false;
});

/** Pull request `n` on the fake: its files, both commits' contents, open. */
function openPull(gh: LiveGitHub, n: number, head: string): void {
  gh.pulls.set(n, { number: n, state: 'open', merged_at: null, head: { sha: head }, base: { sha: BASE, ref: 'main' }, files: [F] });
  gh.files[BASE] = { [F]: PLAN('orders-db') };
  gh.files[head] = { [F]: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 200') };
}

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sha = (c: string) => c.repeat(40);

describe('the redelivery job: which deliveries it asks GitHub to send again', () => {
  it('redelivers exactly the failed and the accepted-but-unfinished deliveries, paging through GitHub\'s list as the App (JWT)', async () => {
    const gh = await github();
    const expected: Attempt[] = [];
    const expectNot: Attempt[] = [];
    // Failed: no answer (server down), or an error status. GitHub never retries these by itself.
    expected.push(gh.record({ event: 'pull_request', status_code: 502, status: 'Invalid HTTP Response: 502', payload: prPayload(1, sha('1'), 'synchronize') }, 20 * MIN));
    expected.push(gh.record({ event: 'push', status_code: 0, status: 'failed to connect to host', payload: pushPayload(sha('e'), sha('f')) }, 40 * MIN));
    // Finished: answered 200 (the handler ran to its end before answering).
    expectNot.push(gh.record({ event: 'pull_request', payload: prPayload(2, sha('2')) }, 20 * MIN));
    // Accepted (202) and unfinished: no completed AutoStack check on the head.
    expected.push(gh.record({ event: 'pull_request', status_code: 202, status: 'OK', payload: prPayload(3, sha('3')) }, 30 * MIN));
    // Accepted and finished: the check was completed after the delivery.
    expectNot.push(gh.record({ event: 'pull_request', status_code: 202, payload: prPayload(4, sha('4'), 'synchronize') }, 30 * MIN));
    gh.checkRuns.push({ id: 1, name: CHECK_NAME, head_sha: sha('4'), status: 'completed', conclusion: 'success', started_at: null, completed_at: new Date(Date.now() - 25 * MIN).toISOString(), app: { id: APP_ID } });
    // Accepted check re-run, but the only completed check predates the request.
    expected.push(gh.record({ event: 'check_run', status_code: 202, payload: payload('check_run', 'rerequested', (p) => {
      p.check_run.name = CHECK_NAME;
      p.check_run.head_sha = sha('5');
    }) }, 30 * MIN));
    gh.checkRuns.push({ id: 2, name: CHECK_NAME, head_sha: sha('5'), status: 'completed', conclusion: 'failure', started_at: null, completed_at: new Date(Date.now() - 60 * MIN).toISOString(), app: { id: APP_ID } });
    // Accepted pushes: deploy check still queued (dispatch unconfirmed) → again; in progress → done; no check and no .autostack/ change → nothing to do.
    expected.push(gh.record({ event: 'push', status_code: 202, payload: pushPayload(sha('6'), sha('7')) }, 30 * MIN));
    gh.checkRuns.push({ id: 3, name: DEPLOY_CHECK_NAME, head_sha: sha('7'), status: 'queued', conclusion: null, started_at: null, completed_at: null, app: { id: APP_ID } });
    expectNot.push(gh.record({ event: 'push', status_code: 202, payload: pushPayload(sha('8'), sha('9')) }, 30 * MIN));
    gh.checkRuns.push({ id: 4, name: DEPLOY_CHECK_NAME, head_sha: sha('9'), status: 'in_progress', conclusion: null, started_at: null, completed_at: null, app: { id: APP_ID } });
    expectNot.push(gh.record({ event: 'push', status_code: 202, payload: pushPayload(sha('a'), sha('c')) }, 30 * MIN));
    gh.compares.set(`${sha('a')}...${sha('c')}`, { status: 'ahead', files: [{ filename: 'README.md', status: 'modified' }] });
    // An accepted push that did change plans and left no check at all.
    expected.push(gh.record({ event: 'push', status_code: 202, payload: pushPayload(sha('a'), sha('d')) }, 30 * MIN));
    gh.compares.set(`${sha('a')}...${sha('d')}`, { status: 'ahead', files: [{ filename: F, status: 'modified' }] });
    // Accepted onboarding leaves no cheap mark: once, not twice.
    expected.push(gh.record({ event: 'installation', status_code: 202, payload: payload('installation', 'created') }, 30 * MIN));
    const twice = gh.record({ event: 'installation_repositories', status_code: 202, payload: payload('installation_repositories', 'added') }, 50 * MIN);
    expectNot.push(twice, gh.record({ event: 'installation_repositories', guid: twice.guid, redelivery: true, status_code: 202, payload: twice.payload }, 30 * MIN));
    // A comment command: its reaction makes a redelivery do nothing, so it is not asked for.
    expectNot.push(gh.record({ event: 'issue_comment', status_code: 202, payload: payload('issue_comment', 'created') }, 30 * MIN));
    // An installation GitHub no longer knows: nothing to recover there.
    gh.goneInstallations.add(77);
    expectNot.push(gh.record({ event: 'pull_request', status_code: 202, payload: prPayload(8, sha('8'), 'opened', 77) }, 30 * MIN));
    // Not an event the App handles; too young to judge; failed three times already; failed then recovered.
    expectNot.push(gh.record({ event: 'ping', status_code: 500, installation_id: null, payload: { zen: 'x' } }, 20 * MIN));
    expectNot.push(gh.record({ event: 'pull_request', status_code: 500, payload: prPayload(9, sha('9')) }, 2 * MIN));
    const thrice = gh.record({ event: 'pull_request', status_code: 500, payload: prPayload(10, sha('a')) }, 90 * MIN);
    expectNot.push(thrice, gh.record({ ...thrice, id: undefined, redelivery: true }, 60 * MIN), gh.record({ ...thrice, id: undefined, redelivery: true }, 30 * MIN));
    const recovered = gh.record({ event: 'push', status_code: 502, payload: pushPayload(sha('b'), sha('e')) }, 90 * MIN);
    expectNot.push(recovered, gh.record({ ...recovered, id: undefined, redelivery: true, status_code: 200 }, 60 * MIN));
    // 150 finished deliveries three hours ago, then old failures outside the six-hour window: two pages are read, not the third.
    for (let i = 0; i < 150; i++) gh.record({ event: 'pull_request', payload: { action: 'opened', installation: { id: 1 } } }, 180 * MIN);
    for (let i = 0; i < 120; i++) expectNot.push(gh.record({ event: 'pull_request', status_code: 500, payload: prPayload(11, sha('b')) }, 8 * 60 * MIN + i));

    const { records, log } = collecting();
    const report = await redeliverer(gh, LIMITS, log).runOnce();

    const asked = gh.made('POST', /^\/app\/hook\/deliveries\/\d+\/attempts$/).map((r) => Number(r.path.split('/')[4]));
    expect(asked.sort()).toEqual(expected.map((a) => a.id).sort());
    expect(report.redelivered.map((r) => r.id).sort()).toEqual(asked);
    for (const a of expectNot) expect(asked).not.toContain(a.id);
    const lists = gh.made('GET', '/app/hook/deliveries').filter((r) => r.path === '/app/hook/deliveries');
    expect(lists).toHaveLength(2);
    expect(lists[1]!.query.get('cursor')).toBeTruthy();
    // The list, the payloads and the redeliveries as the App (JWT); GitHub's state as the installation.
    for (const r of gh.requests.filter((x) => x.path.startsWith('/app/hook/'))) expect(r.auth).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(gh.problems).toEqual([]);
    expect(records.some((r) => /not recovered after 3 attempts/.test(r) && r.includes(thrice.guid))).toBe(true);
    expect(records.join('\n')).not.toMatch(/ghs_|BEGIN RSA|bearer/i);
  });

  it('asks at most maxPerRun per run, oldest first, and never twice for one delivery while its attempt is young', async () => {
    const gh = await github();
    const failed = [50, 40, 30].map((age) => gh.record({ event: 'pull_request', status_code: 500, payload: prPayload(age, sha('1')) }, age * MIN));
    const job = redeliverer(gh, { maxPerRun: 2 });
    expect((await job.runOnce()).redelivered.map((r) => r.id)).toEqual([failed[0]!.id, failed[1]!.id]);
    // Nobody answers the redeliveries here (no replica), so GitHub has not listed them yet: the same process still does not ask again.
    expect((await job.runOnce()).redelivered.map((r) => r.id)).toEqual([failed[2]!.id]);
    expect((await job.runOnce()).redelivered).toEqual([]);
    expect(gh.problems).toEqual([]);
  });

  it('never runs two passes at once, and logs a failing pass without secrets', async () => {
    const gh = await github();
    gh.record({ event: 'pull_request', status_code: 500, payload: prPayload(1, sha('1')) }, 30 * MIN);
    const { records, log } = collecting();
    const job = redeliverer(gh, LIMITS, log);
    const [a, b] = await Promise.all([job.runOnce(), job.runOnce()]);
    expect(a.redelivered).toHaveLength(1);
    expect(b).toMatchObject({ skipped: 'overlap', redelivered: [] });
    // GitHub refuses a redelivery (422: too old, say): logged with the delivery and the status, no token or key.
    gh.refuseRedelivery = true;
    gh.record({ event: 'pull_request', status_code: 500, payload: prPayload(2, sha('2')) }, 30 * MIN);
    const refusing = redeliverer(gh, LIMITS, log);
    expect((await refusing.runOnce()).redelivered).toEqual([]);
    expect(records.some((r) => /could not judge or redeliver/.test(r) && /"status":422/.test(r))).toBe(true);
    expect(records.join('\n')).not.toMatch(/ghs_|BEGIN RSA|bearer|eyJ/i);
  });
});

describe('the redelivery schedule', () => {
  it('runs every interval ± jitter, plans the next run only when the previous one ended, and stops', async () => {
    vi.useFakeTimers();
    try {
      let runs = 0;
      let finish!: () => void;
      const run = () => {
        runs++;
        return new Promise<void>((r) => (finish = r));
      };
      const log = { info: () => undefined, warn: () => undefined };
      const s = scheduleRuns(run, 1000, log, 0.2, () => 0);
      await vi.advanceTimersByTimeAsync(799);
      expect(runs).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(runs).toBe(1);
      // The run is still going: no second one, however long it takes.
      await vi.advanceTimersByTimeAsync(5000);
      expect(runs).toBe(1);
      finish();
      await vi.advanceTimersByTimeAsync(800);
      expect(runs).toBe(2);
      s.stop();
      finish();
      await vi.advanceTimersByTimeAsync(5000);
      expect(runs).toBe(2);
      // The longest wait is interval × (1 + jitter).
      const late = scheduleRuns(run, 1000, log, 0.2, () => 1);
      await vi.advanceTimersByTimeAsync(1199);
      expect(runs).toBe(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(runs).toBe(3);
      late.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('is on in GitHub mode (every 10 minutes unless AUTOSTACK_REDELIVER_MINUTES says otherwise), off with 0, and absent in local mode', async () => {
    const env = { APP_ID: '1', PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: SECRET };
    expect(gitHubModeFromEnv(env)).toMatchObject({ redeliverEveryMs: 10 * MIN });
    expect(gitHubModeFromEnv({ ...env, AUTOSTACK_REDELIVER_MINUTES: '3' })).toMatchObject({ redeliverEveryMs: 3 * MIN });
    expect(gitHubModeFromEnv({ ...env, AUTOSTACK_REDELIVER_MINUTES: '0' })).toMatchObject({ redeliverEveryMs: 0 });
    expect(gitHubModeFromEnv({ ...env, AUTOSTACK_REDELIVER_MINUTES: 'often' })).toMatchObject({ error: expect.stringContaining('AUTOSTACK_REDELIVER_MINUTES "often"') });
    expect(redeliverIntervalFromEnv({ AUTOSTACK_REDELIVER_MINUTES: '0.1' })).toMatchObject({ error: expect.any(String) });
    // Local mode has no GitHub App: gitHubModeFromEnv says so, and only the GitHub server starts the job.
    expect(gitHubModeFromEnv({})).toBeUndefined();
    // The GitHub server starts the job (it lists the deliveries as the App) and stops it on close.
    const gh = await github();
    const { server } = await replica(gh, { redeliverEveryMs: 50 });
    await waitFor(() => gh.made('GET', '/app/hook/deliveries').length > 0);
    await new Promise<void>((r) => server.close(() => r()));
    const seen = gh.made('GET', '/app/hook/deliveries').length;
    await new Promise((r) => setTimeout(r, 300));
    expect(gh.made('GET', '/app/hook/deliveries').length).toBe(seen);
    expect(gh.problems).toEqual([]);
  });
});

describe('recovering lost work (a process killed after answering 202)', () => {
  it('a pull request delivery accepted, its handler killed before any side effect: the job redelivers it and the review appears once', async () => {
    const gh = await github();
    const HEAD = sha('c');
    openPull(gh, 7, HEAD);
    // Replica 1 answers 202 when a delivery takes longer than 300 ms; GitHub is slow on the first read, and the process is killed meanwhile.
    const one = await childReplica(gh, 300);
    gh.targets = [one.url];
    let killed = false;
    gh.intercept = (r) => {
      if (!killed && r.path.endsWith('/pulls/7/files')) {
        killed = true;
        return 'hang';
      }
      return undefined;
    };
    const first = await gh.deliver('pull_request', prPayload(7, HEAD));
    expect(first.status_code).toBe(202);
    expect(first.status).toBe('OK');
    await waitFor(() => killed);
    one.child.kill('SIGKILL');
    await new Promise((r) => one.child.once('exit', r));
    expect(gh.comments).toEqual([]);
    expect(gh.checkRuns).toEqual([]);

    // Replica 2 is all that is left; the job runs on it a few minutes later.
    const two = await replica(gh);
    gh.targets = [two.url];
    gh.age(10 * MIN);
    const job = redeliverer(gh);
    const report = await job.runOnce();
    expect(report.redelivered).toEqual([expect.objectContaining({ id: first.id, guid: first.guid, reason: expect.stringMatching(/accepted \(202\) but no completed AutoStack check/) })]);
    await gh.settle();
    expect(gh.attempts.at(-1)).toMatchObject({ guid: first.guid, redelivery: true, status_code: 200 });
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('storage 50 → 200 GiB');
    expect(gh.checkRuns).toEqual([expect.objectContaining({ name: CHECK_NAME, head_sha: HEAD, status: 'completed', conclusion: 'success' })]);
    // The next runs find the work done.
    gh.age(10 * MIN);
    expect((await job.runOnce()).redelivered).toEqual([]);
    expect(gh.problems).toEqual([]);
  });

  it('two replicas running the job: one redelivery, one comment, one check run', async () => {
    const gh = await github();
    const HEAD = sha('d');
    openPull(gh, 8, HEAD);
    const a = await replica(gh);
    const b = await replica(gh);
    gh.targets = [a.url, b.url];
    // Accepted by a third replica that died before doing anything.
    const lost = gh.record({ event: 'pull_request', status_code: 202, payload: prPayload(8, HEAD) }, 10 * MIN);
    const jobA = redeliverer(gh);
    const jobB = redeliverer(gh);
    // Their schedules are jittered: A runs first, B a little later, after GitHub listed A's redelivery.
    expect((await jobA.runOnce()).redelivered.map((r) => r.guid)).toEqual([lost.guid]);
    await gh.settle();
    expect((await jobB.runOnce()).redelivered).toEqual([]);
    gh.age(10 * MIN);
    expect((await jobB.runOnce()).redelivered).toEqual([]);
    expect((await jobA.runOnce()).redelivered).toEqual([]);
    expect(gh.made('POST', /\/attempts$/)).toHaveLength(1);
    expect(gh.comments).toHaveLength(1);
    expect(gh.checkRuns).toHaveLength(1);
    expect(gh.checkRuns[0]).toMatchObject({ status: 'completed', head_sha: HEAD });
    expect(gh.problems).toEqual([]);
  });

  it('a push handler killed after the deploy commit and before the dispatch (D9): the redelivery dispatches once and reuses the deploy commit and deployments', async () => {
    const gh = await github();
    const BEFORE = sha('e');
    const AFTER = sha('f');
    gh.files[BEFORE] = { [F]: PLAN('orders-db') };
    gh.files[AFTER] = { [F]: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 60') };
    gh.compares.set(`${BEFORE}...${AFTER}`, { status: 'ahead', files: [{ filename: F, status: 'modified' }] });
    const one = await childReplica(gh, 300);
    gh.targets = [one.url];
    let killed = false;
    gh.intercept = (r) => {
      if (!killed && r.method === 'POST' && r.path.endsWith('/dispatches')) {
        killed = true;
        one.child.kill('SIGKILL');
        return 'hang';
      }
      return undefined;
    };
    const first = await gh.deliver('push', pushPayload(BEFORE, AFTER));
    expect(first.status_code).toBe(202);
    await waitFor(() => killed, 60_000);
    await new Promise((r) => (one.child.exitCode !== null || one.child.signalCode !== null ? r(undefined) : one.child.once('exit', r)));
    // Half done: the deploy commit and the deployment exist, the check is queued, nothing was dispatched.
    const deployHead = gh.refs.get('refs/heads/autostack/deploy')!;
    expect(gh.commits.get(deployHead)?.message).toContain(`${SOURCE_TRAILER}: ${AFTER}`);
    expect(gh.deployments).toHaveLength(1);
    expect(gh.checkRuns).toEqual([expect.objectContaining({ name: DEPLOY_CHECK_NAME, status: 'queued' })]);
    expect(gh.dispatches).toEqual([]);

    const two = await replica(gh);
    gh.targets = [two.url];
    gh.age(10 * MIN);
    const report = await redeliverer(gh).runOnce();
    expect(report.redelivered).toEqual([expect.objectContaining({ guid: first.guid, reason: expect.stringMatching(/still queued/) })]);
    await gh.settle();
    expect(gh.dispatches).toEqual([{ ref: 'main', inputs: { source_sha: AFTER, stacks: '["orders-db-aws"]', mode: 'apply' } }]);
    expect(gh.refs.get('refs/heads/autostack/deploy')).toBe(deployHead);
    expect(gh.made('POST', '/git/commits')).toHaveLength(1);
    expect(gh.deployments).toHaveLength(1);
    expect(gh.statuses.get(gh.deployments[0]!.id)).toEqual([expect.objectContaining({ state: 'queued' })]);
    expect(gh.checkRuns).toEqual([expect.objectContaining({ name: DEPLOY_CHECK_NAME, status: 'in_progress' })]);
    gh.age(10 * MIN);
    expect((await redeliverer(gh).runOnce()).redelivered).toEqual([]);
    expect(gh.problems).toEqual([]);
  }, 120_000);
});
