// The website's DNS zone: per hosted zone a month plus queries per million.
import { metered, withPriced } from '../pricing.ts';
import type { PriceComponent } from '../pricing.ts';
import { WEB_TRAFFIC_ASSUMPTION } from './traffic.ts';

/** `dns-zone` per zone-month and `dns-queries` per million; attrs `queriesPerMonth`, `healthChecks`. */
export function dnsZone(name: string): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const stated = typeof r.attrs.queriesPerMonth === 'number';
    const queries = Math.max(0, Number(r.attrs.queriesPerMonth ?? WEB_TRAFFIC_ASSUMPTION.dnsQueriesPerMonth));
    const words = `${queries.toLocaleString('en-US')} DNS queries a month`;
    // Failover routing checks the primary's health: `attrs.healthChecks` checks a month (`dns-health-check`, HTTPS included); no figure, the line is missing.
    const checks = Math.max(0, Number(r.attrs.healthChecks ?? 0));
    return metered(r, name, [
      { label: 'per zone-month', key: 'dns-zone', quantity: 1, unit: 'zone' },
      { label: 'per million queries', key: 'dns-queries', quantity: queries / 1_000_000, unit: 'million queries' },
      ...(checks > 0 ? [{ label: 'per HTTPS health check-month', key: 'dns-health-check', quantity: checks, unit: 'health checks' }] : []),
    ], plan, catalog, stated ? `the site's stated ${words}` : `assumes ${words} (resolvers cache the answers; state the expected queries to change it)`);
  }, (c, region) => c.otherPrice(region, 'dns-zone') !== undefined && c.otherPrice(region, 'dns-queries') !== undefined);
}
