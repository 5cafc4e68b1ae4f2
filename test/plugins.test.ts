import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../synth/core/export/export.ts';
import { MemoryReader } from '../synth/core/load/reader.ts';
import { registerCloud, unregisterCloud } from '../synth/core/registry/clouds.ts';
import { registerKind, unregisterKind } from '../synth/core/registry/kinds.ts';
import { registerTarget, unregisterTarget } from '../synth/core/registry/targets.ts';
import { renderMarkdown } from '../synth/core/render/markdown.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { reviewChange } from '../synth/core/review/review.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { synthesize } from '../synth/stack/synthesize.ts';
import { fixtureCloud } from './fixtures/fixture-cloud/index.ts';
import { fixtureTarget, widgetKind } from './fixtures/widget-kind/index.ts';
import { tempDir } from './helpers.ts';

const run = promisify(execFile);
const widget = (name: string, spec: string) => `apiVersion: autostack.dev/v1\nkind: Widget\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

describe('a fixture kind and a fixture cloud, each registered with one line', () => {
  beforeAll(() => {
    registerCloud(fixtureCloud);
    registerKind(widgetKind);
    registerTarget(fixtureTarget);
  });
  afterAll(() => {
    unregisterTarget('fixture-ci');
    unregisterKind('Widget');
    unregisterCloud('fixture');
  });

  it('validates: positioned diagnostics for the new kind, and the new cloud is a valid cloud for every kind', () => {
    const bad = loadDocument('.autostack/w.yaml', widget('w', '  cloud: fixture\n  sizeGiB: 600\n  colour: red\n'), resolveSettings(undefined));
    expect(bad.diagnostics.map((d) => [d.code, d.line])).toEqual([['widget/large', 7], ['schema/unknown-field', 8]]);
    const unknownCloud = loadDocument('.autostack/w.yaml', widget('w', '  cloud: fixtur\n'), resolveSettings(undefined));
    expect(unknownCloud.diagnostics[0]).toMatchObject({ code: 'schema/value', line: 6 });
    expect(unknownCloud.diagnostics[0]!.message).toContain('fixture');
    expect(unknownCloud.diagnostics[0]!.message).toContain('Did you mean "fixture"?');
    const plan = loadDocument('.autostack/db.yaml', 'apiVersion: autostack.dev/v1\nkind: Plan\nmetadata: { name: db }\nspec: { cloud: fixture, region: us-east, compute: { instanceType: { fixture: fx.large } } }\n', resolveSettings(undefined));
    expect(plan.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plan.model).toMatchObject({ cloud: 'fixture' });
  });

  it('reviews a pull request: changes, resources and cost on every cloud, the budget, and the PR comment', async () => {
    const reader = new MemoryReader({
      base: { '.autostack/w.yaml': widget('w', '  cloud: fixture\n  sizeGiB: 20\n  budget: 100\n') },
      head: { '.autostack/w.yaml': widget('w', '  cloud: fixture\n  sizeGiB: 40\n  budget: 100\n'), '.autostack/db.yaml': 'apiVersion: autostack.dev/v1\nkind: Plan\nmetadata: { name: db }\nspec: { cloud: fixture, region: us-east }\n' },
    });
    const r = await reviewChange(reader, 'base', 'head');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const w = r.plans.find((p) => p.name === 'w')!;
    expect(w).toMatchObject({ kind: 'Widget', status: 'changed', cloud: 'fixture', region: 'fx-east-1', changes: ['disk 20 → 40 GiB'] });
    expect(w.deployment).toEqual([expect.objectContaining({ key: 'disk/w-0', action: 'change' })]);
    const own = w.cost.find((c) => c.primary)!;
    // fx.small (2 vCPU, 4 GiB) is burstable: the general request picks fx.medium at $0.05/h; disk 40 GiB at $0.10.
    expect(own).toMatchObject({ cloud: 'fixture', complete: true, monthlyUsdBefore: 38.5, monthlyUsdAfter: 40.5 });
    expect(w.cost.map((c) => c.cloud).sort()).toEqual(['aws', 'azure', 'fixture', 'gcp']);
    expect(r.budgets).toContainEqual(expect.objectContaining({ scope: 'plan', name: 'w', limitUsd: 100, exceeded: false }));
    const db = r.plans.find((p) => p.name === 'db')!;
    expect(db.cost.find((c) => c.primary)).toMatchObject({ cloud: 'fixture', complete: true });
    const md = renderMarkdown(r);
    expect(md).toContain('Fixture fx-east-1');
    expect(md).toContain('`w`');
  });

  it('fails the check when the new kind exceeds its budget, at the budget line', async () => {
    const reader = new MemoryReader({ base: {}, head: { '.autostack/w.yaml': widget('w', '  cloud: fixture\n  sizeGiB: 40\n  budget: 10\n') } });
    const r = await reviewChange(reader, 'base', 'head');
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'plan/over-budget', line: 8, path: 'spec.budget' }));
  });

  it('synthesizes both kinds on the new cloud (its state backend too), and real terraform validates the stack', async () => {
    const settings = resolveSettings({ spec: { stateBackend: { type: 'fxstate', vault: 'state' } } } as never);
    const w = loadDocument('.autostack/w.yaml', widget('w', '  cloud: fixture\n'), settings);
    const db = loadDocument('.autostack/db.yaml', 'apiVersion: autostack.dev/v1\nkind: Plan\nmetadata: { name: db, labels: { probe: "${oops}" } }\nspec: { cloud: fixture }\n', settings);
    const out = await synthesize([{ kind: 'Widget', model: w.model }, { kind: 'Plan', model: db.model }], settings);
    if (!out.ok) throw new Error(out.errors.join('\n'));
    expect(out.stacks.map((s) => [s.name, s.cloud, s.resourceCount])).toEqual([['w-fixture', 'fixture', 3], ['db-fixture', 'fixture', 8]]);
    const json = JSON.parse(out.stacks[1]!.json);
    expect(json.terraform.backend.local.path).toBe('state/autostack/db-fixture.tfstate');
    expect(json.resource.terraform_data.vm_0.input.user_data).toContain('PostgreSQL');
    expect(out.stacks[1]!.json).toContain('$${oops}');
    const dir = await tempDir();
    await writeFile(join(dir, 'main.tf.json'), out.stacks[1]!.json.replace(/"backend": \{[^}]*\{[^}]*\}\s*\}/, '"backend": { "local": {} }'));
    const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' };
    await run('terraform', ['init', '-input=false', '-backend=false'], { cwd: dir, env });
    const { stdout } = await run('terraform', ['validate', '-json'], { cwd: dir, env });
    expect(JSON.parse(stdout)).toMatchObject({ valid: true });
  });

  it('offers the new cloud in every marketplace template, and the rendered plan is fully priced there', async () => {
    const { loadTemplates } = await import('../templates/load.ts');
    const { renderTemplate } = await import('../synth/core/templates/templates.ts');
    const { evaluateFiles } = await import('../synth/core/review/evaluate.ts');
    const templates = await loadTemplates();
    // Every template with a cloud parameter offers it; a Website is offered only where every website resource has a
    // price, which the fixture cloud (server resources only) has nowhere: the review says so at the region.
    const withCloud = templates.filter((t) => 'cloud' in t.meta.parameters.properties);
    expect(withCloud.length).toBeGreaterThanOrEqual(9);
    for (const t of withCloud) {
      expect(t.meta.parameters.properties.cloud?.enum, t.meta.name).toContain('fixture');
      const r = renderTemplate(t.meta, t.sources, { cloud: 'fixture' });
      if (!r.ok) throw new Error(r.errors.join('\n'));
      const review = await evaluateFiles(Object.fromEntries(r.files.map((f) => [f.path, f.text])));
      const errors = review.diagnostics.filter((d) => d.severity === 'error');
      if (review.plans[0]!.kind === 'Website') {
        expect(errors.map((d) => [d.code, d.path]), t.meta.name).toContainEqual(['website/unknown-region', 'spec.region']);
        expect(errors.every((d) => d.code === 'website/unknown-region'), t.meta.name).toBe(true);
        continue;
      }
      expect(errors, t.meta.name).toEqual([]);
      expect(review.plans[0]!.cost.find((c) => c.primary), t.meta.name).toMatchObject({ cloud: 'fixture', complete: true });
    }
  });

  it('exports the new kind through the registered export target', () => {
    const w = loadDocument('.autostack/w.yaml', widget('w', '  cloud: fixture\n'), resolveSettings(undefined));
    expect(exportModel('Widget', w.model)).toEqual({ files: [{ path: '.fixture-ci/w.yml', content: 'steps:\n  - "build"\n  - "deploy w"\n' }], errors: [] });
    unregisterTarget('fixture-ci');
    expect(exportModel('Widget', w.model).errors).toEqual(['w: no export target "fixture-ci" is registered']);
    registerTarget(fixtureTarget);
  });
});
