import type { CloudCatalog } from './catalog.ts';
import type { CloudPlan } from './cloud-plan.ts';
import { SERVER_STACK_KINDS } from './types.ts';
import type { AbstractResource, CostItem, Price, ResourceKind, UnpricedItem } from './types.ts';
import type { SizedType } from './clouds/registry.ts';

/** Monthly hours used by every cloud's pricing calculator. */
export const HOURS_PER_MONTH = 730;

/** Backup size model; stated on every backup line item so reviewers can judge it. */
export const BACKUP_ASSUMPTION = {
  fillRatio: 0.5,
  compression: 0.4,
  dailyChange: 0.05,
  text: 'assumes the database fills 50% of its disk, pgBackRest compresses it to 40%, one full backup a week and daily incrementals of 5% of a full, all kept for the retention period',
};

/**
 * Data through a NAT gateway, per server behind it; stated on every NAT line item. Database servers
 * behind a NAT reach the internet for OS and application package updates (PostgreSQL, nginx, PHP, WordPress), image and agent downloads;
 * backups and secrets are expected on the cloud's private paths (S3 gateway endpoint, service
 * endpoints, Private Google Access) and are not counted.
 */
export const NAT_DATA_ASSUMPTION = {
  gibPerServerMonth: 5,
  text: 'assumes 5 GiB a month through the NAT per server behind it (OS and application package updates, agent downloads); backups and secrets are expected on the cloud\'s private endpoints, not through the NAT',
};

/** Key Vault bills operations, not secrets; stated on every Azure secret line item. */
export const SECRET_OPERATIONS_ASSUMPTION = {
  operationsPerMonth: 10_000,
  text: 'assumes 10,000 secret operations a month (each server reads the database password at boot and on every restart or reconfiguration; a generous ceiling for a few servers)',
};

/** What a price component sees: the resource, the cloud plan it belongs to, and the cloud's catalog. */
export interface PriceInput {
  resource: AbstractResource;
  plan: CloudPlan;
  catalog: CloudCatalog;
}

/**
 * The region a resource is billed in: its own `attrs.region` when it names one (a website's standby
 * or other active region), else the plan's. Every figure is read for that region; a figure missing
 * there is missing for the resource, never borrowed from the plan's region.
 */
export function regionOf(r: AbstractResource, plan: CloudPlan): string {
  return typeof r.attrs.region === 'string' && r.attrs.region !== '' ? r.attrs.region : plan.region;
}

/**
 * One cloud's price for one abstract resource type: a monthly line item, or why there is none.
 * `priced` says whether the catalog holds every figure the component needs in a region: a region
 * is offered only where every resource type's component says so (see regionFullyPriced).
 */
export type PriceComponent = ((input: PriceInput) => CostItem | UnpricedItem) & { priced?: (catalog: CloudCatalog, region: string) => boolean };

export function withPriced(component: (input: PriceInput) => CostItem | UnpricedItem, priced: (catalog: CloudCatalog, region: string) => boolean): PriceComponent {
  return Object.assign(component, { priced });
}

/** The types a cloud's named sizes map to, per kind (`CloudKnowledge.sizes`). */
export type NamedSizes = Partial<Record<ResourceKind, Record<string, SizedType>>>;

/**
 * Whether every resource type of a stack (`kinds`, default: a server stack, what a Plan creates)
 * has a price in the region on this cloud: a component for each kind, each component's figures in
 * the catalog, and, for a kind sized by name (`sizes`: the website's database and cache), a figure
 * for the type of every size, so that no size a file can name is a missing line in a region the
 * stack is offered in. A component without a `priced` probe is taken as needing no figure (a free
 * resource). Kinds outside `kinds` are not looked at: website prices never un-offer a Plan region.
 */
export function regionFullyPriced(prices: Partial<Record<ResourceKind, PriceComponent>>, catalog: CloudCatalog, region: string, kinds: readonly ResourceKind[] = SERVER_STACK_KINDS, sizes?: NamedSizes): boolean {
  return unpricedKinds(prices, catalog, region, kinds, sizes).length === 0;
}

/** The resource types of a stack (`kinds`, default: a server stack) that lack a price in the region, a named size's type included (empty when it is fully priced). */
export function unpricedKinds(prices: Partial<Record<ResourceKind, PriceComponent>>, catalog: CloudCatalog, region: string, kinds: readonly ResourceKind[] = SERVER_STACK_KINDS, sizes?: NamedSizes): ResourceKind[] {
  return kinds.filter((kind) => {
    const c = prices[kind];
    if (c === undefined) return true;
    if (c.priced && !c.priced(catalog, region)) return true;
    return unpricedSizes(c, catalog, region, kind, sizes?.[kind]).length > 0;
  });
}

