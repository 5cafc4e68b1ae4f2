import '../synth/node.ts';
import { collectingLog } from './helpers.ts';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HANDLER_PERMISSIONS } from '../app/github-app.ts';
import { ROUTES } from '../app/github/routes.ts';
import { renderDeployWorkflow } from '../synth/contract/deploy-workflow.ts';
import { appOctokit, AppOctokit } from '../app/github/octokit.ts';
import { MARKER } from '../app/github/sticky-comment.ts';
import { createGitHubServer, WEBHOOK_PATH } from '../app/server.ts';
import { loadAppConfig } from '../app/services/config.ts';
import { FakeGitHubServer } from './github/fake-server.ts';
import type { ServerRecorded } from './github/fake-server.ts';
import { APP_ID, graphqlAnswer, blobSha, PLAN, payload, ROOT_PLAN_FILE, TEST_PRIVATE_KEY } from './github/harness.ts';

/**
 * GitHub API faults against the App as it runs in production: the webhook server, Probot and
 * the production Octokit (retries, rate-limit handling, write spacing), with GitHub faked on
 * real HTTP at 127.0.0.1. Each test starts its own App (its own token cache).
 */

const SECRET = 'a-webhook-secret-for-fault-tests';
const HEAD = 'c'.repeat(40);
const BASE = 'b'.repeat(40);
const REPO_ID = 918273;
const R = '/repos/acme/infra';

let gh: FakeGitHubServer;
let minted = 0;
beforeAll(async () => {
  process.env.LOG_LEVEL = 'fatal';
  gh = await new FakeGitHubServer().start();
});
afterAll(() => gh.close());
afterEach(() => gh.verify());

interface App {
  url: string;
  records: string[];
  close: () => void;
}

const collecting = () => collectingLog();

async function startApp(Octokit = AppOctokit, handlerDeadlineMs?: number): Promise<App> {
  const { records, log } = collecting();
  const server: Server = await createGitHubServer({ appId: String(APP_ID), privateKey: TEST_PRIVATE_KEY, secret: SECRET, baseUrl: gh.url, Octokit, config: loadAppConfig({}), log: log as never, ...(handlerDeadlineMs ? { handlerDeadlineMs } : {}) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`, records, close: () => server.close() };
}

async function deliver(app: App, event: string, body: unknown, delivery: string): Promise<number> {
  const text = JSON.stringify(body);
  const res = await fetch(app.url, { method: 'POST', body: text, headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(text).digest('hex')}` } });
  return res.status;
}

function prOpened(n: number) {
  return payload('pull_request', 'opened', (p) => {
    p.number = n;
    p.pull_request.number = n;
    p.pull_request.head.sha = HEAD;
    p.pull_request.base.sha = BASE;
    p.repository.id = REPO_ID;
  });
}

type Reply = [number, unknown?, Record<string, string>?];

/** The installation token: each mint a new one, remembered in `minted`. */
function token(times = 1, reply?: (r: ServerRecorded) => Reply | undefined) {
  gh.on('POST', '/app/installations/1/access_tokens', (r) => reply?.(r) ?? [201, { token: `ghs_fault${String(++minted).padStart(31, '0')}`, expires_at: '2099-01-01T00:00:00Z', permissions: r.body?.permissions ?? {} }], times);
}

const refs: Record<string, Record<string, string>> = { [BASE]: {}, [HEAD]: { [ROOT_PLAN_FILE]: PLAN('orders-db') } };

function graphql(answer: (r: ServerRecorded) => Reply = (r) => {
  const [status, body, problems] = graphqlAnswer(refs, r.body);
  gh.problems.push(...problems);
  return [status, body];
}, times = 1) {
  gh.on('POST', '/graphql', answer, times);
}

/** The check run: looked up, created with its result (id 99), then listed again (it came first, E12). */
function checkRun() {
  gh.on('GET', `${R}/commits/${HEAD}/check-runs`, 200, 1, { total_count: 0, check_runs: [] });
  gh.on('POST', `${R}/check-runs`, 201, 1, { id: 99 });
  gh.on('GET', `${R}/commits/${HEAD}/check-runs`, 200, 1, { total_count: 1, check_runs: [{ id: 99, head_sha: HEAD }] });
}

/** After the check: the head re-read and the comment looked up and created. */
function comment(n: number) {
  gh.on('GET', `${R}/pulls/${n}`, 200, 1, { number: n, head: { sha: HEAD } });
  gh.on('GET', `${R}/issues/${n}/comments`, 200, 1, []);
  gh.on('POST', `${R}/issues/${n}/comments`, 201, 1, { id: 5 });
}

