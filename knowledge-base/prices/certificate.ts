// The website's TLS certificate: free where the cloud issues and renews it (ACM public
// certificates), Key Vault operations where the load balancer reads it from Key Vault (Azure
// Application Gateway), or a per-certificate figure.
import { metered, withPriced } from '../pricing.ts';
import type { PriceComponent } from '../pricing.ts';

/** Key Vault operations a certificate takes a month: the gateway polls Key Vault every 4 hours, renewals write a version. */
export const CERTIFICATE_OPERATIONS_ASSUMPTION = {
  operationsPerMonth: 1_000,
  text: 'assumes 1,000 Key Vault operations a month per certificate (Application Gateway polls Key Vault for a new version every 4 hours; renewal by the ACME job writes one); the certificate itself is issued without charge by an ACME certificate authority',
};

/** Priced as Key Vault operations (the `secret` figure, per 10,000 operations). */
export function keyVaultCertificate(name: string): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => metered(r, name, [
    { label: 'per 10,000 operations', key: 'secret', quantity: CERTIFICATE_OPERATIONS_ASSUMPTION.operationsPerMonth / 10_000, unit: '10,000 operations' },
  ], plan, catalog, CERTIFICATE_OPERATIONS_ASSUMPTION.text), (c, region) => c.otherPrice(region, 'secret') !== undefined);
}

/** A `certificate` figure per certificate-month (missing until the knowledge base holds one). */
export function certificateMonthly(name: string): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => metered(r, name, [{ label: 'per certificate-month', key: 'certificate', quantity: 1, unit: 'certificate' }], plan, catalog),
    (c, region) => c.otherPrice(region, 'certificate') !== undefined);
}
