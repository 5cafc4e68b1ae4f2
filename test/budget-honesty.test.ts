import '../synth/node.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryReader } from '../synth/core/load/reader.ts';
import type { RepoReader } from '../synth/core/load/reader.ts';
import { registerCloud, unregisterCloud } from '../synth/core/registry/clouds.ts';
import { renderMarkdown } from '../synth/core/render/markdown.ts';
import { renderText } from '../synth/core/render/text.ts';
import { reviewChange } from '../synth/core/review/review.ts';
import { fixtureCloud } from './fixtures/fixture-cloud/index.ts';
import { plan } from './helpers.ts';

const F = '.autostack/big-db.yaml';
const NOW = new Date('2026-11-29T12:00:00Z');

// A cloud like the fixture, with one more region the price lists do not cover.
const gap = { ...fixtureCloud, id: 'gap', displayName: 'Gap', data: { ...fixtureCloud.data, cloud: 'gap', regions: [...fixtureCloud.data.regions, { name: 'fx-south-1', location: 'Fixture South' }] } };

beforeAll(() => registerCloud(gap));
afterAll(() => unregisterCloud('gap'));

describe('budgets never pass on a missing price', () => {
  it('fails a plan whose estimate lacks a price (a 10 TiB Azure disk: no price for its tier), naming the item and the fix', async () => {
    const text = plan('big-db', 'cloud: azure\nregion: eastus\ncompute: { size: large }\nstorage: { sizeGiB: 10000 }\npostgres: { version: "17" }\nbudget: { monthlyUsd: 100000 }');
    const r = await reviewChange(new MemoryReader({ base: {}, head: { [F]: text } }), 'base', 'head', undefined, { now: NOW });
    expect(r.ok).toBe(false);
    expect(r.budgets).toMatchObject([{ scope: 'plan', complete: false, exceeded: false }]);
    const d = r.diagnostics.find((x) => x.code === 'budget/unpriced')!;
    expect(d).toMatchObject({ severity: 'error', path: 'spec.budget.monthlyUsd', line: 11 });
    expect(d.message).toContain('big-db: disk/big-db-0');
    expect(d.message).toContain('npm run gen:prices');
    const md = renderMarkdown(r);
    expect(md).toContain('❌ cannot be checked: 1 item without a price');
    expect(md).not.toMatch(/% used/);
    // The total is a lower bound, never a figure that looks complete.
    expect(md.split('\n')[0]).toMatch(/→ ≥ \$[\d,]+\.\d\d\/month \(n\/a\)/);
    expect(renderText(r)).toContain('CANNOT BE CHECKED (no price for big-db: disk/big-db-0');
  });

  it('fails repository budgets and quotas the same way, over the unchanged plans too', async () => {
    const settings = 'apiVersion: autostack.dev/v1\nkind: Settings\nspec:\n  budgets: { monthlyUsd: 100000 }\n';
    const big = plan('big-db', 'cloud: azure\nregion: eastus\nstorage: { sizeGiB: 10000 }\npostgres: { version: "17" }');
    const small = plan('small-db', 'cloud: aws\nregion: us-east\npostgres: { version: "17" }');
    const files = { '.autostack/autostack.yaml': settings, [F]: big };
    const r = await reviewChange(new MemoryReader({ base: files, head: { ...files, '.autostack/small-db.yaml': small } }), 'base', 'head', undefined, { now: NOW, quota: { scope: 'acme', maxMonthlyUsd: 100000 } });
    expect(r.ok).toBe(false);
    expect(r.budgets.find((b) => b.scope === 'repository')).toMatchObject({ complete: false, unpriced: [expect.stringMatching(/^big-db: disk\/big-db-0 \(P70 /)] });
    expect(r.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['budget/unpriced', 'quota/unpriced']));
  });

  it('refuses a region whose prices are incomplete, and lists the offered ones', async () => {
    const r = await reviewChange(new MemoryReader({ base: {}, head: { [F]: plan('big-db', 'cloud: gap\nregion: fx-south-1\nbudget: { monthlyUsd: 1 }') } }), 'base', 'head', undefined, { now: NOW });
    expect(r.ok).toBe(false);
    const d = r.diagnostics.find((x) => x.path === 'spec.region')!;
    expect(d.severity).toBe('error');
    expect(d.message).toContain('fx-east-1');
    expect(d.message).not.toMatch(/Use one of [^.]*fx-south-1/);
    // Nothing was there before ($0.00); what comes has no known price, and says so.
    expect(renderMarkdown(r).split('\n')[0]).toContain('$0.00 → unpriced/month (n/a)');
  });

  it('passes a complete estimate under its budget', async () => {
    const r = await reviewChange(new MemoryReader({ base: {}, head: { [F]: plan('big-db', 'cloud: aws\nregion: us-east\npostgres: { version: "17" }\nbudget: { monthlyUsd: 1000 }') } }), 'base', 'head', undefined, { now: NOW });
    expect(r.ok).toBe(true);
    expect(r.budgets[0]).toMatchObject({ complete: true, exceeded: false, unpriced: [] });
  });
});

