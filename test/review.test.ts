import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import { MemoryReader } from '../synth/core/load/reader.ts';
import { COMMENT_LIMIT, renderMarkdown } from '../synth/core/render/markdown.ts';
import { renderText } from '../synth/core/render/text.ts';
import { reviewChange } from '../synth/core/review/review.ts';
import { plan } from './helpers.ts';

const before = plan('orders-db', 'cloud: aws\nregion: us-east-1\ncompute: { vcpu: 2, memoryGiB: 4 }\nstorage: { sizeGiB: 50 }\npostgres: { version: "17" }\nbackup: { schedule: "0 3 * * *" }', '  project: shop\n');
const after = plan('orders-db', 'cloud: aws\nregion: us-east-1\ncompute: { vcpu: 4, memoryGiB: 16 }\nstorage: { sizeGiB: 200 }\npostgres: { version: "17" }\nbackup: { schedule: "0 * * * *" }', '  project: shop\n');
const F = '.autostack/orders-db.yaml';

describe('reviewChange', () => {
  it('reports spec changes in words, the instance type change per cloud and cost before and after', async () => {
    const r = await reviewChange(new MemoryReader({ base: { [F]: before }, head: { [F]: after } }), 'base', 'head', undefined, { acknowledgedDowntime: 'resize in the 02:00 window' });
    expect(r.ok).toBe(true);
    const p = r.plans[0]!;
    expect(p).toMatchObject({ name: 'orders-db', status: 'changed', cloud: 'aws', region: 'us-east-1', project: 'shop' });
    expect(p.changes).toEqual(['compute 2 vCPU / 4 GiB → 4 vCPU / 16 GiB', 'storage 50 → 200 GiB', 'backups daily at 03:00 UTC → hourly']);
    // A new instance type stops and starts the server in place; the new schedule is configuration its agent applies.
    const vmChanges = Object.fromEntries(p.resources.filter((x) => x.kind === 'vm').map((x) => [x.cloud, `${x.type} ${x.action}`]));
    expect(vmChanges).toEqual({ aws: 'm6g.xlarge change', azure: 'Standard_D4s_v5 change', gcp: 'e2-standard-4 change' });
    expect(p.deployment.find((d) => d.kind === 'vm')).toMatchObject({ action: 'change', before: 'm6g.large', after: 'm6g.xlarge', disruption: 'restart', effect: expect.stringContaining('downtime') });
    expect(p.deployment.find((d) => d.kind === 'disk')).toMatchObject({ action: 'change', reason: 'sizeGiB 50 → 200', effect: expect.stringContaining('grown online') });
    expect(p.deployment.filter((d) => d.action === 'replace')).toEqual([]);
    for (const c of p.cost) {
      expect(c.monthlyUsdBefore).toBeGreaterThan(0);
      expect(c.monthlyUsdAfter).toBeGreaterThan(c.monthlyUsdBefore!);
      expect(c.items.every((i) => i.resource && i.sku && i.unit && i.quantity > 0 && i.unitPriceUsd > 0 && i.monthlyUsd >= 0 && i.priceSource)).toBe(true);
    }
    expect(p.cost.map((c) => c.cloud)).toEqual(['aws', 'azure', 'gcp']);
    expect(p.cost.filter((c) => c.cheapest)).toHaveLength(1);
  });

  it('applies disk growth, settings, schedule and retention in place: no server is stopped or replaced', async () => {
    const grown = before.replace('sizeGiB: 50', 'sizeGiB: 500').replace('backup: { schedule: "0 3 * * *" }', 'backup: { schedule: "0 4 * * *", retentionDays: 14 }').replace('postgres: { version: "17" }', 'postgres: { version: "17", maxConnections: 200, settings: { work_mem: 64MB } }');
    const r = await reviewChange(new MemoryReader({ base: { [F]: before }, head: { [F]: grown } }), 'base', 'head');
    expect(r.ok).toBe(true);
    const d = r.plans[0]!.deployment;
    expect(d.map((x) => x.action).sort()).toEqual(['change', 'change', 'change', 'change']);
    expect(d.filter((x) => x.disruption)).toEqual([]);
    expect(d.find((x) => x.kind === 'vm')).toMatchObject({ reason: 'configuration', effect: expect.stringContaining('agent applies') });
    expect(d.find((x) => x.kind === 'disk')).toMatchObject({ reason: 'sizeGiB 50 → 500', effect: expect.stringContaining('grown online') });
    expect(renderText(r)).not.toMatch(/replace|rebuilt/);
  });

  it('refuses to stop a server holding data without an acknowledgement written in this change', async () => {
    const bigger = before.replace('compute: { vcpu: 2, memoryGiB: 4 }', 'compute: { instanceType: { aws: m6i.xlarge } }');
    const refused = await reviewChange(new MemoryReader({ base: { [F]: before }, head: { [F]: bigger } }), 'base', 'head');
    expect(refused.ok).toBe(false);
    const d = refused.diagnostics.find((x) => x.code === 'plan/downtime-unacknowledged')!;
    expect(d).toMatchObject({ severity: 'error', path: 'spec.compute', line: 9 });
    expect(d.message).toContain('m6g.large → m6i.xlarge');
    expect(d.message).toContain('acknowledge: { downtime:');
    expect(d.message).toContain('autostack/downtime-ok');
    // Written in the file, in this change: accepted.
    const acked = bigger.replace('  backup:', '  acknowledge: { downtime: "resize before the sale, 02:00 UTC" }\n  backup:');
    expect((await reviewChange(new MemoryReader({ base: { [F]: before }, head: { [F]: acked } }), 'base', 'head')).ok).toBe(true);
    // An acknowledgement left over from an earlier change does not count for the next one.
    const stale = await reviewChange(new MemoryReader({ base: { [F]: acked }, head: { [F]: acked.replace('m6i.xlarge', 'm6i.2xlarge') } }), 'base', 'head');
    expect(stale.diagnostics.find((x) => x.code === 'plan/downtime-unacknowledged')?.message).toContain('from an earlier change');
    // Given for the pull request (its label) instead: accepted.
    expect((await reviewChange(new MemoryReader({ base: { [F]: before }, head: { [F]: bigger } }), 'base', 'head', undefined, { acknowledgedDowntime: 'label' })).ok).toBe(true);
    // And flagged when nothing needs it.
    const unneeded = await reviewChange(new MemoryReader({ base: { [F]: before }, head: { [F]: before.replace('  backup:', '  acknowledge: { downtime: "just in case" }\n  backup:') } }), 'base', 'head');
    expect(unneeded.diagnostics.map((x) => x.code)).toContain('plan/acknowledge-unneeded');
  });

  it('replaces servers for a new OS, and needs the acknowledgement for it', async () => {
    const os = before.replace('  backup:', '  os: { distro: debian, version: "12" }\n  backup:');
    const base = before.replace('  backup:', '  os: { distro: ubuntu, version: "24.04" }\n  backup:');
    const r = await reviewChange(new MemoryReader({ base: { [F]: base }, head: { [F]: os } }), 'base', 'head');
    expect(r.plans[0]!.deployment.find((d) => d.kind === 'vm')).toMatchObject({ action: 'replace', disruption: 'replace', reason: 'image ubuntu-24.04 → debian-12' });
    expect(r.diagnostics.find((x) => x.code === 'plan/downtime-unacknowledged')).toMatchObject({ path: 'spec.os' });
  });

  it('reports a removed plan with its saving', async () => {
    const r = await reviewChange(new MemoryReader({ base: { [F]: before }, head: {} }), 'base', 'head');
    const p = r.plans[0]!;
    expect(p.status).toBe('removed');
    const own = p.cost.find((c) => c.primary)!;
    expect(own.monthlyUsdAfter).toBe(0);
    expect(own.deltaUsd).toBeLessThan(0);
    expect(own.deltaUsd).toBe(-own.monthlyUsdBefore!);
    expect(p.deployment.every((d) => d.action === 'remove')).toBe(true);
    expect(r.totals.deltaUsd).toBe(own.deltaUsd);
  });

  it('refuses changes that would lose data and warns about moves', async () => {
    const r = await reviewChange(new MemoryReader({ base: { [F]: before }, head: { [F]: before.replace('sizeGiB: 50', 'sizeGiB: 20').replace('version: "17"', 'version: "16"') } }), 'base', 'head');
    expect(r.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(expect.arrayContaining(['plan/disk-shrink error', 'plan/major-upgrade error']));
    expect(r.ok).toBe(false);
  });

  it('refuses a cloud change that is not declared as a migration, and says how', async () => {
    const moved = before.replace('cloud: aws', 'cloud: gcp').replace('us-east-1', 'us-east');
    const r = await reviewChange(new MemoryReader({ base: { [F]: before }, head: { [F]: moved } }), 'base', 'head');
    const p = r.plans[0]!;
    expect(p.changes[0]).toMatch(/^cloud aws → gcp/);
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toMatchObject([{ code: 'plan/move-unplanned', severity: 'error', path: 'spec.cloud' }]);
    expect(r.diagnostics[0]!.message).toContain('migration: { from: aws }');
  });

  it('fails on an exceeded budget with a diagnostic at the budget', async () => {
    const tight = after.replace('backup:', 'budget: { monthlyUsd: 50 }\n  backup:');
    const r = await reviewChange(new MemoryReader({ base: {}, head: { [F]: tight } }), 'base', 'head');
    expect(r.ok).toBe(false);
    expect(r.plans[0]!.status).toBe('added');
    expect(r.budgets).toMatchObject([{ scope: 'plan', name: 'orders-db', limitUsd: 50, exceeded: true }]);
    expect(r.diagnostics).toMatchObject([{ code: 'plan/over-budget', line: 12 }]);
  });

  it('checks project and repository budgets over every plan, not only the changed ones', async () => {
    const settings = 'apiVersion: autostack.dev/v1\nkind: Settings\nspec:\n  budgets: { monthlyUsd: 100, projects: { shop: 60 } }\n';
    const other = plan('other-db', 'compute: { size: medium }', '  project: shop\n');
    const files = { '.autostack/autostack.yaml': settings, '.autostack/other-db.yaml': other };
    const r = await reviewChange(new MemoryReader({ base: { ...files, [F]: before }, head: { ...files, [F]: after } }), 'base', 'head');
    const project = r.budgets.find((b) => b.scope === 'project')!;
    expect(project.exceeded).toBe(true);
    expect(project.estimateUsd).toBeGreaterThan(r.plans[0]!.cost[0]!.monthlyUsdAfter!);
    expect(r.ok).toBe(false);
  });

  it('reviews an invalid head with its diagnostics and no deployment', async () => {
    const broken = after.replace('sizeGiB: 200', 'sizeGiB: lots');
    const r = await reviewChange(new MemoryReader({ base: { [F]: before }, head: { [F]: broken } }), 'base', 'head');
    expect(r.ok).toBe(false);
    expect(r.plans[0]!.status).toBe('invalid');
    expect(r.diagnostics[0]).toMatchObject({ file: F, code: 'schema/type' });
  });

  it('reports names already used by another file in the tree', async () => {
    const head = { [F]: after, '.autostack/legacy/orders-db.yaml': plan('orders-db', 'cloud: gcp') };
    const r = await reviewChange(new MemoryReader({ base: { '.autostack/legacy/orders-db.yaml': head['.autostack/legacy/orders-db.yaml'] }, head }), 'base', 'head');
    expect(r.diagnostics.map((d) => d.code)).toContain('plan/duplicate-name');
  });

  it('renders markdown and text with the summary first', async () => {
    const r = await reviewChange(new MemoryReader({ base: { [F]: before }, head: { [F]: after } }), 'base', 'head', undefined, { acknowledgedDowntime: 'resize in the 02:00 window' });
    const md = renderMarkdown(r);
    expect(md.split('\n')[0]).toMatch(/^### ✅ AutoStack: 1 plan changed · \$\d+\.\d\d → \$\d+\.\d\d\/month/);
    await expect(md).toMatchFileSnapshot('__golden__/orders-db-review.md');
    await expect(renderText(r)).toMatchFileSnapshot('__golden__/orders-db-review.txt');
  });

  it('stays under GitHub comment limit for 1,000 changed plans', async () => {
    const head: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) head[`.autostack/db-${i}.yaml`] = plan(`db-${i}`, `cloud: ${['aws', 'azure', 'gcp'][i % 3]}\nregion: us-east\nstorage: { sizeGiB: ${20 + i} }`);
    const r = await reviewChange(new MemoryReader({ base: {}, head }), 'base', 'head');
    expect(r.plans).toHaveLength(1000);
    const md = renderMarkdown(r);
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md).toContain('more plans not shown');
    const few = renderMarkdown(await reviewChange(new MemoryReader({ base: {}, head: Object.fromEntries(Object.entries(head).slice(0, 3)) }), 'base', 'head'));
    expect(few).toContain('<details>');
  });
});
