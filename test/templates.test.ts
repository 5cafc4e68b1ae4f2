import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import { evaluateFiles } from '../synth/core/review/evaluate.ts';
import { loadTemplates } from '../templates/load.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { renderTemplate } from '../synth/core/templates/templates.ts';

const templates = await loadTemplates();

describe('templates', () => {
  it('has the PostgreSQL templates', () => {
    expect(templates.map((t) => t.meta.name)).toEqual(expect.arrayContaining(['pg-dev', 'pg-production', 'pg-ha-cluster', 'pg-analytics', 'pg-budget-capped', 'pg-app-private']));
  });

  for (const t of templates) {
    it(`${t.meta.name} with defaults passes the full review on every cloud (budget included) and is fully priced`, async () => {
      for (const cloud of ['aws', 'azure', 'gcp']) {
        const r = renderTemplate(t.meta, t.sources, { cloud });
        if (!r.ok) throw new Error(r.errors.join('; '));
        const review = await evaluateFiles(Object.fromEntries(r.files.map((f) => [f.path, f.text])));
        expect(review.diagnostics.filter((d) => d.severity === 'error'), `${t.meta.name} on ${cloud}`).toEqual([]);
        expect(review.ok).toBe(true);
        const own = review.plans[0]!.cost.find((c) => c.primary)!;
        expect(own.complete, `${t.meta.name} on ${cloud}: ${JSON.stringify(own.unpriced)}`).toBe(true);
      }
    });
  }

  for (const t of templates) {
    it(`${t.meta.name} renders with defaults, on every cloud, into files that validate`, () => {
      expect(t.meta.title.length).toBeGreaterThan(5);
      expect(t.meta.description.length).toBeGreaterThan(20);
      for (const cloud of ['aws', 'azure', 'gcp']) {
        const r = renderTemplate(t.meta, t.sources, { cloud });
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        for (const f of r.files) {
          const d = loadDocument(f.path, f.text, resolveSettings(undefined));
          expect(d.diagnostics.filter((x) => x.severity === 'error'), `${t.meta.name} on ${cloud}`).toEqual([]);
          expect(d.model).toBeDefined();
        }
      }
    });
  }

  it('rejects parameters outside the schema and never lets a value inject YAML', () => {
    const t = templates.find((x) => x.meta.name === 'pg-dev')!;
    expect(renderTemplate(t.meta, t.sources, { storageGiB: 5 })).toMatchObject({ ok: false });
    const loose = { ...t.meta, parameters: { ...t.meta.parameters, properties: { ...t.meta.parameters.properties, name: { type: 'string', default: 'x' } } } };
    const r = renderTemplate(loose, t.sources, { name: 'evil\nspec:\n  cloud: gcp' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.files[0]!.text).toContain('name: "evil\\nspec:\\n  cloud: gcp"');
  });
});
