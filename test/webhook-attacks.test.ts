import '../synth/node.ts';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { getRequestListener } from '@hono/node-server';
import fc from 'fast-check';
import { Probot } from 'probot';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HELP } from '../app/services/commands.ts';
import { createGitHubServer, gitHubModeFromEnv, validSignature, WEBHOOK_PATH } from '../app/server.ts';
import type { GitHubModeOptions } from '../app/server.ts';
import { loadAppConfig } from '../app/services/config.ts';
import { createWebApp } from '../app/web.ts';
import { APP_ID, FakeGitHub, PLAN, payload, ROOT_PLAN_FILE, TEST_OCTOKIT, TEST_PRIVATE_KEY } from './github/harness.ts';
import { collectingLog, ROOT } from './helpers.ts';

/**
 * The webhook endpoint as deployed (app/main.ts: the webhook path in front of the API and the site),
 * attacked over real HTTP on 127.0.0.1. Checklist group B of docs/security.md.
 */

const SECRET = 'current-webhook-secret-8c1f2a';
const PREVIOUS = 'previous-webhook-secret-47be90';
const CLIENT_SECRET = 'oauth-client-secret-5d3e1c0b9a';
const SESSION_SECRET = 'session-secret-0f9e8d7c6b5a49382716af';
const TOKEN = 'ghs_testtoken0000000000000000000000000000';
const HEAD = 'c'.repeat(40);
const BASE = 'b'.repeat(40);

/** Every record, at every level. */
const collecting = () => collectingLog('trace');

interface Running {
  url: string;
  records: string[];
  close(): Promise<void>;
}

/** The production composition: the webhook endpoint, with the API and the site (sign-in configured) behind it. */
async function start(o: Partial<GitHubModeOptions> = {}): Promise<Running> {
  const { records, log } = collecting();
  const api = getRequestListener(createWebApp({ publicUrl: 'http://127.0.0.1', apiUrl: 'https://api.github.com', oauth: { clientId: 'Iv1.client', clientSecret: CLIENT_SECRET, webUrl: 'https://github.com' }, sessionSecret: SESSION_SECRET }).fetch);
  const server = await createGitHubServer({ appId: String(APP_ID), privateKey: TEST_PRIVATE_KEY, secret: SECRET, Octokit: TEST_OCTOKIT, config: loadAppConfig({}), log: log as never, fallback: api, ...o });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, records, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

function sign(body: string | Buffer, secret = SECRET, algorithm = 'sha256'): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;
}

/** POSTs `body` to the webhook path as GitHub does (JSON, event, delivery id, signature), with `headers` changed; a header set to null is left out. */
async function deliver(base: string, body: string, headers: Record<string, string | null> = {}, path = WEBHOOK_PATH, method = 'POST'): Promise<{ status: number; text: string }> {
  const all: Record<string, string | null> = { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': `d-${Math.random()}`, 'x-hub-signature-256': sign(body), ...headers };
  const sent = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null));
  const res = await fetch(`${base}${path}`, { method, headers: sent, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) });
  return { status: res.status, text: await res.text() };
}

/** The client of `rawRequest`, in its own process (nock, loaded by the tests, intercepts sockets and holds a request until it is complete). */
const RAW_CLIENT = String.raw`
import { connect } from 'node:net';
const [port, host, base64] = JSON.parse(process.argv[1]);
let received = Buffer.alloc(0);
const socket = connect(port, host, () => socket.write(Buffer.from(base64, 'base64')));
socket.on('data', (d) => (received = Buffer.concat([received, d])));
socket.on('error', () => undefined);
socket.on('close', () => process.stdout.write(received.toString('latin1')));
socket.setTimeout(10000, () => socket.destroy());
`;

/** One raw HTTP/1.1 request over a plain socket (headers exactly as written); the answer's status code (0 for none) and text. */
async function rawRequest(base: string, request: string | Buffer): Promise<{ status: number; text: string }> {
  const u = new URL(base);
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', RAW_CLIENT, JSON.stringify([Number(u.port), u.hostname, Buffer.from(request).toString('base64')])]);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(stdout)?.[1] ?? 0), text: stdout };
}

