import { catalogFor } from './catalog.ts';
import type { CloudPlan } from './cloud-plan.ts';
import { cloudKnowledge } from './clouds/registry.ts';
import { missing, regionOf, round2 } from './pricing.ts';
import type { CloudId, CostItem, UnpricedItem } from './types.ts';

export { round2 } from './pricing.ts';

export interface CostEstimate {
  cloud: CloudId;
  region: string;
  monthlyUsd: number;
  items: CostItem[];
  unpriced: UnpricedItem[];
  /** False when any resource's price is missing: the total is then a lower bound. */
  complete: boolean;
}

/**
 * Each resource priced by its cloud's price component for that resource type, at the rates of the
 * resource's own region (`attrs.region`, else the plan's): a line in another region says which.
 */
export function estimateCost(plan: CloudPlan): CostEstimate {
  const catalog = catalogFor(plan.cloud);
  const prices = cloudKnowledge(plan.cloud).prices;
  const items: CostItem[] = [];
  const unpriced: UnpricedItem[] = [];
  for (const r of plan.resources) {
    const component = prices[r.kind];
    const out = component ? component({ resource: r, plan, catalog }) : missing(r, r.type, `${plan.cloud} has no price component for ${r.kind} resources`);
    const region = regionOf(r, plan);
    if ('reason' in out) unpriced.push(out);
    else if (region !== plan.region) items.push({ ...out, assumption: [`priced at ${region} rates, the region it runs in`, out.assumption].filter(Boolean).join('; ') });
    else items.push(out);
  }
  const monthlyUsd = round2(items.reduce((s, i) => s + i.monthlyUsd, 0));
  return { cloud: plan.cloud, region: plan.region, monthlyUsd, items, unpriced, complete: !unpriced.some((u) => u.missing) && plan.problems.length === 0 };
}
