import { TerraformOutput } from '../../cdktf/index.ts';
import { azure } from '../../cdktf/azure.ts';
import type { ResourceGroup } from '../../cdktf/azure.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';
import { primaryRegionOnly } from './web.ts';

/**
 * The site's own Azure DNS zone (`<site>.<org>.www.<platform domain>`): the platform names point
 * at the Front Door endpoint (CNAME records, cdn.ts) and their managed certificates are
 * validated here (`_dnsauth` TXT records, certificate.ts). The operator delegates the zone from
 * the platform's zone to the name servers in the `dns_name_servers` output. Kept from deletion:
 * the delegation points at its name servers.
 */
export const azureDnsZone: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const zone = String(r.attrs.zone);
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const z = share(ctx, 'zone', new azure.DnsZone(ctx.stack, 'site_zone', { name: ctx.lit(zone), resourceGroupName: rg.name, tags: ctx.tags, lifecycle: { preventDestroy: true } }));
  share(ctx, 'zoneName', zone);
  share(ctx, 'zoneRecords', (r.attrs.records as readonly string[]) ?? []);
  new TerraformOutput(ctx.stack, 'dns_name_servers', { value: z.nameServers, description: ctx.lit(`Delegate ${zone} to these name servers (NS records in the platform's zone)`) });
};