/**
 * The named sizes of `kind` whose type the component prices as missing in the region: each size is
 * priced as a probe resource of its type (with its vCPUs and memory, for clouds priced by them).
 */
export function unpricedSizes(component: PriceComponent, catalog: CloudCatalog, region: string, kind: ResourceKind, sizes: Record<string, SizedType> | undefined): string[] {
  if (!sizes) return [];
  const plan: CloudPlan = { cloud: catalog.cloud, region, primary: true, resources: [], notes: [], problems: [] };
  return Object.entries(sizes).filter(([size, s]) => {
    const resource: AbstractResource = { kind, key: `${kind}/size-${size}`, type: s.type, attrs: { ...(s.vcpu !== undefined ? { vcpu: s.vcpu } : {}), ...(s.memoryGiB !== undefined ? { memoryGiB: s.memoryGiB } : {}) } };
    const out = component({ resource, plan, catalog });
    return 'missing' in out && out.missing;
  }).map(([size]) => size);
}

// Building blocks the clouds compose their price components from.

/** Billed per hour of running (servers, public addresses). */
export function hourly(lookup: (c: CloudCatalog, region: string, r: AbstractResource) => Price | undefined, sku?: (r: AbstractResource) => string): (input: PriceInput) => CostItem | UnpricedItem {
  return ({ resource: r, plan, catalog }) => item(r, sku ? sku(r) : r.type, lookup(catalog, regionOf(r, plan), r), HOURS_PER_MONTH, 'hour', plan);
}

/** Servers per hour; a region is priced when it sells at least one type of each family the catalog offers. */
export const computeHourly: PriceComponent = withPriced(hourly((c, region, r) => c.computePrice(region, r.type)), (c, region) => {
  const families = new Set(c.data.instanceTypes.types.map((t) => t.family));
  const offered = new Set(c.offers(region).map((t) => t.family));
  return [...families].every((f) => offered.has(f));
});

export const publicIpv4Hourly: PriceComponent = withPriced(hourly((c, region) => c.otherPrice(region, 'public-ipv4'), () => 'public IPv4'), (c, region) => c.otherPrice(region, 'public-ipv4') !== undefined);

/** Disks billed per GiB provisioned (gp3, pd-ssd). */
export const diskPerGiB: PriceComponent = withPriced(
  ({ resource: r, plan, catalog }) => item(r, r.type, catalog.storagePrice(regionOf(r, plan), r.type), Number(r.attrs.sizeGiB), 'GiB-month', plan),
  (c, region) => Object.values(c.data.diskSkus).every((sku) => c.storagePrice(region, sku) !== undefined),
);

/** Disks billed as the smallest size tier that holds them (Azure managed disks); priced where the region has a figure for every tier up to 4 TiB. */
export const diskPerTier: PriceComponent = withPriced(
  ({ resource: r, plan, catalog }) => {
    const size = Number(r.attrs.sizeGiB);
    const tier = catalog.diskTier(size);
    if (!tier) return missing(r, r.type, `no ${r.type} tier holds ${size} GiB`);
    return item(r, `${tier} (${r.type}, billed as the ${tier} tier for ${size} GiB)`, catalog.storagePrice(regionOf(r, plan), tier), 1, 'disk-month', plan);
  },
  (c, region) => {
    const tiers = c.data.diskTiers?.tiers.filter((t) => t.maxGiB <= DISK_TIERS_REQUIRED_GIB) ?? [];
    return tiers.length > 0 && tiers.every((t) => c.storagePrice(region, t.name) !== undefined);
  },
);

/** Tiered disks must be priced up to this size for a region to be offered (larger tiers may be missing and are flagged). */
export const DISK_TIERS_REQUIRED_GIB = 4096;

/** Object storage holding backups, sized by BACKUP_ASSUMPTION from the plan's data disk and the retention. */
export const backupBucket: PriceComponent = withPriced(
  ({ resource: r, plan, catalog }) => {
    // With backups off the bucket holds only the servers' configuration documents (a few KB).
    if (r.attrs.backups === false) return free(r, 'backups are off: the bucket holds only the servers\' configuration documents, a few KB');
    // A stack whose backups are not a server's data disk (a website's dumps and files) states their size and how it was estimated.
    const stated = typeof r.attrs.storedGiB === 'number';
    const gib = stated ? Math.max(0, Number(r.attrs.storedGiB)) : backupStorageGiB(plan, Number(r.attrs.retentionDays));
    const out = item(r, r.type, catalog.objectStoragePrice(regionOf(r, plan), r.type), gib, 'GiB-month', plan);
    return 'reason' in out ? out : { ...out, assumption: stated ? String(r.attrs.storedAssumption ?? `${gib} GiB stored`) : BACKUP_ASSUMPTION.text };
  },
  (c, region) => c.objectStoragePrice(region, c.data.objectStorageClass) !== undefined,
);

