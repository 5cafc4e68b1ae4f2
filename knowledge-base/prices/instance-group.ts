// The website's servers: an instance group (Auto Scaling group, VM Scale Set, managed instance
// group) of `attrs.min`..`attrs.max` servers of type `r.type`, priced from the compute prices. The
// total counts the minimum; the line item carries the cost at the maximum.
import { HOURS_PER_MONTH, computeHourly, missing, round2, round4, regionOf, withPriced } from '../pricing.ts';
import type { PriceComponent } from '../pricing.ts';

export function instanceGroup(name: string): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const region = regionOf(r, plan);
    const min = Math.max(0, Number(r.attrs.min ?? 1));
    const max = Math.max(min, Number(r.attrs.max ?? min));
    const sku = `${name} of ${min === max ? min : `${min}–${max}`} × ${r.type}`;
    const price = catalog.computePrice(region, r.type);
    if (!price) return missing(r, sku, `no price for ${r.type} in ${region}: add it to knowledge-base/clouds/${plan.cloud}/data.json`);
    const each = price.price * HOURS_PER_MONTH;
    const assumption = min === max ? undefined : `priced at the minimum of ${min} server${min === 1 ? '' : 's'}; at the maximum of ${max} it is $${round2(each * max).toFixed(2)} a month`;
    return {
      resource: r.key, sku, unit: 'server-month', quantity: min, unitPriceUsd: round4(each), monthlyUsd: round2(each * min),
      priceSource: `${price.source} (${price.date})`, maxMonthlyUsd: round2(each * max), ...(assumption ? { assumption } : {}),
    };
  }, computeHourly.priced!);
}
