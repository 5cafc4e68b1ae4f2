import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import { renderChange } from '../app/services/render-change.ts';
import { MemoryReader } from '../synth/core/load/reader.ts';
import { renderMarkdown } from '../synth/core/render/markdown.ts';
import { reviewChange } from '../synth/core/review/review.ts';
import { plan } from './helpers.ts';

const F = '.autostack/orders-db.yaml';
const spec = 'region: us-east\ncompute: { size: medium }\nstorage: { sizeGiB: 200 }\npostgres: { version: "17" }';
const onAws = plan('orders-db', `cloud: aws\n${spec}`, '  project: shop\n');
const moving = plan('orders-db', `cloud: gcp\nmigration: { from: aws }\n${spec}`, '  project: shop\n');
const moved = plan('orders-db', `cloud: gcp\n${spec}`, '  project: shop\n');
const NOW = new Date('2026-11-29T12:00:00Z');

describe('moving a deployed plan to another cloud', () => {
  it('is reviewed as a migration: the new stack is added, the old one kept, the data path and its cost shown', async () => {
    const r = await reviewChange(new MemoryReader({ base: { [F]: onAws }, head: { [F]: moving } }), 'base', 'head', undefined, { now: NOW });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
    const p = r.plans[0]!;
    expect(p.deployment.every((d) => d.action === 'add' && d.cloud === 'gcp')).toBe(true);
    expect(p.deployment.map((d) => d.kind)).toEqual(expect.arrayContaining(['vm', 'disk', 'bucket', 'nat']));
    expect(p.migration).toMatchObject({ from: { cloud: 'aws', region: 'us-east-1' }, to: { cloud: 'gcp', region: 'us-east1' } });
    expect(p.migration!.steps.join('\n')).toMatch(/restore[\s\S]*Cut over[\s\S]*Remove `migration`/);
    expect(p.migration!.transferGiB).toBeGreaterThan(0);
    expect(p.migration!.transferUsd).toBeGreaterThan(0);
    // Both stacks are paid for while the data moves.
    const kept = p.cost.find((c) => c.kept)!;
    const own = p.cost.find((c) => c.primary)!;
    expect(kept.cloud).toBe('aws');
    expect(r.totals.monthlyUsdAfter).toBeCloseTo(kept.monthlyUsdAfter! + own.monthlyUsdAfter!, 2);
    await expect(renderMarkdown(r)).toMatchFileSnapshot('__golden__/migration-aws-to-gcp.md');
  });

  it('renders both stacks while the migration lasts, and destroys the old one when it is removed', async () => {
    const reader = new MemoryReader({ a: { [F]: onAws }, b: { [F]: moving }, c: { [F]: moved } });
    const during = await renderChange(reader, 'a', 'b', [F]);
    expect(during.ok && during.stacks.map((s) => `${s.name} ${s.action}`).sort()).toEqual(['orders-db-aws apply', 'orders-db-gcp apply']);
    const after = await renderChange(reader, 'b', 'c', [F]);
    expect(after.ok && after.stacks.map((s) => `${s.name} ${s.action}`).sort()).toEqual(['orders-db-aws destroy', 'orders-db-gcp apply']);
    const review = await reviewChange(reader, 'b', 'c', [F], { now: NOW });
    expect(review.plans[0]!.deployment.filter((d) => d.cloud === 'aws').every((d) => d.action === 'remove')).toBe(true);
    expect(review.diagnostics.map((d) => d.code)).toContain('plan/migration-finished');
  });
});