/** A flat monthly price per secret (Secrets Manager, Secret Manager). */
export function secretMonthly(): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const region = regionOf(r, plan);
    // `attrs.secrets` secrets (a website's own and its database password's), each also replicated to `attrs.replicaRegions`.
    const count = Math.max(1, Number(r.attrs.secrets ?? 1));
    const replicas = Array.isArray(r.attrs.replicaRegions) ? (r.attrs.replicaRegions as string[]) : [];
    const p = catalog.otherPrice(region, 'secret');
    if (!p) return missing(r, r.type, `no ${r.type} price for ${region} in knowledge-base/clouds/${plan.cloud}/data.json`);
    if (count === 1 && replicas.length === 0) return item(r, r.type, p, 1, 'secret-month', plan);
    const parts = [{ region, price: p }, ...replicas.map((x) => ({ region: x, price: catalog.otherPrice(x, 'secret') }))];
    const lacking = parts.filter((x) => !x.price).map((x) => x.region);
    if (lacking.length) return missing(r, r.type, `no ${r.type} price for ${lacking.join(', ')} (a replica region) in knowledge-base/clouds/${plan.cloud}/data.json`);
    const total = parts.reduce((sum, x) => sum + count * x.price!.price, 0);
    const sources = [...new Set(parts.map((x) => `${x.price!.source} (${x.price!.date})`))];
    const sku = `${count} × ${r.type}${replicas.length ? ` in ${region} and replicated to ${replicas.join(', ')}` : ''} (${parts.map((x) => `${count} × $${x.price!.price} per secret-month in ${x.region}`).join(' + ')})`;
    return { resource: r.key, sku, unit: 'month', quantity: 1, unitPriceUsd: round4(total), monthlyUsd: round2(total), priceSource: sources.join('; ') };
  }, (c, region) => c.otherPrice(region, 'secret') !== undefined);
}

/** Secrets billed per 10,000 operations (Key Vault), under SECRET_OPERATIONS_ASSUMPTION. */
export function secretOperations(): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const out = item(r, `${r.type} operations`, catalog.otherPrice(regionOf(r, plan), 'secret'), SECRET_OPERATIONS_ASSUMPTION.operationsPerMonth / 10_000, '10,000 operations', plan);
    return 'reason' in out ? out : { ...out, assumption: SECRET_OPERATIONS_ASSUMPTION.text };
  }, (c, region) => c.otherPrice(region, 'secret') !== undefined);
}

/**
 * A NAT gateway: gateway hours (730 a month) plus data processed under NAT_DATA_ASSUMPTION for
 * `attrs.servers` servers behind it, as one line item (its sku shows both parts). `perVmHour` is for
 * clouds that bill the gateway per VM-hour up to a cap (GCP Cloud NAT: up to 32 VMs).
 */
export function natGateway(opts: { perVmHour?: { maxVms: number } } = {}): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const region = regionOf(r, plan);
    const hour = catalog.otherPrice(region, 'nat-gateway');
    const data = catalog.otherPrice(region, 'nat-data');
    if (!hour || !data) return missing(r, r.type, `no ${r.type} price (nat-gateway and nat-data) for ${region} in knowledge-base/clouds/${plan.cloud}/data.json`);
    const servers = Math.max(0, Number(r.attrs.servers ?? 0));
    const billedUnits = opts.perVmHour ? Math.min(servers, opts.perVmHour.maxVms) : 1;
    const gib = servers * NAT_DATA_ASSUMPTION.gibPerServerMonth;
    const hoursUsd = hour.price * HOURS_PER_MONTH * billedUnits;
    const dataUsd = data.price * gib;
    const hourPart = opts.perVmHour ? `${HOURS_PER_MONTH} h × ${billedUnits} VM × $${hour.price}/VM-hour` : `${HOURS_PER_MONTH} h × $${hour.price}/h`;
    const sku = `${r.type} (${hourPart} + ${round4(gib)} GiB processed × $${data.price}/GB)`;
    const source = hour.source === data.source ? `${hour.source} (${hour.date})` : `${hour.source} (${hour.date}); ${data.source} (${data.date})`;
    return { resource: r.key, sku, unit: 'month', quantity: 1, unitPriceUsd: round4(hoursUsd + dataUsd), monthlyUsd: round2(hoursUsd + dataUsd), priceSource: source, assumption: NAT_DATA_ASSUMPTION.text };
  }, (c, region) => c.otherPrice(region, 'nat-gateway') !== undefined && c.otherPrice(region, 'nat-data') !== undefined);
}

