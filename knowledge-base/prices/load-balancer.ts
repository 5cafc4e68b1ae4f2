// The website's HTTPS load balancer: gateway hours, plus capacity units (AWS ALB LCUs, Azure
// Application Gateway v2 capacity units) or data processed (GCP), each a figure of otherPrices.
import { HOURS_PER_MONTH, metered, withPriced } from '../pricing.ts';
import type { MeterPart, PriceComponent } from '../pricing.ts';
import { trafficOf } from './traffic.ts';

/** Average capacity units an hour when the resource states none: a small site stays under one. */
export const LB_CAPACITY_ASSUMPTION = { unitsPerHour: 1 };

export interface LoadBalancerPricing {
  /** The cloud's name for the load balancer, first in the sku. */
  name: string;
  /** Gateway (or forwarding rule) hours: `lb-hour`. */
  hourKey: string;
  /** Capacity units per hour (`lb-capacity-unit`) and their name; absent where the cloud bills data instead. */
  capacity?: { key: string; unit: string; definition: string; reservedPerInstance?: number };
  /** Data processed per GB (`lb-data`), from the resource's traffic. */
  dataKey?: string;
}

/**
 * `attrs.capacityUnits` (average per hour) and `attrs.minInstances` (Azure: each reserves
 * `reservedPerInstance` units) refine the capacity; traffic comes from `trafficOf`.
 */
export function loadBalancer(opts: LoadBalancerPricing): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const parts: MeterPart[] = [{ label: 'per gateway-hour', key: opts.hourKey, quantity: HOURS_PER_MONTH, unit: 'h' }];
    const words: string[] = [];
    if (opts.capacity) {
      const stated = typeof r.attrs.capacityUnits === 'number';
      const used = Math.max(0, Number(r.attrs.capacityUnits ?? LB_CAPACITY_ASSUMPTION.unitsPerHour));
      const reserved = (opts.capacity.reservedPerInstance ?? 0) * Math.max(0, Number(r.attrs.minInstances ?? 0));
      const units = Math.max(used, reserved);
      parts.push({ label: `per ${opts.capacity.unit}-hour`, key: opts.capacity.key, quantity: units * HOURS_PER_MONTH, unit: `${opts.capacity.unit}-hours` });
      words.push(reserved > used
        ? `${units} ${opts.capacity.unit}s an hour reserved by the minimum of ${r.attrs.minInstances} instances (${opts.capacity.reservedPerInstance} each)`
        : `${stated ? '' : 'assumes '}${used} ${opts.capacity.unit} an hour on average (${opts.capacity.definition})`);
    }
    if (opts.dataKey) {
      const t = trafficOf(r);
      parts.push({ label: 'per GB processed', key: opts.dataKey, quantity: t.gib, unit: 'GB' });
      words.push(`data processed: ${t.text}`);
    }
    return metered(r, opts.name, parts, plan, catalog, words.join('; ') || undefined);
  }, (c, region) => [opts.hourKey, opts.capacity?.key, opts.dataKey].every((k) => k === undefined || c.otherPrice(region, k) !== undefined));
}
