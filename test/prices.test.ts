// Every offered (cloud, region) prices every resource kind; a region with a missing price is not
// offered. Iterates the registry: a new cloud, region or resource kind is covered with no edit here
// (a new kind needs a sample resource below, and the first test says so).
import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import { CloudCatalog, catalogFor } from '../knowledge-base/catalog.ts';
import type { CloudData } from '../knowledge-base/catalog.ts';
import type { CloudPlan } from '../knowledge-base/cloud-plan.ts';
import { cloudIds, cloudKnowledge } from '../knowledge-base/clouds/registry.ts';
import { estimateCost } from '../knowledge-base/cost.ts';
import { NAT_DATA_ASSUMPTION, commonPrices, diskPerGiB, natGateway, noCharge, regionFullyPriced, secretMonthly, unpricedKinds } from '../knowledge-base/pricing.ts';
import { aliasNames, offeredAliases, resolveRegion } from '../knowledge-base/regions.ts';
import { RESOURCE_KINDS } from '../knowledge-base/types.ts';
import type { AbstractResource, ResourceKind } from '../knowledge-base/types.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
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
  nat: () => ({ kind: 'nat', key: 'nat/db', type: 'NAT gateway', attrs: { region: 'r', servers: 3 } }),
};

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

    for (const region of catalog.regionNames()) {
      it(`${cloud} ${region}: every resource kind has a price or a stated no-charge reason, and internet egress is priced`, () => {
        for (const kind of RESOURCE_KINDS) {
          const component = knowledge.prices[kind];
          expect(component, `${cloud} has a price component for ${kind}`).toBeDefined();
          const r = samples[kind](catalog, region);
          const out = component!({ resource: r, plan: planWith(cloud, region, [r, samples.disk(catalog, region)]), catalog });
          if ('reason' in out) expect(out.missing, `${cloud} ${region} ${kind}: ${out.reason}`).toBe(false);
          else {
            expect(out.monthlyUsd, `${cloud} ${region} ${kind}`).toBeGreaterThan(0);
            expect(out.priceSource.length, `${cloud} ${region} ${kind} source`).toBeGreaterThan(20);
          }
        }
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
  const nat = (servers: number): AbstractResource => ({ kind: 'nat', key: 'nat/db', type: 'NAT gateway', attrs: { region: 'x', servers } });

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