/** A pull_request event for PR 7 whose review (if it ran) would call GitHub. */
function prBody(action = 'opened', patch: (p: any) => void = () => undefined): string {
  return JSON.stringify(payload('pull_request', action, (p) => {
    p.number = 7;
    p.pull_request.number = 7;
    p.pull_request.head.sha = HEAD;
    p.pull_request.base.sha = BASE;
    patch(p);
  }));
}

const settle = () => new Promise((r) => setTimeout(r, 150));

let gh: FakeGitHub | undefined;
afterEach(() => {
  const fake = gh;
  gh = undefined;
  fake?.verify();
});

let app: Running;
beforeAll(async () => {
  app = await start();
});
afterAll(() => app?.close());

describe('B1 GitHub\'s published test vector', () => {
  const vector = { secret: "It's a Secret to Everybody", payload: 'Hello, World!', signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' };

  it('verifies GitHub\'s HMAC test vector, in the function and over HTTP', async () => {
    expect(validSignature(vector.secret, Buffer.from(vector.payload), vector.signature)).toBe(true);
    expect(validSignature(vector.secret, Buffer.from(vector.payload), vector.signature.replace(/7$/, '8'))).toBe(false);
    // The server with that secret: the signature passes, and only then is the body found not to be JSON.
    const server = await start({ secret: vector.secret });
    try {
      const ok = await deliver(server.url, vector.payload, { 'x-hub-signature-256': vector.signature, 'x-github-event': 'ping' });
      expect(ok).toEqual({ status: 400, text: expect.stringMatching(/not JSON/) });
      const flipped = await deliver(server.url, vector.payload, { 'x-hub-signature-256': vector.signature.replace(/7$/, '8'), 'x-github-event': 'ping' });
      expect(flipped).toEqual({ status: 401, text: expect.stringMatching(/signature/) });
    } finally {
      await server.close();
    }
  });
});

describe('B2 B4 B6 missing and malformed headers', () => {
  it('refuses a delivery without X-Hub-Signature-256, X-GitHub-Event or X-GitHub-Delivery with 4xx, and runs nothing', async () => {
    gh = new FakeGitHub();
    const body = prBody();
    const noSignature = await deliver(app.url, body, { 'x-hub-signature-256': null, 'x-github-delivery': 'b2-no-signature' });
    const noEvent = await deliver(app.url, body, { 'x-github-event': null, 'x-github-delivery': 'b2-no-event' });
    const noDelivery = await deliver(app.url, body, { 'x-github-delivery': null });
    expect(noSignature).toEqual({ status: 401, text: expect.stringMatching(/x-hub-signature-256 header missing/) });
    expect(noEvent).toEqual({ status: 400, text: expect.stringMatching(/x-github-event and x-github-delivery headers are required/) });
    expect(noDelivery).toEqual({ status: 400, text: expect.stringMatching(/x-github-event and x-github-delivery headers are required/) });
    await settle();
    // A handler that ran would have asked GitHub for a token and the pull request's files.
    expect(gh.requests).toHaveLength(0);
    expect(app.records.filter((r) => r.includes('b2-no-signature'))).toHaveLength(1);
    expect(app.records.filter((r) => r.includes('b2-no-event'))).toHaveLength(1);
  });

  it('refuses a delivery signed only with the legacy SHA-1 X-Hub-Signature', async () => {
    gh = new FakeGitHub();
    const body = prBody();
    const legacy = await deliver(app.url, body, { 'x-hub-signature-256': null, 'x-hub-signature': sign(body, SECRET, 'sha1') });
    expect(legacy.status).toBe(401);
    expect(legacy.text).toMatch(/SHA-256/);
    // Nor is a SHA-1 signature accepted in the SHA-256 header.
    expect((await deliver(app.url, body, { 'x-hub-signature-256': sign(body, SECRET, 'sha1') })).status).toBe(401);
    await settle();
    expect(gh.requests).toHaveLength(0);
  });

  it('refuses malformed signatures (empty, no prefix, not hex, wrong length, sent twice) with 401 and keeps answering', async () => {
    gh = new FakeGitHub();
    const body = prBody();
    const good = sign(body);
    const hex = good.slice('sha256='.length);
    const malformed = ['', 'sha256=', 'sha256', hex, `SHA256=${hex}`, `sha256=${'z'.repeat(64)}`, `sha256=${hex.slice(0, 63)}`, `sha256=${hex}0`, `sha256=${hex}${hex}`, `sha256= ${hex}`, `sha512=${hex}`, `${good}, ${good}`];
    for (const signature of malformed) {
      const answer = await deliver(app.url, body, { 'x-hub-signature-256': signature });
      expect(answer.status, JSON.stringify(signature)).toBe(401);
    }
    // The header sent twice (Node joins the values with ", "): once right and once wrong, and twice right.
    const u = new URL(app.url);
    for (const [first, second] of [[good, `sha256=${'0'.repeat(64)}`], [`sha256=${'0'.repeat(64)}`, good], [good, good]]) {
      const head = [`POST ${WEBHOOK_PATH} HTTP/1.1`, `host: ${u.host}`, 'content-type: application/json', 'x-github-event: pull_request', 'x-github-delivery: dup-1', `x-hub-signature-256: ${first}`, `x-hub-signature-256: ${second}`, `content-length: ${Buffer.byteLength(body)}`, 'connection: close'];
      expect((await rawRequest(app.url, `${head.join('\r\n')}\r\n\r\n${body}`)).status).toBe(401);
    }
    // Non-ASCII bytes in the header value.
    const latin = ['POST', WEBHOOK_PATH, 'HTTP/1.1\r\nhost:', u.host].join(' ');
    expect((await rawRequest(app.url, Buffer.concat([Buffer.from(`${latin}\r\ncontent-type: application/json\r\nx-github-event: pull_request\r\nx-github-delivery: bin-1\r\nx-hub-signature-256: sha256=`), Buffer.alloc(64, 0xe9), Buffer.from(`\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)]))).status).toBe(401);
    await settle();
    expect(gh.requests).toHaveLength(0);
    // Still answering: the genuine signature is accepted (a ping runs no handler).
    const ping = JSON.stringify(payload('ping'));
    expect((await deliver(app.url, ping, { 'x-github-event': 'ping' })).status).toBe(200);
  });
});

describe('B5 the signature covers the raw bytes', () => {
  it('refuses a body re-serialised after signing (whitespace or key order), and accepts and handles an authentic body with \\u001b and emoji', async () => {
    gh = new FakeGitHub();
    const original = JSON.stringify(JSON.parse(prBody()), null, 2);
    const signature = sign(original);
    const compact = JSON.stringify(JSON.parse(original));
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(original) as object).reverse()));
    expect((await deliver(app.url, compact, { 'x-hub-signature-256': signature })).status).toBe(401);
    expect((await deliver(app.url, reordered, { 'x-hub-signature-256': signature })).status).toBe(401);
    await settle();
    expect(gh.requests).toHaveLength(0);
    gh.verify();

    // A genuine comment whose text holds an escape sequence and emoji, some as raw UTF-8, some as JSON \u escapes.
    gh = new FakeGitHub().token();
    gh.on('POST', gh.repoPath('/issues/comments/555/reactions'), 201, { id: 1, content: 'eyes' });
    gh.on('GET', gh.repoPath('/collaborators/dev/permission'), 200, { permission: 'write' });
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 6 });
    const comment = payload('issue_comment', 'created', (p) => {
      p.issue.number = 7;
      p.issue.pull_request = { url: 'x' };
      p.comment.id = 555;
      p.comment.body = '\u001b[31m🚀 ♥ shipping it \u001b[0m\n/autostack help';
      p.comment.user.login = 'dev';
      p.sender.type = 'User';
    });
    const text = JSON.stringify(comment).replace('♥', '\\u2665');
    expect(text).toContain('\\u001b');
    expect(text).toContain('🚀');
    const server = await start();
    try {
      const answer = await deliver(server.url, text, { 'x-github-event': 'issue_comment', 'x-hub-signature-256': sign(text) });
      expect(answer.status).toBe(200);
    } finally {
      await server.close();
    }
    expect(gh.made('POST', '/issues/7/comments')[0]!.body.body).toBe(`@dev ${HELP}`);
  });
});

describe('B7 constant-time compare', () => {
  /** Comparisons with ==, ===, != or !== where one side names a secret, a signature, a digest, an HMAC, a token or an OAuth state (not its length, type or a literal). */
  function secretComparisons(source: string): string[] {
    const found: string[] = [];
    const sensitive = /secret|signature|\bsig\b|hmac|digest|token|nonce|\bstate\b|expected|given/i;
    const operand = String.raw`(?:typeof\s+)?[\w$.\[\]'"?-]+`;
    const re = new RegExp(String.raw`(${operand})\s*(===|!==|==|!=)\s*(${operand})`, 'g');
    for (const m of source.matchAll(re)) {
      const [left, op, right] = [m[1]!, m[2]!, m[3]!];
      const inert = (side: string) => /^typeof\s/.test(side) || /\.(length|size|byteLength|status|kind|type)$/.test(side) || /^(['"`].*['"`]|\d+|null|undefined|true|false)$/.test(side);
      const names = (side: string) => sensitive.test(side) && !inert(side);
      if ((names(left) || names(right)) && !inert(left) && !inert(right)) found.push(`${left} ${op} ${right}`);
    }
    return found;
  }

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name)).map((e) => join(e.parentPath, e.name));
  }

  it('compares signatures and secrets only with timingSafeEqual: no ===/!== on them in app/, and the check agrees with @octokit/webhooks\' verify', async () => {
    // The check itself finds what it is for.
    expect(secretComparisons('if (signature === expected) return true;')).toEqual(['signature === expected']);
    expect(secretComparisons('return given !== sign(body)')).toHaveLength(1);
    expect(secretComparisons('ok = req.headers["x-hub-signature-256"] == computed;')).toHaveLength(1);
    expect(secretComparisons('if (saved.state !== state) fail();')).toHaveLength(1);
    expect(secretComparisons('typeof s.token !== "string" || given.length === expected.length || pull.state !== "open"')).toEqual([]);
    const offenders = sources(join(ROOT, 'app')).flatMap((file) => secretComparisons(readFileSync(file, 'utf8')).map((c) => `${file.slice(ROOT.length + 1)}: ${c}`));
    expect(offenders).toEqual([]);
    // Every file that computes an HMAC compares with timingSafeEqual.
    for (const file of sources(join(ROOT, 'app'))) {
      const text = readFileSync(file, 'utf8');
      if (/createHmac\(/.test(text)) expect(text, file).toMatch(/timingSafeEqual\(/);
    }
    expect(readFileSync(join(ROOT, 'app/server.ts'), 'utf8')).toMatch(/timingSafeEqual\(given, expected\)/);
    // Our check and the library's (Probot's @octokit/webhooks verify) agree on genuine, flipped and arbitrary signatures.
    const library = (await new Probot({ appId: APP_ID, privateKey: TEST_PRIVATE_KEY, secret: SECRET, logLevel: 'fatal' }).ready()).webhooks;
    await fc.assert(fc.asyncProperty(fc.string({ minLength: 1, unit: 'grapheme' }), fc.oneof(fc.constant('genuine'), fc.constant('flipped'), fc.string({ minLength: 1 })), async (body, kind) => {
      const genuine = sign(body);
      const signature = kind === 'genuine' ? genuine : kind === 'flipped' ? genuine.slice(0, -1) + (genuine.endsWith('0') ? '1' : '0') : kind;
      expect(validSignature(SECRET, Buffer.from(body), signature)).toBe(await library.verify(body, signature));
    }), { numRuns: 300 });
  });
});

describe('B9 secret rotation', () => {
  it('accepts deliveries signed with the current or the previous secret (WEBHOOK_SECRET_PREVIOUS) and refuses a third', async () => {
    const env = { APP_ID: '1', PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: SECRET };
    expect(gitHubModeFromEnv({ ...env, WEBHOOK_SECRET_PREVIOUS: PREVIOUS })).toMatchObject({ secret: SECRET, previousSecrets: [PREVIOUS] });
    expect(gitHubModeFromEnv(env)).not.toHaveProperty('previousSecrets');
    expect(gitHubModeFromEnv({ ...env, WEBHOOK_SECRET_PREVIOUS: 'short' })).toMatchObject({ error: expect.stringMatching(/WEBHOOK_SECRET_PREVIOUS is too weak/) });

    gh = new FakeGitHub();
    const rotating = await start({ previousSecrets: [PREVIOUS] });
    try {
      const ping = JSON.stringify(payload('ping'));
      const headers = (secret: string) => ({ 'x-github-event': 'ping', 'x-hub-signature-256': sign(ping, secret) });
      expect((await deliver(rotating.url, ping, headers(SECRET))).status).toBe(200);
      expect((await deliver(rotating.url, ping, headers(PREVIOUS))).status).toBe(200);
      expect((await deliver(rotating.url, ping, headers('a-third-secret-nobody-configured'))).status).toBe(401);
      // Without the previous secret configured (the rotation is over), it is refused.
      expect((await deliver(app.url, ping, headers(PREVIOUS))).status).toBe(401);
      expect((await deliver(app.url, ping, headers(SECRET))).status).toBe(200);
    } finally {
      await rotating.close();
    }
  });
});

describe('B12 replay of an old genuine event', () => {
  it('a replayed synchronize for a head that is no longer the pull request\'s head does not overwrite the newer review', async () => {
    gh = new FakeGitHub().token();
    const OLD = '0'.repeat(40);
    const NEW = 'd'.repeat(40);
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: ROOT_PLAN_FILE, status: 'modified' }]);
    gh.graphql({ [BASE]: { [ROOT_PLAN_FILE]: PLAN('orders-db') }, [OLD]: { [ROOT_PLAN_FILE]: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 60') } });
    gh.on('GET', gh.repoPath(`/commits/${OLD}/check-runs`), 200, { total_count: 1, check_runs: [{ id: 41, head_sha: OLD }] });
    gh.on('PATCH', gh.repoPath('/check-runs/41'), 200, {});
    // The pull request has moved on.
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: NEW } });
    const body = prBody('synchronize', (p) => (p.pull_request.head.sha = OLD));
    const server = await start();
    try {
      expect((await deliver(server.url, body, { 'x-github-delivery': 'replayed-weeks-later' })).status).toBe(200);
    } finally {
      await server.close();
    }
    // Only the old commit's own check is touched; the comment (which shows the newer head's review) is not.
    expect(gh.made('GET', '/issues/7/comments')).toHaveLength(0);
    expect(gh.made('POST', '/issues/7/comments')).toHaveLength(0);
    expect(gh.requests.filter((r) => r.path.includes(NEW) || JSON.stringify(r.body ?? '').includes(NEW))).toHaveLength(0);
  });

  it('a replayed old /autostack deploy comment (already taken up) deploys and dispatches nothing', async () => {
    gh = new FakeGitHub().token();
    // GitHub answers 200, not 201: the App's reaction is already on that comment.
    gh.on('POST', gh.repoPath('/issues/comments/555/reactions'), 200, { id: 1, content: 'eyes' });
    const body = JSON.stringify(payload('issue_comment', 'created', (p) => {
      p.issue.number = 7;
      p.issue.pull_request = { url: 'x' };
      p.comment.id = 555;
      p.comment.body = '/autostack deploy orders-db';
      p.comment.user.login = 'dev';
      p.sender.type = 'User';
      p.comment.created_at = '2026-01-01T00:00:00Z';
    }));
    const server = await start();
    try {
      expect((await deliver(server.url, body, { 'x-github-event': 'issue_comment', 'x-github-delivery': 'old-comment-new-id' })).status).toBe(200);
      await settle();
    } finally {
      await server.close();
    }
    // verify() (afterEach) fails on any other call: no permission lookup, deployment, dispatch or reply.
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([expect.stringMatching(/access_tokens/), expect.stringMatching(/reactions/)]);
  });
});

describe('B13 a repository is known by its id', () => {
  it('two deliveries for one pull request at once, before and after the repository was renamed and transferred, make one check run', async () => {
    // GitHub on 127.0.0.1, one repository (id 4711) under three names (GitHub redirects the old ones).
    const checks: { id: number; head_sha: string; name: string }[] = [];
    const names = new Set<string>();
    let listing = 0;
    let release: (() => void) | undefined;
    const github = createServer((req: IncomingMessage, res: ServerResponse) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', async () => {
        const path = (req.url ?? '').split('?')[0]!;
        const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) return json(201, { token: TOKEN, expires_at: '2099-01-01T00:00:00Z', permissions: {} });
        const m = /^\/repos\/([^/]+\/[^/]+)(\/.*)$/.exec(path);
        if (!m) return json(404, { message: 'Not Found' });
        names.add(m[1]!);
        const rest = m[2]!;
        if (req.method === 'GET' && rest === '/pulls/7/files') return json(200, [{ filename: 'src/app.ts', status: 'modified' }]);
        if (req.method === 'GET' && rest === `/commits/${HEAD}/check-runs`) {
          // The first listing waits (up to 400 ms) for a second one: two handlers running at once both see no check run.
          listing++;
          if (listing === 1) await new Promise<void>((r) => ((release = r), setTimeout(r, 400)));
          else release?.();
          return json(200, { total_count: checks.length, check_runs: [...checks] });
        }
        if (req.method === 'POST' && rest === '/check-runs') {
          checks.push({ id: 900 + checks.length, head_sha: HEAD, name: JSON.parse(text).name });
          return json(201, checks.at(-1));
        }
        if (req.method === 'PATCH' && /^\/check-runs\/\d+$/.test(rest)) return json(200, {});
        return json(404, { message: 'Not Found' });
      });
    });
    await new Promise<void>((r) => github.listen(0, '127.0.0.1', r));
    const server = await start({ baseUrl: `http://127.0.0.1:${(github.address() as AddressInfo).port}` });
    try {
      const as = (fullName: string, action: string) => prBody(action, (p) => {
        p.repository.id = 4711;
        p.repository.full_name = fullName;
        [p.repository.owner.login, p.repository.name] = fullName.split('/');
      });
      const bodies = [as('acme/infra', 'opened'), as('acme/platform', 'synchronize'), as('newco/platform', 'reopened')];
      const answers = await Promise.all(bodies.map((b, i) => deliver(server.url, b, { 'x-github-delivery': `rename-${i}` })));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect([...names].sort()).toEqual(['acme/infra', 'acme/platform', 'newco/platform']);
      expect(checks).toHaveLength(1);
    } finally {
      await server.close();
      await closeServer(github);
    }
  });
});

describe('B13 an organisation is known by its id', () => {
  it('applies an organisation\'s quota configured by id after the organisation was renamed', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: ROOT_PLAN_FILE, status: 'added' }]);
    gh.graphql({ [BASE]: {}, [HEAD]: { [ROOT_PLAN_FILE]: PLAN('orders-db') } });
    gh.newCheckRun(HEAD, 99);
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
    // The operator keyed the organisation by id; "acme" was called "acme-old" when the file was written.
    const config = loadAppConfig({ AUTOSTACK_QUOTAS: JSON.stringify({ orgs: { 'id:9919': { maxMonthlyUsd: 1 }, 'acme-old': { maxMonthlyUsd: 1 } } }) });
    const server = await start({ config });
    try {
      const body = prBody('opened', (p) => (p.repository.owner.id = 9919));
      expect((await deliver(server.url, body, { 'x-github-delivery': 'renamed-org' })).status).toBe(200);
    } finally {
      await server.close();
    }
    const check = gh.made('POST', '/check-runs')[0]!.body;
    expect(check.conclusion).toBe('failure');
    expect(JSON.stringify(check)).toMatch(/quota/i);
  });
});

