import { TerraformOutput } from '../../cdktf/index.ts';
import { gcp } from '../../cdktf/gcp.ts';
import type { DnsManagedZone } from '../../cdktf/gcp.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { maybeShared, share } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';
import { gcpName, inZone, keySuffix } from './web.ts';

/** What the load balancer's certificate map takes: each certificate with the host names it serves. */
export interface SiteCertificate {
  id: string;
  /** The certificate's id (`projects/…/locations/global/certificates/…`). */
  ref: string;
  names: readonly string[];
}

/**
 * One Google-managed Certificate Manager certificate per plan certificate, with exactly the plan's
 * names, authorized by DNS: a DNS authorization per domain (a wildcard `*.x` is authorized by
 * `x`'s), whose CNAME record (`_acme-challenge.<domain>`) is written in the site's zone for the
 * platform names and is an output for a custom domain (the customer creates it at their DNS
 * provider; Google issues the certificate once it resolves, and serves it meanwhile without
 * blocking the others). The load balancer attaches them through a certificate map
 * (load-balancer.ts): an entry per host name, the first certificate also the map's primary
 * (clients without SNI). Replaced before destroyed, so the map always has one.
 */
export const gcpCertificate: ResourceSynth = (ctx, r) => {
  const names = r.attrs.names as readonly string[];
  if (!names?.length) throw new Error(`synth: ${r.key} has no names`);
  const suffix = keySuffix(ctx, r);
  const id = `certificate_${suffix}`;
  const zone = maybeShared<DnsManagedZone>(ctx, 'zone');
  const zoneName = maybeShared<string>(ctx, 'zoneName');
  const inSiteZone = zone !== undefined && zoneName !== undefined && names.every((n) => inZone(n, zoneName));
  const domains = [...new Set(names.map((n) => (n.startsWith('*.') ? n.slice(2) : n)))];
  const authorizations = domains.map((domain) => dnsAuthorization(ctx, domain, inSiteZone ? zone : undefined));
  const fresh = authorizations.filter((a) => a.created);
  if (!inSiteZone && fresh.length) {
    new TerraformOutput(ctx.stack, `${id}_validation_records`, {
      value: fresh.map((a) => a.auth.dnsResourceRecord),
      description: ctx.lit(`Create these CNAME records at your DNS provider so ${names.join(', ')} can be issued (the certificate is served once they resolve)`),
    });
  }
  const cert = new gcp.CertificateManagerCertificate(ctx.stack, id, {
    name: gcpName(ctx, `cert-${suffix.replace(/_/g, '-')}`.toLowerCase(), 63),
    description: ctx.lit(`AutoStack website ${ctx.subject.name}: ${names.join(', ')}`.slice(0, 2048)),
    scope: 'DEFAULT',
    managed: { domains: names.map((n) => ctx.lit(n)), dnsAuthorizations: authorizations.map((a) => a.auth.id) },
    labels: gcpLabels(ctx),
    lifecycle: { createBeforeDestroy: true },
  });
  const list = maybeShared<SiteCertificate[]>(ctx, 'certificates') ?? share(ctx, 'certificates', []);
  list.push({ id, ref: cert.id, names });
};

/** The DNS authorization of `domain`, made once per stack (a custom `*.x` and `x` share it); its record in `zone` when given. */
function dnsAuthorization(ctx: StackContext, domain: string, zone: DnsManagedZone | undefined): { auth: InstanceType<typeof gcp.CertificateManagerDnsAuthorization>; created: boolean } {
  const all = maybeShared<Map<string, InstanceType<typeof gcp.CertificateManagerDnsAuthorization>>>(ctx, 'dnsAuthorizations') ?? share(ctx, 'dnsAuthorizations', new Map());
  const seen = all.get(domain);
  if (seen) return { auth: seen, created: false };
  const n = all.size;
  const auth = new gcp.CertificateManagerDnsAuthorization(ctx.stack, `dns_authorization_${n}`, {
    name: gcpName(ctx, `auth-${n}`, 63),
    description: ctx.lit(`AutoStack website ${ctx.subject.name}: ${domain}`.slice(0, 2048)),
    domain: ctx.lit(domain),
    labels: gcpLabels(ctx),
  });
  all.set(domain, auth);
  if (zone) {
    const rec = auth.dnsResourceRecord.get(0);
    new gcp.DnsRecordSet(ctx.stack, `dns_authorization_${n}_record`, { managedZone: zone.name, name: rec.name, type: rec.type, ttl: 300, rrdatas: [rec.data] });
  }
  return { auth, created: true };
}
