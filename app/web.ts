import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Hono } from 'hono';
import { createApi } from './api/index.ts';
import type { ApiOptions } from './api/index.ts';
import { siteFiles } from './static-site.ts';

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
  const site = existsSync(siteDir) ? siteFiles(siteDir) : undefined;
  if (site) {
    app.use('/*', site.serve);
  } else {
    app.get('/', (c) => c.text('The site is not built: run npm run build:site (npm start does it for you).', 503));
  }
  // An unknown API path answers JSON (the API's own 404); any other unknown path, the site's 404 page.
  app.notFound((c) => {
    if (c.req.path === '/api' || c.req.path.startsWith('/api/')) return c.json({ error: `No API route ${c.req.method} ${c.req.path}.` }, 404);
    return site ? site.notFound(c) : c.text(`There is no page at ${c.req.path}.`, 404);
  });
  return app;
}
