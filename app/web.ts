import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Hono } from 'hono';
import { createApi } from './api/index.ts';
import type { ApiOptions } from './api/index.ts';
import { serveSite } from './static-site.ts';

export const SITE_DIR = resolve(new URL('../site/dist', import.meta.url).pathname);

/** The site (the built Astro pages) and the API on one origin, so the pages call /api/* directly. */
export function createWebApp(api: ApiOptions, siteDir = SITE_DIR): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('x-frame-options', 'DENY');
    c.header('referrer-policy', 'same-origin');
  });
  app.route('/', createApi(api));
  if (existsSync(siteDir)) {
    app.use('/*', serveSite(siteDir));
  } else {
    app.get('/', (c) => c.text('The site is not built: run `npm run build:site` (npm start does it for you).', 503));
  }
  app.notFound((c) => c.text(`Not found: ${c.req.path}`, 404));
  return app;
}