describe('policy comes from the base branch', () => {
  it('checks a pull request against the budget in force, not the one it raises, and calls the change out', async () => {
    const settings = (usd: number) => `apiVersion: autostack.dev/v1\nkind: Settings\nspec:\n  budgets: { monthlyUsd: ${usd} }\n`;
    const S = '.autostack/autostack.yaml';
    const db = plan('new-db', 'cloud: aws\nregion: us-east\ncompute: { size: large }\npostgres: { version: "17" }');
    const r = await reviewChange(new MemoryReader({ base: { [S]: settings(50) }, head: { [S]: settings(100000), '.autostack/new-db.yaml': db } }), 'base', 'head', undefined, { now: NOW });
    expect(r.ok).toBe(false);
    expect(r.budgets.find((b) => b.scope === 'repository')).toMatchObject({ limitUsd: 50, exceeded: true });
    const d = r.diagnostics.find((x) => x.code === 'settings/policy-change')!;
    expect(d).toMatchObject({ file: S, severity: 'warning', path: 'spec.budgets.monthlyUsd', line: 4 });
    expect(d.message).toContain('$50/month → $100000/month');
    // Once merged, the new limit is the base and applies.
    const later = await reviewChange(new MemoryReader({ base: { [S]: settings(100000) }, head: { [S]: settings(100000), '.autostack/new-db.yaml': db } }), 'base', 'head', undefined, { now: NOW });
    expect(later.ok).toBe(true);
  });

  const S = '.autostack/autostack.yaml';
  const settingsWith = (spec: string) => `apiVersion: autostack.dev/v1\nkind: Settings\nspec:\n${spec}`;
  const shopDb = plan('new-db', 'cloud: aws\nregion: us-east\ncompute: { size: large }\npostgres: { version: "17" }').replace('  name: new-db\n', '  name: new-db\n  project: shop\n');

  it('keeps a project budget and the deploy branch of the base branch when the pull request changes them, and calls each change out', async () => {
    const base = settingsWith('  budgets: { projects: { shop: 50 } }\n');
    const head = settingsWith('  budgets: { projects: { shop: 100000 } }\n  deployBranch: main\n');
    const r = await reviewChange(new MemoryReader({ base: { [S]: base }, head: { [S]: head, '.autostack/new-db.yaml': shopDb } }), 'base', 'head', undefined, { now: NOW });
    expect(r.ok).toBe(false);
    expect(r.budgets.find((b) => b.scope === 'project')).toMatchObject({ name: 'shop', limitUsd: 50, exceeded: true });
    const changes = r.diagnostics.filter((x) => x.code === 'settings/policy-change');
    expect(changes.map((d) => `${d.path} ${d.line}`)).toEqual(['spec.budgets.projects.shop 4', 'spec.deployBranch 5']);
    expect(changes[0]!.message).toContain('Budget of project shop $50/month → $100000/month');
    expect(changes[1]!.message).toContain('Deploy branch autostack/deploy → main');
  });

  it('has no settings inheritance: _extends (another repository, a chain) is an unknown field, and nothing is read from anywhere else', async () => {
    // Probot's context.config follows `_extends: other-org/repo` across owners; AutoStack's settings
    // are one file of the repository itself, so an inheritance key is refused where it is written.
    const reads: string[] = [];
    const files = { [S]: settingsWith('  budgets: { monthlyUsd: 50 }\n').replace('kind: Settings\n', 'kind: Settings\n_extends: other-org/secret-repo\n').replace('spec:\n', 'spec:\n  _extends: .github:autostack.yaml\n'), '.autostack/new-db.yaml': shopDb };
    const reader = new MemoryReader({ base: {}, head: files });
    const counting: RepoReader = { list: (ref, dir) => (reads.push(`list ${ref}:${dir}`), reader.list(ref, dir)), read: (ref, path) => (reads.push(`read ${ref}:${path}`), reader.read(ref, path)) };
    const r = await reviewChange(counting, 'base', 'head', undefined, { now: NOW });
    expect(r.ok).toBe(false);
    const unknown = r.diagnostics.filter((d) => d.file === S && d.severity === 'error');
    expect(unknown.map((d) => `${d.line}:${d.column}`)).toEqual(expect.arrayContaining(['3:1', '5:3']));
    expect(unknown.every((d) => /_extends/.test(d.message))).toBe(true);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((x) => /^(read|list) (base|head):\.autostack(\/|$)/.test(x))).toBe(true);
  });

  it('keeps the budget of a settings file the pull request deletes, and calls the deletion out', async () => {
    const base = settingsWith('  budgets: { monthlyUsd: 50, projects: { shop: 40 } }\n');
    const r = await reviewChange(new MemoryReader({ base: { [S]: base }, head: { '.autostack/new-db.yaml': shopDb } }), 'base', 'head', [S, '.autostack/new-db.yaml'], { now: NOW });
    expect(r.ok).toBe(false);
    expect(r.budgets.map((b) => `${b.scope} ${b.limitUsd} ${b.exceeded}`).sort()).toEqual(['project 40 true', 'repository 50 true']);
    const d = r.diagnostics.find((x) => x.code === 'settings/policy-change');
    expect(d).toMatchObject({ file: S, severity: 'warning', line: 1, column: 1 });
    expect(d!.message).toContain('.autostack/autostack.yaml is deleted, so the repository budget of $50/month, the budget of project shop ($40/month) no longer apply once merged');
  });

  it('calls out the policy a pull request brings in with a first settings file', async () => {
    const head = settingsWith('  deployBranch: release\n');
    const r = await reviewChange(new MemoryReader({ base: {}, head: { [S]: head } }), 'base', 'head', [S], { now: NOW });
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'settings/policy-change', path: 'spec.deployBranch', line: 4, message: expect.stringContaining('Deploy branch autostack/deploy → release') })]);
  });
});
