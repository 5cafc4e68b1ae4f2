// The website's TLS certificate: free where the cloud issues and renews it (ACM public
// certificates, Front Door managed certificates: those clouds use noCharge), or a per-certificate
// figure.
import { metered, withPriced } from '../pricing.ts';
import type { PriceComponent } from '../pricing.ts';

/** A `certificate` figure per certificate-month (missing until the knowledge base holds one). */
export function certificateMonthly(name: string): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => metered(r, name, [{ label: 'per certificate-month', key: 'certificate', quantity: 1, unit: 'certificate' }], plan, catalog),
    (c, region) => c.otherPrice(region, 'certificate') !== undefined);
}
