import { readFileSync } from 'node:fs';
import { azure } from '../../cdktf/azure.ts';
import type { StackContext } from '../../stack/context.ts';
import { share } from '../../stack/shared.ts';

/** Provider, resource group and the network the servers live in (created, or the one named in settings). */
export function azureBase(ctx: StackContext): void {
  const { stack, plan, names, settings } = ctx;
  const subscriptionId = settings.accounts.azure?.subscriptionId;
  new azure.AzurermProvider(stack, 'azurerm', { features: [{}], storageUseAzuread: true, ...(subscriptionId ? { subscriptionId } : {}) });
  share(ctx, 'client', new azure.DataAzurermClientConfig(stack, 'current', {}));
  const rg = share(ctx, 'rg', new azure.ResourceGroup(stack, 'rg', { name: `${names.base}-rg`, location: plan.region, tags: ctx.tags }));
  const subnetId = (settings.network.azure as { subnetId?: string } | undefined)?.subnetId;
  if (subnetId) {
    share(ctx, 'subnetId', subnetId);
    return;
  }
  const vnet = new azure.VirtualNetwork(stack, 'vnet', { name: `${names.base}-vnet`, resourceGroupName: rg.name, location: rg.location, addressSpace: ['10.240.0.0/16'], tags: ctx.tags });
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