/** Resources the cloud does not charge for, with the reason shown in the review. */
export function noCharge(reason: string): PriceComponent {
  return ({ resource: r }) => free(r, reason);
}

/**
 * What most clouds bill alike: servers and public IPv4 per hour from the price list, backups per
 * GiB stored, and the backup schedule (it runs on the server; its cost is the storage). A cloud
 * spreads these and adds its disks, secrets and firewalls.
 */
export const commonPrices = {
  vm: computeHourly,
  'public-ip': publicIpv4Hourly,
  bucket: backupBucket,
  'backup-schedule': noCharge('runs on the database server (systemd timer); its cost is the backup storage'),
} satisfies Partial<Record<ResourceKind, PriceComponent>>;

/** One part of a line item billed on several meters (gateway hours + capacity units). */
export interface MeterPart {
  /** What the meter is, in the cloud's words ("gateway hours"). */
  label: string;
  /** The `otherPrices` key it is read from (named in the message when it is missing). */
  key: string;
  quantity: number;
  /** The unit the quantity is counted in ("h", "GiB", "LCU-hours"). */
  unit: string;
  /** An `otherPrices` key whose figure multiplies this one (a high-availability factor, unit `factor`). */
  factorKey?: string;
}

/**
 * One monthly line item billed on several meters, each read from `otherPrices`: its sku shows every
 * part (quantity × price), its source every figure's source and date. When any figure is missing
 * the whole item is missing (never a partial total shown as complete).
 */
export function metered(r: AbstractResource, name: string, parts: readonly MeterPart[], plan: CloudPlan, catalog: CloudCatalog, assumption?: string): CostItem | UnpricedItem {
  const region = regionOf(r, plan);
  const keys = [...new Set(parts.flatMap((p) => (p.factorKey ? [p.key, p.factorKey] : [p.key])))];
  const lacking = keys.filter((k) => !catalog.otherPrice(region, k));
  if (lacking.length > 0) {
    return missing(r, name, `no ${lacking.join(', ')} price for ${region}: add it to knowledge-base/sources/${plan.cloud}.json and run npm run gen:prices`);
  }
  let total = 0;
  const shown: string[] = [];
  const sources: string[] = [];
  for (const p of parts) {
    const price = catalog.otherPrice(region, p.key)!;
    const factor = p.factorKey ? catalog.otherPrice(region, p.factorKey)! : undefined;
    const each = price.price * (factor?.price ?? 1);
    total += each * p.quantity;
    shown.push(`${round4(p.quantity)} ${p.unit} × $${round4(each)} ${p.label}${factor ? ` (${factor.price} × $${price.price})` : ''}`);
    for (const f of factor ? [price, factor] : [price]) {
      const source = `${f.source} (${f.date})`;
      if (!sources.includes(source)) sources.push(source);
    }
  }
  const sku = `${name} (${shown.join(' + ')})`;
  const out: CostItem = { resource: r.key, sku, unit: 'month', quantity: 1, unitPriceUsd: round4(total), monthlyUsd: round2(total), priceSource: sources.join('; ') };
  return assumption ? { ...out, assumption } : out;
}

export function item(r: AbstractResource, sku: string, price: Price | undefined, quantity: number, unit: string, plan: CloudPlan): CostItem | UnpricedItem {
  if (!price) return missing(r, sku, `no price for ${sku} in ${regionOf(r, plan)}: add it to knowledge-base/clouds/${plan.cloud}/data.json`);
  const q = round4(quantity);
  return { resource: r.key, sku, unit, quantity: q, unitPriceUsd: price.price, monthlyUsd: round2(price.price * q), priceSource: `${price.source} (${price.date})` };
}

export function missing(r: AbstractResource, sku: string, reason: string): UnpricedItem {
  return { resource: r.key, sku, reason, missing: true };
}

export function free(r: AbstractResource, reason: string): UnpricedItem {
  return { resource: r.key, sku: r.type, reason, missing: false };
}

/** Stored backup GiB for one server's data disk under BACKUP_ASSUMPTION. */
function backupStorageGiB(plan: CloudPlan, retentionDays: number): number {
  const disk = plan.resources.find((x) => x.kind === 'disk');
  const full = Number(disk?.attrs.sizeGiB ?? 0) * BACKUP_ASSUMPTION.fillRatio * BACKUP_ASSUMPTION.compression;
  const fulls = Math.ceil(retentionDays / 7) + 1;
  return full * fulls + full * BACKUP_ASSUMPTION.dailyChange * retentionDays;
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