describe('B14 events and actions the App does not handle', () => {
  it('answers ping and an unknown future action with 2xx and calls GitHub for nothing', async () => {
    gh = new FakeGitHub();
    const ping = JSON.stringify(payload('ping'));
    expect(await deliver(app.url, ping, { 'x-github-event': 'ping' })).toEqual({ status: 200, text: 'ok\n' });
    const future = prBody('opened', (p) => (p.action = 'some_new_action'));
    expect((await deliver(app.url, future)).status).toBe(200);
    const unknownEvent = JSON.stringify({ action: 'created', installation: { id: 1 }, something: { id: 1 } });
    expect((await deliver(app.url, unknownEvent, { 'x-github-event': 'some_future_event' })).status).toBe(200);
    await settle();
    expect(gh.requests).toHaveLength(0);
  });
});

describe('B15 B16 B17 the request around the body', () => {
  it('refuses a correctly signed delivery sent as form data, text/plain or without a Content-Type with 415, and runs nothing', async () => {
    gh = new FakeGitHub();
    const json = prBody();
    const form = `payload=${encodeURIComponent(json)}`;
    for (const [type, body] of [['application/x-www-form-urlencoded', form], ['text/plain', json], ['text/plain; charset=utf-8', json], ['application/jsonp', json], [null, json]] as const) {
      const answer = await deliver(app.url, body, { 'content-type': type, 'x-hub-signature-256': sign(body) });
      expect(answer.status, String(type)).toBe(415);
      expect(answer.text).toMatch(/application\/json/);
    }
    // A charset parameter is fine (and the body still has to be genuine).
    gh.verify();
    gh = new FakeGitHub();
    const ping = JSON.stringify(payload('ping'));
    expect((await deliver(app.url, ping, { 'content-type': 'Application/JSON; charset=utf-8', 'x-github-event': 'ping' })).status).toBe(200);
    await settle();
    expect(gh.requests).toHaveLength(0);
  });

  it('refuses Transfer-Encoding with Content-Length, a 26 MB declared body of the wrong type and a header flood, and keeps answering', async () => {
    gh = new FakeGitHub();
    const u = new URL(app.url);
    const body = JSON.stringify(payload('ping'));
    const te = [`POST ${WEBHOOK_PATH} HTTP/1.1`, `host: ${u.host}`, 'content-type: application/json', 'x-github-event: ping', 'x-github-delivery: te-cl-1', `x-hub-signature-256: ${sign(body)}`, `content-length: ${Buffer.byteLength(body)}`, 'transfer-encoding: chunked'];
    const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const conflict = await rawRequest(app.url, `${te.join('\r\n')}\r\n\r\n${chunked}`);
    expect(conflict.status).toBe(400);
    // A body declared over 25 MB but not JSON: refused from its headers, before the client sends it.
    const declared = await rawRequest(app.url, `POST ${WEBHOOK_PATH} HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: text/plain\r\nx-github-event: push\r\nx-github-delivery: big-2\r\ncontent-length: ${26 * 1024 * 1024}\r\n\r\nx`);
    expect(declared.status).toBe(415);
    const flood = await rawRequest(app.url, `POST ${WEBHOOK_PATH} HTTP/1.1\r\nhost: ${u.host}\r\nx-padding: ${'a'.repeat(64 * 1024)}\r\ncontent-length: 0\r\n\r\n`);
    expect(flood.status).toBe(431);
    expect((await deliver(app.url, body, { 'x-github-event': 'ping' })).status).toBe(200);
    await settle();
    expect(gh.requests).toHaveLength(0);
  });

  it('answers GET, PUT, DELETE and other spellings of the webhook path with 404 or 405, and runs nothing', async () => {
    gh = new FakeGitHub();
    const body = prBody();
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH']) {
      const answer = await deliver(app.url, body, {}, WEBHOOK_PATH, method);
      expect(answer.status, method).toBe(405);
    }
    for (const path of [`${WEBHOOK_PATH}/`, `${WEBHOOK_PATH}//`, '/API/GitHub/Webhooks', `${WEBHOOK_PATH}/x`, `/api/github/webhooks%2F`, `/api/github/./webhooks/`, `/api/github`]) {
      const answer = await deliver(app.url, body, {}, path);
      expect(answer.status, path).toBe(404);
    }
    // A PUT carrying 30 MB is answered from its headers and the connection closed, not read.
    const u = new URL(app.url);
    const put = await rawRequest(app.url, `PUT ${WEBHOOK_PATH} HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: application/json\r\ncontent-length: ${30 * 1024 * 1024}\r\n\r\n{`);
    expect(put.status).toBe(405);
    expect(put.text).toMatch(/connection: close/i);
    await settle();
    expect(gh.requests).toHaveLength(0);
  });
});

