import { azure } from '../../cdktf/index.ts';
import type { ResourceGroup } from '../../cdktf/index.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';

/** PostgreSQL (5432) from each allowed CIDR and from inside the virtual network; everything else from outside is denied. */
export const azureFirewall: ResourceSynth = (ctx) => {
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const rules = ctx.model.network.allowedCidrs.map((cidr, i) => ({
    name: `postgres-allowed-${i}`, priority: 100 + i, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '5432', sourceAddressPrefix: cidr, destinationAddressPrefix: '*',
  }));
  share(ctx, 'nsg', new azure.NetworkSecurityGroup(ctx.stack, 'postgres_nsg', {
    name: `${ctx.names.base}-nsg`,
    resourceGroupName: rg.name,
    location: rg.location,
    securityRule: [
      ...rules,
      { name: 'postgres-replication', priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '5432', sourceAddressPrefix: 'VirtualNetwork', destinationAddressPrefix: 'VirtualNetwork' },
      { name: 'deny-other-inbound', priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', sourcePortRange: '*', destinationPortRange: '*', sourceAddressPrefix: 'Internet', destinationAddressPrefix: '*' },
    ],
    tags: ctx.tags,
  }));
};
