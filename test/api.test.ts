import { createHash } from 'node:crypto';
import '../synth/node.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../app/api/http.ts';
import { createApi } from '../app/api/index.ts';
import { GitHubPlanStore } from '../app/api/repo-plans.ts';
import { safeReturnTo } from '../app/api/oauth.ts';
import { ValidationPool } from '../app/api/validate-pool.ts';
import { SESSION_COOKIE, SessionSealer } from '../app/api/session.ts';
import { GitHubClient } from '../app/github/client.ts';
import type { OctokitLike } from '../app/github/client.ts';
import { apiOptionsFromEnv } from '../app/main.ts';
import { FakeGitHub, OWNER, PLAN, REPO, ROOT_PLAN_FILE, TEST_PRIVATE_KEY } from './github/harness.ts';
import { chunkedUpload, worstFlowMap } from './attack-inputs.ts';
import { tempDir } from './helpers.ts';

const SECRET = 's'.repeat(40);
const USER_TOKEN = 'ghu_usertoken000000000000000000000000000';
let url = '';
let close: () => void;
let gh: FakeGitHub | undefined;
// A generous deadline: on a loaded test machine the worst plan can take seconds (the deadline is tested on its own).
const pool = new ValidationPool({ deadlineMs: 120_000 });

beforeAll(async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = createApi({ publicUrl: url, apiUrl: 'https://api.github.com', sessionSecret: SECRET, oauth: { clientId: 'Iv1.client', clientSecret: 'client-secret', webUrl: 'https://github.com' }, validation: pool });
  server.on('request', getRequestListener(api.fetch));
  close = () => {
    server.close();
    void pool.close();
  };
});
afterAll(() => close?.());
afterEach(() => {
  // Every test leaves GitHub exactly as strict as it found it: no unmatched or unused request.
  gh?.verify();
  gh = undefined;
});

const cookie = (login = 'octocat', expiresAt = Date.now() + 3600_000) => `${SESSION_COOKIE}=${new SessionSealer(SECRET).seal({ login, token: USER_TOKEN, expiresAt }, 'session')}`;

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
}
const asUser = (method: string, path: string, body?: unknown, login?: string) => call(method, path, body, { cookie: cookie(login), origin: url });

const PLANS = `/api/repos/${OWNER}/${REPO}/plans`;
const repoData = (push: boolean) => ({ id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: 'main', archived: false, permissions: { admin: false, push, pull: true } });

describe('POST /api/validate', () => {
  it('returns the review: diagnostics with positions, costs per cloud', async () => {
    const ok = await call('POST', '/api/validate', { content: PLAN('orders-db') });
    expect(ok.status).toBe(200);
    const good = await ok.json();
    expect(good.ok).toBe(true);
    expect(good.plans[0].cost.map((c: { cloud: string }) => c.cloud).sort()).toEqual(['aws', 'azure', 'gcp']);
    expect(good.totals.monthlyUsdAfter).toBeGreaterThan(0);

    const bad = await (await call('POST', '/api/validate', { files: { '.autostack/a.yaml': PLAN('orders-db').replace('vcpu: 2', 'vcpu: lots') } })).json();
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics).toContainEqual(expect.objectContaining({ file: '.autostack/a.yaml', line: 7, severity: 'error' }));
  });

  it('takes raw YAML too, and answers bad requests with 400 and a message', async () => {
    const raw = await call('POST', '/api/validate', PLAN('x-db'), { 'content-type': 'application/yaml' });
    expect((await raw.json()).ok).toBe(true);
    const junk = await call('POST', '/api/validate', '{not json');
    expect(junk.status).toBe(400);
    expect((await junk.json()).error).toMatch(/not valid JSON/);
    const outside = await call('POST', '/api/validate', { files: { '../../etc/passwd.yaml': 'a: 1' } });
    expect(outside.status).toBe(400);
    expect((await call('POST', '/api/validate?path=../x.yaml', 'a: 1', { 'content-type': 'application/yaml' })).status).toBe(400);
    expect((await call('POST', '/api/validate', { content: 'a: 1', path: '.autostack/../../x.yaml' })).status).toBe(400);
    const many = await call('POST', '/api/validate', { files: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`.autostack/p${i}.yaml`, 'a: 1'])) });
    expect(many.status).toBe(400);
  });
});

