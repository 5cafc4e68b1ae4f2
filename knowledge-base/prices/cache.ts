// The website's object cache (Redis/Valkey): per node-hour of a node type (ElastiCache, Azure Cache
// for Redis, priced per cache), or per GiB-hour of provisioned memory by tier (Memorystore).
import { HOURS_PER_MONTH, metered, missing, regionOf, withPriced } from '../pricing.ts';
import type { PriceComponent } from '../pricing.ts';

/** `cache:<type>` per node-hour (or per cache-hour where the cloud prices a cache with its replica); attrs `nodes` (default 1). */
export function cacheNodes(name: string, unit = 'node'): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const region = regionOf(r, plan);
    if (!catalog.otherPrice(region, `cache:${r.type}`)) {
      const known = catalog.otherKeys(region, 'cache:').map((k) => k.slice('cache:'.length));
      return missing(r, `${name} ${r.type}`, `no price for ${r.type} in ${region}${known.length ? ` (priced there: ${known.join(', ')})` : ''}: add it to knowledge-base/sources/${plan.cloud}.json and run npm run gen:prices`);
    }
    const nodes = Math.max(1, Number(r.attrs.nodes ?? 1));
    return metered(r, `${name} ${r.type}`, [{ label: `per ${unit}-hour`, key: `cache:${r.type}`, quantity: nodes * HOURS_PER_MONTH, unit: `${unit}-h` }], plan, catalog);
  }, (c, region) => c.otherKeys(region, 'cache:').length > 0);
}

/** Memorystore for Redis capacity tiers: the per-GiB rate depends on the size. */
export const MEMORYSTORE_CAPACITY_TIERS = [
  { name: 'm1', maxGiB: 4 },
  { name: 'm2', maxGiB: 10 },
  { name: 'm3', maxGiB: 35 },
  { name: 'm4', maxGiB: 100 },
  { name: 'm5', maxGiB: 300 },
] as const;

/** `cache-gib:<tier>-<capacity tier>` per GiB-hour; `r.type` is `basic` or `standard` (high availability), attrs `memoryGiB`. */
export function cachePerGiB(name: string): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const gib = Math.max(1, Number(r.attrs.memoryGiB ?? 1));
    const tier = MEMORYSTORE_CAPACITY_TIERS.find((t) => gib <= t.maxGiB);
    if (!tier) return missing(r, `${name} ${r.type}`, `no capacity tier holds ${gib} GiB`);
    return metered(r, `${name} ${r.type} ${tier.name.toUpperCase()}`, [{ label: 'per GiB-hour', key: `cache-gib:${r.type}-${tier.name}`, quantity: gib * HOURS_PER_MONTH, unit: 'GiB-h' }], plan, catalog);
  }, (c, region) => c.otherKeys(region, 'cache-gib:').length > 0);
}
