import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLED_EVENTS } from '../app/github-app.ts';
import { requiredPermissions } from '../app/github/routes.ts';
import { AppOctokit, createGitHubServer, gitHubModeFromEnv, MAX_WEBHOOK_BYTES, WEBHOOK_PATH } from '../app/server.ts';
import { canWrite, parseCommand } from '../app/services/commands.ts';
import { loadAppConfig } from '../app/services/config.ts';
import fc from 'fast-check';
import { APP_ID, FakeGitHub, operationsCalled, PLAN, payload, ROOT_PLAN_FILE, TEST_OCTOKIT, TEST_PRIVATE_KEY, undeclaredOperation } from './github/harness.ts';
import { chunkedUpload } from './attack-inputs.ts';
import { collectingLog, ROOT } from './helpers.ts';

const SECRET = 'a-webhook-secret';
let url = '';
let close: () => void;

beforeAll(async () => {
  process.env.LOG_LEVEL = 'fatal';
  const server = await createGitHubServer({ appId: String(APP_ID), privateKey: TEST_PRIVATE_KEY, secret: SECRET, Octokit: TEST_OCTOKIT, config: loadAppConfig({}) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close?.());

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function deliver(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}${WEBHOOK_PATH}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', ...headers } });
}

const HEAD = 'c'.repeat(40);
const BASE = 'b'.repeat(40);

const WS = 'a-webhook-secret-of-25-chars';

describe('the webhook server on 127.0.0.1', () => {
  it('accepts a correctly signed pull_request.opened, posts the check and one comment, and ignores a redelivery', async () => {
    const gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: ROOT_PLAN_FILE, status: 'added' }]);
    gh.graphql({ [BASE]: {}, [HEAD]: { [ROOT_PLAN_FILE]: PLAN('orders-db') } });
    gh.newCheckRun(HEAD, 99);
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
    const body = JSON.stringify(payload('pull_request', 'opened', (p) => {
      p.number = 7;
      p.pull_request.number = 7;
      p.pull_request.head.sha = HEAD;
      p.pull_request.base.sha = BASE;
    }));
    const first = await deliver(body, { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'delivery-1' });
    expect(first.status).toBeLessThan(300);
    await waitFor(() => gh.made('POST', '/issues/7/comments').length === 1);
    const again = await deliver(body, { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'delivery-1' });
    expect(again.status).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 300));
    expect(gh.made('POST', '/issues/7/comments')).toHaveLength(1);
    expect(gh.made('POST', '/check-runs')).toHaveLength(1);
    gh.verify();
  });

  it('rejects a wrong or missing signature with 4xx and calls GitHub for nothing', async () => {
    const gh = new FakeGitHub();
    const body = JSON.stringify(payload('pull_request', 'opened'));
    const wrong = await deliver(body, { 'x-hub-signature-256': sign(body, 'not-the-secret'), 'x-github-delivery': 'd-2' });
    const missing = await deliver(body, { 'x-github-delivery': 'd-3' });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 200));
    expect(gh.requests).toHaveLength(0);
    gh.verify();
  });

  it('refuses bodies above GitHub 25 MB cap without reading them', async () => {
    const res = await fetch(`${url}${WEBHOOK_PATH}`, { method: 'POST', body: 'x', headers: { 'content-type': 'application/json', 'content-length': String(MAX_WEBHOOK_BYTES + 1), 'x-github-event': 'push', 'x-github-delivery': 'too-big-1', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` } }).catch((e: Error) => e);
    if (res instanceof Error) expect(res.message).toMatch(/fetch failed|socket|closed/i);
    else expect(res.status).toBe(413);
  });

  it('refuses to start without a webhook secret, and reads Probot variables', () => {
    expect(gitHubModeFromEnv({})).toBeUndefined();
    expect(gitHubModeFromEnv({ APP_ID: '1', PRIVATE_KEY: TEST_PRIVATE_KEY })).toMatchObject({ error: expect.stringContaining('WEBHOOK_SECRET') });
    // A guessable secret lets anyone forge deliveries: at least 20 characters, not one character repeated.
    for (const weak of ['s', 'secret', 'x'.repeat(19), 'a'.repeat(40), '  '.repeat(15)]) {
      expect(gitHubModeFromEnv({ APP_ID: '1', PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: weak }), weak).toMatchObject({ error: expect.stringMatching(/WEBHOOK_SECRET is too weak.*at least 20/) });
    }
    expect(gitHubModeFromEnv({ APP_ID: '1', PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: WS, GHE_HOST: 'ghe.acme.com' })).toMatchObject({ appId: '1', secret: WS, baseUrl: 'https://ghe.acme.com/api/v3' });
    expect(gitHubModeFromEnv({ APP_ID: '1', PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: WS, GHE_HOST: 'ghe.acme.com', GHE_PROTOCOL: 'http' })).toMatchObject({ baseUrl: 'http://ghe.acme.com/api/v3' });
    expect(gitHubModeFromEnv({ APP_ID: '1', PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: WS, GHE_HOST: 'ghe.acme.com', GHE_PROTOCOL: 'ftp' })).toMatchObject({ error: expect.stringContaining('GHE_PROTOCOL') });
    expect(gitHubModeFromEnv({ APP_ID: '1', PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: WS, GHE_PROTOCOL: 'http' })).not.toHaveProperty('baseUrl');
  });
});

describe('the webhook endpoint under attack (no secret)', () => {
  const collecting = () => collectingLog();

  it('stops reading a chunked delivery at 25 MB (413), checks the signature before parsing, and logs a refusal once without its payload', async () => {
    const { records, log } = collecting();
    const server = await createGitHubServer({ appId: String(APP_ID), privateKey: TEST_PRIVATE_KEY, secret: SECRET, Octokit: TEST_OCTOKIT, config: loadAppConfig({}), log: log as never });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
    try {
      const total = 64 * 1024 * 1024;
      const rss = process.memoryUsage().rss;
      const big = await chunkedUpload(at, total, { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'big-1', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` });
      const grew = process.memoryUsage().rss - rss;
      console.log(`chunked unsigned delivery of ${total >> 20} MiB: ${big.status} after ${(big.sentBeforeAnswer / 1048576).toFixed(1)} MiB sent; server RSS +${(grew / 1048576).toFixed(0)} MiB`);
      expect(big.status).toBe(413);
      expect(big.sentBeforeAnswer).toBeLessThan(MAX_WEBHOOK_BYTES + 8 * 1024 * 1024);

      // A forged delivery: the payload is never parsed or logged; one record says who, what, how big and why.
      const marker = 'PAYLOAD-MARKER-7f3a';
      const forged = JSON.stringify({ ...payload('pull_request', 'opened'), marker: marker.repeat(1000) });
      const refused = await deliver(forged, { 'x-hub-signature-256': sign(forged, 'not-the-secret'), 'x-github-delivery': 'forged-1' });
      expect(refused.status).toBe(401);
      const notJson = 'not json at all';
      expect((await deliver(notJson, { 'x-hub-signature-256': sign(notJson), 'x-github-delivery': 'garbled-1' }).then((r) => r.status))).toBe(400);
      await new Promise((r) => setTimeout(r, 100));
      expect(records.some((r) => r.includes(marker))).toBe(false);
      const about = (id: string) => records.filter((r) => r.includes(id));
      expect(about('forged-1')).toHaveLength(1);
      expect(JSON.parse(about('forged-1')[0]!.replace(/^\w+ /, ''))[0]).toEqual({ delivery: 'forged-1', event: 'pull_request', bytes: Buffer.byteLength(forged), status: 401, reason: expect.stringMatching(/signature/) });
      expect(about('big-1')).toHaveLength(1);
      expect(about('big-1')[0]).toMatch(/"status":413/);
      expect(about('garbled-1')).toHaveLength(1);
    } finally {
      server.close();
    }

    async function deliver(body: string, headers: Record<string, string>): Promise<Response> {
      return fetch(at, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', ...headers } });
    }
  });
});

