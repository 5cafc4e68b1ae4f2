// Every offered (cloud, region) prices every resource kind of the stack it is offered for (a
// server stack for Plans, a website stack for websites); a region with a missing price is not
// offered for that stack. Iterates the registry: a new cloud, region or resource kind is covered
// with no edit here (a new kind needs a sample resource below, and the first test says so).
import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import { CloudCatalog, catalogFor } from '../knowledge-base/catalog.ts';
import type { CloudData } from '../knowledge-base/catalog.ts';
import type { CloudPlan } from '../knowledge-base/cloud-plan.ts';
import { cloudIds, cloudKnowledge } from '../knowledge-base/clouds/registry.ts';
import { estimateCost } from '../knowledge-base/cost.ts';
import { HOURS_PER_MONTH, NAT_DATA_ASSUMPTION, commonPrices, diskPerGiB, natGateway, noCharge, regionFullyPriced, secretMonthly, unpricedKinds, unpricedSizes } from '../knowledge-base/pricing.ts';
import { WEB_TRAFFIC_ASSUMPTION } from '../knowledge-base/prices/traffic.ts';
import { loadBalancer } from '../knowledge-base/prices/load-balancer.ts';
import { aliasNames, offeredAliases, resolveRegion } from '../knowledge-base/regions.ts';
import { RESOURCE_KINDS, SERVER_STACK_KINDS, WEB_KINDS, WEBSITE_STACK_KINDS } from '../knowledge-base/types.ts';
import type { AbstractResource, ResourceKind } from '../knowledge-base/types.ts';
import { registerCloud, unregisterCloud } from '../synth/core/registry/clouds.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { fixtureCloud } from './fixtures/fixture-cloud/index.ts';
import { plan as planDoc } from './helpers.ts';

/** One representative resource per kind, as a cloud plan would hold it in `region`. */
const samples: Record<ResourceKind, (catalog: CloudCatalog, region: string) => AbstractResource> = {
  vm: (c, region) => ({ kind: 'vm', key: 'vm/db-0', type: c.offers(region)[0]!.name, attrs: {} }),
  disk: (c) => ({ kind: 'disk', key: 'disk/db-0', type: c.data.diskSkus.ssd!, attrs: { sizeGiB: 100 } }),
  firewall: () => ({ kind: 'firewall', key: 'firewall/db', type: 'firewall', attrs: {} }),
  bucket: (c) => ({ kind: 'bucket', key: 'bucket/db-backups', type: c.data.objectStorageClass, attrs: { retentionDays: 7 } }),
  'backup-schedule': () => ({ kind: 'backup-schedule', key: 'backup-schedule/db', type: 'pgBackRest', attrs: {} }),
  secret: () => ({ kind: 'secret', key: 'secret/db', type: 'secret', attrs: {} }),
  'public-ip': () => ({ kind: 'public-ip', key: 'public-ip/db-0', type: 'public IPv4', attrs: {} }),
  nat: (_c, region) => ({ kind: 'nat', key: 'nat/db', type: 'NAT gateway', attrs: { region, servers: 3 } }),
  'load-balancer': () => ({ kind: 'load-balancer', key: 'load-balancer/site', type: 'https', attrs: {} }),
  // The cheapest database class / cache type the region prices (a website kind chooses among them).
  mysql: (c, region) => ({ kind: 'mysql', key: 'mysql/site', type: c.otherKeys(region, 'mysql:')[0]?.slice('mysql:'.length) ?? 'db', attrs: { storageGiB: 20, highAvailability: true, vcpu: 2, memoryGiB: 8 } }),
  'file-share': () => ({ kind: 'file-share', key: 'file-share/site', type: 'nfs', attrs: { sizeGiB: 10 } }),
  cache: (c, region): AbstractResource => {
    const perGiB = c.otherKeys(region, 'cache-gib:')[0];
    return perGiB ? { kind: 'cache', key: 'cache/site', type: perGiB.slice('cache-gib:'.length).split('-')[0]!, attrs: { memoryGiB: 1 } } : { kind: 'cache', key: 'cache/site', type: c.otherKeys(region, 'cache:')[0]?.slice('cache:'.length) ?? 'cache', attrs: { nodes: 1 } };
  },
  'dns-zone': () => ({ kind: 'dns-zone', key: 'dns-zone/site', type: 'zone', attrs: {} }),
  certificate: () => ({ kind: 'certificate', key: 'certificate/site', type: 'tls', attrs: {} }),
  cdn: () => ({ kind: 'cdn', key: 'cdn/site', type: 'cdn', attrs: {} }),
  'instance-group': (c, region) => ({ kind: 'instance-group', key: 'instance-group/site', type: c.offers(region)[0]!.name, attrs: { min: 2, max: 4 } }),
  alarm: () => ({ kind: 'alarm', key: 'alarm/site', type: 'alarms', attrs: { alarms: 5 } }),
};