describe('B18 what reaches the logs', () => {
  it('logs no secret, key, token and no payload during a review, a forged delivery, a failing handler and a broken payload', async () => {
    const consoleLines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(' '))));
    const marker = 'PAYLOAD-BODY-MARKER-3e7d';
    const withMarker = (action: string, patch: (p: any) => void = () => undefined) => prBody(action, (p) => {
      p.pull_request.body = `${marker} please review`;
      p.pull_request.title = `${marker} title`;
      patch(p);
    });
    const signatures: string[] = [];
    const server = await start();
    try {
      // 1. A full review: the check and the comment.
      gh = new FakeGitHub().token();
      gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: ROOT_PLAN_FILE, status: 'added' }]);
      gh.graphql({ [BASE]: {}, [HEAD]: { [ROOT_PLAN_FILE]: PLAN('orders-db') } });
      gh.newCheckRun(HEAD, 99);
      gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
      gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
      gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
      const reviewed = withMarker('opened');
      signatures.push(sign(reviewed));
      expect((await deliver(server.url, reviewed, { 'x-github-delivery': 'log-review' })).status).toBe(200);
      expect(gh.made('POST', '/issues/7/comments')).toHaveLength(1);
      gh.verify();

      // 2. A forged delivery.
      gh = new FakeGitHub();
      const forged = withMarker('opened');
      signatures.push(sign(forged, 'an-attacker-guess-0123456789'));
      expect((await deliver(server.url, forged, { 'x-hub-signature-256': signatures.at(-1)!, 'x-github-delivery': 'log-forged' })).status).toBe(401);
      gh.verify();

      // 3. A handler failing on GitHub's side: a failed check.
      // (The installation token from step 1 is reused.)
      gh = new FakeGitHub();
      gh.on('GET', gh.repoPath('/pulls/7/files'), 500, { message: 'Server Error' });
      gh.newCheckRun(HEAD, 77);
      expect((await deliver(server.url, withMarker('synchronize'), { 'x-github-delivery': 'log-failing' })).status).toBeLessThan(300);
      expect(gh.made('POST', '/check-runs')[0]!.body.conclusion).toBe('failure');
      gh.verify();

      // 4. A genuine payload the code cannot handle (a pull request without a head): the handler throws outside its own try.
      gh = new FakeGitHub();
      const broken = withMarker('reopened', (p) => delete p.pull_request.head);
      const answer = await deliver(server.url, broken, { 'x-github-delivery': 'log-broken' });
      expect(answer.status).toBeLessThan(600);
      await settle();
      gh.verify();

      // 5. Sign-in routes: a forged session cookie and a callback without state.
      expect((await fetch(`${server.url}/api/me`, { headers: { cookie: `autostack_session=${'A'.repeat(80)}` } })).status).toBeLessThan(500);
      expect((await fetch(`${server.url}/api/auth/callback?code=x&state=y`, { redirect: 'manual' })).status).toBe(400);
      await settle();
    } finally {
      for (const s of spies) s.mockRestore();
      gh = undefined;
      await server.close();
    }
    const all = [...server.records, ...consoleLines].join('\n');
    expect(server.records.length).toBeGreaterThan(5);
    expect(server.records.some((r) => r.includes('log-broken'))).toBe(true);
    const keyLines = TEST_PRIVATE_KEY.split('\n').filter((l) => l.length > 40);
    const forbidden: [string, string][] = [['the webhook secret', SECRET], ['the OAuth client secret', CLIENT_SECRET], ['the session key', SESSION_SECRET], ['the installation token', TOKEN], ['a PEM header', '-----BEGIN'], ['a line of the private key', keyLines[3]!], ['the payload', marker], ['a header dump', '"x-hub-signature-256":'], ['a header dump', '"x-github-delivery":'], ['the genuine signature', signatures[0]!.slice(7)], ['the forged signature', signatures[1]!.slice(7)], ['a token prefix', 'ghs_'], ['a user token prefix', 'ghu_'], ['a PAT prefix', 'github_pat_']];
    for (const [what, value] of forbidden) expect(all.includes(value), `${what} appears in the logs: ${all.split('\n').find((l) => l.includes(value))?.slice(0, 600)}`).toBe(false);
  });
});
