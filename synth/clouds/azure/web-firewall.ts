import { azure } from '../../cdktf/azure.ts';
import type { ResourceGroup } from '../../cdktf/azure.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';
import { azName, webSubnets } from './web.ts';

/**
 * A website's firewall, one network security group per subnet. The Application Gateway's subnet
 * takes HTTP (80) only from Front Door (the `AzureFrontDoor.Backend` service tag: Front Door's
 * own addresses, shared by every Front Door customer; the gateway's rewrite rule tells this
 * site's profile from the others by its X-Azure-FDID header, appgw.ts), plus what a v2 gateway
 * must accept: its control plane (`GatewayManager`, 65200-65535) and Azure's load balancer probe.
 * The web servers' subnet takes HTTP from the gateway's subnet only. Everything else from the
 * internet is denied. The database's subnet is delegated (only the web servers' subnet reaches
 * it: mysql.ts), the cache sits behind a private endpoint.
 */
export const azureWebFirewall: ResourceSynth = (ctx) => {
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const subnets = webSubnets(ctx, 'firewall');
  const rule = (name: string, priority: number, port: string, source: string, access = 'Allow', dest = '*') => ({ name, priority, direction: 'Inbound', access, protocol: access === 'Allow' ? 'Tcp' : '*', sourcePortRange: '*', destinationPortRange: port, sourceAddressPrefix: source, destinationAddressPrefix: dest });
  const gateway = new azure.NetworkSecurityGroup(ctx.stack, 'gateway_nsg', {
    name: azName(ctx, 'appgw-nsg', 80),
    resourceGroupName: rg.name,
    location: rg.location,
    securityRule: [
      rule('http-from-front-door', 100, '80', 'AzureFrontDoor.Backend'),
      rule('gateway-manager', 110, '65200-65535', 'GatewayManager'),
      rule('azure-load-balancer', 120, '*', 'AzureLoadBalancer'),
      rule('deny-other-inbound', 4000, '*', 'Internet', 'Deny'),
    ],
    tags: ctx.tags,
  });
  new azure.SubnetNetworkSecurityGroupAssociation(ctx.stack, 'gateway_nsg_subnet', { subnetId: subnets.gateway, networkSecurityGroupId: gateway.id });
  const web = share(ctx, 'nsg', new azure.NetworkSecurityGroup(ctx.stack, 'web_nsg', {
    name: azName(ctx, 'web-nsg', 80),
    resourceGroupName: rg.name,
    location: rg.location,
    securityRule: [
      rule('http-from-gateway', 100, '80', subnets.gatewayPrefix),
      rule('azure-load-balancer', 120, '*', 'AzureLoadBalancer'),
      rule('deny-other-vnet', 3900, '*', 'VirtualNetwork', 'Deny'),
      rule('deny-other-inbound', 4000, '*', 'Internet', 'Deny'),
    ],
    tags: ctx.tags,
  }));
  new azure.SubnetNetworkSecurityGroupAssociation(ctx.stack, 'web_nsg_subnet', { subnetId: subnets.web, networkSecurityGroupId: web.id });
};
