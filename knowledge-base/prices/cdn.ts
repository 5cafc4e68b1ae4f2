// The website's CDN: data served per GB and requests per 10,000 (first paid tier, North America),
// plus a base fee per month where the cloud has one (Azure Front Door Standard).
import { metered, withPriced } from '../pricing.ts';
import type { MeterPart, PriceComponent } from '../pricing.ts';
import { trafficOf } from './traffic.ts';

/** `cdn-data` per GB, `cdn-requests` per 10,000, optional `cdn-base` per month; traffic from `trafficOf`. */
export function cdn(name: string, opts: { baseKey?: string } = {}): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const t = trafficOf(r);
    const parts: MeterPart[] = [];
    if (opts.baseKey) parts.push({ label: 'base fee per month', key: opts.baseKey, quantity: 1, unit: 'profile' });
    parts.push({ label: 'per GB served', key: 'cdn-data', quantity: t.gib, unit: 'GB' });
    parts.push({ label: 'per 10,000 requests', key: 'cdn-requests', quantity: t.requests / 10_000, unit: '10,000 requests' });
    return metered(r, name, parts, plan, catalog, `${t.text}, all served to North American visitors at the first volume tier (other continents cost more)`);
  }, (c, region) => [opts.baseKey, 'cdn-data', 'cdn-requests'].every((k) => k === undefined || c.otherPrice(region, k) !== undefined));
}
