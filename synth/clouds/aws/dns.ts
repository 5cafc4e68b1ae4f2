import { TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { Lb, Route53Zone } from '../../cdktf/aws.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { maybeShared, share } from '../../stack/shared.ts';
import { primaryRegionOnly } from './web.ts';

/**
 * The site's own hosted zone (`<site>.<org>.www.<platform domain>`): the platform names point at
 * the load balancer (alias records, see `awsSiteRecords`) and the platform certificate is
 * validated here. The operator delegates the zone from the platform's zone to the name servers
 * in the `dns_name_servers` output.
 */
export const awsDnsZone: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const zone = String(r.attrs.zone);
  const z = share(ctx, 'zone', new aws.Route53Zone(ctx.stack, 'site_zone', {
    name: ctx.lit(zone),
    comment: ctx.lit(`AutoStack website ${ctx.subject.name}: platform names`),
    forceDestroy: false,
  }));
  share(ctx, 'zoneName', zone);
  share(ctx, 'zoneRecords', (r.attrs.records as readonly string[]) ?? []);
  new TerraformOutput(ctx.stack, 'dns_name_servers', { value: z.nameServers, description: ctx.lit(`Delegate ${zone} to these name servers (NS records in the platform's zone)`) });
};

/** An alias record (A) for every platform name, to the load balancer; called by the load balancer once it exists. */
export function awsSiteRecords(ctx: StackContext, lb: Lb): void {
  const zone = maybeShared<Route53Zone>(ctx, 'zone');
  if (!zone) return;
  const records = maybeShared<readonly string[]>(ctx, 'zoneRecords') ?? [];
  records.forEach((name, n) => {
    new aws.Route53Record(ctx.stack, `site_name_${n}`, {
      zoneId: zone.zoneId,
      name: ctx.lit(name),
      type: 'A',
      alias: { name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true },
    });
  });
}
