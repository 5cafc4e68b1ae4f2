import '../synth/node.ts';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, SessionSealer } from '../app/api/session.ts';
import { createWebApp } from '../app/web.ts';
import { CHROMIUM_NEED, launch, recordingPage, WAIT } from './browser.ts';
import { blobSha, FakeGitHub, OWNER, PLAN, REPO, ROOT_PLAN_FILE } from './github/harness.ts';

// Deleting a plan from the editor when signed in with GitHub: a pull request, opened as the user,
// whose commit removes the plan's file (GitHub mocked strictly: any other call fails the test).
const SECRET = 'c'.repeat(40);
const USER_TOKEN = 'ghu_deleteuser0000000000000000000000000000';
let server: Server;
let url = '';
let context: BrowserContext;

beforeEach(CHROMIUM_NEED.guard);
beforeAll(async () => {
  server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', getRequestListener(createWebApp({ publicUrl: url, apiUrl: 'https://api.github.com', sessionSecret: SECRET, oauth: { clientId: 'Iv1.x', clientSecret: 'y', webUrl: 'https://github.com' } }).fetch));
  if (!CHROMIUM_NEED.present) return; // each test then skips naming Chromium, or fails under CI (beforeEach)
  context = await launch();
  await context.addCookies([{ name: SESSION_COOKIE, value: new SessionSealer(SECRET).seal({ login: 'mona', token: USER_TOKEN, expiresAt: Date.now() + 3600_000 }, 'session'), url }]);
}, 60_000);
afterAll(async () => {
  await context?.close();
  server?.close();
});

const repo = (p = '') => `/repos/${OWNER}/${REPO}${p}`;
const PLAN_TEXT = PLAN('orders-db');
const BLOB = blobSha(PLAN_TEXT);

describe('the editor signed in with GitHub, in Chromium', () => {
  it('Delete plan → confirm → a pull request whose commit removes the file, opened with the user\'s token', async () => {
    const gh = new FakeGitHub();
    try {
      // getRepo and the default branch's .autostack/: the editor's load, then the removal.
      gh.on('GET', repo(''), 200, { id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: 'main', archived: false, permissions: { admin: false, push: true, pull: true } }, 2);
      gh.on('GET', repo('/git/trees/main'), 200, { sha: 'main', truncated: false, tree: [{ path: '.autostack', type: 'tree', sha: 'sub', mode: '040000' }] }, 2);
      gh.on('GET', repo('/git/trees/sub'), 200, { sha: 'sub', truncated: false, tree: [{ path: 'orders-db.yaml', type: 'blob', sha: BLOB, mode: '100644' }] }, 2);
      gh.on('GET', repo(`/git/blobs/${BLOB}`), 200, { sha: BLOB, encoding: 'base64', content: Buffer.from(PLAN_TEXT).toString('base64'), size: PLAN_TEXT.length }, 2);
      gh.pullRequest(31);

      const { page, errors } = await recordingPage(context);
      await page.goto(`${url}/editor/?repo=${OWNER}%2F${REPO}&plan=orders-db`);
      await page.waitForSelector('[data-testid="canvas-node"]');
      await page.click('[data-testid="delete-plan"]');
      await expect.poll(() => page.locator('[data-testid="delete-dialog"]').textContent(), WAIT).toContain(`${OWNER}/${REPO}`);
      await page.click('[data-testid="confirm-delete"]');
      await page.waitForSelector('[data-testid="pr-link"]');
      expect(await page.locator('[data-testid="pr-link"]').getAttribute('href')).toBe(`https://github.com/${OWNER}/${REPO}/pull/31`);
      expect(gh.made('POST', '/git/trees')[0]!.body.tree).toEqual([{ path: ROOT_PLAN_FILE, mode: '100644', type: 'blob', sha: null }]);
      expect(gh.made('POST', '/pulls')[0]!.body).toMatchObject({ base: 'main', title: 'Remove plan orders-db' });
      expect(gh.requests.every((r) => r.auth === `token ${USER_TOKEN}`)).toBe(true);
      expect(await page.locator('[data-testid="message"]').textContent()).toContain(ROOT_PLAN_FILE);
      expect(errors).toEqual([]);
    } finally {
      gh.verify();
    }
  }, 120_000);
});
