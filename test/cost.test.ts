import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import { buildCloudPlan } from '../synth/kinds/plan/cloud-plan.ts';
import { estimateCost } from '../knowledge-base/cost.ts';
import type { PlanModel } from '../synth/kinds/plan/model.ts';
import { tunePostgres } from '../knowledge-base/postgres.ts';

function model(over: Partial<PlanModel> = {}): PlanModel {
  return {
    kind: 'Plan', name: 'db', project: 'p', org: 'o', labels: {}, file: '.autostack/db.yaml', cloud: 'aws', region: 'us-east-1',
    os: { distro: 'ubuntu', version: '24.04' },
    compute: { vcpu: 2, memoryGiB: 8, family: 'general', instanceType: {} },
    storage: { type: 'ssd', sizeGiB: 100 },
    postgres: { version: '17', topology: 'single', replicas: 0, maxConnections: 100, settings: {} },
    backup: { enabled: true, schedule: '0 3 * * *', retentionDays: 7, validate: 'weekly' },
    network: { allowedCidrs: ['10.0.0.0/8'], publicIp: false, egress: 'nat', provided: [] },
    ...over,
  };
}

describe('cloud plan and cost', () => {
  it('picks the cheapest general-purpose type that fits and prices it at 730 hours', () => {
    const plan = buildCloudPlan(model(), 'aws', 'us-east-1', true);
    expect(plan.instance?.name).toBe('m6g.large');
    const cost = estimateCost(plan);
    expect(cost.items.find((i) => i.resource === 'vm/db-0')).toMatchObject({ sku: 'm6g.large', quantity: 730, unitPriceUsd: 0.077, monthlyUsd: 56.21, unit: 'hour' });
    expect(cost.items.find((i) => i.resource === 'disk/db-0')).toMatchObject({ sku: 'gp3', quantity: 100, unitPriceUsd: 0.08, monthlyUsd: 8 });
    expect(cost.items.every((i) => i.priceSource.length > 20)).toBe(true);
    expect(cost.complete).toBe(true);
  });

  it('honours explicit instance types and the burstable family', () => {
    expect(buildCloudPlan(model({ compute: { vcpu: 2, memoryGiB: 8, family: 'general', instanceType: { aws: 'm6i.large' } } }), 'aws', 'us-east-1', true).instance?.name).toBe('m6i.large');
    expect(buildCloudPlan(model({ compute: { vcpu: 2, memoryGiB: 4, family: 'burstable', instanceType: {} } }), 'gcp', 'us-east1', true).instance?.name).toBe('e2-medium');
    expect(buildCloudPlan(model({ compute: { vcpu: 2, memoryGiB: 4, family: 'burstable', instanceType: {} } }), 'aws', 'us-east-1', true).instance?.name).toBe('t4g.medium');
    const big = buildCloudPlan(model({ compute: { vcpu: 32, memoryGiB: 128, family: 'burstable', instanceType: {} } }), 'gcp', 'us-east1', true);
    expect(big.instance?.name).toBe('e2-standard-32');
    expect(big.notes[0]).toMatch(/using general-purpose/);
  });

  it('bills Azure disks by size tier, not per GiB', () => {
    const cost = estimateCost(buildCloudPlan(model({ cloud: 'azure', storage: { type: 'ssd', sizeGiB: 200 } }), 'azure', 'eastus', true));
    expect(cost.items.find((i) => i.resource === 'disk/db-0')).toMatchObject({ unitPriceUsd: 38.01, quantity: 1, monthlyUsd: 38.01 });
    expect(cost.items.find((i) => i.resource === 'disk/db-0')!.sku).toContain('P15');
  });

  it('prices every server of a cluster and states the backup storage assumption', () => {
    const cost = estimateCost(buildCloudPlan(model({ postgres: { version: '17', topology: 'cluster', replicas: 2, maxConnections: 100, settings: {} } }), 'gcp', 'us-central1', true));
    expect(cost.items.filter((i) => i.resource.startsWith('vm/'))).toHaveLength(3);
    expect(cost.items.find((i) => i.resource.startsWith('bucket/'))!.assumption).toMatch(/assumes/);
  });

  it('refuses a region that is not fully priced instead of showing $0', () => {
    const plan = buildCloudPlan(model(), 'aws', 'eu-west-1', true);
    expect(plan.problems.join(' ')).toMatch(/not offered/);
    const cost = estimateCost(plan);
    expect(cost.complete).toBe(false);
    expect(cost.items).toEqual([]);
  });

  it('substitutes Amazon Linux on other clouds with a note', () => {
    const plan = buildCloudPlan(model({ os: { distro: 'amazon-linux', version: '2023' } }), 'azure', 'eastus', false);
    expect(plan.image?.distro).toBe('rocky');
    expect(plan.notes[0]).toMatch(/not available on azure/);
  });
});

describe('PostgreSQL tuning', () => {
  it('derives memory settings from RAM and connections, and lets user settings win', () => {
    const s = Object.fromEntries(tunePostgres({ memoryGiB: 16, vcpu: 4, maxConnections: 200, replicas: 2, extra: { work_mem: '8MB', log_min_duration_statement: 500 } }));
    expect(s).toMatchObject({ shared_buffers: '4GB', effective_cache_size: '12GB', maintenance_work_mem: '1GB', wal_buffers: '16MB', max_wal_senders: '6', random_page_cost: '1.1', work_mem: "'8MB'", log_min_duration_statement: '500', max_parallel_workers_per_gather: '2' });
    expect(Object.fromEntries(tunePostgres({ memoryGiB: 4, vcpu: 2, maxConnections: 10, replicas: 0, extra: { application_name: "x'\ny = 1" } })).application_name).toBe("'x'' y = 1'");
    const small = Object.fromEntries(tunePostgres({ memoryGiB: 4, vcpu: 2, maxConnections: 100, replicas: 0 }));
    expect(small).toMatchObject({ shared_buffers: '1GB', effective_cache_size: '3GB', maintenance_work_mem: '256MB', work_mem: '10485kB' });
  });
});
