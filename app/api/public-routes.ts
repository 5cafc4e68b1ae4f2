import { renderTemplate } from '../../synth/core/templates/templates.ts';
import { loadTemplates, TEMPLATES_DIR } from '../../templates/load.ts';
import type { TemplateBundle } from '../../templates/load.ts';
import { evaluateFiles } from '../../synth/core/review/evaluate.ts';
import { summarizeTemplate } from '../../synth/core/templates/summary.ts';
import type { TemplateSummary } from '../../synth/core/templates/summary.ts';
import { jsonBody, readFiles } from './http.ts';
import { ApiError } from './errors.ts';
import { PoolFull, ValidationRefused } from './validate-pool.ts';
import type { ApiApp, ApiContext } from './types.ts';

/** Validation and templates: no sign-in, no GitHub. */
export function addPublicRoutes(api: ApiApp, ctx: ApiContext): void {
  let templates: Promise<{ bundles: TemplateBundle[]; summaries: TemplateSummary[] }> | undefined;
  const loadAll = () => (templates ??= (async () => {
    const bundles = await loadTemplates(ctx.templatesDir ?? TEMPLATES_DIR);
    return { bundles, summaries: await Promise.all(bundles.map(summarizeTemplate)) };
  })());

  // Checked on a worker thread (validate-pool.ts): the worst file under the size cap costs about half
  // a second of CPU, which on the main thread every other request would wait for.
  api.post('/validate', async (c) => {
    const files = await readFiles(c);
    try {
      return c.body(await ctx.validation.validate(files), 200, { 'content-type': 'application/json; charset=utf-8' });
    } catch (e) {
      if (e instanceof PoolFull) return c.json({ error: e.message }, 503, { 'retry-after': String(e.retryAfterSeconds) });
      if (e instanceof ValidationRefused) return c.json({ error: e.message }, 422);
      throw e;
    }
  });

  api.get('/templates', async (c) => c.json({ templates: (await loadAll()).summaries }));

  api.post('/templates/:name/render', async (c) => {
    const t = (await loadAll()).bundles.find((b) => b.meta.name === c.req.param('name'));
    if (!t) return c.json({ error: `There is no template named "${c.req.param('name')}".` }, 404);
    const params = ((await jsonBody(c)) as { parameters?: unknown }).parameters ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ApiError(400, 'Send {"parameters": {…}}.');
    const r = renderTemplate(t.meta, t.sources, params as Record<string, unknown>);
    if (!r.ok) return c.json({ error: 'The parameters do not fit the template.', errors: r.errors }, 422);
    const review = await evaluateFiles(Object.fromEntries(r.files.map((f) => [f.path, f.text])));
    return c.json({ files: r.files, values: r.values, ok: review.ok, diagnostics: review.diagnostics, plans: review.plans, totals: review.totals });
  });
}
