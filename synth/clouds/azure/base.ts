import { readFileSync } from 'node:fs';
import { azure } from '../../cdktf/azure.ts';
import type { StackContext } from '../../stack/context.ts';
import { share } from '../../stack/shared.ts';
import type { ResourceGroup, VirtualNetwork } from '../../cdktf/azure.ts';
import { isWebsite } from './web.ts';
import type { WebSubnets } from './web.ts';

/** Provider, resource group and the network the servers live in (created, or the one named in settings). */
export function azureBase(ctx: StackContext): void {
  const { stack, plan, names, settings } = ctx;
  const subscriptionId = settings.accounts.azure?.subscriptionId;
  new azure.AzurermProvider(stack, 'azurerm', { features: [{}], storageUseAzuread: true, ...(subscriptionId ? { subscriptionId } : {}) });
  share(ctx, 'client', new azure.DataAzurermClientConfig(stack, 'current', {}));
  const rg = share(ctx, 'rg', new azure.ResourceGroup(stack, 'rg', { name: `${names.base}-rg`, location: plan.region, tags: ctx.tags }));
  const subnetId = (settings.network.azure as { subnetId?: string } | undefined)?.subnetId;
  if (subnetId && !isWebsite(ctx)) {
    share(ctx, 'subnetId', subnetId);
    return;
  }
  const vnet = new azure.VirtualNetwork(stack, 'vnet', { name: `${names.base}-vnet`, resourceGroupName: rg.name, location: rg.location, addressSpace: ['10.240.0.0/16'], tags: ctx.tags });
  if (isWebsite(ctx)) {
    if (subnetId) throw new Error(`Azure cannot place website ${ctx.subject.name} in the subnet autostack.yaml network.azure names: a website needs the stack's own virtual network (a gateway subnet, a delegated database subnet and the servers' subnet); remove network.azure`);
    websiteSubnets(ctx, rg, vnet);
    return;
  }
  // Private: no default outbound access; the way out is the plan's NAT gateway or a server's own public IP.
  // Service endpoints keep Storage and Key Vault reachable without either.
  const subnet = new azure.Subnet(stack, 'subnet', { name: 'postgres', resourceGroupName: rg.name, virtualNetworkName: vnet.name, addressPrefixes: ['10.240.1.0/24'], serviceEndpoints: ['Microsoft.Storage', 'Microsoft.KeyVault'], defaultOutboundAccessEnabled: false });
  share(ctx, 'subnetId', subnet.id);
  share(ctx, 'ownSubnetId', subnet.id);
}

/**
 * Azure requires an SSH key or a password on every Linux VM. This public key's private half was
 * never stored, so nobody can log in; break-glass access is the serial console or Run Command.
 */
export const NO_LOGIN_KEY = readFileSync(new URL('../../../knowledge-base/clouds/azure/no-login-key.pub', import.meta.url), 'utf8').trim();

/**
 * A website's subnets of the stack's network (10.240.0.0/16, which the knowledge base's
 * loadBalancerSources names): the web servers' (private, out through the NAT gateway, Storage
 * and Key Vault by service endpoint), the Application Gateway's own (v2 needs a dedicated
 * subnet), the MySQL flexible server's (delegated to it) and one for private endpoints (the cache).
 */
function websiteSubnets(ctx: StackContext, rg: ResourceGroup, vnet: VirtualNetwork): void {
  const { stack } = ctx;
  const subnet = (id: string, name: string, prefix: string, extra: Record<string, unknown> = {}) => new azure.Subnet(stack, id, { name, resourceGroupName: rg.name, virtualNetworkName: vnet.name, addressPrefixes: [prefix], ...extra });
  const web = subnet('subnet', 'web', '10.240.1.0/24', { serviceEndpoints: ['Microsoft.Storage', 'Microsoft.KeyVault'], defaultOutboundAccessEnabled: false });
  const gateway = subnet('gateway_subnet', 'appgw', WEB_GATEWAY_PREFIX);
  const mysql = subnet('mysql_subnet', 'mysql', '10.240.3.0/24', {
    defaultOutboundAccessEnabled: false,
    delegation: [{ name: 'mysql', serviceDelegation: { name: 'Microsoft.DBforMySQL/flexibleServers', actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'] } }],
  });
  const endpoints = subnet('endpoints_subnet', 'endpoints', '10.240.4.0/24', { defaultOutboundAccessEnabled: false });
  share(ctx, 'subnetId', web.id);
  share(ctx, 'ownSubnetId', web.id);
  share<WebSubnets>(ctx, 'webSubnets', { web: web.id, gateway: gateway.id, gatewayPrefix: WEB_GATEWAY_PREFIX, mysql: mysql.id, endpoints: endpoints.id, vnetId: vnet.id });
}

/** The Application Gateway's subnet: the web servers take HTTP from here only. */
export const WEB_GATEWAY_PREFIX = '10.240.2.0/24';