/** The stacks a region is offered for, each with the resource kinds it must price. */
const STACKS = { server: SERVER_STACK_KINDS, website: WEBSITE_STACK_KINDS } as const;

function planWith(cloud: string, region: string, resources: AbstractResource[]): CloudPlan {
  return { cloud, region, primary: true, resources, notes: [], problems: [] };
}

describe('offered regions are fully priced', () => {
  it('has a sample resource for every resource kind', () => {
    expect(Object.keys(samples).sort()).toEqual([...RESOURCE_KINDS].sort());
  });

  for (const cloud of cloudIds()) {
    const catalog = catalogFor(cloud);
    const knowledge = cloudKnowledge(cloud);

    it(`${cloud}: offers at least one region`, () => {
      expect(catalog.regionNames().length).toBeGreaterThan(0);
    });

    /** Each kind's sample resource in `region` is priced above $0 (by `field`) with a source, or free with a stated reason. */
    const expectPriced = (region: string, kinds: readonly ResourceKind[], field: 'unitPriceUsd' | 'monthlyUsd') => {
      for (const kind of kinds) {
        const component = knowledge.prices[kind];
        expect(component, `${cloud} has a price component for ${kind}`).toBeDefined();
        const r = samples[kind](catalog, region);
        const out = component!({ resource: r, plan: planWith(cloud, region, [r, samples.disk(catalog, region)]), catalog });
        if ('reason' in out) expect(out.missing, `${cloud} ${region} ${kind}: ${out.reason}`).toBe(false);
        else {
          expect(out[field], `${cloud} ${region} ${kind}`).toBeGreaterThan(0);
          expect(out.priceSource.length, `${cloud} ${region} ${kind} source`).toBeGreaterThan(20);
        }
      }
    };

    for (const [stack, kinds] of Object.entries(STACKS)) {
      for (const region of catalog.regionNames(kinds)) {
        it(`${cloud} ${region} (${stack} stack): every resource kind of the stack has a price or a stated no-charge reason`, () => {
          expectPriced(region, kinds, 'unitPriceUsd');
        });
      }

      it(`${cloud}: every listed region not offered for a ${stack} stack lacks a price for one of its kinds (or of a named size's type)`, () => {
        for (const region of catalog.listedRegionNames().filter((r) => !catalog.hasRegion(r, kinds))) {
          const lacking = unpricedKinds(knowledge.prices, catalog, region, kinds, knowledge.sizes);
          expect(lacking.length, region).toBeGreaterThan(0);
          for (const k of lacking) expect(kinds).toContain(k);
          expect(resolveRegion(cloud, region, kinds).ok).toBe(false);
        }
      });
    }

    for (const region of catalog.regionNames()) {
      it(`${cloud} ${region}: every resource kind has a price or a stated no-charge reason, and internet egress is priced`, () => {
        expectPriced(region, SERVER_STACK_KINDS, 'monthlyUsd');
        expect(catalog.otherPrice(region, 'internet-egress')?.price, `${cloud} ${region} internet-egress`).toBeGreaterThan(0);
        expect(catalog.internetEgressPrice(region)).toEqual(catalog.otherPrice(region, 'internet-egress'));
        // at least one type of every family the catalog offers
        const families = new Set(catalog.data.instanceTypes.types.map((t) => t.family));
        expect(new Set(catalog.offers(region).map((t) => t.family))).toEqual(families);
      });
    }

    it(`${cloud}: every listed region that is not offered lacks a price, and does not resolve`, () => {
      for (const region of catalog.listedRegionNames().filter((r) => !catalog.hasRegion(r))) {
        expect(unpricedKinds(knowledge.prices, catalog, region).length, region).toBeGreaterThan(0);
        const r = resolveRegion(cloud, region);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.unpriced).toBe(true);
          expect(r.candidates).not.toContain(region);
        }
      }
    });

    it(`${cloud}: an alias resolves exactly when its region is offered`, () => {
      for (const alias of aliasNames()) {
        const region = knowledge.regions.aliases[alias]!;
        expect(catalog.knowsRegion(region), `${alias} → ${region} is listed on ${cloud}`).toBe(true);
        expect(resolveRegion(cloud, alias).ok, `${alias} on ${cloud}`).toBe(catalog.hasRegion(region));
        expect(offeredAliases(cloud).includes(alias)).toBe(catalog.hasRegion(region));
      }
    });
  }

  it('lists only offered regions and aliases in the unknown-region diagnostic', () => {
    for (const cloud of cloudIds()) {
      const notOffered = catalogFor(cloud).listedRegionNames().find((r) => !catalogFor(cloud).hasRegion(r));
      if (!notOffered) continue;
      const d = loadDocument('.autostack/x.yaml', planDoc('x', `cloud: ${cloud}\nregion: ${notOffered}`), resolveSettings(undefined), {}).diagnostics.find((x) => x.code === 'plan/unknown-region');
      expect(d, `${cloud} ${notOffered}`).toBeDefined();
      expect(d!.message).toContain('not offered');
      expect(d!.message).toContain(catalogFor(cloud).regionNames().join(', '));
      expect(d!.message).not.toMatch(new RegExp(`Use one of [^.]*\\b${notOffered}\\b`));
    }
  });

  it('does not offer a region where one resource kind has no price (here: no NAT figures)', () => {
    const block = (unit: string, prices: Record<string, number>) => ({ regions: ['a-1', 'b-1'], source: 'test data, invented', date: '2026-11-29', unit, prices });
    const data: CloudData = {
      cloud: 't', currency: 'USD',
      instanceTypes: { source: 'test data, invented', date: '2026-11-29', types: [{ name: 't.s', family: 'general', vcpu: 2, memoryGiB: 8, arch: 'x86_64', burstable: false }] },
      computePrices: [block('hour', { 't.s': 0.1 })], regionsSource: 'test data, invented', regions: [{ name: 'a-1', location: 'A' }, { name: 'b-1', location: 'B' }],
      storagePrices: [block('GiB-month', { ssd: 0.1 })], objectStoragePrices: [block('GiB-month', { obj: 0.02 })],
      otherPrices: [
        { regions: ['a-1', 'b-1'], source: 'test data, invented', date: '2026-11-29', prices: { 'public-ipv4': { unit: 'hour', price: 0.005 }, secret: { unit: 'secret-month', price: 0.4 } } },
        { regions: ['a-1'], source: 'test data, invented', date: '2026-11-29', prices: { 'nat-gateway': { unit: 'hour', price: 0.045 }, 'nat-data': { unit: 'GB', price: 0.045 } } },
      ],
      diskSkus: { ssd: 'ssd' }, objectStorageClass: 'obj',
    };
    const prices = { ...commonPrices, disk: diskPerGiB, secret: secretMonthly(), firewall: noCharge('free'), nat: natGateway() };
    const catalog = new CloudCatalog(data, (c, region) => regionFullyPriced(prices, c, region));
    expect(catalog.regionNames()).toEqual(['a-1']);
    expect(catalog.hasRegion('b-1')).toBe(false);
    expect(catalog.knowsRegion('b-1')).toBe(true);
    expect(unpricedKinds(prices, catalog, 'b-1')).toEqual(['nat']);
    const { nat, ...withoutNat } = prices;
    expect(nat).toBeDefined();
    expect(regionFullyPriced(withoutNat, catalog, 'a-1')).toBe(false);
  });
});