const filesOk = (n: number) => gh.on('GET', `${R}/pulls/${n}/files`, 200, 1, [{ filename: ROOT_PLAN_FILE, status: 'added' }]);

const completed = () => [...gh.made('POST', `${R}/check-runs`), ...gh.made('PATCH', '/check-runs/99')].map((r) => r.body).find((b) => b.status === 'completed');

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting for GitHub calls');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs `fn` with a fresh App and closes it afterwards. */
async function withApp<T>(fn: (app: App) => Promise<T>, Octokit = AppOctokit, handlerDeadlineMs?: number): Promise<T> {
  const app = await startApp(Octokit, handlerDeadlineMs);
  try {
    return await fn(app);
  } finally {
    app.close();
  }
}

const GONE_HTML = '<html><body><h1>502 Bad Gateway</h1></body></html>';

describe('E1: server errors on a GET', () => {
  it('retries a GET answered 502, then 503, and reviews normally with its 200', async () => {
    await withApp(async (app) => {
      token();
      gh.on('GET', `${R}/pulls/7/files`, 502, 1, GONE_HTML);
      gh.on('GET', `${R}/pulls/7/files`, 503, 1, { message: 'Service Unavailable' });
      filesOk(7);
      graphql();
      checkRun();
      comment(7);
      await deliver(app, 'pull_request', prOpened(7), 'e1-ok');
      await waitFor(() => gh.made('POST', '/issues/7/comments').length === 1);
      expect(gh.made('GET', '/pulls/7/files')).toHaveLength(3);
      expect(completed()).toMatchObject({ conclusion: 'success' });
    });
  });

  it('a GET that keeps failing ends in a failed check that says what GitHub answered, in plain words and without the token', async () => {
    await withApp(async (app) => {
      token();
      gh.on('GET', `${R}/pulls/7/files`, 502, 3, GONE_HTML);
      checkRun();
      await deliver(app, 'pull_request', prOpened(7), 'e1-fail');
      await waitFor(() => completed() !== undefined);
      expect(gh.made('GET', '/pulls/7/files')).toHaveLength(3);
      const summary = completed().output.summary as string;
      expect(completed().conclusion).toBe('failure');
      expect(summary).toContain('AutoStack could not finish: GitHub answered 502 to GET /repos/acme/infra/pulls/7/files, also when asked again; GitHub may be having trouble (https://www.githubstatus.com).');
      expect(summary).not.toMatch(/ghs_|<html|Bearer|token/i);
      expect(app.records.join('\n')).not.toMatch(/ghs_fault/);
    });
  });
});

