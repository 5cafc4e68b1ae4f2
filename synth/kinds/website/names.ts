import { cloudKnowledge, displayName } from '../../../knowledge-base/clouds/registry.ts';
import type { CloudLimit } from '../../../knowledge-base/clouds/registry.ts';
import type { CloudId } from '../../../knowledge-base/types.ts';
import type { WebsiteModel } from './model.ts';

/** Share of a cloud limit at which the review warns that a site nears it. */
export const NEAR_LIMIT = 0.8;

/** The site's own DNS subtree under the platform: `<site>.<org>.www.<platform domain>`. */
export function siteZone(m: Pick<WebsiteModel, 'name' | 'org' | 'names'>): string | undefined {
  return m.names.platformDomain ? `${m.name}.${m.org}.www.${m.names.platformDomain}` : undefined;
}

/** The org's subtree: every site of the org lives below it. */
export function orgZone(m: Pick<WebsiteModel, 'org' | 'names'>): string | undefined {
  return m.names.platformDomain ? `${m.org}.www.${m.names.platformDomain}` : undefined;
}

/** The platform names: `<route>.<site>.<org>.www.<platform domain>` for the route and each extra route. */
export function platformNames(m: Pick<WebsiteModel, 'name' | 'org' | 'names'>): string[] {
  const zone = siteZone(m);
  if (!zone) return [];
  return [...new Set([m.names.route, ...m.names.extraRoutes])].map((r) => `${r}.${zone}`);
}

/** Whether `name` is `zone` or below it. */
export function within(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** Whether a certificate name (exact or a one-label wildcard) covers a host name. */
export function covers(certName: string, host: string): boolean {
  if (!certName.startsWith('*.')) return certName === host;
  const rest = certName.slice(2);
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === rest;
}

/**
 * Custom domains under the platform domain that are not in the site's own subtree: another
 * org's names, the platform's own, or the org's subtree outside this site. A site may never take them.
 */
export function namesOutsideSubtree(m: Pick<WebsiteModel, 'name' | 'org' | 'names'>): { name: string; index: number }[] {
  const domain = m.names.platformDomain;
  const zone = siteZone(m);
  if (!domain || !zone) return [];
  return m.names.custom.map((name, index) => ({ name, index })).filter(({ name }) => {
    const bare = name.startsWith('*.') ? name.slice(2) : name;
    return within(bare, domain) && !within(bare, zone);
  });
}

export interface PlannedCertificate {
  key: string;
  /** platform: the site's platform names; custom: custom domains. */
  for: 'platform' | 'custom';
  /** The names on the certificate (a wildcard covers exactly one label below it). */
  names: string[];
  /** The host names it serves. */
  covers: string[];
}

export interface CertificatePlan {
  certificates: PlannedCertificate[];
  /** Hosts no certificate covers (none when the plan is right). */
  uncovered: string[];
  /** A limit exceeded: the site cannot be served as written on this cloud. */
  problems: string[];
  /** A limit neared, or a limit the knowledge base lacks. */
  warnings: string[];
}

function limitOf(cloud: CloudId, key: string): CloudLimit | undefined {
  return cloudKnowledge(cloud).limits?.[key];
}

/**
 * The certificates of a site on one cloud. One DNS-validated certificate for the platform names
 * (the exact name, or `*.<site>.<org>.www.<domain>` once the site has extra routes: a wildcard covers
 * one label only, so never `*.www.<domain>`); the custom domains on their own certificates, split
 * by the cloud's names-per-certificate limit. The load balancer's certificate limit is checked.
 */
export function planCertificates(m: WebsiteModel, cloud: CloudId): CertificatePlan {
  const out: CertificatePlan = { certificates: [], uncovered: [], problems: [], warnings: [] };
  const zone = siteZone(m);
  const platform = platformNames(m);
  if (zone && platform.length) {
    const names = platform.length > 1 ? [`*.${zone}`] : platform;
    out.certificates.push({ key: `certificate/${m.name}-platform`, for: 'platform', names, covers: platform });
  }
  // Names a wildcard of the list already covers need no place of their own.
  const custom = m.names.custom.filter((n) => !m.names.custom.some((w) => w !== n && covers(w, n)));
  const perCert = limitOf(cloud, 'names-per-certificate');
  if (!perCert && custom.length) out.warnings.push(`the knowledge base has no ${displayName(cloud)} names-per-certificate limit: the custom domains are planned on one certificate`);
  const size = perCert?.value ?? Math.max(1, custom.length);
  for (let i = 0; i < custom.length; i += size) {
    const names = custom.slice(i, i + size);
    const n = out.certificates.filter((c) => c.for === 'custom').length;
    out.certificates.push({ key: `certificate/${m.name}-custom-${n + 1}`, for: 'custom', names, covers: m.names.custom.filter((h) => names.some((c) => covers(c, h))) });
    if (perCert && names.length >= Math.ceil(perCert.value * NEAR_LIMIT)) out.warnings.push(`certificate ${m.name}-custom-${n + 1} holds ${names.length} of the ${perCert.value} ${perCert.what} (${perCert.source}): more custom domains go on a further certificate`);
  }
  const hosts = [...platform, ...m.names.custom];
  out.uncovered = hosts.filter((h) => !out.certificates.some((c) => c.names.some((n) => covers(n, h))));
  const perLb = limitOf(cloud, 'certificates-per-load-balancer');
  const count = out.certificates.length;
  if (!perLb) {
    if (count) out.warnings.push(`the knowledge base has no ${displayName(cloud)} certificates-per-load-balancer limit: ${count} certificate${count === 1 ? '' : 's'} planned, unchecked`);
  } else if (count > perLb.value) {
    out.problems.push(`${count} certificates exceed the ${perLb.value} ${perLb.what} (${perLb.source}): use fewer custom domains or a wildcard custom domain`);
  } else if (count >= Math.ceil(perLb.value * NEAR_LIMIT)) {
    out.warnings.push(`${count} certificates near the limit of ${perLb.value} ${perLb.what} (${perLb.source})`);
  }
  return out;
}
