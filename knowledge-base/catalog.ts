import { cloudKnowledge } from './clouds/registry.ts';
import { regionFullyPriced } from './pricing.ts';
import { SERVER_STACK_KINDS } from './types.ts';
import type { CloudId, InstanceType, Price, ResourceKind } from './types.ts';

/** The raw shape of knowledge-base/clouds/<cloud>/data.json; test/knowledge-base-data.test.ts checks every file against it. */
export interface PriceBlock {
  regions: string[];
  source: string;
  date: string;
  unit?: string;
  sameAs?: string;
  prices?: Record<string, number>;
}
export interface OtherPriceBlock {
  regions: string[];
  source: string;
  date: string;
  prices: Record<string, { unit: string; price: number }>;
}
export interface CloudData {
  cloud: CloudId;
  currency: 'USD';
  instanceTypes: { source: string; date: string; types: InstanceType[] };
  computePrices: PriceBlock[];
  regionsSource: string;
  regions: { name: string; location: string; zones?: string[] }[];
  storagePrices: PriceBlock[];
  objectStoragePrices: PriceBlock[];
  otherPrices: OtherPriceBlock[];
  diskTiers?: { source: string; tiers: { name: string; maxGiB: number }[] };
  unpriced?: Record<string, string>;
  diskSkus: Record<string, string>;
  objectStorageClass: string;
}

type PriceIndex = Map<string, Map<string, Price>>; // region -> sku -> price

/** Typed, indexed lookups over one cloud's data file. Built once per cloud, then O(1) per query. */
export class CloudCatalog {
  readonly cloud: CloudId;
  readonly data: CloudData;
  private readonly types = new Map<string, InstanceType>();
  private readonly compute: PriceIndex;
  private readonly storage: PriceIndex;
  private readonly objects: PriceIndex;
  private readonly other: PriceIndex;
  private readonly sortedOffers = new Map<string, InstanceType[]>();
  private readonly fullyPriced: (catalog: CloudCatalog, region: string, kinds: readonly ResourceKind[]) => boolean;
  private readonly offered = new Map<string, string[]>();

  /** The price components the offered regions were computed with (catalogFor rebuilds when they change). */
  readonly prices: object | undefined;

  /**
   * `fullyPriced` says whether every resource type of a stack (`kinds`) has a price in a region
   * (the cloud's price components); without it every listed region is offered.
   */
  constructor(data: CloudData, fullyPriced: (catalog: CloudCatalog, region: string, kinds: readonly ResourceKind[]) => boolean = () => true, prices?: object) {
    this.fullyPriced = fullyPriced;
    this.prices = prices;
    this.cloud = data.cloud;
    this.data = data;
    for (const t of data.instanceTypes.types) this.types.set(t.name, t);
    this.compute = indexBlocks(data.computePrices);
    this.storage = indexBlocks(data.storagePrices);
    this.objects = indexBlocks(data.objectStoragePrices);
    this.other = new Map();
    for (const b of data.otherPrices) {
      for (const r of b.regions) {
        const m = this.other.get(r) ?? new Map<string, Price>();
        for (const [k, v] of Object.entries(b.prices)) m.set(k, { price: v.price, unit: v.unit, source: b.source, date: b.date });
        this.other.set(r, m);
      }
    }
  }

  /**
   * Whether the region is offered for a stack of `kinds` (default: a server stack, what a Plan
   * creates): listed in data.json and every one of those resource types priced there.
   */
  hasRegion(region: string, kinds: readonly ResourceKind[] = SERVER_STACK_KINDS): boolean {
    return this.regionNames(kinds).includes(region);
  }

  /** Whether data.json lists the region at all (offered or not). */
  knowsRegion(region: string): boolean {
    return this.data.regions.some((r) => r.name === region);
  }

  /** Availability zones of a region, where the cloud needs them named (Azure, GCP). */
  zones(region: string): string[] {
    return this.data.regions.find((r) => r.name === region)?.zones ?? [];
  }

  /**
   * The regions offered for a stack of `kinds` (default: a server stack), in data.json order: those
   * where every one of those resource types has a price. A resource type the stack does not hold
   * never takes a region away: a Plan's regions do not depend on website prices.
   */
  regionNames(kinds: readonly ResourceKind[] = SERVER_STACK_KINDS): string[] {
    const key = [...kinds].sort().join(',');
    let list = this.offered.get(key);
    if (!list) {
      list = this.data.regions.map((r) => r.name).filter((r) => this.fullyPriced(this, r, kinds));
      this.offered.set(key, list);
    }
    return list;
  }