describe('a webhook handler with GitHub hanging', () => {
  it('stops at its deadline and reports a failed check, although GitHub never answers the review\'s calls', async () => {
    const hanging: string[] = [];
    const patches: { conclusion?: string; output?: { summary?: string } }[] = [];
    const open = new Set<ServerResponse>();
    // GitHub on 127.0.0.1: a token and the check-run calls answer; every other call is left hanging.
    const github = createServer((req: IncomingMessage, res: ServerResponse) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0]!;
        const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.method === 'POST' && /\/app\/installations\/\d+\/access_tokens$/.test(path)) return json(201, { token: 'ghs_hang', expires_at: '2099-01-01T00:00:00Z', permissions: {} });
        if (req.method === 'GET' && path.endsWith('/check-runs')) return json(200, { total_count: 0, check_runs: [] });
        if ((req.method === 'POST' && path.endsWith('/check-runs')) || (req.method === 'PATCH' && path.endsWith('/check-runs/99'))) {
          patches.push(JSON.parse(text));
          return json(req.method === 'POST' ? 201 : 200, { id: 99 });
        }
        hanging.push(`${req.method} ${path}`);
        open.add(res);
      });
    });
    await new Promise<void>((r) => github.listen(0, '127.0.0.1', r));
    const api = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
    const deadlineMs = 1500;
    // The production Octokit (retries, throttling): none of it may carry a handler past its deadline.
    const app = await createGitHubServer({ appId: String(APP_ID), privateKey: TEST_PRIVATE_KEY, secret: SECRET, baseUrl: api, Octokit: AppOctokit, config: loadAppConfig({}), handlerDeadlineMs: deadlineMs });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    try {
      const body = JSON.stringify(payload('pull_request', 'opened', (p) => {
        p.number = 8;
        p.pull_request.number = 8;
        p.pull_request.head.sha = HEAD;
        p.pull_request.base.sha = BASE;
      }));
      const started = performance.now();
      const answer = await fetch(`http://127.0.0.1:${(app.address() as AddressInfo).port}${WEBHOOK_PATH}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-hub-signature-256': sign(body), 'x-github-delivery': 'hang-1' } });
      const answeredAfter = performance.now() - started;
      await waitFor(() => patches.some((p) => p.conclusion === 'failure'), 20_000);
      console.log(`GitHub hanging: webhook answered ${answer.status} after ${answeredAfter.toFixed(0)} ms, failed check after ${(performance.now() - started).toFixed(0)} ms (deadline ${deadlineMs} ms); calls left hanging: ${hanging.join(', ')}`);
      expect(answer.status).toBe(200);
      expect(hanging.length).toBeGreaterThan(0);
      const failure = patches.find((p) => p.conclusion === 'failure')!;
      expect(failure.output?.summary).toMatch(/AutoStack could not finish: the work took longer than its 2 s deadline \(GitHub answered too slowly or not at all\) and was stopped/);
      expect(failure.output?.summary).toMatch(/Re-run this check/);
    } finally {
      for (const res of open) res.destroy();
      app.close();
      github.close();
    }
  });
});

describe('start-up', () => {
  it('loads no CDKTF module until a merge is rendered (the server, main and the App loaded into Probot)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'test/fixtures/app-start-probe.ts')], { cwd: ROOT });
    expect(JSON.parse(stdout)).toEqual({ cdktf: 0, first: [] });
  });
});

describe('app.yml', () => {
  const manifest = parse(readFileSync(`${ROOT}/app.yml`, 'utf8')) as { default_permissions: Record<string, string>; default_events: string[] };

  it('asks for exactly the permissions the code uses', () => {
    expect(manifest.default_permissions).toEqual(requiredPermissions());
  });

  it('subscribes to exactly the events the App handles (installation events are always delivered)', () => {
    const always = ['installation', 'installation_repositories'];
    expect([...manifest.default_events].sort()).toEqual(HANDLED_EVENTS.filter((e) => !always.includes(e)).sort());
  });

  it('only calls routes it declares (every route used by the test suite is in ROUTES)', () => {
    // Recorded by the fake GitHub (test/github/harness.ts), whose verify() also fails any test calling an undeclared route.
    expect(operationsCalled.size, 'the webhook tests above call GitHub').toBeGreaterThan(0);
    for (const operation of operationsCalled) expect(undeclaredOperation(operation)).toBeUndefined();
  });
});

describe('comment command parsing', () => {
  it('returns command, reply or ignore, and never throws', () => {
    expect(parseCommand('/autostack plan')).toEqual({ kind: 'command', name: 'plan' });
    expect(parseCommand('LGTM\n/autostack deploy orders-db')).toEqual({ kind: 'command', name: 'deploy', plan: 'orders-db' });
    expect(parseCommand('/autostack')).toEqual({ kind: 'command', name: 'help' });
    expect(parseCommand('/autostack deploy')).toMatchObject({ kind: 'reply' });
    expect(parseCommand('/autostack destroy everything')).toMatchObject({ kind: 'reply', text: expect.stringContaining("don't know") });
    expect(parseCommand('nice work /autostack plan')).toEqual({ kind: 'ignore' });
    expect(parseCommand(undefined)).toEqual({ kind: 'ignore' });
    fc.assert(fc.property(fc.anything(), (x) => ['command', 'reply', 'ignore'].includes(parseCommand(x).kind)));
    fc.assert(fc.property(fc.string(), (s) => ['command', 'reply', 'ignore'].includes(parseCommand(`/autostack ${s}`).kind)));
    expect(canWrite('write') && canWrite('admin') && canWrite('maintain') && !canWrite('read') && !canWrite('triage')).toBe(true);
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting for GitHub calls');
    await new Promise((r) => setTimeout(r, 25));
  }
}
