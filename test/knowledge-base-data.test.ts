import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import { catalogFor } from '../knowledge-base/catalog.ts';
import type { PriceBlock } from '../knowledge-base/catalog.ts';
import { cloudIds, cloudKnowledge } from '../knowledge-base/clouds/registry.ts';
import imagesData from '../knowledge-base/data/images.json' with { type: 'json' };
import pgData from '../knowledge-base/data/postgres.json' with { type: 'json' };
import regionsData from '../knowledge-base/data/regions.json' with { type: 'json' };
import { chooseImage } from '../knowledge-base/images.ts';
import type { Distro } from '../knowledge-base/images.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SOURCE = /\S{10,}/;

describe('knowledge-base data files', () => {
  for (const cloud of cloudIds()) {
    const data = cloudKnowledge(cloud).data;
    describe(`clouds/${cloud}/data.json`, () => {
      it('names the cloud, a source and a date for its instance catalog', () => {
        expect(data.cloud).toBe(cloud);
        expect(data.currency).toBe('USD');
        expect(data.instanceTypes.source).toMatch(SOURCE);
        expect(data.instanceTypes.date).toMatch(DATE);
        for (const t of data.instanceTypes.types) {
          expect(t).toEqual({ name: expect.any(String), family: expect.stringMatching(/^(general|burstable|memory)$/), vcpu: expect.any(Number), memoryGiB: expect.any(Number), arch: expect.stringMatching(/^(x86_64|arm64)$/), burstable: expect.any(Boolean) });
          expect(t.vcpu).toBeGreaterThan(0);
          expect(t.memoryGiB).toBeGreaterThan(0);
        }
        expect(new Set(data.instanceTypes.types.map((t) => t.name)).size).toBe(data.instanceTypes.types.length);
      });

      it('gives every price block a source, a date and known regions, and prices only known SKUs', () => {
        const blocks: PriceBlock[] = [...data.computePrices, ...data.storagePrices, ...data.objectStoragePrices];
        for (const b of [...blocks, ...data.otherPrices]) {
          expect(b.source).toMatch(SOURCE);
          expect(b.date).toMatch(DATE);
          expect(b.regions.length).toBeGreaterThan(0);
          for (const r of b.regions) expect(data.regions.map((x) => x.name)).toContain(r);
        }
        for (const b of blocks) {
          expect(b.prices !== undefined || b.sameAs !== undefined).toBe(true);
          for (const [, price] of Object.entries(b.prices ?? {})) expect(price).toBeGreaterThan(0);
        }
        for (const b of data.computePrices) for (const name of Object.keys(b.prices ?? {})) expect(catalogFor(cloud).instanceType(name), name).toBeDefined();
      });

      it('covers the general-purpose and burstable families in at least 3 regions', () => {
        const catalog = catalogFor(cloud);
        const priced = data.regions.map((r) => r.name).filter((r) => catalog.regionPriced(r));
        expect(priced.length).toBeGreaterThanOrEqual(3);
        for (const r of priced) {
          const families = new Set(catalog.offers(r).map((t) => t.family));
          expect(families.has('general') && families.has('burstable'), `${cloud} ${r}`).toBe(true);
        }
      });

      it('names disk SKUs and object storage classes that have prices somewhere', () => {
        const catalog = catalogFor(cloud);
        const regions = data.regions.map((r) => r.name);
        expect(regions.some((r) => catalog.objectStoragePrice(r, data.objectStorageClass))).toBe(true);
        const sku = data.diskSkus.ssd!;
        const hasDisk = data.diskTiers ? regions.some((r) => data.diskTiers!.tiers.some((t) => catalog.storagePrice(r, t.name))) : regions.some((r) => catalog.storagePrice(r, sku));
        expect(hasDisk).toBe(true);
      });
    });
  }

  it('registers every cloud that has a knowledge folder', async () => {
    const { readdir } = await import('node:fs/promises');
    const folders = (await readdir(new URL('../knowledge-base/clouds/', import.meta.url), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(cloudIds().sort()).toEqual(folders.sort());
  });

  it('maps every region alias to a listed region on every cloud (offered only where fully priced: test/prices.test.ts)', () => {
    expect(regionsData.source).toMatch(SOURCE);
    for (const alias of Object.keys(regionsData.aliases)) {
      for (const cloud of cloudIds()) {
        expect(cloudKnowledge(cloud).regions.source).toMatch(SOURCE);
        expect(catalogFor(cloud).knowsRegion(cloudKnowledge(cloud).regions.aliases[alias]!), `${alias} on ${cloud}`).toBe(true);
      }
    }
  });

  it('keeps one source and date per hand-maintained figure, and pins every extract by commit', async () => {
    const { readFile } = await import('node:fs/promises');
    const extracts = JSON.parse(await readFile(new URL('../knowledge-base/sources/extracts.json', import.meta.url), 'utf8')) as Record<string, { repo?: string; commit?: string; path?: string }>;
    for (const cloud of ['aws', 'azure', 'gcp']) {
      expect(extracts[cloud]!.commit, cloud).toMatch(/^[0-9a-f]{40}$/);
      const { figures } = JSON.parse(await readFile(new URL(`../knowledge-base/sources/${cloud}.json`, import.meta.url), 'utf8')) as { figures: { source: string; date: string; regions: string[]; price?: number; sameAs?: string }[] };
      for (const f of figures) {
        expect(f.source).toMatch(/https?:\/\/|commit [0-9a-f]{40}/);
        expect(f.date).toMatch(DATE);
        expect(f.regions.length).toBeGreaterThan(0);
        expect(f.price !== undefined || f.sameAs !== undefined).toBe(true);
      }
      // every generated block cites an extract commit or a hand figure's source
      const data = cloudKnowledge(cloud).data;
      const sources = new Set(figures.map((f) => f.source));
      for (const b of [...data.computePrices, ...data.storagePrices, ...data.objectStoragePrices, ...data.otherPrices]) {
        expect(sources.has(b.source) || b.source.includes(extracts[cloud]!.commit!), `${cloud}: ${b.source}`).toBe(true);
      }
    }
  });

  it('has an image (or a documented substitute) for every distro and version on every cloud', () => {
    expect(imagesData.date).toMatch(DATE);
    for (const cloud of cloudIds()) {
      expect(cloudKnowledge(cloud).images.source).toMatch(SOURCE);
      for (const [distro, version] of Object.entries(imagesData.latest)) {
        const choice = chooseImage(cloud, distro as Distro, version, 'x86_64');
        expect(choice.ok, `${distro} ${version} on ${cloud}`).toBe(true);
      }
    }
  });

  it('lists PostgreSQL versions with end-of-life dates and packages', () => {
    expect(pgData.source).toMatch(SOURCE);
    expect(Object.keys(pgData.versions)).toContain(pgData.current);
    for (const v of Object.values(pgData.versions)) expect(v.endOfLife).toMatch(DATE);
    for (const p of Object.values(pgData.packages)) for (const v of p.versions) expect(Object.keys(pgData.versions)).toContain(v);
  });
});
