import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { SITE_DIR } from '../app/web.ts';
import { tempDir } from './helpers.ts';
import { needToolIn } from './tools.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Chromium, as every browser test needs it: `beforeEach(CHROMIUM_NEED.guard)` skips each test naming
 * the missing browser and the command (a failure under CI), and the file's beforeAll launches only
 * when it is there.
 */
export const CHROMIUM_NEED = needToolIn({ probes: { chromium: CHROMIUM } }, 'chromium');
/** Generous waits: CI machines are shared; these are correctness checks, not timing checks. */
export const WAIT = { timeout: 15_000 };

/** Debian's Chromium through playwright-core, a fresh profile, headless with the flags this machine needs. */
export async function launch(): Promise<BrowserContext> {
  if (!existsSync(`${SITE_DIR}/index.html`)) throw new Error('The site is not built: run `npm run build:site` first (npm test does).');
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: ${CHROMIUM_NEED.reason ?? 'run `bash scripts/system-deps.sh`'}, or set CHROMIUM_PATH.`);
  return chromium.launchPersistentContext(await tempDir('chromium-profile-'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    viewport: { width: 1400, height: 900 },
  });
}

/** A page that records page errors and console errors, so a test can demand there were none. */
export async function recordingPage(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { page, errors };
}
