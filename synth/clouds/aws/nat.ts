import { aws } from '../../cdktf/aws.ts';
import type { Eip, RouteTable, Subnet } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';

/** The NAT's own Elastic IP: a stable address the servers' traffic leaves from (allow-list it upstream). */
export const awsNatAddress: ResourceSynth = (ctx) => {
  share(ctx, 'natIp', new aws.Eip(ctx.stack, 'nat_ip', { domain: 'vpc', tags: { Name: `${ctx.names.base}-nat` } }));
};

/** A NAT gateway in the first public subnet; the private subnets route 0.0.0.0/0 through it. */
export const awsNat: ResourceSynth = (ctx) => {
  const nat = new aws.NatGateway(ctx.stack, 'nat', {
    allocationId: shared<Eip>(ctx, 'natIp').allocationId,
    subnetId: shared<Subnet[]>(ctx, 'publicSubnets')[0]!.id,
    connectivityType: 'public',
    tags: { Name: ctx.names.base },
  });
  share(ctx, 'natRoute', new aws.Route(ctx.stack, 'private_default_route', { routeTableId: shared<RouteTable>(ctx, 'privateRouteTable').id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.id }));
};
