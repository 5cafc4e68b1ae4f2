// The website's HTTPS load balancer: gateway hours, plus capacity units (AWS ALB LCUs, Azure
// Application Gateway v2 capacity units) or data processed (GCP), each a figure of otherPrices.
import { HOURS_PER_MONTH, metered, missing, publicIpv4Hourly, withPriced } from '../pricing.ts';
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

export interface AddressFront {
  /** The load balancer that holds the addresses (an NLB in front of an ALB), in the cloud's words. */
  name: string;
  hourKey: string;
  capacity: { key: string; unit: string; definition: string };
}

/**
 * Public addresses: one IPv4 address an hour each (`public-ipv4`), `attrs.addresses` of them; a
 * dedicated load balancer address that needs a front of its own (`attrs.via`, AWS: a Network Load
 * Balancer holding an Elastic IP per zone before the ALB) adds that front's hours and capacity
 * units on the same line. A missing figure makes the line missing, never a partial price.
 */
export function publicAddresses(front?: AddressFront): PriceComponent {
  return withPriced((input) => {
    const { resource: r, plan, catalog } = input;
    const addresses = Math.max(1, Number(r.attrs.addresses ?? 1));
    // One address on its own: the plain hourly line every server stack has.
    if (addresses === 1 && r.attrs.via === undefined) return publicIpv4Hourly(input);
    const parts: MeterPart[] = [{ label: 'per address-hour', key: 'public-ipv4', quantity: addresses * HOURS_PER_MONTH, unit: 'address-hours' }];
    let assumption: string | undefined;
    if (r.attrs.via !== undefined) {
      if (!front || r.attrs.via !== front.name) return missing(r, `${addresses} public IPv4 addresses on a ${String(r.attrs.via)}`, `the knowledge base prices no ${String(r.attrs.via)} for ${plan.cloud}`);
      const stated = typeof r.attrs.capacityUnits === 'number';
      const units = Math.max(0, Number(r.attrs.capacityUnits ?? LB_CAPACITY_ASSUMPTION.unitsPerHour));
      parts.push({ label: 'per load balancer-hour', key: front.hourKey, quantity: HOURS_PER_MONTH, unit: 'h' });
      parts.push({ label: `per ${front.capacity.unit}-hour`, key: front.capacity.key, quantity: units * HOURS_PER_MONTH, unit: `${front.capacity.unit}-hours` });
      assumption = `${stated ? '' : 'assumes '}${units} ${front.capacity.unit} an hour on average on the ${front.name} (${front.capacity.definition})`;
    }
    const name = r.attrs.via !== undefined ? `${addresses} public IPv4 addresses on a ${String(r.attrs.via)}` : addresses > 1 ? `${addresses} public IPv4 addresses` : 'public IPv4';
    return metered(r, name, parts, plan, catalog, assumption);
    // Offered where an address is priced (servers' addresses need nothing more); a front without a figure shows as missing.
  }, (c, region) => c.otherPrice(region, 'public-ipv4') !== undefined);
}
