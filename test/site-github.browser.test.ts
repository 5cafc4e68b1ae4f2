import '../synth/node.ts';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, SessionSealer } from '../app/api/session.ts';
import { createWebApp } from '../app/web.ts';
import { CHROMIUM_NEED, launch, recordingPage, WAIT } from './browser.ts';
import { blobSha, FakeGitHub, OWNER, PLAN, REPO, ROOT_PLAN_FILE } from './github/harness.ts';
import { ROOT } from './helpers.ts';

const SECRET = 'b'.repeat(40);
const USER_TOKEN = 'ghu_browseruser000000000000000000000000000';
const SHOTS = join(ROOT, 'test-results', 'screenshots');
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

/** The default branch's .autostack/ as the user's token reads it, `times` over. */
function tree(gh: FakeGitHub, times: number): void {
  gh.on('GET', repo('/git/trees/main'), 200, { sha: 'main', truncated: false, tree: [{ path: '.autostack', type: 'tree', sha: 'sub', mode: '040000' }] }, times);
  gh.on('GET', repo('/git/trees/sub'), 200, { sha: 'sub', truncated: false, tree: [{ path: 'orders-db.yaml', type: 'blob', sha: BLOB, mode: '100644' }] }, times);
  gh.on('GET', repo(`/git/blobs/${BLOB}`), 200, { sha: BLOB, encoding: 'base64', content: Buffer.from(PLAN_TEXT).toString('base64'), size: PLAN_TEXT.length }, times);
}

describe('the site signed in with GitHub, in Chromium (GitHub mocked strictly)', () => {
  it('dashboard lists the user\'s repositories and plans; the editor loads a plan and opens a pull request as the user', async () => {
    const gh = new FakeGitHub();
    try {
      gh.on('GET', '/user/installations', 200, { total_count: 1, installations: [{ id: 5 }] });
      gh.on('GET', '/user/installations/5/repositories', 200, { total_count: 1, repositories: [{ full_name: `${OWNER}/${REPO}`, private: true, default_branch: 'main' }] });
      // getRepo: dashboard plans + activity, the editor's load, the change itself.
      gh.on('GET', repo(''), 200, { id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: 'main', archived: false, permissions: { admin: false, push: true, pull: true } }, 4);
      tree(gh, 3);
      gh.on('GET', repo('/deployments'), (_b, uri) => {
        const env = new URL(uri, 'https://x').searchParams.get('environment');
        return [200, env ? [{ id: 77, updated_at: '2026-11-20T10:00:00Z' }] : [{ id: 77, environment: 'autostack/orders-db', created_at: '2026-11-20T10:00:00Z', description: 'apply orders-db-aws' }]];
      }, undefined, 2);
      gh.on('GET', repo('/deployments/77/statuses'), 200, [{ state: 'success', updated_at: '2026-11-20T10:05:00Z', created_at: '2026-11-20T10:05:00Z', log_url: 'https://github.com/acme/infra/actions/runs/1' }], 2);
      gh.on('GET', repo('/pulls'), 200, [{ title: 'Add plan orders-db', state: 'closed', merged_at: '2026-11-20T09:00:00Z', updated_at: '2026-11-20T09:00:00Z', html_url: 'https://github.com/acme/infra/pull/3', head: { ref: 'autostack/add-orders-db-aaaaaa' } }]);

      const { page, errors } = await recordingPage(context);
      await page.goto(`${url}/dashboard/`);
      await expect.poll(() => page.locator('#who').textContent(), WAIT).toBe('Signed in as mona');
      await expect.poll(() => page.locator('tr[data-plan="orders-db"]').textContent(), WAIT).toContain('success');
      await expect.poll(() => page.locator('#activity-list').textContent(), WAIT).toContain('Add plan orders-db');
      await page.screenshot({ path: join(SHOTS, 'dashboard-github.png'), fullPage: true });

      // The editor: load the plan from the repository, change it, open the pull request.
      gh.pullRequest(21);
      await page.click('tr[data-plan="orders-db"] >> text=Edit');
      await page.waitForURL(/\/editor\/\?repo=acme%2Finfra&plan=orders-db/);
      await page.waitForSelector('[data-testid="canvas-node"]');
      expect(await page.locator('[data-testid="canvas-node"]').count()).toBe(1);
      expect(await page.locator('input[aria-label="Repository (owner/name)"]').inputValue()).toBe(`${OWNER}/${REPO}`);
      expect(await page.locator('#f-spec-storage-sizeGiB').inputValue()).toBe('50');
      await page.fill('#f-spec-storage-sizeGiB', '80');
      await expect.poll(() => page.locator('[data-testid="open-pr"]').isEnabled(), WAIT).toBe(true);
      expect(await page.locator('[data-testid="open-pr"]').textContent()).toContain('change');
      await page.click('[data-testid="open-pr"]');
      await page.waitForSelector('[data-testid="pr-link"]');
      expect(await page.locator('[data-testid="pr-link"]').getAttribute('href')).toBe('https://github.com/acme/infra/pull/21');
      const created = gh.made('POST', '/git/trees')[0]!.body.tree[0];
      expect(created.path).toBe(ROOT_PLAN_FILE);
      expect(created.content).toContain('sizeGiB: 80');
      expect(gh.made('POST', '/pulls')[0]!.body).toMatchObject({ base: 'main', title: 'Change plan orders-db' });
      expect(gh.requests.every((r) => r.auth === `token ${USER_TOKEN}`)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      gh.verify();
    }
  }, 120_000);

  it('a marketplace template deploys as a pull request into a repository the user picks', async () => {
    const gh = new FakeGitHub();
    try {
      gh.on('GET', '/user/installations', 200, { total_count: 1, installations: [{ id: 5 }] });
      gh.on('GET', '/user/installations/5/repositories', 200, { total_count: 1, repositories: [{ full_name: `${OWNER}/${REPO}`, private: true, default_branch: 'main' }] });
      gh.on('GET', repo(''), 200, { id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: 'main', archived: false, permissions: { admin: false, push: true, pull: true } });
      tree(gh, 1);
      gh.pullRequest(22);
      const { page, errors } = await recordingPage(context);
      await page.goto(`${url}/marketplace/pg-production/`);
      await expect.poll(() => page.locator('#repo').inputValue(), WAIT).toBe(`${OWNER}/${REPO}`);
      await expect.poll(() => page.locator('#deploy').isEnabled(), WAIT).toBe(true);
      await page.click('#deploy');
      await page.waitForSelector('#pr-link');
      expect(await page.locator('#pr-link').getAttribute('href')).toBe('https://github.com/acme/infra/pull/22');
      expect(gh.made('POST', '/git/trees')[0]!.body.tree[0].path).toBe('.autostack/prod-db.yaml');
      expect(gh.made('POST', '/pulls')[0]!.body.body).toContain('@mona');
      expect(errors).toEqual([]);
    } finally {
      gh.verify();
    }
  }, 120_000);
});