describe('POST /api/validate under attack', () => {
  it('stops reading a chunked body at the limit and answers 413 with what to send instead', async () => {
    const total = 40 * 1024 * 1024;
    for (const type of ['application/json', 'application/yaml']) {
      const r = await chunkedUpload(`${url}/api/validate`, total, { 'content-type': type });
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body).error).toMatch(/larger than 2 MiB, so it was not read\. Send at most 50 files/);
      // The answer came while the upload was still going: the server did not wait for (or keep) the rest.
      expect(r.sentBeforeAnswer).toBeLessThan(total / 2);
      console.log(`chunked ${type} upload of ${total >> 20} MiB: 413 after ${(r.sentBeforeAnswer / 1048576).toFixed(1)} MiB sent (limit ${MAX_REQUEST_BYTES >> 20} MiB)`);
    }
    // A declared oversized length is refused before reading.
    const declared = await chunkedUpload(`${url}/api/validate`, 0, { 'content-length': String(MAX_REQUEST_BYTES + 1), 'transfer-encoding': '' }).catch((e: Error) => e);
    if (!(declared instanceof Error)) expect(declared.status).toBe(413);
    // Just under the limit is read and answered.
    const ok = await call('POST', '/api/validate', { content: PLAN('orders-db') + '#'.repeat(1000) });
    expect(ok.status).toBe(200);
  });

  it('answers a concurrent GET while the worst plan under the size cap is validated', async () => {
    const worst = worstFlowMap();
    const validate = async (text: string) => {
      const r = await call('POST', '/api/validate', text, { 'content-type': 'application/yaml' });
      return (await r.json()) as { ok: boolean; diagnostics: { code: string; line: number }[] };
    };
    await (await call('GET', '/api/templates')).json(); // warm: the templates are loaded once
    await validate(PLAN('warm-db')); // and a validation thread started
    const started = performance.now();
    let answered: number | undefined;
    const posted = validate(worst).then((r) => ((answered = performance.now() - started), r));
    // Once the worst plan is being checked, a GET is sent: it must answer before the check ends.
    // (On the main thread, the check blocked the server and the GET was answered after the POST.)
    while (pool.stats().running === 0 && answered === undefined) await new Promise((r) => setTimeout(r, 1));
    expect(answered, 'the validation ended before the server was seen checking it').toBeUndefined();
    const sent = performance.now() - started;
    const got = await call('GET', '/api/templates');
    const gotAt = performance.now() - started;
    await got.text();
    expect(got.status).toBe(200);
    expect(answered, 'the GET waited for the validation').toBeUndefined();
    const r = await posted;
    console.log(`worst plan (${worst.length} bytes, one flow map) answered in ${answered!.toFixed(0)} ms; a GET sent at ${sent.toFixed(0)} ms answered in ${(gotAt - sent).toFixed(1)} ms`);
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'yaml/too-many-keys', line: 4 })]);
  });

  it('refuses validations beyond the queue with 503 and Retry-After, and stops one past its deadline', async () => {
    const small = new ValidationPool({ workers: 1, queue: 1, deadlineMs: 120_000 });
    const server = createServer(getRequestListener(createApi({ publicUrl: 'http://127.0.0.1', validation: small }).fetch));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/validate`;
    try {
      const worst = worstFlowMap();
      const answers = await Promise.all(Array.from({ length: 4 }, () => fetch(at, { method: 'POST', body: worst, headers: { 'content-type': 'application/yaml' } })));
      const statuses = answers.map((a) => a.status).sort();
      // One checked on the thread, one waiting, the rest refused at once.
      expect(statuses).toEqual([200, 200, 503, 503]);
      const refused = answers.find((a) => a.status === 503)!;
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await refused.json()).error).toMatch(/checking too many files right now; try again in \d+ s/);
    } finally {
      server.close();
      await small.close();
    }
    const hasty = new ValidationPool({ workers: 1, deadlineMs: 50 });
    try {
      await expect(hasty.validate({ '.autostack/x.yaml': worstFlowMap() })).rejects.toThrow(/took longer than 0.05 s, so it was stopped/);
      expect(hasty.stats()).toEqual({ running: 0, waiting: 0, threads: 0 });
      // A fresh thread takes the next request.
      hasty.deadlineMs = 60_000;
      expect(JSON.parse(await hasty.validate({ '.autostack/x.yaml': PLAN('x-db') })).ok).toBe(true);
    } finally {
      await hasty.close();
    }
  });
});

describe('POST /api/validate with bad input', () => {
  const yaml = (text: string | Uint8Array<ArrayBuffer>, path = '.autostack/x.yaml') => fetch(`${url}/api/validate?path=${encodeURIComponent(path)}`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: text });
  type Answer = { ok: boolean; diagnostics: { file: string; line: number; column: number; code: string; severity: string; message: string }[] };

  it('refuses 20,000 nested [ and 5,000 nested block lists with one positioned diagnostic, and keeps answering', async () => {
    for (const [text, line, column] of [[`${'['.repeat(20_000)}${']'.repeat(20_000)}`, 1, 65], [`a:\n  ${'- '.repeat(5000)}1\n`, 2, 3 + 2 * 63]] as const) {
      const r = await yaml(text);
      expect(r.status).toBe(200);
      const body = (await r.json()) as Answer;
      expect(body.ok).toBe(false);
      expect(body.diagnostics).toEqual([expect.objectContaining({ code: 'yaml/too-deep', severity: 'error', line, column })]);
    }
    // The same through JSON, and the server still answers an ordinary request afterwards.
    const json = await call('POST', '/api/validate', { content: `spec: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}` });
    expect(((await json.json()) as Answer).diagnostics).toEqual([expect.objectContaining({ code: 'yaml/too-deep', line: 1 })]);
    const after = await call('POST', '/api/validate', { content: PLAN('orders-db') });
    expect(after.status).toBe(200);
    expect(((await after.json()) as Answer).ok).toBe(true);
  });

  it('answers an empty body, null, a scalar and a list with a not-a-mapping error, never a 500', async () => {
    for (const text of ['', 'null', 'hello', '- a\n- b\n', '42']) {
      const r = await yaml(text);
      expect(r.status, JSON.stringify(text)).toBe(200);
      const body = (await r.json()) as Answer;
      expect(body.ok).toBe(false);
      expect(body.diagnostics).toEqual([expect.objectContaining({ file: '.autostack/x.yaml', code: 'file/not-a-mapping', line: 1, column: 1, message: expect.stringContaining('a YAML mapping') })]);
    }
    const asJson = await call('POST', '/api/validate', { files: { '.autostack/a.yaml': '[]', '.autostack/b.yaml': '' } });
    expect(((await asJson.json()) as Answer).diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual(['.autostack/a.yaml file/not-a-mapping', '.autostack/b.yaml file/not-a-mapping']);
  });

  it('reads a byte order mark and CRLF, refuses tabs at the tab and bytes that are not UTF-8', async () => {
    const bom = await yaml(`\ufeff${PLAN('orders-db').replace(/\n/g, '\r\n')}`);
    expect(((await bom.json()) as Answer)).toMatchObject({ ok: true, diagnostics: [] });
    const line1 = '{apiVersion: autostack.dev/v1, kind: Plan, metadata: {name: Bad_Name}, spec: {}}';
    const wrongLine1 = await yaml(`\ufeff${line1}\r\n`);
    expect(((await wrongLine1.json()) as Answer).diagnostics).toEqual([expect.objectContaining({ code: 'schema/format', line: 1, column: line1.indexOf('Bad_Name') + 1 })]);
    const tabs = await yaml('apiVersion: autostack.dev/v1\nkind: Plan\nmetadata:\n\tname: x\n');
    expect(((await tabs.json()) as Answer).diagnostics).toEqual([expect.objectContaining({ code: 'yaml/tab_as_indent', line: 4, column: 1 })]);
    const latin1 = await yaml(new Uint8Array([...Buffer.from('apiVersion: autostack.dev/v1\nmetadata: { name: caf'), 0xe9, ...Buffer.from(' }\n')]));
    expect(latin1.status).toBe(200);
    expect(((await latin1.json()) as Answer).diagnostics).toEqual([expect.objectContaining({ code: 'file/not-text', line: 2 })]);
  });

  it('refuses prototype keys at the key, and lists at most 100 diagnostics per file with a count of the rest', async () => {
    const proto = await yaml(PLAN('orders-db').replace('spec:\n', 'spec:\n  constructor: { prototype: 1 }\n'));
    expect(((await proto.json()) as Answer).diagnostics).toEqual([expect.objectContaining({ code: 'yaml/reserved-key', line: 5, column: 3 }), expect.objectContaining({ code: 'yaml/reserved-key', line: 5, column: 18 })]);
    expect(({} as Record<string, unknown>).prototype).toBeUndefined();
    const many = PLAN('orders-db').replace('spec:\n', `spec:\n  network: { allowedCidrs: [${Array(1000).fill('1').join(',')}] }\n`);
    const r = await call('POST', '/api/validate', { files: { '.autostack/a.yaml': many, '.autostack/b.yaml': many.replace('orders-db', 'other-db') } });
    const body = (await r.json()) as Answer;
    expect(body.diagnostics).toHaveLength(202);
    expect(body.diagnostics.filter((d) => d.code === 'file/more-problems').map((d) => `${d.file} ${d.severity} ${d.message.split(' in this file')[0]}`)).toEqual(['.autostack/a.yaml error …and 901 more problems', '.autostack/b.yaml error …and 901 more problems']);
  });
});

describe('templates', () => {
  it('lists every template with its cheapest monthly cost', async () => {
    const { templates } = await (await call('GET', '/api/templates')).json();
    expect(templates.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['pg-dev', 'pg-production', 'pg-ha-cluster']));
    type Summary = { name: string; price: string; cheapest: { cloud: string; monthlyUsd: number } | null; costs: { cloud: string; monthlyUsd: number; complete: boolean }[] };
    for (const t of templates as Summary[]) {
      // The cheapest is the cheapest complete estimate; a lower bound (a missing figure) never is.
      const complete = t.costs.filter((c) => c.complete);
      if (t.price === 'priced') {
        expect(t.cheapest!.monthlyUsd, t.name).toBeGreaterThan(0);
        expect(complete[0], t.name).toMatchObject(t.cheapest!);
      } else {
        expect(t.cheapest, t.name).toBeNull();
        expect(complete, t.name).toEqual([]);
      }
    }
    expect(templates.filter((t: Summary) => t.price === 'priced').length).toBeGreaterThanOrEqual(8);
    // The blog is cheaper on GCP only as a lower bound (GCP lacks website prices): AWS is its cheapest price.
    expect(templates.find((t: Summary) => t.name === 'wp-blog').cheapest.cloud).toBe('aws');
    const dev = templates.find((t: { name: string }) => t.name === 'pg-dev');
    const ha = templates.find((t: { name: string }) => t.name === 'pg-ha-cluster');
    expect(ha.cheapest.monthlyUsd).toBeGreaterThan(dev.cheapest.monthlyUsd);
  });

  it('renders a template with parameters and prices it; bad parameters are a 422', async () => {
    const r = await (await call('POST', '/api/templates/pg-dev/render', { parameters: { name: 'my-db', cloud: 'gcp' } })).json();
    expect(r.ok).toBe(true);
    expect(r.files[0].text).toContain('my-db');
    expect(r.plans[0].cloud).toBe('gcp');
    const bad = await call('POST', '/api/templates/pg-dev/render', { parameters: { name: 'Not DNS' } });
    expect(bad.status).toBe(422);
    expect((await call('POST', '/api/templates/nope/render', {})).status).toBe(404);
  });
});

describe('sign-in with GitHub', () => {
  it('runs the OAuth web flow and keeps the token in a sealed http-only cookie', async () => {
    const login = await call('GET', '/api/auth/login?return_to=/editor');
    expect(login.status).toBe(302);
    const to = new URL(login.headers.get('location')!);
    expect(to.origin + to.pathname).toBe('https://github.com/login/oauth/authorize');
    expect(to.searchParams.get('redirect_uri')).toBe(`${url}/api/auth/callback`);
    const state = to.searchParams.get('state')!;
    const stateCookie = login.headers.getSetCookie().find((c) => c.startsWith('autostack_oauth='))!;
    expect(stateCookie).toMatch(/HttpOnly/i);

    gh = new FakeGitHub();
    nock('https://github.com').post('/login/oauth/access_token', (b) => b.code === 'the-code' && b.client_secret === 'client-secret').reply(200, { access_token: USER_TOKEN, token_type: 'bearer', expires_in: 28800 });
    gh.on('GET', '/user', 200, { login: 'octocat', id: 1 });
    const cb = await call('GET', `/api/auth/callback?code=the-code&state=${state}`, undefined, { cookie: stateCookie.split(';')[0]! });
    expect(cb.status).toBe(302);
    expect(cb.headers.get('location')).toBe('/editor');
    const session = cb.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toContain(USER_TOKEN);
    expect(gh.requests[0]!.auth).toBe(`token ${USER_TOKEN}`);
    const me = await (await call('GET', '/api/me', undefined, { cookie: session.split(';')[0]! })).json();
    expect(me).toEqual({ signedIn: true, login: 'octocat' });
  });

  it('refuses a callback whose state does not match, and never redirects off-site', async () => {
    const login = await call('GET', '/api/auth/login?return_to=//evil.example/x');
    const stateCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const wrong = await call('GET', '/api/auth/callback?code=c&state=forged', undefined, { cookie: stateCookie });
    expect(wrong.status).toBe(400);
    const none = await call('GET', '/api/auth/callback?code=c&state=x');
    expect(none.status).toBe(400);
  });

  it('returns only to same-origin paths after sign-in (no open redirect through tabs, backslashes or dot segments)', async () => {
    const attacks = ['/%09/evil.example/phish', '/\t/evil.example', '/%0a/evil.example', '/%00/evil.example', '/\\evil.example', '/%5Cevil.example', '//evil.example', '///evil.example', '/.//evil.example', '/a/..//evil.example', 'https://evil.example/', 'javascript:alert(1)', '%2F%2Fevil.example', '/%E2%80%AE/evil.example', ' /evil.example'];
    for (const attack of attacks) {
      expect(safeReturnTo(attack), attack).toBe('/dashboard');
      const login = await call('GET', `/api/auth/login?return_to=${attack.startsWith('/%') || attack.startsWith('%') ? attack : encodeURIComponent(attack)}`);
      const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
      const stateCookie = login.headers.getSetCookie().find((c) => c.startsWith('autostack_oauth='))!.split(';')[0]!;
      gh = new FakeGitHub();
      nock('https://github.com').post('/login/oauth/access_token').reply(200, { access_token: USER_TOKEN, token_type: 'bearer', expires_in: 28800 });
      gh.on('GET', '/user', 200, { login: 'octocat', id: 1 });
      const cb = await call('GET', `/api/auth/callback?code=c&state=${state}`, undefined, { cookie: stateCookie });
      const location = cb.headers.get('location')!;
      expect(location, attack).toBe('/dashboard');
      expect(new URL(location, 'https://autostack.example').origin).toBe('https://autostack.example');
      gh.verify();
    }
    gh = undefined;
    expect(safeReturnTo('/./evil.example')).toBe('/evil.example'); // a path on this site, normalised
    for (const fine of ['/editor', '/dashboard?repo=acme/infra#plans', '/plans/a%20b']) expect(safeReturnTo(fine)).toBe(fine);
  });

  it('keeps the OAuth-state cookie and the session cookie apart: a sealed state is never a session', async () => {
    const login = await call('GET', '/api/auth/login?return_to=/editor');
    const sealedState = login.headers.getSetCookie().find((c) => c.startsWith('autostack_oauth='))!.split(';')[0]!.split('=')[1]!;
    const asSession = `${SESSION_COOKIE}=${sealedState}`;
    expect(await (await call('GET', '/api/me', undefined, { cookie: asSession })).json()).toMatchObject({ signedIn: false });
    expect((await call('GET', PLANS, undefined, { cookie: asSession })).status).toBe(401);
    // And the other way round: a session cookie does not open as an OAuth state.
    const cb = await call('GET', '/api/auth/callback?code=c&state=x', undefined, { cookie: `autostack_oauth=${cookie().split('=')[1]}` });
    expect(cb.status).toBe(400);
  });

  it('treats a tampered or expired session as signed out', async () => {
    const tampered = cookie().slice(0, -4) + 'AAAA';
    expect(await (await call('GET', '/api/me', undefined, { cookie: tampered })).json()).toMatchObject({ signedIn: false });
    expect((await call('GET', PLANS, undefined, { cookie: tampered })).status).toBe(401);
    expect((await call('GET', PLANS, undefined, { cookie: cookie('octocat', Date.now() - 1) })).status).toBe(401);
    expect((await call('GET', PLANS)).status).toBe(401);
  });
});

describe('repository actions are checked against the user\'s own access', () => {
  const actions: [string, string, unknown?][] = [
    ['GET', PLANS],
    ['POST', PLANS, { content: PLAN('new-db') }],
    ['PUT', `${PLANS}/orders-db`, { content: PLAN('orders-db') }],
    ['DELETE', `${PLANS}/orders-db`],
    ['POST', `${PLANS}/orders-db/deploy`, {}],
  ];

  it('refuses every action on a repository the user cannot see, and changes nothing', async () => {
    gh = new FakeGitHub();
    gh.on('GET', gh.repoPath(''), 404, { message: 'Not Found' }, actions.length);
    for (const [method, path, body] of actions) {
      const r = await asUser(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect((await r.json()).error).toMatch(/not found|cannot see/);
    }
    expect(gh.requests.every((r) => r.method === 'GET' && r.auth === `token ${USER_TOKEN}`)).toBe(true);
  });

  it('lets a read-only user list plans but refuses every change', async () => {
    gh = new FakeGitHub();
    gh.on('GET', gh.repoPath(''), 200, repoData(false), actions.length);
    gh.files({ main: { [ROOT_PLAN_FILE]: PLAN('orders-db') } }, [ROOT_PLAN_FILE]);
    gh.on('GET', gh.repoPath('/deployments'), 200, []);
    const list = await asUser('GET', PLANS);
    expect(list.status).toBe(200);
    expect((await list.json()).canWrite).toBe(false);
    for (const [method, path, body] of actions.slice(1)) {
      const r = await asUser(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect((await r.json()).error).toMatch(/not write/);
    }
    expect(gh.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('refuses a write with the session cookie from another origin (CSRF)', async () => {
    const r = await call('POST', PLANS, { content: PLAN('x-db') }, { cookie: cookie(), origin: 'https://evil.example' });
    expect(r.status).toBe(403);
    const none = await call('DELETE', `${PLANS}/orders-db`, undefined, { cookie: cookie() });
    expect(none.status).toBe(403);
  });

  it('rejects names that are not repository names before calling GitHub', async () => {
    expect((await asUser('GET', `/api/repos/${OWNER}/a..b%2F..%2Fx/plans`)).status).toBe(400);
  });
});

describe('the signed-in user\'s repositories', () => {
  it('lists the repositories of the App installations the user can see', async () => {
    gh = new FakeGitHub();
    gh.on('GET', '/user/installations', 200, { total_count: 1, installations: [{ id: 5 }] });
    gh.on('GET', '/user/installations/5/repositories', 200, { total_count: 2, repositories: [{ full_name: 'acme/web', private: true, default_branch: 'main' }, { full_name: 'acme/infra', private: false, default_branch: 'main' }] });
    const r = await asUser('GET', '/api/repos');
    expect((await r.json()).repositories.map((x: { fullName: string }) => x.fullName)).toEqual(['acme/infra', 'acme/web']);
    expect((await call('GET', '/api/repos')).status).toBe(401);
  });

  it('reads every page of installations and repositories', async () => {
    gh = new FakeGitHub();
    const repos = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ full_name: `${prefix}/repo-${String(i).padStart(3, '0')}`, private: true, default_branch: 'main' }));
    gh.pages('/user/installations', Array.from({ length: 101 }, (_, i) => ({ id: i + 1 })), (page) => ({ total_count: 101, installations: page }));
    gh.pages('/user/installations/1/repositories', repos('acme', 150), (page) => ({ total_count: 150, repositories: page }));
    for (let id = 2; id <= 20; id++) gh.on('GET', `/user/installations/${id}/repositories`, 200, { total_count: 1, repositories: repos(`org-${id}`, 1) });
    const r = await asUser('GET', '/api/repos');
    const names = (await r.json()).repositories.map((x: { fullName: string }) => x.fullName);
    expect(names).toHaveLength(150 + 19);
    expect(names).toContain('acme/repo-149');
    expect(gh.made('GET', '/user/installations').filter((q) => !q.path.includes('/repositories'))).toHaveLength(2);
    expect(gh.requests.every((q) => q.auth === `token ${USER_TOKEN}`)).toBe(true);
  });
});


describe('deployment lookups for the plan list', () => {
  it('runs four plans at a time, and a slow plan holds up no other', async () => {
    let inFlight = 0;
    let most = 0;
    const started: string[] = [];
    let releaseSlow!: () => void;
    const slow = new Promise<void>((r) => (releaseSlow = r));
    const request = async (route: string, params: Record<string, any> = {}) => {
      if (route.endsWith('/deployments')) {
        started.push(params.environment);
        most = Math.max(most, ++inFlight);
        if (params.environment === 'autostack/slow') await slow;
        else await new Promise((r) => setTimeout(r, 5));
        return { status: 200, data: [{ id: started.length, updated_at: '2026-11-20T10:00:00Z' }], headers: {} };
      }
      inFlight--;
      return { status: 200, data: [{ state: 'success', updated_at: '2026-11-20T10:05:00Z' }], headers: {} };
    };
    const octokit: OctokitLike = { request: Object.assign(request, { endpoint: () => ({}) }) };
    const store = new GitHubPlanStore(new GitHubClient(octokit, { owner: OWNER, repo: REPO }), { defaultBranch: 'main', canWrite: false });
    const plans = ['slow', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const lookups = store.latestDeployments(plans);
    for (let waited = 0; started.length < plans.length && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(started).toHaveLength(plans.length);
    releaseSlow();
    const found = await lookups;
    expect([...found.keys()]).toEqual(plans);
    expect(found.get('slow')).toMatchObject({ state: 'success', environment: 'autostack/slow' });
    expect(most).toBe(4);
  });
});

describe('plans as the signed-in user', () => {
  it('lists the plans on the default branch with estimate and latest deployment', async () => {
    gh = new FakeGitHub();
    gh.on('GET', gh.repoPath(''), 200, repoData(true));
    gh.files({ main: { [ROOT_PLAN_FILE]: PLAN('orders-db') } }, [ROOT_PLAN_FILE]);
    gh.on('GET', gh.repoPath('/deployments'), (_b, uri) => {
      expect(new URL(uri, 'https://x').searchParams.get('environment')).toBe('autostack/orders-db');
      return [200, [{ id: 77, updated_at: '2026-11-20T10:00:00Z' }]];
    });
    gh.on('GET', gh.repoPath('/deployments/77/statuses'), 200, [{ state: 'success', updated_at: '2026-11-20T10:05:00Z', log_url: 'https://github.com/acme/infra/actions/runs/1' }]);
    const body = await (await asUser('GET', PLANS)).json();
    expect(body.plans).toEqual([expect.objectContaining({ name: 'orders-db', file: ROOT_PLAN_FILE, cloud: 'aws', errors: 0, deployment: expect.objectContaining({ state: 'success', url: 'https://github.com/acme/infra/actions/runs/1' }) })]);
    expect(body.plans[0].monthlyUsd).toBeGreaterThan(0);
  });

  it('shows recent AutoStack pull requests and deployments', async () => {
    gh = new FakeGitHub();
    gh.on('GET', gh.repoPath(''), 200, repoData(false));
    gh.on('GET', gh.repoPath('/pulls'), 200, [
      { title: 'Add plan billing-db', state: 'closed', merged_at: '2026-11-20T09:00:00Z', updated_at: '2026-11-20T09:00:00Z', html_url: 'https://github.com/acme/infra/pull/12', head: { ref: 'autostack/add-billing-db-abc123' } },
      { title: 'Unrelated', state: 'open', merged_at: null, updated_at: '2026-11-21T09:00:00Z', html_url: 'https://github.com/acme/infra/pull/13', head: { ref: 'feature/x' } },
    ]);
    gh.on('GET', gh.repoPath('/deployments'), 200, [{ id: 8, environment: 'autostack/billing-db', created_at: '2026-11-20T09:05:00Z', description: 'apply billing-db-aws' }, { id: 9, environment: 'production', created_at: '2026-11-20T09:06:00Z' }]);
    gh.on('GET', gh.repoPath('/deployments/8/statuses'), 200, [{ state: 'success', created_at: '2026-11-20T09:09:00Z', log_url: 'https://github.com/acme/infra/actions/runs/3' }]);
    const { activity } = await (await asUser('GET', `/api/repos/${OWNER}/${REPO}/activity`)).json();
    expect(activity).toEqual([
      { kind: 'deployment', title: 'billing-db: apply billing-db-aws', state: 'success', at: '2026-11-20T09:09:00Z', plans: ['billing-db'], url: 'https://github.com/acme/infra/actions/runs/3' },
      { kind: 'pull', title: 'Add plan billing-db', state: 'merged', at: '2026-11-20T09:00:00Z', url: 'https://github.com/acme/infra/pull/12' },
    ]);
  });

  it('opens a pull request as the user that adds a plan', async () => {
    gh = new FakeGitHub();
    gh.on('GET', gh.repoPath(''), 200, repoData(true));
    gh.files({ main: { [ROOT_PLAN_FILE]: PLAN('orders-db') } }, [ROOT_PLAN_FILE]);
    gh.pullRequest(12);
    const r = await asUser('POST', PLANS, { content: PLAN('billing-db') }, 'mona');
    expect(r.status).toBe(201);
    expect((await r.json()).pullRequest).toMatchObject({ number: 12, path: '.autostack/billing-db.yaml' });
    expect(gh.made('POST', '/git/trees')[0]!.body.tree).toEqual([{ path: '.autostack/billing-db.yaml', mode: '100644', type: 'blob', content: PLAN('billing-db') }]);
    const pr = gh.made('POST', '/pulls')[0]!;
    expect(pr.body).toMatchObject({ base: 'main', title: 'Add plan billing-db' });
    expect(pr.body.body).toContain('@mona');
    expect(gh.requests.every((x) => x.auth === `token ${USER_TOKEN}`)).toBe(true);
  });

  it('opens a pull request that removes a plan (a tree entry with a null sha)', async () => {
    gh = new FakeGitHub();
    gh.on('GET', gh.repoPath(''), 200, repoData(true));
    gh.files({ main: { [ROOT_PLAN_FILE]: PLAN('orders-db') } }, [ROOT_PLAN_FILE]);
    gh.pullRequest(13);
    const r = await asUser('DELETE', `${PLANS}/orders-db`);
    expect(r.status).toBe(201);
    expect(gh.made('POST', '/git/trees')[0]!.body.tree).toEqual([{ path: ROOT_PLAN_FILE, mode: '100644', type: 'blob', sha: null }]);
    expect(gh.made('POST', '/pulls')[0]!.body.title).toBe('Remove plan orders-db');
  });

  it('asked twice for the same change, answers the open pull request instead of opening an identical one', async () => {
    const blobSha = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest('hex');
    const openPull = (n: number, ref: string) => ({ number: n, html_url: `https://github.com/acme/infra/pull/${n}`, head: { ref, repo: { full_name: `${OWNER}/${REPO}` } } });
    const changed = PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 60');
    gh = new FakeGitHub();
    gh.on('GET', gh.repoPath(''), 200, repoData(true), 3);
    for (let i = 0; i < 3; i++) gh.files({ main: { [ROOT_PLAN_FILE]: PLAN('orders-db') } }, [ROOT_PLAN_FILE]);
    gh.on('GET', gh.repoPath('/pulls'), 200, [openPull(21, 'feature/by-hand'), openPull(13, 'autostack/remove-orders-db-abc123'), openPull(14, 'autostack/update-orders-db-def456')], 2);
    gh.on('GET', gh.repoPath('/pulls/13/files'), 200, [{ filename: ROOT_PLAN_FILE, status: 'removed', sha: blobSha(PLAN('orders-db')) }], 2);
    gh.on('GET', gh.repoPath('/pulls/14/files'), 200, [{ filename: ROOT_PLAN_FILE, status: 'modified', sha: blobSha(changed) }], 2);
    const removal = await asUser('DELETE', `${PLANS}/orders-db`);
    expect(removal.status).toBe(201);
    expect((await removal.json()).pullRequest).toMatchObject({ number: 13, existing: true, branch: 'autostack/remove-orders-db-abc123' });
    const same = await asUser('PUT', `${PLANS}/orders-db`, { content: changed });
    expect((await same.json()).pullRequest).toMatchObject({ number: 14, existing: true });
    // Different content is another change: a new pull request.
    gh.pullRequest(15, [openPull(14, 'autostack/update-orders-db-def456')]);
    const other = await asUser('PUT', `${PLANS}/orders-db`, { content: changed.replace('sizeGiB: 60', 'sizeGiB: 70') });
    expect((await other.json()).pullRequest).toMatchObject({ number: 15 });
    expect(gh.made('POST', '/pulls')).toHaveLength(1);
    expect(gh.made('POST', '/git/trees')).toHaveLength(1);
  });

  it('refuses an invalid plan with its diagnostics and opens nothing', async () => {
    gh = new FakeGitHub();
    gh.on('GET', gh.repoPath(''), 200, repoData(true));
    gh.files({ main: { [ROOT_PLAN_FILE]: PLAN('orders-db') } }, [ROOT_PLAN_FILE]);
    const r = await asUser('PUT', `${PLANS}/orders-db`, { content: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: -5') });
    expect(r.status).toBe(422);
    const body = await r.json();
    expect(body.diagnostics).toContainEqual(expect.objectContaining({ file: ROOT_PLAN_FILE, line: 8, severity: 'error' }));
  });

  it('refuses to add a plan whose name is taken, and to edit one that does not exist', async () => {
    gh = new FakeGitHub();
    gh.on('GET', gh.repoPath(''), 200, repoData(true), 2);
    gh.on('GET', gh.repoPath('/git/trees/main'), 200, { sha: 'main', truncated: false, tree: [{ path: '.autostack', type: 'tree', sha: 'sub', mode: '040000' }] }, 2);
    gh.on('GET', gh.repoPath('/git/trees/sub'), 200, { sha: 'sub', truncated: false, tree: [{ path: 'orders-db.yaml', type: 'blob', sha: 'b'.repeat(40), mode: '100644' }] }, 2);
    gh.on('GET', gh.repoPath(`/git/blobs/${'b'.repeat(40)}`), 200, { sha: 'b'.repeat(40), encoding: 'base64', content: Buffer.from(PLAN('orders-db')).toString('base64') }, 2);
    const taken = await asUser('POST', PLANS, { content: PLAN('orders-db'), path: '.autostack/other.yaml' });
    expect(taken.status).toBe(409);
    const missing = await asUser('DELETE', `${PLANS}/ghost-db`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toContain('orders-db');
  });

  it('re-deploy says clearly when nothing has been rendered yet', async () => {
    gh = new FakeGitHub();
    gh.on('GET', gh.repoPath(''), 200, repoData(true), 2);
    gh.files({ main: {} });
    gh.on('GET', gh.repoPath('/git/ref/heads/autostack/deploy'), 404, { message: 'Not Found' });
    const r = await asUser('POST', `${PLANS}/orders-db/deploy`, {});
    expect(r.status).toBe(409);
    expect((await r.json()).message).toMatch(/nothing has been rendered yet/);
  });
});

describe('apiOptionsFromEnv', () => {
  it('needs client id, secret and a long session secret together', () => {
    expect(apiOptionsFromEnv({}, 3000)).toEqual({ publicUrl: 'http://localhost:3000', apiUrl: 'https://api.github.com' });
    expect(apiOptionsFromEnv({ GITHUB_CLIENT_ID: 'x' }, 3000)).toHaveProperty('error');
    expect(apiOptionsFromEnv({ GITHUB_CLIENT_ID: 'x', GITHUB_CLIENT_SECRET: 'y', SESSION_SECRET: 'short' }, 3000)).toHaveProperty('error');
    expect(apiOptionsFromEnv({ GITHUB_CLIENT_ID: 'x', GITHUB_CLIENT_SECRET: 'y', SESSION_SECRET: SECRET, GHE_HOST: 'ghe.acme.dev' }, 3000)).toMatchObject({ apiUrl: 'https://ghe.acme.dev/api/v3', oauth: { webUrl: 'https://ghe.acme.dev' } });
  });

  it('reaches GitHub Enterprise Server over GHE_PROTOCOL, as Probot does', async () => {
    const env = { GITHUB_CLIENT_ID: 'Iv1.client', GITHUB_CLIENT_SECRET: 'client-secret', SESSION_SECRET: SECRET, GHE_HOST: 'ghe.acme.dev:8080', PUBLIC_URL: 'http://autostack.acme.dev' };
    expect(apiOptionsFromEnv({ ...env, GHE_PROTOCOL: 'https' }, 3000)).toMatchObject({ apiUrl: 'https://ghe.acme.dev:8080/api/v3', oauth: { webUrl: 'https://ghe.acme.dev:8080' } });
    expect(apiOptionsFromEnv({ ...env, GHE_PROTOCOL: '' }, 3000)).toMatchObject({ apiUrl: 'https://ghe.acme.dev:8080/api/v3' });
    expect(apiOptionsFromEnv({ GHE_PROTOCOL: 'http' }, 3000)).toMatchObject({ apiUrl: 'https://api.github.com' });
    expect(apiOptionsFromEnv({ ...env, GHE_PROTOCOL: 'http://' }, 3000)).toEqual({ error: expect.stringContaining('GHE_PROTOCOL "http://" is not https or http') });
    expect(apiOptionsFromEnv({ ...env, GHE_HOST: 'https://ghe.acme.dev' }, 3000)).toEqual({ error: expect.stringContaining('is not a host name') });

    const options = apiOptionsFromEnv({ ...env, GHE_PROTOCOL: 'http' }, 3000);
    expect(options).toMatchObject({ apiUrl: 'http://ghe.acme.dev:8080/api/v3', oauth: { webUrl: 'http://ghe.acme.dev:8080' } });
    if ('error' in options) throw new Error(options.error);
    const api = createApi(options);
    const login = await api.fetch(new Request('http://autostack.acme.dev/api/auth/login'));
    const to = new URL(login.headers.get('location')!);
    expect(to.origin + to.pathname).toBe('http://ghe.acme.dev:8080/login/oauth/authorize');
    const stateCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const ghe = nock('http://ghe.acme.dev:8080')
      .post('/login/oauth/access_token', (b) => b.code === 'the-code')
      .reply(200, { access_token: USER_TOKEN, token_type: 'bearer' })
      .get('/api/v3/user')
      .reply(200, { login: 'octocat', id: 1 });
    const cb = await api.fetch(new Request(`http://autostack.acme.dev/api/auth/callback?code=the-code&state=${to.searchParams.get('state')}`, { headers: { cookie: stateCookie } }));
    expect(cb.status).toBe(302);
    expect(ghe.isDone()).toBe(true);
  });
});

describe('npm start (app/main.ts)', () => {
  it('serves the API in local mode without GitHub credentials (seeding a repository), and refuses to start as an App without a webhook secret', async () => {
    const { start } = await import('../app/main.ts');
    const data = await tempDir('autostack-data-');
    const server = await start({ PORT: '0', HOST: '127.0.0.1', AUTOSTACK_DATA: data });
    try {
      const port = (server.address() as AddressInfo).port;
      const r = await fetch(`http://127.0.0.1:${port}/api/validate`, { method: 'POST', body: PLAN('orders-db') });
      expect((await r.json()).ok).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/api/nope`)).status).toBe(404);
      const me = await (await fetch(`http://127.0.0.1:${port}/api/me`)).json();
      expect(me.local.path).toBe(join(data, 'repo'));
      const plans = await (await fetch(`http://127.0.0.1:${port}/api/repos/${me.local.repo}/plans`)).json();
      expect(plans.plans.map((p: { name: string }) => p.name)).toEqual(['example-db']);
    } finally {
      server.close();
    }
    await expect(start({ PORT: '0', HOST: '127.0.0.1', APP_ID: '1', PRIVATE_KEY: TEST_PRIVATE_KEY })).rejects.toThrow(/WEBHOOK_SECRET is not set/);
    await expect(start({ PORT: 'abc' })).rejects.toThrow(/not a port/);
  });
});
