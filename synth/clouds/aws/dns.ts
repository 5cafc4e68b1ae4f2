import { TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { Route53HealthCheck, Route53Zone } from '../../cdktf/aws.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { maybeShared, share } from '../../stack/shared.ts';
import type { SiteFront } from './alb.ts';
import { awsName } from './web.ts';
import { idIn, siteRegions } from './region.ts';

/**
 * The site's own hosted zone (`<site>.<org>.www.<platform domain>`): the platform names point at
 * the load balancer (alias records, see `awsSiteRecords`) and the platform certificate is
 * validated here. The operator delegates the zone from the platform's zone to the name servers
 * in the `dns_name_servers` output.
 */
export const awsDnsZone: ResourceSynth = (ctx, r) => {
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

/**
 * An alias record (A) for every platform name to region `site`'s load balancer (to its static
 * front with a dedicated IP); called by each load balancer once it exists. One region: simple
 * records. A standby region (activePassive): failover records, PRIMARY to the plan's region with
 * a Route 53 health check on its health path (over HTTPS when the site has certificates) and
 * SECONDARY to the standby, both evaluating the target's health. Several active regions
 * (activeActive): latency records, one per region, each evaluating its target's health.
 */
export function awsSiteRecords(ctx: StackContext, site: SiteFront): void {
  const zone = maybeShared<Route53Zone>(ctx, 'zone');
  if (!zone) return;
  const records = maybeShared<readonly string[]>(ctx, 'zoneRecords') ?? [];
  const { region } = site;
  const target = site.staticFront ?? site.lb;
  const roles = siteRegions(ctx).map((x) => x.role);
  const routing = roles.includes('standby') ? 'failover' : roles.includes('active') ? 'latency' : 'simple';
  let healthCheck: Route53HealthCheck | undefined;
  if (routing === 'failover' && region.index === 0) {
    healthCheck = new aws.Route53HealthCheck(ctx.stack, 'site_health', {
      type: site.https ? 'HTTPS' : 'HTTP',
      fqdn: target.dnsName,
      port: site.https ? 443 : 80,
      resourcePath: ctx.lit(site.healthPath),
      requestInterval: 30,
      failureThreshold: 3,
      tags: { Name: awsName(ctx, 'health', 255) },
    });
  }
  const policy = routing === 'failover'
    ? { setIdentifier: region.index === 0 ? 'primary' : `${region.role}-${region.index}`, failoverRoutingPolicy: { type: region.index === 0 ? 'PRIMARY' : 'SECONDARY' }, ...(healthCheck ? { healthCheckId: healthCheck.id } : {}) }
    : routing === 'latency' ? { setIdentifier: region.region, latencyRoutingPolicy: { region: region.region } } : {};
  records.forEach((name, n) => {
    new aws.Route53Record(ctx.stack, idIn(region, `site_name_${n}`), {
      zoneId: zone.zoneId,
      name: ctx.lit(name),
      type: 'A',
      alias: { name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: true },
      ...policy,
    });
  });
}