  /** Every region data.json lists, offered or not. */
  listedRegionNames(): string[] {
    return this.data.regions.map((r) => r.name);
  }

  /** Whether the knowledge base has compute prices for the region (else offerings cannot be checked). */
  regionPriced(region: string): boolean {
    return this.compute.has(region);
  }

  instanceType(name: string): InstanceType | undefined {
    return this.types.get(name);
  }

  computePrice(region: string, type: string): Price | undefined {
    return this.compute.get(region)?.get(type);
  }

  storagePrice(region: string, sku: string): Price | undefined {
    return this.storage.get(region)?.get(sku);
  }

  objectStoragePrice(region: string, storageClass: string): Price | undefined {
    return this.objects.get(region)?.get(storageClass);
  }

  /**
   * Prices outside the three lists, by key: `public-ipv4` (hour), `secret`, `nat-gateway` (hour or
   * VM-hour), `nat-data` (GB), `internet-egress` (GB, first paid tier), and the website resources'
   * figures (`lb-*`, `mysql*`, `file-share`, `cache:*`, `dns-*`, `cdn-*`, `alarm`, …: see
   * knowledge-base/clouds/README.md).
   */
  otherPrice(region: string, key: string): Price | undefined {
    return this.other.get(region)?.get(key);
  }

  /** The `otherPrices` keys priced in the region that start with `prefix` (`mysql:` lists the priced database classes). */
  otherKeys(region: string, prefix: string): string[] {
    return [...(this.other.get(region)?.keys() ?? [])].filter((k) => k.startsWith(prefix)).sort();
  }

  /** Internet data transfer out of the region, per GB at the first paid tier (what moving a database's data to another cloud costs). */
  internetEgressPrice(region: string): Price | undefined {
    return this.otherPrice(region, 'internet-egress');
  }

  /** Types priced in the region, cheapest first (ties: fewer vCPUs, then name) — the order sizing searches in. */
  offers(region: string): InstanceType[] {
    let list = this.sortedOffers.get(region);
    if (!list) {
      const prices = this.compute.get(region) ?? new Map<string, Price>();
      list = [...prices.keys()]
        .map((n) => this.types.get(n))
        .filter((t): t is InstanceType => t !== undefined)
        .sort((a, b) => prices.get(a.name)!.price - prices.get(b.name)!.price || a.vcpu - b.vcpu || a.name.localeCompare(b.name));
      this.sortedOffers.set(region, list);
    }
    return list;
  }

  /** The tier a disk of `sizeGiB` is billed as, for clouds that bill disks per size tier (Azure). */
  diskTier(sizeGiB: number): string | undefined {
    return this.data.diskTiers?.tiers.find((t) => sizeGiB <= t.maxGiB)?.name;
  }
}

function indexBlocks(blocks: readonly PriceBlock[]): PriceIndex {
  const index: PriceIndex = new Map();
  for (const b of blocks) {
    for (const r of b.regions) {
      const m = index.get(r) ?? new Map<string, Price>();
      const source = b.sameAs ? index.get(b.sameAs) : undefined;
      if (source) for (const [k, v] of source) m.set(k, { ...v, source: b.source, date: b.date });
      for (const [k, price] of Object.entries(b.prices ?? {})) m.set(k, { price, unit: b.unit ?? 'unit', source: b.source, date: b.date });
      index.set(r, m);
    }
  }
  return index;
}

const catalogs = new Map<CloudId, CloudCatalog>();

/** The indexed catalog of a registered cloud, built on first use (rebuilt when the cloud is registered again). */
export function catalogFor(cloud: CloudId): CloudCatalog {
  const knowledge = cloudKnowledge(cloud);
  const data = knowledge.data;
  let c = catalogs.get(cloud);
  if (!c || c.data !== data || c.prices !== knowledge.prices) {
    c = new CloudCatalog(data, (catalog, region, kinds) => regionFullyPriced(knowledge.prices, catalog, region, kinds, knowledge.sizes), knowledge.prices);
    catalogs.set(cloud, c);
  }
  return c;
}
