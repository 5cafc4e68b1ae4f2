import '../synth/node.ts';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalPlatform } from '../app/local/local-platform.ts';
import { settingsFile } from '../app/services/onboarding.ts';
import { createWebApp } from '../app/web.ts';
import { messageHtml } from '../site/src/lib/message-html.ts';
import { CHROMIUM_NEED, launch, recordingPage, WAIT } from './browser.ts';
import { PLAN } from './github/harness.ts';
import { gitRepo, ROOT } from './helpers.ts';

const SHOTS = join(ROOT, 'test-results', 'screenshots');
let server: Server;
let url = '';
let local: LocalPlatform;
let context: BrowserContext;

beforeEach(CHROMIUM_NEED.guard);
beforeAll(async () => {
  // A repository with a plan on AWS and one on Azure, served in local mode on a port the system picks (never 3000).
  const dir = await gitRepo([{ '.autostack/autostack.yaml': settingsFile('local'), '.autostack/orders-db.yaml': PLAN('orders-db'), '.autostack/eu-db.yaml': PLAN('eu-db').replace('cloud: aws', 'cloud: azure').replace('region: us-east-1', 'region: eastus') }]);
  local = await LocalPlatform.open(dir);
  server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', getRequestListener(createWebApp({ publicUrl: url, local }).fetch));
  if (!CHROMIUM_NEED.present) return; // each test then skips naming Chromium, or fails under CI (beforeEach)
  context = await launch();
}, 60_000);

afterAll(async () => {
  await context?.close();
  server?.close();
});

/** Whether the page scrolls sideways at its current width (it must not: wide parts scroll in their own box). */
const overflow = (page: Page) => page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));

