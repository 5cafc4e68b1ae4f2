// What a website serves in a month, for the resources billed by traffic (load balancer data and
// capacity units, CDN data and requests, DNS queries). Stated on every line item that uses it.
import type { AbstractResource } from '../types.ts';

/** A small site's month, used when the resource does not state its own traffic. */
export const WEB_TRAFFIC_ASSUMPTION = {
  requestsPerMonth: 1_000_000,
  gibPerMonth: 50,
  dnsQueriesPerMonth: 1_000_000,
};

export interface Traffic {
  requests: number;
  gib: number;
  /** The words printed on the line item: the assumed or the stated traffic. */
  text: string;
}

/** The resource's traffic (attrs `requestsPerMonth`, `gibPerMonth`), or the small-site assumption. */
export function trafficOf(r: AbstractResource): Traffic {
  const stated = typeof r.attrs.requestsPerMonth === 'number' || typeof r.attrs.gibPerMonth === 'number';
  const requests = Math.max(0, Number(r.attrs.requestsPerMonth ?? WEB_TRAFFIC_ASSUMPTION.requestsPerMonth));
  const gib = Math.max(0, Number(r.attrs.gibPerMonth ?? WEB_TRAFFIC_ASSUMPTION.gibPerMonth));
  const words = `${requests.toLocaleString('en-US')} requests and ${gib.toLocaleString('en-US')} GiB a month`;
  return { requests, gib, text: stated ? `the site's stated traffic: ${words}` : `assumes ${words} (a small site; state the expected traffic to change it)` };
}
