import { catalogFor } from './catalog.ts';
import type { CloudCatalog } from './catalog.ts';
import type { CloudPlan } from './cloud-plan.ts';
import { cloudRules } from './clouds/index.ts';
import type { AbstractResource, CloudId, CostItem, Price, UnpricedItem } from './types.ts';

/** Monthly hours used by every cloud's pricing calculator. */
export const HOURS_PER_MONTH = 730;

/** Backup size model; stated on every backup line item so reviewers can judge it. */
export const BACKUP_ASSUMPTION = {
  fillRatio: 0.5,
  compression: 0.4,
  dailyChange: 0.05,
  text: 'assumes the database fills 50% of its disk, pgBackRest compresses it to 40%, one full backup a week and daily incrementals of 5% of a full, all kept for the retention period',
};

export interface CostEstimate {
  cloud: CloudId;
  region: string;
  monthlyUsd: number;
  items: CostItem[];
  unpriced: UnpricedItem[];
  /** False when any resource's price is missing: the total is then a lower bound. */
  complete: boolean;
}

export function estimateCost(plan: CloudPlan): CostEstimate {
  const catalog = catalogFor(plan.cloud);
  const items: CostItem[] = [];
  const unpriced: UnpricedItem[] = [];
  for (const r of plan.resources) {
    const out = priceResource(r, plan, catalog);
    if ('reason' in out) unpriced.push(out);
    else items.push(out);
  }
  const monthlyUsd = round2(items.reduce((s, i) => s + i.monthlyUsd, 0));
  return { cloud: plan.cloud, region: plan.region, monthlyUsd, items, unpriced, complete: !unpriced.some((u) => u.missing) && plan.problems.length === 0 };
}

function priceResource(r: AbstractResource, plan: CloudPlan, catalog: CloudCatalog): CostItem | UnpricedItem {
  const region = plan.region;
  const rules = cloudRules(plan.cloud);
  switch (r.kind) {
    case 'vm':
      return item(r, r.type, catalog.computePrice(region, r.type), HOURS_PER_MONTH, 'hour', plan);
    case 'disk': {
      const size = Number(r.attrs.sizeGiB);
      if (rules.diskBilling === 'tier') {
        const tier = catalog.diskTier(size);
        if (!tier) return missing(r, r.type, `no ${r.type} tier holds ${size} GiB`);
        return item(r, `${tier} (${r.type}, billed as the ${tier} tier for ${size} GiB)`, catalog.storagePrice(region, tier), 1, 'disk-month', plan);
      }
      return item(r, r.type, catalog.storagePrice(region, r.type), size, 'GiB-month', plan);
    }
    case 'bucket': {
      const gib = backupStorageGiB(plan, Number(r.attrs.retentionDays));
      const out = item(r, r.type, catalog.objectStoragePrice(region, r.type), gib, 'GiB-month', plan);
      return 'reason' in out ? out : { ...out, assumption: BACKUP_ASSUMPTION.text };
    }
    case 'public-ip':
      return item(r, 'public IPv4', catalog.otherPrice(region, 'public-ipv4'), HOURS_PER_MONTH, 'hour', plan);
    case 'secret': {
      const p = catalog.otherPrice(region, 'secret');
      if (p) return item(r, r.type, p, 1, 'secret-month', plan);
      const why = rules.freeResources.secret;
      return why ? free(r, why) : missing(r, r.type, `no ${r.type} price for ${region} in knowledge-base/data/${plan.cloud}.json`);
    }
    case 'firewall':
    case 'backup-schedule':
      return free(r, rules.freeResources[r.kind] ?? 'no charge');
  }
}

function item(r: AbstractResource, sku: string, price: Price | undefined, quantity: number, unit: string, plan: CloudPlan): CostItem | UnpricedItem {
  if (!price) return missing(r, sku, `no price for ${sku} in ${plan.region}: add it to knowledge-base/data/${plan.cloud}.json`);
  const q = round4(quantity);
  return { resource: r.key, sku, unit, quantity: q, unitPriceUsd: price.price, monthlyUsd: round2(price.price * q), priceSource: `${price.source} (${price.date})` };
}

function missing(r: AbstractResource, sku: string, reason: string): UnpricedItem {
  return { resource: r.key, sku, reason, missing: true };
}

function free(r: AbstractResource, reason: string): UnpricedItem {
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
