import { aws } from '../../cdktf/aws.ts';
import type { Eip, Route, RouteTable, Subnet } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { maybeShared, share, shared } from '../../stack/shared.ts';
import { awsRegion, idIn, regionIndexOf } from './region.ts';

/** The NAT's own Elastic IP: a stable address the servers' traffic leaves from (allow-list it upstream); one per region of a website. */
export const awsNatAddress: ResourceSynth = (ctx, r) => {
  const index = regionIndexOf(r);
  if (index === 0) {
    share(ctx, 'natIp', new aws.Eip(ctx.stack, 'nat_ip', { domain: 'vpc', tags: { Name: `${ctx.names.base}-nat` } }));
    return;
  }
  const region = awsRegion(ctx, index);
  natIps(ctx).set(index, new aws.Eip(ctx.stack, idIn(region, 'nat_ip'), { ...region.p, domain: 'vpc', tags: { Name: `${ctx.names.base}-nat` } }));
};

/** A NAT gateway in the first public subnet of its region; that region's private subnets route 0.0.0.0/0 through it. */
export const awsNat: ResourceSynth = (ctx, r) => {
  const index = regionIndexOf(r);
  if (index === 0) {
    const nat = new aws.NatGateway(ctx.stack, 'nat', {
      allocationId: shared<Eip>(ctx, 'natIp').allocationId,
      subnetId: shared<Subnet[]>(ctx, 'publicSubnets')[0]!.id,
      connectivityType: 'public',
      tags: { Name: ctx.names.base },
    });
    share(ctx, 'natRoute', new aws.Route(ctx.stack, 'private_default_route', { routeTableId: shared<RouteTable>(ctx, 'privateRouteTable').id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.id }));
    return;
  }
  const region = awsRegion(ctx, index);
  const ip = natIps(ctx).get(index);
  if (!ip) throw new Error(`synth: ${r.key} has no address of its own in ${region.region} (the plan's public-ip for its NAT)`);
  const nat = new aws.NatGateway(ctx.stack, idIn(region, 'nat'), { ...region.p, allocationId: ip.allocationId, subnetId: region.publicSubnetIds[0]!, connectivityType: 'public', tags: { Name: ctx.names.base } });
  natRoutes(ctx).set(index, new aws.Route(ctx.stack, idIn(region, 'private_default_route'), { ...region.p, routeTableId: region.privateRouteTable!.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.id }));
};

function natIps(ctx: Parameters<ResourceSynth>[0]): Map<number, Eip> {
  return maybeShared<Map<number, Eip>>(ctx, 'natIps') ?? share(ctx, 'natIps', new Map<number, Eip>());
}

/** The default route of each further region's private subnets (the group there waits for it). */
export function natRoutes(ctx: Parameters<ResourceSynth>[0]): Map<number, Route> {
  return maybeShared<Map<number, Route>>(ctx, 'natRoutes') ?? share(ctx, 'natRoutes', new Map<number, Route>());
}
