import { TerraformOutput } from '../../cdktf/index.ts';
import { gcp } from '../../cdktf/gcp.ts';
import type { DnsManagedZone } from '../../cdktf/gcp.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { maybeShared, share } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';
import { gcpName, primaryRegionOnly } from './web.ts';

/**
 * The site's own Cloud DNS zone (`<site>.<org>.www.<platform domain>`, public, DNSSEC on): the
 * platform names point at the load balancer's address (A records, see `gcpSiteRecords`) and the
 * platform names' Certificate Manager DNS authorizations are answered here (certificate.ts). The
 * operator delegates the zone from the platform's zone to the name servers in the
 * `dns_name_servers` output. Its name and DNS name never change with an ordinary edit, so the zone
 * is never replaced by one.
 */
export const gcpDnsZone: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const zone = String(r.attrs.zone);
  const z = share(ctx, 'zone', new gcp.DnsManagedZone(ctx.stack, 'site_zone', {
    name: gcpName(ctx, 'zone', 63),
    dnsName: ctx.lit(`${zone}.`),
    description: ctx.lit(`AutoStack website ${ctx.subject.name}: platform names`),
    visibility: 'public',
    dnssecConfig: { state: 'on' },
    forceDestroy: false,
    labels: gcpLabels(ctx),
  }));
  share(ctx, 'zoneName', zone);
  share(ctx, 'zoneRecords', (r.attrs.records as readonly string[]) ?? []);
  new TerraformOutput(ctx.stack, 'dns_name_servers', { value: z.nameServers, description: ctx.lit(`Delegate ${zone} to these name servers (NS records in the platform's zone)`) });
};

/** An A record for every platform name, to the load balancer's address; called by the load balancer once it exists. */
export function gcpSiteRecords(ctx: StackContext, address: string): void {
  const zone = maybeShared<DnsManagedZone>(ctx, 'zone');
  if (!zone) return;
  const records = maybeShared<readonly string[]>(ctx, 'zoneRecords') ?? [];
  records.forEach((name, n) => {
    new gcp.DnsRecordSet(ctx.stack, `site_name_${n}`, { managedZone: zone.name, name: ctx.lit(`${name}.`), type: 'A', ttl: 300, rrdatas: [address] });
  });
}
