import { azure } from '../../cdktf/azure.ts';
import type { ResourceGroup } from '../../cdktf/azure.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';
import { azureWebFirewall } from './web-firewall.ts';

/** The workload's port from each allowed CIDR and from inside the virtual network; everything else from outside is denied. */
export const azureFirewall: ResourceSynth = (ctx, r, i) => {
  // A website's firewall names no single port: a gateway in front, the web servers behind it.
  if (r.attrs.port === undefined) return azureWebFirewall(ctx, r, i);
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const { slug } = ctx.workload;
  const port = String(r.attrs.port);
  const rules = (r.attrs.cidrs as readonly string[]).map((cidr, i) => ({
    name: `${slug}-allowed-${i}`, priority: 100 + i, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: port, sourceAddressPrefix: cidr, destinationAddressPrefix: '*',
  }));
  share(ctx, 'nsg', new azure.NetworkSecurityGroup(ctx.stack, `${slug}_nsg`, {
    name: `${ctx.names.base}-nsg`,
    resourceGroupName: rg.name,
    location: rg.location,
    securityRule: [
      ...rules,
      { name: `${slug}-replication`, priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: port, sourceAddressPrefix: 'VirtualNetwork', destinationAddressPrefix: 'VirtualNetwork' },
      { name: 'deny-other-inbound', priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', sourcePortRange: '*', destinationPortRange: '*', sourceAddressPrefix: 'Internet', destinationAddressPrefix: '*' },
    ],
    tags: ctx.tags,
  }));
};