describe('NAT and Key Vault pricing', () => {
  const nat = (servers: number): AbstractResource => ({ kind: 'nat', key: 'nat/db', type: 'NAT gateway', attrs: { servers } });

  it('prices a NAT gateway as 730 gateway hours plus data under the stated assumption', () => {
    const cost = estimateCost(planWith('aws', 'us-east-1', [nat(3)]));
    const i = cost.items[0]!;
    const gib = 3 * NAT_DATA_ASSUMPTION.gibPerServerMonth;
    expect(i.monthlyUsd).toBe(Math.round((0.045 * 730 + 0.045 * gib) * 100) / 100);
    expect(i.assumption).toBe(NAT_DATA_ASSUMPTION.text);
    expect(i.sku).toContain('730 h');
    expect(cost.complete).toBe(true);
  });

  it('prices GCP Cloud NAT per VM-hour, capped at 32 VMs', () => {
    const perVm = catalogFor('gcp').otherPrice('us-east1', 'nat-gateway')!.price;
    const data = catalogFor('gcp').otherPrice('us-east1', 'nat-data')!.price;
    const two = estimateCost(planWith('gcp', 'us-east1', [nat(2)])).items[0]!;
    expect(two.monthlyUsd).toBeCloseTo(perVm * 730 * 2 + data * 2 * NAT_DATA_ASSUMPTION.gibPerServerMonth, 1);
    const many = estimateCost(planWith('gcp', 'us-east1', [nat(40)])).items[0]!;
    expect(many.monthlyUsd).toBeCloseTo(perVm * 730 * 32 + data * 40 * NAT_DATA_ASSUMPTION.gibPerServerMonth, 1);
  });

  it('prices Azure Key Vault secrets as operations under a stated assumption, not as unpriced', () => {
    const cost = estimateCost(planWith('azure', 'eastus', [samples.secret(catalogFor('azure'), 'eastus')]));
    expect(cost.unpriced).toEqual([]);
    expect(cost.items[0]).toMatchObject({ unit: '10,000 operations', unitPriceUsd: 0.03 });
    expect(cost.items[0]!.assumption).toMatch(/operations a month/);
  });

  it('names the NAT in each cloud\'s words', () => {
    for (const cloud of cloudIds()) expect(cloudKnowledge(cloud).names.nat, cloud).toBeTruthy();
  });
});