describe('E3: the primary rate limit', () => {
  const limited = (resetInSeconds: number): Reply => [403, { message: 'API rate limit exceeded for installation ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }, { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds) }];

  it('waits until the reset once (no request before it), then carries on', async () => {
    await withApp(async (app) => {
      token();
      let reset = 0;
      gh.on('GET', `${R}/pulls/7/files`, () => {
        const reply = limited(1);
        reset = Number(reply[2]!['x-ratelimit-reset']) * 1000;
        return reply;
      });
      filesOk(7);
      graphql();
      checkRun();
      comment(7);
      await deliver(app, 'pull_request', prOpened(7), 'e3-wait');
      await waitFor(() => gh.made('POST', '/issues/7/comments').length === 1);
      const [first, second] = gh.made('GET', '/pulls/7/files');
      expect(second!.at).toBeGreaterThanOrEqual(reset);
      expect(first!.at).toBeLessThan(reset);
      expect(completed()).toMatchObject({ conclusion: 'success' });
    });
  });

  it('stops after one wait when the limit is still used up, and does not wait at all for a reset far away; the check says until when', async () => {
    await withApp(async (app) => {
      token();
      gh.on('GET', `${R}/pulls/7/files`, () => limited(1), 2);
      checkRun();
      await deliver(app, 'pull_request', prOpened(7), 'e3-twice');
      await waitFor(() => completed() !== undefined);
      expect(gh.made('GET', '/pulls/7/files')).toHaveLength(2);
      expect(completed().output.summary).toMatch(/AutoStack could not finish: GitHub's API rate limit for this installation of the AutoStack App is used up until \d\d:\d\d:\d\d UTC; AutoStack stopped at GET \/repos\/acme\/infra\/pulls\/7\/files instead of waiting longer\. Re-run this check after the reset\./);
    });
    gh.verify();
    await withApp(async (app) => {
      token();
      let reset = '';
      gh.on('GET', `${R}/pulls/7/files`, () => {
        const reply = limited(3600);
        reset = new Date(Number(reply[2]!['x-ratelimit-reset']) * 1000).toISOString().slice(11, 19);
        return reply;
      });
      checkRun();
      await deliver(app, 'pull_request', prOpened(7), 'e3-far');
      await waitFor(() => completed() !== undefined);
      expect(gh.made('GET', '/pulls/7/files')).toHaveLength(1);
      expect(completed().output.summary).toContain(`is used up until ${reset} UTC`);
    });
  });
});

describe('E3: a rate limit and the handler\'s deadline', () => {
  it('does not start a wait that would outlast the handler: the check says when the limit resets, not that time ran out', async () => {
    await withApp(async (app) => {
      token();
      let reset = '';
      gh.on('GET', `${R}/pulls/7/files`, () => {
        const at = Math.ceil(Date.now() / 1000) + 5;
        reset = new Date(at * 1000).toISOString().slice(11, 19);
        return [403, { message: 'API rate limit exceeded for installation ID 1.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(at) }];
      });
      checkRun();
      await deliver(app, 'pull_request', prOpened(7), 'e3-deadline');
      await waitFor(() => completed() !== undefined);
      expect(gh.made('GET', '/pulls/7/files')).toHaveLength(1);
      expect(completed().output.summary).toContain(`is used up until ${reset} UTC`);
      expect(completed().output.summary).not.toContain('deadline');
    }, AppOctokit, 4000);
  });
});

describe('E9: a paginated GET that hangs', () => {
  it('is aborted at the handler\'s deadline (the connection closed, not left open)', async () => {
    let closedAt = 0;
    let summary = '';
    const github = createServer((req: IncomingMessage, res: ServerResponse) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0]!;
        const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (path.endsWith('/access_tokens')) return json(201, { token: 'ghs_hang', expires_at: '2099-01-01T00:00:00Z' });
        if (req.method === 'GET' && path.endsWith('/check-runs')) return json(200, { total_count: 0, check_runs: [] });
        if (req.method === 'POST' && path.endsWith('/check-runs')) {
          summary = JSON.parse(text).output?.summary ?? '';
          return json(201, { id: 99 });
        }
        if (req.method === 'PATCH') {
          summary = JSON.parse(text).output?.summary ?? '';
          return json(200, { id: 99 });
        }
        // GET /pulls/7/files (listed page by page): never answered.
        res.on('close', () => (closedAt = Date.now()));
      });
    });
    await new Promise<void>((r) => github.listen(0, '127.0.0.1', r));
    const { records, log } = collecting();
    const app = await createGitHubServer({ appId: String(APP_ID), privateKey: TEST_PRIVATE_KEY, secret: SECRET, baseUrl: `http://127.0.0.1:${(github.address() as AddressInfo).port}`, Octokit: AppOctokit, config: loadAppConfig({}), log: log as never, handlerDeadlineMs: 1500 });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    try {
      const started = Date.now();
      const body = JSON.stringify(prOpened(7));
      await fetch(`http://127.0.0.1:${(app.address() as AddressInfo).port}${WEBHOOK_PATH}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'e9-page', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` } });
      await waitFor(() => summary !== '' && closedAt > 0, 10_000);
      expect(summary).toContain('deadline');
      expect(closedAt - started).toBeGreaterThanOrEqual(1500);
      expect(records.join('\n')).not.toContain('ghs_hang');
    } finally {
      app.close();
      github.closeAllConnections();
      github.close();
    }
  });
});

describe('E4: the secondary rate limit', () => {
  const secondary = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' };

  it('waits as long as retry-after says (403), then succeeds', async () => {
    await withApp(async (app) => {
      token();
      gh.on('GET', `${R}/pulls/7/files`, () => [403, secondary, { 'retry-after': '1' }]);
      filesOk(7);
      graphql();
      checkRun();
      comment(7);
      await deliver(app, 'pull_request', prOpened(7), 'e4-retry-after');
      await waitFor(() => gh.made('POST', '/issues/7/comments').length === 1);
      const [first, second] = gh.made('GET', '/pulls/7/files');
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
      expect(completed()).toMatchObject({ conclusion: 'success' });
    });
  });

  it('without retry-after (429) waits the fallback, once; a second limit stops with a clear message', async () => {
    // Production waits GitHub's minimum of 60 s here; this App waits 1 s, everything else as in production.
    await withApp(async (app) => {
      token();
      gh.on('GET', `${R}/pulls/7/files`, 429, 2, secondary);
      checkRun();
      await deliver(app, 'pull_request', prOpened(7), 'e4-fallback');
      await waitFor(() => completed() !== undefined);
      const [first, second] = gh.made('GET', '/pulls/7/files');
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
      expect(gh.made('GET', '/pulls/7/files')).toHaveLength(2);
      expect(completed().output.summary).toContain("AutoStack could not finish: GitHub's secondary rate limit stopped GET /repos/acme/infra/pulls/7/files (too many requests at once); AutoStack waited once and stopped rather than keep trying.");
    }, appOctokit({ secondaryFallbackSeconds: 1 }));
  });
});

