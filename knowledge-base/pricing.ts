import type { CloudCatalog } from './catalog.ts';
import type { CloudPlan } from './cloud-plan.ts';
import type { AbstractResource, CostItem, Price, ResourceKind, UnpricedItem } from './types.ts';

/** Monthly hours used by every cloud's pricing calculator. */
export const HOURS_PER_MONTH = 730;

/** Backup size model; stated on every backup line item so reviewers can judge it. */
export const BACKUP_ASSUMPTION = {
  fillRatio: 0.5,
  compression: 0.4,
  dailyChange: 0.05,
  text: 'assumes the database fills 50% of its disk, pgBackRest compresses it to 40%, one full backup a week and daily incrementals of 5% of a full, all kept for the retention period',
};

/** What a price component sees: the resource, the cloud plan it belongs to, and the cloud's catalog. */
export interface PriceInput {
  resource: AbstractResource;
  plan: CloudPlan;
  catalog: CloudCatalog;
}

/** One cloud's price for one abstract resource type: a monthly line item, or why there is none. */
export type PriceComponent = (input: PriceInput) => CostItem | UnpricedItem;

// Building blocks the clouds compose their price components from.

/** Billed per hour of running (servers, public addresses). */
export function hourly(lookup: (c: CloudCatalog, region: string, r: AbstractResource) => Price | undefined, sku?: (r: AbstractResource) => string): PriceComponent {
  return ({ resource: r, plan, catalog }) => item(r, sku ? sku(r) : r.type, lookup(catalog, plan.region, r), HOURS_PER_MONTH, 'hour', plan);
}

export const computeHourly: PriceComponent = hourly((c, region, r) => c.computePrice(region, r.type));

export const publicIpv4Hourly: PriceComponent = hourly((c, region) => c.otherPrice(region, 'public-ipv4'), () => 'public IPv4');

/** Disks billed per GiB provisioned (gp3, pd-ssd). */
export const diskPerGiB: PriceComponent = ({ resource: r, plan, catalog }) => item(r, r.type, catalog.storagePrice(plan.region, r.type), Number(r.attrs.sizeGiB), 'GiB-month', plan);

/** Disks billed as the smallest size tier that holds them (Azure managed disks). */
export const diskPerTier: PriceComponent = ({ resource: r, plan, catalog }) => {
  const size = Number(r.attrs.sizeGiB);
  const tier = catalog.diskTier(size);
  if (!tier) return missing(r, r.type, `no ${r.type} tier holds ${size} GiB`);
  return item(r, `${tier} (${r.type}, billed as the ${tier} tier for ${size} GiB)`, catalog.storagePrice(plan.region, tier), 1, 'disk-month', plan);
};

/** Object storage holding backups, sized by BACKUP_ASSUMPTION from the plan's data disk and the retention. */
export const backupBucket: PriceComponent = ({ resource: r, plan, catalog }) => {
  const out = item(r, r.type, catalog.objectStoragePrice(plan.region, r.type), backupStorageGiB(plan, Number(r.attrs.retentionDays)), 'GiB-month', plan);
  return 'reason' in out ? out : { ...out, assumption: BACKUP_ASSUMPTION.text };
};

/** A flat monthly price per secret; where the cloud bills secrets by use only, `usageOnly` says why there is no figure. */
export function secretMonthly(usageOnly?: string): PriceComponent {
  return ({ resource: r, plan, catalog }) => {
    const p = catalog.otherPrice(plan.region, 'secret');
    if (p) return item(r, r.type, p, 1, 'secret-month', plan);
    return usageOnly ? free(r, usageOnly) : missing(r, r.type, `no ${r.type} price for ${plan.region} in knowledge-base/clouds/${plan.cloud}/data.json`);
  };
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

export function item(r: AbstractResource, sku: string, price: Price | undefined, quantity: number, unit: string, plan: CloudPlan): CostItem | UnpricedItem {
  if (!price) return missing(r, sku, `no price for ${sku} in ${plan.region}: add it to knowledge-base/clouds/${plan.cloud}/data.json`);
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

function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