describe('website resources: offered only where fully priced, never un-offering a Plan region', () => {
  const res = (kind: AbstractResource['kind'], type: string, attrs: AbstractResource['attrs'] = {}): AbstractResource => ({ kind, key: `${kind}/site`, type, attrs });
  const one = (cloud: string, region: string, r: AbstractResource) => estimateCost(planWith(cloud, region, [r]));
  const cents = (n: number) => Math.round(n * 100) / 100;

  it('has web resource kinds in the vocabulary, and every website stack kind is a resource kind', () => {
    for (const k of WEB_KINDS) expect(RESOURCE_KINDS).toContain(k);
    for (const k of WEBSITE_STACK_KINDS) expect(RESOURCE_KINDS).toContain(k);
    for (const k of SERVER_STACK_KINDS) expect(WEB_KINDS).not.toContain(k);
  });

  it('keeps every Plan region offered where website figures are missing (AWS us-east-2, GCP, Azure)', () => {
    expect(catalogFor('aws').regionNames()).toEqual(['us-east-1', 'us-east-2', 'us-west-2']);
    expect(catalogFor('azure').regionNames()).toEqual(['eastus']);
    expect(catalogFor('gcp').regionNames()).toEqual(['us-central1', 'us-east1', 'us-west1', 'europe-west1', 'europe-west3']);
    expect(catalogFor('aws').hasRegion('us-east-2')).toBe(true);
    expect(catalogFor('aws').hasRegion('us-east-2', WEBSITE_STACK_KINDS)).toBe(false);
    expect(resolveRegion('aws', 'us-east-2').ok).toBe(true);
    const web = resolveRegion('aws', 'us-east-2', WEBSITE_STACK_KINDS);
    expect(web.ok).toBe(false);
    if (!web.ok) {
      expect(web.unpriced).toBe(true);
      expect(web.candidates).toContain('us-east-1');
    }
    expect(offeredAliases('aws')).toContain('us-west');
    expect(offeredAliases('aws', WEBSITE_STACK_KINDS)).not.toContain('us-west');
    expect(unpricedKinds(cloudKnowledge('aws').prices, catalogFor('aws'), 'us-east-2')).toEqual([]);
    expect(unpricedKinds(cloudKnowledge('aws').prices, catalogFor('aws'), 'us-east-2', WEBSITE_STACK_KINDS)).toEqual(expect.arrayContaining(['load-balancer', 'mysql']));
  });

  it('offers AWS us-east-1 for websites: every website resource is priced there', () => {
    expect(catalogFor('aws').regionNames(WEBSITE_STACK_KINDS)).toEqual(['us-east-1']);
  });

  it('a cloud with no website price components still offers its Plan regions (regionFullyPriced looks only at the stack\'s kinds)', () => {
    const block = (unit: string, prices: Record<string, number>) => ({ regions: ['a-1', 'b-1'], source: 'test data, invented', date: '2026-11-29', unit, prices });
    const data: CloudData = {
      cloud: 't', currency: 'USD',
      instanceTypes: { source: 'test data, invented', date: '2026-11-29', types: [{ name: 't.s', family: 'general', vcpu: 2, memoryGiB: 8, arch: 'x86_64', burstable: false }] },
      computePrices: [block('hour', { 't.s': 0.1 })], regionsSource: 'test data, invented', regions: [{ name: 'a-1', location: 'A' }, { name: 'b-1', location: 'B' }],
      storagePrices: [block('GiB-month', { ssd: 0.1 })], objectStoragePrices: [block('GiB-month', { obj: 0.02 })],
      otherPrices: [
        { regions: ['a-1', 'b-1'], source: 'test data, invented', date: '2026-11-29', prices: { 'public-ipv4': { unit: 'hour', price: 0.005 }, secret: { unit: 'secret-month', price: 0.4 }, 'nat-gateway': { unit: 'hour', price: 0.045 }, 'nat-data': { unit: 'GB', price: 0.045 } } },
        { regions: ['a-1'], source: 'test data, invented', date: '2026-11-29', prices: { 'lb-hour': { unit: 'hour', price: 0.02 } } },
      ],
      diskSkus: { ssd: 'ssd' }, objectStorageClass: 'obj',
    };
    const base = { ...commonPrices, disk: diskPerGiB, secret: secretMonthly(), firewall: noCharge('free'), nat: natGateway() };
    // Without any website component, and with one (load balancer) priced only in a-1.
    for (const prices of [base, { ...base, 'load-balancer': loadBalancer({ name: 'lb', hourKey: 'lb-hour' }) }]) {
      const catalog = new CloudCatalog(data, (c, region, kinds) => regionFullyPriced(prices, c, region, kinds));
      expect(catalog.regionNames()).toEqual(['a-1', 'b-1']);
      expect(catalog.regionNames(['load-balancer'])).toEqual('load-balancer' in prices ? ['a-1'] : []);
      expect(catalog.regionNames(WEBSITE_STACK_KINDS)).toEqual([]);
      expect(unpricedKinds(prices, catalog, 'b-1')).toEqual([]);
      expect(unpricedKinds(prices, catalog, 'b-1', ['load-balancer', 'nat'])).toEqual(['load-balancer']);
    }
  });

  it('the fixture cloud (no website components) keeps its regions for Plans and offers none for websites', () => {
    registerCloud(fixtureCloud);
    try {
      const catalog = catalogFor('fixture');
      expect(catalog.regionNames()).toEqual(['fx-east-1', 'fx-west-1']);
      expect(resolveRegion('fixture', 'us-east').ok).toBe(true);
      expect(catalog.regionNames(WEBSITE_STACK_KINDS)).toEqual([]);
      expect(unpricedKinds(cloudKnowledge('fixture').prices, catalog, 'fx-east-1', WEBSITE_STACK_KINDS)).toEqual([...WEB_KINDS]);
    } finally {
      unregisterCloud('fixture');
    }
  });

  describe('AWS us-east-1 worked examples', () => {
    const at = (r: AbstractResource) => one('aws', 'us-east-1', r);

    it('an ALB at 730 h and 1 LCU: $0.0225/h + $0.008/LCU-h', () => {
      const cost = at(res('load-balancer', 'https'));
      const i = cost.items[0]!;
      expect(i.monthlyUsd).toBe(cents(0.0225 * HOURS_PER_MONTH + 0.008 * HOURS_PER_MONTH));
      expect(i.sku).toContain('730 h × $0.0225');
      expect(i.sku).toContain('730 LCU-hours × $0.008');
      expect(i.assumption).toMatch(/assumes 1 LCU an hour/);
      expect(i.priceSource).toContain('lb_test.golden');
      expect(at(res('load-balancer', 'https', { capacityUnits: 3 })).items[0]!.monthlyUsd).toBe(cents(0.0225 * 730 + 3 * 0.008 * 730));
    });

    it('RDS for MySQL db.t4g.medium Multi-AZ with 50 GiB: the listed Multi-AZ rate and storage twice', () => {
      const i = at(res('mysql', 'db.t4g.medium', { storageGiB: 50, highAvailability: true })).items[0]!;
      expect(i.monthlyUsd).toBe(cents(0.13 * 730 + 0.115 * 2 * 50));
      expect(i.sku).toMatch(/high availability/);
      expect(i.assumption).toMatch(/standby/);
      const single = at(res('mysql', 'db.t4g.medium', { storageGiB: 50, highAvailability: false })).items[0]!;
      expect(single.monthlyUsd).toBe(cents(0.065 * 730 + 0.115 * 50));
    });

    it('a class with no listed Multi-AZ rate doubles the Single-AZ rate (mysql-ha-factor, sourced)', () => {
      const i = at(res('mysql', 'db.t4g.large', { storageGiB: 50, highAvailability: true })).items[0]!;
      expect(i.monthlyUsd).toBe(cents(0.129 * 2 * 730 + 0.115 * 2 * 50));
      expect(i.priceSource).toContain('USER_OnDemandDBInstances');
    });

    it('every class the sizes map to is priced in us-east-1, xlarge (db.m6g.xlarge) included', () => {
      const sizes = Object.values(cloudKnowledge('aws').sizes?.mysql ?? {});
      expect(sizes.map((x) => x.type)).toContain('db.m6g.xlarge');
      for (const size of sizes) {
        expect(at(res('mysql', size.type, { storageGiB: 20 })).items, size.type).toHaveLength(1);
      }
      const x = at(res('mysql', 'db.m6g.xlarge', { storageGiB: 20 })).items[0]!;
      expect(x.monthlyUsd).toBe(cents(0.308 * 730 + 0.115 * 20));
      expect(x.priceSource).toContain('agent-toolkit-for-aws');
    });

    it('an unknown database class is missing, with the priced classes named — never $0', () => {
      const cost = at(res('mysql', 'db.r8g.48xlarge', { storageGiB: 50 }));
      expect(cost.items).toEqual([]);
      expect(cost.unpriced[0]).toMatchObject({ missing: true });
      expect(cost.unpriced[0]!.reason).toContain('db.t4g.medium');
      expect(cost.complete).toBe(false);
    });

    it('EFS at $0.30/GB stored, an ElastiCache Valkey node, a Route 53 zone, CloudFront, alarms', () => {
      expect(at(res('file-share', 'nfs', { sizeGiB: 20 })).items[0]!.monthlyUsd).toBe(6);
      expect(at(res('cache', 'cache.t4g.micro', { nodes: 2 })).items[0]!.monthlyUsd).toBe(cents(0.0128 * 730 * 2));
      const dns = at(res('dns-zone', 'zone')).items[0]!;
      expect(dns.monthlyUsd).toBe(cents(0.5 + 0.4 * WEB_TRAFFIC_ASSUMPTION.dnsQueriesPerMonth / 1e6));
      expect(dns.assumption).toMatch(/assumes 1,000,000 DNS queries/);
      const cdnItem = at(res('cdn', 'cdn')).items[0]!;
      expect(cdnItem.monthlyUsd).toBe(cents(0.085 * WEB_TRAFFIC_ASSUMPTION.gibPerMonth + 0.01 * WEB_TRAFFIC_ASSUMPTION.requestsPerMonth / 10_000));
      expect(cdnItem.assumption).toMatch(/assumes 1,000,000 requests and 50 GiB a month/);
      expect(at(res('cdn', 'cdn', { gibPerMonth: 200, requestsPerMonth: 5_000_000 })).items[0]!.assumption).toMatch(/stated traffic: 5,000,000 requests and 200 GiB/);
      const al = at(res('alarm', 'alarms', { alarms: 5, emailsPerMonth: 100_000 })).items[0]!;
      expect(al.monthlyUsd).toBe(cents(5 * 0.1 + 2));
      expect(al.assumption).toMatch(/free allowances/);
    });

    it('ACM public certificates are free, with the reason, not a missing price', () => {
      const cost = at(res('certificate', 'tls'));
      expect(cost.unpriced).toEqual([expect.objectContaining({ missing: false, reason: expect.stringMatching(/no charge/) })]);
      expect(cost.complete).toBe(true);
    });

    it('an Auto Scaling group of 2–6 servers: the total at the minimum, the maximum on the line', () => {
      const type = catalogFor('aws').offers('us-east-1').find((t) => t.family === 'general')!.name;
      const hourly = catalogFor('aws').computePrice('us-east-1', type)!.price;
      const i = at(res('instance-group', type, { min: 2, max: 6 })).items[0]!;
      expect(i.monthlyUsd).toBe(cents(hourly * 730 * 2));
      expect(i.maxMonthlyUsd).toBe(cents(hourly * 730 * 6));
      expect(i.sku).toContain(`2–6 × ${type}`);
      expect(i.assumption).toMatch(/minimum of 2 servers; at the maximum of 6/);
    });

    it('a whole website stack on AWS us-east-1 prices completely', () => {
      const c = catalogFor('aws');
      const resources = WEBSITE_STACK_KINDS.map((k) => samples[k](c, 'us-east-1'));
      const cost = estimateCost(planWith('aws', 'us-east-1', resources));
      expect(cost.unpriced.filter((u) => u.missing)).toEqual([]);
      expect(cost.complete).toBe(true);
      expect(cost.items.length + cost.unpriced.length).toBe(resources.length);
    });
  });

  it('AWS us-east-2 and us-west-2: EFS, alarms and emails priced from AWS\'s price data; RDS for MySQL has no figure in either, so neither is offered for websites', () => {
    for (const region of ['us-east-2', 'us-west-2']) {
      const efs = one('aws', region, res('file-share', 'nfs', { sizeGiB: 10 })).items[0]!;
      expect(efs.monthlyUsd, region).toBe(3);
      expect(efs.priceSource, region).toContain('meteredUnitMaps/efs');
      expect(one('aws', region, res('alarm', 'alarms', { alarms: 5, emailsPerMonth: 100_000 })).items[0]!.monthlyUsd, region).toBe(2.5);
      expect(one('aws', region, res('mysql', 'db.t4g.small', { storageGiB: 20 })).unpriced[0], `${region} mysql`).toMatchObject({ missing: true, reason: expect.stringContaining(region) });
    }
    for (const r of [res('load-balancer', 'https'), res('cache', 'cache.t4g.micro')]) {
      expect(one('aws', 'us-east-2', r).unpriced[0], `us-east-2 ${r.kind}`).toMatchObject({ missing: true, reason: expect.stringContaining('us-east-2') });
    }
    expect(unpricedKinds(cloudKnowledge('aws').prices, catalogFor('aws'), 'us-east-2', WEBSITE_STACK_KINDS)).toEqual(['load-balancer', 'mysql', 'cache']);
    expect(unpricedKinds(cloudKnowledge('aws').prices, catalogFor('aws'), 'us-west-2', WEBSITE_STACK_KINDS)).toEqual(['mysql']);
    // Only cache.t4g.micro has a us-west-2 figure: the medium and large sizes do not price there.
    expect(unpricedKinds(cloudKnowledge('aws').prices, catalogFor('aws'), 'us-west-2', WEBSITE_STACK_KINDS, cloudKnowledge('aws').sizes)).toEqual(['mysql', 'cache']);
    expect(unpricedSizes(cloudKnowledge('aws').prices.cache!, catalogFor('aws'), 'us-west-2', 'cache', cloudKnowledge('aws').sizes!.cache)).toEqual(['medium', 'large']);
  });

  it('offers a region for websites only where the type of every named size has a figure, so no size a file names is a missing line there', () => {
    const aws = cloudKnowledge('aws');
    expect(unpricedKinds(aws.prices, catalogFor('aws'), 'us-east-1', WEBSITE_STACK_KINDS, aws.sizes)).toEqual([]);
    // The same data without the figure of one size's type (cache.t4g.small, size medium).
    const data = structuredClone(aws.data) as CloudData;
    data.otherPrices = data.otherPrices.map((b) => ({ ...b, prices: Object.fromEntries(Object.entries(b.prices).filter(([k]) => k !== 'cache:cache.t4g.small')) }));
    const catalog = new CloudCatalog(data, (c, region, kinds) => regionFullyPriced(aws.prices, c, region, kinds, aws.sizes));
    expect(unpricedSizes(aws.prices.cache!, catalog, 'us-east-1', 'cache', aws.sizes!.cache)).toEqual(['medium']);
    expect(unpricedKinds(aws.prices, catalog, 'us-east-1', WEBSITE_STACK_KINDS)).toEqual([]);
    expect(unpricedKinds(aws.prices, catalog, 'us-east-1', WEBSITE_STACK_KINDS, aws.sizes)).toEqual(['cache']);
    expect(catalog.hasRegion('us-east-1', WEBSITE_STACK_KINDS)).toBe(false);
    // Plans do not depend on website sizes.
    expect(catalog.hasRegion('us-east-1')).toBe(true);
  });

  it('AWS us-west-2: the Application Load Balancer hour and LCU and a Valkey cache.t4g.micro node, each from a source naming US West (Oregon)', () => {
    const lb = one('aws', 'us-west-2', res('load-balancer', 'https')).items[0]!;
    expect(lb.monthlyUsd).toBe(cents(0.0225 * 730 + 0.008 * 730));
    expect(lb.priceSource).toMatch(/galahq\/gala SPEND\.md.*FOCUS-Sample-Data/);
    const cache = one('aws', 'us-west-2', res('cache', 'cache.t4g.micro', { nodes: 2 })).items[0]!;
    expect(cache.monthlyUsd).toBe(cents(0.0128 * 730 * 2));
    expect(cache.priceSource).toContain('US West (Oregon)');
    // Only the node types a source names for the region: the others stay missing, never us-east-1's figure.
    expect(one('aws', 'us-west-2', res('cache', 'cache.t4g.small')).unpriced[0]).toMatchObject({ missing: true, reason: expect.stringContaining('priced there: cache.t4g.micro') });
  });

  describe('Azure eastus', () => {
    const at = (r: AbstractResource) => one('azure', 'eastus', r);

    it('Application Gateway Standard_v2: $0.246/h fixed plus capacity units, 10 reserved per minimum instance', () => {
      expect(at(res('load-balancer', 'https')).items[0]!.monthlyUsd).toBe(cents(0.246 * 730 + 0.008 * 730));
      const reserved = at(res('load-balancer', 'https', { minInstances: 2 })).items[0]!;
      expect(reserved.monthlyUsd).toBe(cents(0.246 * 730 + 20 * 0.008 * 730));
      expect(reserved.assumption).toMatch(/20 capacity units an hour reserved by the minimum of 2 instances/);
      expect(reserved.priceSource).toContain('understanding-pricing');
    });

    it('the Front Door managed certificate has no charge, with the reason; DNS, alarms and a Standard C3 cache are priced', () => {
      const cert = at(res('certificate', 'tls'));
      expect(cert.items).toEqual([]);
      expect(cert.unpriced[0]).toMatchObject({ missing: false, reason: expect.stringMatching(/Front Door managed certificates have no charge.*frontdoor\/billing/) });
      expect(cert.complete).toBe(true);
      expect(cloudKnowledge('azure').names.certificate).toBe('Front Door managed certificate');
      expect(at(res('dns-zone', 'zone')).items[0]!.monthlyUsd).toBe(0.9);
      expect(at(res('alarm', 'alarms', { alarms: 3 })).items[0]!.monthlyUsd).toBe(0.3);
      expect(at(res('cache', 'Standard C3')).items[0]!.monthlyUsd).toBe(cents(0.45 * 730));
    });

    it('Front Door Standard: the $35 base fee plus data served and requests, with the traffic stated', () => {
      const i = at(res('cdn', 'cdn')).items[0]!;
      expect(i.monthlyUsd).toBe(cents(35 + 0.083 * WEB_TRAFFIC_ASSUMPTION.gibPerMonth + 0.009 * WEB_TRAFFIC_ASSUMPTION.requestsPerMonth / 10_000));
      expect(i.sku).toContain('1 profile × $35 base fee per month');
      expect(i.assumption).toMatch(/assumes 1,000,000 requests and 50 GiB a month.*North American/);
      expect(i.priceSource).toContain('compare-cdn-front-door-price');
    });

    it('MySQL flexible server by class, HA billing the standby like the primary (compute and storage)', () => {
      expect(at(res('mysql', 'B_Standard_B2s', { storageGiB: 50 })).items[0]!.monthlyUsd).toBe(cents(0.068 * 730 + 0.115 * 50));
      const ha = at(res('mysql', 'GP_Standard_D2ds_v4', { storageGiB: 50, highAvailability: true })).items[0]!;
      expect(ha.monthlyUsd).toBe(cents(2 * 0.171 * 730 + 2 * 0.115 * 50));
      expect(ha.priceSource).toContain('concepts-high-availability-faq');
    });

    it('a Basic C1 cache: one node at the East US rate the billing catalogue recorded', () => {
      const c1 = at(res('cache', 'Basic C1'));
      expect(c1.items[0]!.monthlyUsd).toBe(cents(0.055 * 730));
      expect(c1.items[0]!.priceSource).toMatch(/21716c328eaad441f5fd87301220d3d3fda74536.*Basic C4 rate.*unchanged/);
      expect(at(res('cache', 'Standard C1')).unpriced[0]).toMatchObject({ missing: true, reason: expect.stringContaining('Basic C1') });
    });

    it('Azure Files premium (NFS needs the SSD tier): provisioned GiB at the East US figure, 100 GiB at least', () => {
      const share = at(res('file-share', 'nfs', { sizeGiB: 10 })).items[0]!;
      expect(share.monthlyUsd).toBe(cents(100 * 0.16));
      expect(share.assumption).toMatch(/billed for 100 GiB/);
      expect(share.priceSource).toMatch(/file-estimate-cost.*East US region and LRS/);
    });

    it('the B1ms class (size small) and Redis Standard C1 (size medium) have no figure yet: missing, never $0, so eastus is not offered for websites though every resource type has a figure', () => {
      const azure = cloudKnowledge('azure');
      expect(unpricedKinds(azure.prices, catalogFor('azure'), 'eastus', WEBSITE_STACK_KINDS)).toEqual([]);
      expect(unpricedKinds(azure.prices, catalogFor('azure'), 'eastus', WEBSITE_STACK_KINDS, azure.sizes)).toEqual(['mysql', 'cache']);
      expect(catalogFor('azure').hasRegion('eastus', WEBSITE_STACK_KINDS)).toBe(false);
      for (const r of [res('mysql', 'B_Standard_B1ms', { storageGiB: 20 }), res('cache', 'Standard C1')]) {
        const cost = at(r);
        expect(cost.items, r.type).toEqual([]);
        expect(cost.unpriced[0], r.type).toMatchObject({ missing: true });
        expect(cost.complete).toBe(false);
      }
    });
  });

  describe('GCP', () => {
    it('the global external Application Load Balancer in us-central1: forwarding rule hours plus data processed', () => {
      const i = one('gcp', 'us-central1', res('load-balancer', 'https')).items[0]!;
      expect(i.monthlyUsd).toBe(cents(0.025 * 730 + 0.008 * WEB_TRAFFIC_ASSUMPTION.gibPerMonth));
      expect(i.assumption).toMatch(/data processed: assumes/);
    });

    it('Cloud SQL for MySQL, 2 vCPU and 8 GiB, regional (HA), 50 GiB: vCPU, memory and storage twice', () => {
      const i = one('gcp', 'us-central1', res('mysql', 'db-custom-2-8192', { vcpu: 2, memoryGiB: 8, storageGiB: 50, highAvailability: true })).items[0]!;
      expect(i.monthlyUsd).toBe(cents(2 * (2 * 730 * 0.0413 + 8 * 730 * 0.007) + 2 * 50 * 0.17));
    });

    it('Filestore Basic HDD is billed for its 1 TiB minimum, and says so', () => {
      const i = one('gcp', 'us-west1', res('file-share', 'nfs', { sizeGiB: 50 })).items[0]!;
      expect(i.quantity).toBe(1);
      expect(i.monthlyUsd).toBe(cents(1024 * 0.2));
      expect(i.sku).toContain('1024 GiB');
      expect(i.assumption).toMatch(/minimum capacity of Filestore Basic HDD is 1,024 GiB/);
    });

    it('Memorystore for Redis by capacity tier', () => {
      expect(one('gcp', 'us-central1', res('cache', 'basic', { memoryGiB: 1 })).items[0]!.monthlyUsd).toBe(cents(0.049 * 730));
      expect(one('gcp', 'us-central1', res('cache', 'standard', { memoryGiB: 5 })).items[0]!).toMatchObject({ monthlyUsd: cents(5 * 0.054 * 730), sku: expect.stringContaining('M2') });
    });

    it('Cloud DNS and Cloud CDN are global: priced in every GCP region', () => {
      for (const region of catalogFor('gcp').regionNames()) {
        expect(one('gcp', region, res('dns-zone', 'zone')).items[0]!.monthlyUsd, region).toBe(0.6);
        expect(one('gcp', region, res('cdn', 'cdn')).items[0]!.monthlyUsd, region).toBe(cents(0.08 * 50 + 0.0075 * 100));
      }
    });

    it('certificates and alerting have no verified GCP figure: missing, never free or $0', () => {
      for (const kind of ['certificate', 'alarm'] as const) {
        const cost = one('gcp', 'us-central1', res(kind, kind));
        expect(cost.items, kind).toEqual([]);
        expect(cost.unpriced[0], kind).toMatchObject({ missing: true });
      }
      expect(catalogFor('gcp').regionNames(WEBSITE_STACK_KINDS)).toEqual([]);
    });
  });
});