describe('E5: a permission the installation lacks', () => {
  it('403 "Resource not accessible by integration" is not retried; the check and the log name the permission and how to grant it', async () => {
    await withApp(async (app) => {
      token();
      gh.on('GET', `${R}/pulls/7/files`, () => [403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/pulls/pulls#list-pull-requests-files' }, { 'x-accepted-github-permissions': 'pull_requests=read' }]);
      checkRun();
      await deliver(app, 'pull_request', prOpened(7), 'e5');
      await waitFor(() => completed() !== undefined);
      expect(gh.made('GET', '/pulls/7/files')).toHaveLength(1);
      const expected = 'The AutoStack GitHub App is not allowed to do GET /repos/acme/infra/pulls/7/files: GitHub says "Resource not accessible by integration"; it needs the permission pull_requests: read. An owner of the App adds it under the App\'s settings → Permissions & events, then an owner of this account accepts the new permissions (Settings → GitHub Apps → AutoStack → Review request).';
      expect(completed().output.summary).toContain(expected);
      expect(app.records.some((r) => r.startsWith('error') && r.includes(JSON.stringify(expected).slice(1, -1)))).toBe(true);
    });
  });
});

describe('E6: 401 in the middle of a job', () => {
  it('mints a new installation token once and asks again; the review goes on', async () => {
    await withApp(async (app) => {
      token(2);
      gh.on('GET', `${R}/pulls/7/files`, 401, 1, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      filesOk(7);
      graphql();
      checkRun();
      comment(7);
      await deliver(app, 'pull_request', prOpened(7), 'e6-refresh');
      await waitFor(() => gh.made('POST', '/issues/7/comments').length === 1);
      const [first, second] = gh.made('GET', '/pulls/7/files');
      expect(first!.auth).not.toBe(second!.auth);
      // Everything after the 401 uses the new token.
      expect(gh.made('POST', '/issues/7/comments')[0]!.auth).toBe(second!.auth);
      expect(completed()).toMatchObject({ conclusion: 'success' });
    });
  });

  it('a second 401, with the fresh token, is a clear error and no loop', async () => {
    await withApp(async (app) => {
      token(2);
      gh.on('GET', `${R}/pulls/7/files`, 401, 2, { message: 'Bad credentials' });
      checkRun();
      await deliver(app, 'pull_request', prOpened(7), 'e6-twice');
      await waitFor(() => completed() !== undefined);
      expect(gh.made('GET', '/pulls/7/files')).toHaveLength(2);
      expect(completed().output.summary).toContain("GitHub refused the App's installation token for acme/infra (401 Bad credentials), also a freshly minted one. Check that this server's clock is right and that the App's private key is current, then re-run this check.");
    });
  });

  it('the App key refused for clock skew (JWT "exp" too far in the future) is signed again with GitHub\'s time, and the review goes on', async () => {
    await withApp(async (app) => {
      let first = true;
      const ahead = new Date(Date.now() + 10 * 60_000).toUTCString();
      token(2, () => {
        if (!first) return undefined;
        first = false;
        return [401, { message: "'Expiration time' claim ('exp') is too far in the future", documentation_url: 'https://docs.github.com/rest' }, { date: ahead }];
      });
      filesOk(7);
      graphql();
      checkRun();
      comment(7);
      await deliver(app, 'pull_request', prOpened(7), 'e6-skew');
      await waitFor(() => gh.made('POST', '/issues/7/comments').length === 1);
      const jwts = gh.made('POST', '/access_tokens').map((r) => JSON.parse(Buffer.from(r.auth!.split(' ')[1]!.split('.')[1]!, 'base64url').toString()) as { iat: number });
      // The second JWT is issued on GitHub's clock (ten minutes ahead).
      expect(jwts[1]!.iat - jwts[0]!.iat).toBeGreaterThan(500);
    });
  });
});

describe('E7: the installation is gone', () => {
  it('stops without calling anything else (no failed check it could not post) and says why in the log', async () => {
    await withApp(async (app) => {
      token(1, () => [404, { message: 'Not Found' }]);
      await deliver(app, 'pull_request', prOpened(7), 'e7-gone');
      await waitFor(() => app.records.some((r) => r.includes('cannot act for this repository')));
      expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /app/installations/1/access_tokens']);
      expect(app.records.find((r) => r.includes('cannot act for this repository'))).toContain('The AutoStack App is no longer installed for acme/infra (installation 1 is gone): nothing was done.');
    });
    gh.verify();
    await withApp(async (app) => {
      // The repository was removed from the installation: GitHub refuses a token for it.
      token(1, () => [422, { message: 'There is at least one repository that does not exist or is not accessible to the parent installation.' }]);
      await deliver(app, 'pull_request', prOpened(7), 'e7-removed');
      await waitFor(() => app.records.some((r) => r.includes('cannot act for this repository')));
      expect(gh.requests).toHaveLength(1);
      expect(app.records.find((r) => r.includes('cannot act for this repository'))).toContain("installation 1 no longer covers acme/infra (the repository was removed from it, or the installation is suspended)");
    });
  });
});

describe('E4 and E7: a rate limit on the token request', () => {
  it('is reported as a rate limit, not as an installation that is gone', async () => {
    await withApp(async (app) => {
      const limited: Reply = [403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': '1' }];
      // The handler's token (asked twice: one wait), then the failed check's (twice again).
      token(4, () => limited);
      await deliver(app, 'pull_request', prOpened(7), 'e4-token');
      await waitFor(() => gh.made('POST', '/access_tokens').length === 4 && app.records.some((r) => r.includes('AutoStack handler failed')));
      const failed = app.records.find((r) => r.includes('AutoStack handler failed'))!;
      expect(failed).toContain("AutoStack could not get an installation token for acme/infra: GitHub's secondary rate limit stopped POST /app/installations/1/access_tokens (too many requests at once); AutoStack waited once and stopped rather than keep trying.");
      // Each token request waited once; the request that needed the token did not wait again on top.
      const [t1, t2, t3, t4] = gh.made('POST', '/access_tokens').map((r) => r.at);
      expect(t2! - t1!).toBeGreaterThanOrEqual(1000);
      expect(t4! - t3!).toBeGreaterThanOrEqual(1000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(gh.made('POST', '/access_tokens')).toHaveLength(4);
      expect(app.records.join('\n')).not.toContain('no longer');
    });
  });
});

describe('E8: GitHub refuses a text as too long', () => {
  it('a 422 on the comment: posted once more, shorter, with a note', async () => {
    await withApp(async (app) => {
      token();
      filesOk(7);
      graphql();
      checkRun();
      gh.on('GET', `${R}/pulls/7`, 200, 1, { number: 7, head: { sha: HEAD } });
      gh.on('GET', `${R}/issues/7/comments`, 200, 1, []);
      gh.on('POST', `${R}/issues/7/comments`, 422, 1, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Body is too long (maximum is 65536 characters)' }] });
      gh.on('POST', `${R}/issues/7/comments`, 201, 1, { id: 5 });
      await deliver(app, 'pull_request', prOpened(7), 'e8-comment');
      await waitFor(() => gh.made('POST', '/issues/7/comments').length === 2);
      const [long, short] = gh.made('POST', '/issues/7/comments').map((r) => r.body.body as string);
      expect(short!.length).toBeLessThan(long!.length);
      expect(short).toContain(MARKER);
      expect(short).toContain("truncated to fit GitHub's comment limit");
    });
  });

  it('a 422 on the check run\'s summary: completed once more with a shorter summary', async () => {
    await withApp(async (app) => {
      token();
      filesOk(7);
      graphql();
      gh.on('GET', `${R}/commits/${HEAD}/check-runs`, 200, 1, { total_count: 0, check_runs: [] });
      gh.on('POST', `${R}/check-runs`, 422, 1, { message: 'Invalid request.\n\nOnly 65535 characters are allowed; 65536 were supplied.' });
      gh.on('POST', `${R}/check-runs`, 201, 1, { id: 99 });
      gh.on('GET', `${R}/commits/${HEAD}/check-runs`, 200, 1, { total_count: 1, check_runs: [{ id: 99, head_sha: HEAD }] });
      comment(7);
      await deliver(app, 'pull_request', prOpened(7), 'e8-check');
      await waitFor(() => gh.made('GET', '/check-runs').length === 2);
      const [long, short] = gh.made('POST', `${R}/check-runs`).map((r) => r.body);
      expect(short.output.summary.length).toBeLessThan(long.output.summary.length);
      expect(short.output.summary).toContain('truncated: GitHub refused the full text as too long');
      expect(short).toMatchObject({ status: 'completed', conclusion: 'success' });
    });
  });
});

describe('E11: pagination', () => {
  /** A list served 100 a page with GitHub's Link header. */
  function pages(path: string, items: unknown[]) {
    const count = Math.ceil(items.length / 100);
    gh.on('GET', path, (r) => {
      const page = Number(r.query.get('page') ?? 1);
      const link = page < count ? { link: `<${gh.url}${path}?per_page=100&page=${page + 1}>; rel="next", <${gh.url}${path}?per_page=100&page=${count}>; rel="last"` } : undefined;
      return [200, items.slice((page - 1) * 100, page * 100), link];
    }, count);
  }

  it('finds its own comment on the second page of 150 and updates it; reviews all 150 changed plans', async () => {
    await withApp(async (app) => {
      token();
      const head: Record<string, string> = {};
      const base: Record<string, string> = {};
      for (let i = 0; i < 150; i++) {
        base[`.autostack/db-${i}.yaml`] = PLAN(`db-${i}`);
        head[`.autostack/db-${i}.yaml`] = PLAN(`db-${i}`).replace('sizeGiB: 50', 'sizeGiB: 60');
      }
      pages(`${R}/pulls/7/files`, Object.keys(head).map((filename) => ({ filename, status: 'modified' })));
      const asked = new Set<string>();
      graphql((r) => {
        for (const v of Object.values(r.body.variables as Record<string, string>)) if (v.includes(':.autostack/db-')) asked.add(v);
        const [status, body, problems] = graphqlAnswer({ [BASE]: base, [HEAD]: head }, r.body);
        gh.problems.push(...problems);
        return [status, body];
      }, 2);
      checkRun();
      gh.on('GET', `${R}/pulls/7`, 200, 1, { number: 7, head: { sha: HEAD } });
      const comments = Array.from({ length: 150 }, (_, i) => ({ id: 1000 + i, body: i === 120 ? `${MARKER}\nold review\n<!-- autostack:meta head=${'d'.repeat(40)} at=2026-01-01T00:00:00.000Z -->` : `comment ${i} ${MARKER}`, user: { login: i === 120 ? 'autostack[bot]' : `person-${i}`, type: i === 120 ? 'Bot' : 'User' }, performed_via_github_app: i === 120 ? { id: APP_ID } : null }));
      pages(`${R}/issues/7/comments`, comments);
      gh.on('PATCH', `${R}/issues/comments/1120`, 200, 1, { id: 1120 });
      await deliver(app, 'pull_request', prOpened(7), 'e11');
      await waitFor(() => gh.made('PATCH', '/issues/comments/1120').length === 1);
      expect(gh.made('POST', '/issues/7/comments')).toHaveLength(0);
      expect(asked.size).toBe(300);
      expect(completed().output.title).toContain('150 plans changed');
    });
  });
});

describe('E13: GraphQL answers 200 with errors', () => {
  const wentWrong = { message: 'Something went wrong while executing your query. Please include `C0DE:1234:5678` when reporting this issue.' };

  it('never uses the partial data, asks again, and reviews with the full answer', async () => {
    await withApp(async (app) => {
      token();
      filesOk(7);
      let calls = 0;
      graphql((r) => {
        const [status, body, problems] = graphqlAnswer(refs, r.body);
        gh.problems.push(...problems);
        if (calls++ > 0) return [status, body];
        // Partial data: every object null, as if the plan did not exist at head.
        const partial = Object.fromEntries(Object.keys((body as { data: { repository: object } }).data.repository).map((k) => [k, null]));
        return [200, { data: { repository: partial }, errors: [wentWrong] }];
      }, 2);
      checkRun();
      comment(7);
      await deliver(app, 'pull_request', prOpened(7), 'e13-retry');
      await waitFor(() => gh.made('POST', '/issues/7/comments').length === 1);
      expect(completed()).toMatchObject({ conclusion: 'success' });
      expect(completed().output.title).toContain('1 plan changed');
      expect(gh.made('POST', '/issues/7/comments')[0]!.body.body).toContain('orders-db');
    });
  });

  it('failing on every try (the Octokit retries it twice, like a 500), reads the same files through REST (trees and blobs) and reviews', async () => {
    await withApp(async (app) => {
      token();
      filesOk(7);
      graphql(() => [200, { data: null, errors: [wentWrong] }], 3);
      const text = PLAN('orders-db');
      gh.on('GET', `${R}/git/trees/${HEAD}`, 200, 1, { sha: HEAD, truncated: false, tree: [{ path: '.autostack', type: 'tree', sha: 'e'.repeat(40), mode: '040000' }] });
      gh.on('GET', `${R}/git/trees/${'e'.repeat(40)}`, 200, 1, { sha: 'e'.repeat(40), truncated: false, tree: [{ path: 'orders-db.yaml', type: 'blob', sha: blobSha(text), mode: '100644' }] });
      gh.on('GET', `${R}/git/blobs/${blobSha(text)}`, 200, 1, { sha: blobSha(text), encoding: 'base64', content: Buffer.from(text).toString('base64'), size: text.length });
      gh.on('GET', `${R}/git/trees/${BASE}`, 200, 1, { sha: BASE, truncated: false, tree: [] });
      checkRun();
      comment(7);
      await deliver(app, 'pull_request', prOpened(7), 'e13-rest');
      // The comment is written first, then the check is completed (a completed check means the whole review was published).
      await waitFor(() => gh.made('POST', '/issues/7/comments').length === 1 && completed() !== undefined);
      expect(gh.made('POST', '/graphql')).toHaveLength(3);
      expect(completed()).toMatchObject({ conclusion: 'success' });
      expect(completed().output.title).toContain('1 plan changed');
    });
  });
});

describe('F: comment commands that must be ignored', () => {
  const command = (action: string, patch: (p: any) => void) => payload('issue_comment', action, (p) => {
    p.action = action;
    p.issue.number = 7;
    p.issue.pull_request = { url: 'https://api.github.com/repos/acme/infra/pulls/7' };
    p.comment.body = '/autostack plan';
    p.comment.user = { login: 'maintainer', type: 'User' };
    p.sender = { login: 'maintainer', type: 'User' };
    p.repository.id = REPO_ID;
    patch(p);
  });

  it('F2: a comment edited into a command does nothing (no reaction, no review, not even a token)', async () => {
    await withApp(async (app) => {
      const edited = command('edited', (p) => (p.changes = { body: { from: 'looks good' } }));
      expect(await deliver(app, 'issue_comment', edited, 'f2-edited')).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    });
  });

  it('F3: a command on a plain issue (no pull request) does nothing', async () => {
    await withApp(async (app) => {
      const onIssue = command('created', (p) => delete p.issue.pull_request);
      expect(await deliver(app, 'issue_comment', onIssue, 'f3-issue')).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(gh.requests).toHaveLength(0);
    });
  });
});

describe('F9: narrowed installation tokens', () => {
  it('mints the token of a review for the event\'s repository alone, with exactly the review\'s permissions', async () => {
    await withApp(async (app) => {
      token();
      filesOk(7);
      graphql();
      checkRun();
      comment(7);
      await deliver(app, 'pull_request', prOpened(7), 'f9');
      await waitFor(() => gh.made('POST', '/issues/7/comments').length === 1);
      const [mint] = gh.made('POST', '/access_tokens');
      expect(mint!.body).toEqual({ repository_ids: [REPO_ID], permissions: { metadata: 'read', contents: 'read', pull_requests: 'read', checks: 'write', issues: 'write' } });
      expect(mint!.body.permissions).toEqual(HANDLER_PERMISSIONS.review);
      // The App's own key (a JWT) asks for it; the token it gets does everything else.
      expect(mint!.auth).toMatch(/^bearer /);
      expect(gh.requests.filter((r) => !r.path.endsWith('/access_tokens')).every((r) => r.auth === `token ghs_fault${String(minted).padStart(31, '0')}`)).toBe(true);
    });
  });

  it('gives each kind of work only what it uses: no review can push or dispatch, no status update can write code', () => {
    expect(HANDLER_PERMISSIONS.review).not.toHaveProperty('actions');
    expect(HANDLER_PERMISSIONS.review.contents).toBe('read');
    expect(HANDLER_PERMISSIONS.reflect).toEqual({ metadata: 'read', checks: 'write', deployments: 'read', pull_requests: 'read', issues: 'write' });
    expect(HANDLER_PERMISSIONS.onboard).toEqual({ metadata: 'read', contents: 'write', pull_requests: 'write', workflows: 'write' });
    expect(HANDLER_PERMISSIONS.deploy).toMatchObject({ contents: 'write', actions: 'write', deployments: 'write', checks: 'write' });
    expect(HANDLER_PERMISSIONS.deploy).not.toHaveProperty('issues');
  });
});

describe('E12: two App instances', () => {
  it('a delivery handled by one instance and redelivered to another makes one check run and one comment (the second finds and updates them)', async () => {
    const a = await startApp();
    const b = await startApp();
    try {
      // GitHub's state, shared by both instances.
      const runs: { id: number; head_sha: string; name: string; app: { id: number } }[] = [];
      const comments: { id: number; body: string; user: { login: string; type: string }; performed_via_github_app: { id: number } }[] = [];
      token(2);
      gh.on('GET', `${R}/pulls/7/files`, 200, 2, [{ filename: ROOT_PLAN_FILE, status: 'added' }]);
      graphql(undefined, 2);
      // A: looked up, then listed again after creating; B: looked up (found).
      gh.on('GET', `${R}/commits/${HEAD}/check-runs`, () => [200, { total_count: runs.length, check_runs: runs }], 3);
      gh.on('POST', `${R}/check-runs`, (r) => {
        runs.push({ id: 99, head_sha: r.body.head_sha, name: r.body.name, app: { id: APP_ID } });
        return [201, runs[0]];
      }, 1);
      gh.on('PATCH', `${R}/check-runs/99`, 200, 1, { id: 99 });
      gh.on('GET', `${R}/pulls/7`, 200, 2, { number: 7, head: { sha: HEAD } });
      gh.on('GET', `${R}/issues/7/comments`, () => [200, comments], 2);
      gh.on('POST', `${R}/issues/7/comments`, (r) => {
        comments.push({ id: 5, body: r.body.body, user: { login: 'autostack[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID } });
        return [201, comments[0]];
      }, 1);
      gh.on('PATCH', `${R}/issues/comments/5`, 200, 1, { id: 5 });
      const body = prOpened(7);
      expect(await deliver(a, 'pull_request', body, 'e12-same')).toBe(200);
      expect(await deliver(b, 'pull_request', body, 'e12-same')).toBe(200);
      expect(gh.made('POST', '/check-runs')).toHaveLength(1);
      expect(gh.made('POST', '/issues/7/comments')).toHaveLength(1);
      expect(gh.made('PATCH', '/issues/comments/5')).toHaveLength(1);
      expect([...gh.made('POST', `${R}/check-runs`), ...gh.made('PATCH', '/check-runs/99')].map((r) => r.body.conclusion)).toEqual(['success', 'success']);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('F8: approvals', () => {
  it('AutoStack can approve nothing: no route reviews or merges a pull request, review tokens only read pull requests, and the deploy workflow\'s token cannot write them', () => {
    const routes = Object.values(ROUTES).map((r) => r.route);
    expect(routes.filter((r) => /\/pulls\/\{pull_number\}\/(reviews|merge)|\/reviews\b/.test(r))).toEqual([]);
    expect(HANDLER_PERMISSIONS.review.pull_requests).toBe('read');
    expect(HANDLER_PERMISSIONS.reflect.pull_requests).toBe('read');
    // Even with "Allow GitHub Actions to create and approve pull requests" switched on, the workflow's GITHUB_TOKEN has no pull-requests permission.
    const workflow = parse(renderDeployWorkflow({ deployBranch: 'autostack/deploy', actionRef: 'acme/autostack/action@v1' })) as { permissions: Record<string, string>; jobs: Record<string, { permissions?: unknown }> };
    // Nothing at the top; each job asks for exactly what it uses, and none asks for pull requests.
    expect(workflow.permissions).toEqual({});
    expect(Object.values(workflow.jobs).map((j) => j.permissions)).toEqual([{ 'id-token': 'write', contents: 'read', deployments: 'write' }]);
  });
});

describe('F4: pull requests from forks', () => {
  it('a fork\'s pull request is reviewed and nothing else: the deploy workflow runs on workflow_dispatch only, and a review\'s token cannot dispatch or write code', async () => {
    const workflow = parse(renderDeployWorkflow({ deployBranch: 'autostack/deploy', actionRef: 'acme/autostack/action@v1' })) as { on: Record<string, unknown> };
    expect(Object.keys(workflow.on)).toEqual(['workflow_dispatch']);
    expect(HANDLER_PERMISSIONS.review).not.toHaveProperty('actions');
    expect(HANDLER_PERMISSIONS.review).not.toHaveProperty('deployments');
    expect(HANDLER_PERMISSIONS.review.contents).toBe('read');
    await withApp(async (app) => {
      token();
      filesOk(7);
      graphql();
      checkRun();
      comment(7);
      const fork = prOpened(7);
      fork.pull_request.head.repo = { ...fork.pull_request.base.repo, id: 5550001, full_name: 'mallory/infra', name: 'infra', owner: { login: 'mallory' }, fork: true };
      fork.pull_request.head.label = 'mallory:main';
      await deliver(app, 'pull_request', fork, 'f4-fork');
      await waitFor(() => gh.made('POST', '/issues/7/comments').length === 1);
      // Only the review's calls (verify() fails on any other, such as a dispatch or a deployment).
      expect(gh.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{40}/, '<sha>')}`).sort()).toEqual([
        'GET /repos/acme/infra/commits/<sha>/check-runs', 'GET /repos/acme/infra/commits/<sha>/check-runs', 'GET /repos/acme/infra/issues/7/comments', 'GET /repos/acme/infra/pulls/7', 'GET /repos/acme/infra/pulls/7/files',
        'POST /app/installations/1/access_tokens', 'POST /graphql', 'POST /repos/acme/infra/check-runs', 'POST /repos/acme/infra/issues/7/comments',
      ]);
      expect(gh.made('POST', '/access_tokens')[0]!.body.repository_ids).toEqual([REPO_ID]);
    });
  });
});
