import { azure } from '../../cdktf/azure.ts';
import type { PublicIp, ResourceGroup } from '../../cdktf/azure.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { maybeShared, share, shared } from '../../stack/shared.ts';
import { primaryRegionOnly } from './web.ts';

/** The NAT gateway's Standard static address: traffic leaves from one stable IP (allow-list it upstream). */
export const azureNatAddress: ResourceSynth = (ctx, r) => {
  primaryRegionOnly(ctx, r, 0);
  const rg = shared<ResourceGroup>(ctx, 'rg');
  share(ctx, 'natIp', new azure.PublicIp(ctx.stack, 'nat_ip', { name: `${ctx.names.base}-nat-ip`, resourceGroupName: rg.name, location: rg.location, allocationMethod: 'Static', sku: 'Standard', tags: ctx.tags }));
};

/**
 * A NAT gateway on the plan's subnet. The subnet has default outbound access off (Azure retires
 * it: subnets made with API versions after 31 March 2026 are private by default), so this is the
 * servers' one way out.
 */
export const azureNat: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const nat = new azure.NatGateway(ctx.stack, 'nat', { name: `${ctx.names.base}-nat`, resourceGroupName: rg.name, location: rg.location, skuName: 'Standard', idleTimeoutInMinutes: 10, tags: ctx.tags });
  new azure.NatGatewayPublicIpAssociation(ctx.stack, 'nat_ip_association', { natGatewayId: nat.id, publicIpAddressId: shared<PublicIp>(ctx, 'natIp').id });
  const subnetId = maybeShared<string>(ctx, 'ownSubnetId');
  if (subnetId) share(ctx, 'nat', new azure.SubnetNatGatewayAssociation(ctx.stack, 'nat_subnet', { subnetId, natGatewayId: nat.id }));
};
