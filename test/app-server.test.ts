import '../synth/node.ts';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLED_EVENTS } from '../app/github-app.ts';
import { requiredPermissions } from '../app/github/routes.ts';
import { createGitHubServer, gitHubModeFromEnv, MAX_WEBHOOK_BYTES, WEBHOOK_PATH } from '../app/server.ts';
import { canWrite, parseCommand } from '../app/services/commands.ts';
import { loadAppConfig } from '../app/services/config.ts';
import fc from 'fast-check';
import { APP_ID, FakeGitHub, operationsCalled, PLAN, payload, ROOT_PLAN_FILE, TEST_OCTOKIT, TEST_PRIVATE_KEY, undeclaredOperation } from './github/harness.ts';
import { ROOT } from './helpers.ts';

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
    gh.files({ [BASE]: {}, [HEAD]: { [ROOT_PLAN_FILE]: PLAN('orders-db') } }, [ROOT_PLAN_FILE]);
    gh.on('GET', gh.repoPath(`/commits/${HEAD}/check-runs`), 200, { total_count: 0, check_runs: [] });
    gh.on('POST', gh.repoPath('/check-runs'), 201, { id: 99 });
    gh.on('PATCH', gh.repoPath('/check-runs/99'), 200, {});
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
    const res = await fetch(`${url}${WEBHOOK_PATH}`, { method: 'POST', body: 'x', headers: { 'content-length': String(MAX_WEBHOOK_BYTES + 1), 'x-github-event': 'push' } }).catch((e: Error) => e);
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