describe('the site for a new user: progress, the deploy folder, activity, 404, phones', () => {
  it('the landing page names the address this server really runs on (not localhost:3000) and each cloud by its one display name', async () => {
    expect(new URL(url).port).not.toBe('3000');
    const { page, errors } = await recordingPage(context);
    await page.goto(`${url}/`);
    await expect.poll(() => page.locator('#running-here').textContent(), WAIT).toContain(url);
    expect(await page.locator('#running-here a').getAttribute('href')).toBe(`${url}/dashboard/`);
    expect(await page.content()).not.toContain('localhost:3000');
    const text = (await page.locator('main').textContent())!;
    expect(text).toContain('AWS, Azure and GCP');
    expect(text).not.toContain('Google Cloud');
    expect(errors).toEqual([]);
  }, 60_000);

  it('an unknown page is the site\'s 404 page (status 404, in the layout, with links back); an unknown API path stays JSON', async () => {
    const r = await fetch(`${url}/no/such/page`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await r.text();
    expect(html).toContain('Page not found');
    for (const href of ['/', '/marketplace/', '/editor/', '/dashboard/']) expect(html).toContain(`href="${href}"`);
    const { page, errors } = await recordingPage(context);
    const answer = await page.goto(`${url}/no/such/page`);
    expect(answer?.status()).toBe(404);
    await expect.poll(() => page.locator('#missing-path').textContent(), WAIT).toBe('/no/such/page');
    expect(await page.locator('header.top nav a').count()).toBe(4);
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    const api = await fetch(`${url}/api/no/such/route`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'No API route GET /api/no/such/route.' });
    expect((await fetch(`${url}/_astro/missing.js`)).status).toBe(404);
  }, 60_000);

  it('a merge shows its progress while it runs, then the render and the apply commands for the deploy folder', async () => {
    const created = await fetch(`${url}/api/repos/${local.repo}/plans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: PLAN('progress-db') }) });
    expect(created.status).toBe(201);
    const { number } = (await created.json()).pullRequest;
    // The merge waits at its first stack until the page has shown it (no timing luck either way).
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let paused = false;
    local.onProgress = async (p) => {
      if (p.stack && !paused) {
        paused = true;
        await released;
      }
    };
    const { page, errors } = await recordingPage(context);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${url}/dashboard/`);
    const article = page.locator(`#pull-${number}`);
    await article.locator('[data-merge]').click();
    const progress = article.locator('[data-testid="progress"]');
    await expect.poll(() => progress.textContent(), WAIT).toMatch(/^Rendering stack 1 of 1 \(progress-db-aws\)… \(\d+ s so far\)$/);
    expect(await progress.isVisible()).toBe(true);
    expect(await article.locator('[data-testid="rendered"]').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'dashboard-progress.png') });
    release();
    await page.waitForSelector(`#pull-${number} [data-testid="rendered"]`, WAIT);
    local.onProgress = undefined;
    expect(await page.locator(`#pull-${number} [data-testid="progress"]`).isHidden()).toBe(true);
    // The apply commands: an explicit cd to the deploy folder (an absolute path), then terraform per stack.
    await expect.poll(() => page.locator('[data-testid="deploy-state"]').textContent(), WAIT).toContain('holds the newest render of autostack/deploy');
    const commands = (await page.locator('[data-testid="apply-commands"]').textContent())!.split('\n');
    expect(commands[0]).toBe(`cd ${local.deployDir}`);
    expect(commands).toContain('terraform -chdir=stacks/progress-db-aws init');
    expect(commands).toContain('terraform -chdir=stacks/progress-db-aws apply');
    expect(commands.join('\n')).not.toContain('../');
    // Each plan's cloud by its display name; only the rendered plan has a render time.
    expect(await page.locator('tr[data-plan="eu-db"] td').nth(1).textContent()).toBe('Azure');
    expect(await page.locator('tr[data-plan="orders-db"] td').nth(1).textContent()).toBe('AWS');
    expect(await page.locator('tr[data-plan="progress-db"] [data-testid="rendered-at"]').count()).toBe(1);
    expect(await page.locator('tr[data-plan="orders-db"]').textContent()).toContain('not rendered');
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);

  it('recent activity lists each render with "Render again", which renders that plan again and shows up in the activity', async () => {
    const { page, errors } = await recordingPage(context);
    await page.goto(`${url}/dashboard/`);
    const renders = page.locator('#activity-list li[data-kind="deployment"]');
    await expect.poll(() => renders.count(), WAIT).toBe(1);
    expect(await renders.first().textContent()).toMatch(/rendered progress-db-aws from [0-9a-f]{7} on autostack\/deploy/);
    await renders.first().locator('button', { hasText: 'Render again' }).click();
    await expect.poll(() => page.locator('#activity-message').textContent(), WAIT).toMatch(/^Rendered progress-db-aws again on autostack\/deploy \([0-9a-f]{7}\)\./);
    await expect.poll(() => renders.count(), WAIT).toBe(2);
    // Plain words: no API words, no raw markdown backticks.
    const text = (await page.locator('main').textContent())!;
    expect(text).not.toMatch(/`|\((GET|POST|PUT|DELETE)\)|(GET|POST|PUT|DELETE) \/api\//);
    expect(errors).toEqual([]);
  }, 120_000);

  it('a refused merge says why on the pull request (no alert), with the files named', async () => {
    const a = await local.openPull({ branch: 'bigger', title: 'Bigger disk', body: '', commitMessage: 'bigger', files: [{ path: '.autostack/orders-db.yaml', content: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 100') }] });
    const b = await local.openPull({ branch: 'biggest', title: 'Biggest disk', body: '', commitMessage: 'biggest', files: [{ path: '.autostack/orders-db.yaml', content: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 200') }] });
    await local.mergePull(a.number);
    const { page, errors } = await recordingPage(context);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${url}/dashboard/`);
    await page.locator(`#pull-${b.number} [data-merge]`).click();
    await expect.poll(() => page.locator(`#pull-${b.number} [data-testid="pull-message"]`).textContent(), WAIT).toMatch(/conflicts with main in \.autostack\/orders-db\.yaml: update its branch/);
    expect(dialogs).toEqual([]);
    // The browser logs the refused request itself; nothing else may go wrong.
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  }, 120_000);

  it('at 375 px wide, the landing page, the dashboard and the 404 page do not scroll sideways (tables scroll in their own box)', async () => {
    const { page, errors } = await recordingPage(context);
    await page.setViewportSize({ width: 375, height: 800 });
    for (const path of ['/', '/dashboard/', '/no/such/page']) {
      await page.goto(`${url}${path}`);
      if (path === '/dashboard/') {
        await page.waitForSelector('[data-testid="apply-commands"]', WAIT);
        await page.waitForSelector('#pull-list article', WAIT);
        await expect.poll(() => page.locator('.review table').count(), WAIT).toBeGreaterThan(0);
        // The plans table is wider than the phone: it scrolls inside its own box.
        const box = await page.locator('#plans .scroll').evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, overflowX: getComputedStyle(el).overflowX }));
        expect(box.overflowX).toBe('auto');
      } else {
        await page.waitForLoadState('networkidle');
      }
      const o = await overflow(page);
      await page.screenshot({ path: join(SHOTS, `phone${path.replace(/\//g, '-')}.png`), fullPage: true });
      expect(o.scrollWidth, path).toBeLessThanOrEqual(o.innerWidth);
    }
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
  }, 120_000);
});

describe('messages from the server on the dashboard', () => {
  it('show code as code and keep line breaks, escaped', () => {
    expect(messageHtml('rendered `a<b>-aws` again\nnext line & more')).toBe('rendered <code>a&lt;b&gt;-aws</code> again<br>next line &amp; more');
    expect(messageHtml('a lone ` stays')).toBe('a lone ` stays');
  });
});
