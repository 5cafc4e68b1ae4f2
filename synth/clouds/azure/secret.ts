import { azure } from '../../cdktf/azure.ts';
import type { DataAzurermClientConfig, ResourceGroup } from '../../cdktf/azure.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';

/** A Key Vault (RBAC, purge-protected) for the passwords; the primary writes the secret at first boot. */
export const azureSecret: ResourceSynth = (ctx) => {
  const rg = shared<ResourceGroup>(ctx, 'rg');
  share(ctx, 'vault', new azure.KeyVault(ctx.stack, 'vault', {
    name: ctx.names.keyVault,
    resourceGroupName: rg.name,
    location: rg.location,
    tenantId: shared<DataAzurermClientConfig>(ctx, 'client').tenantId,
    skuName: 'standard',
    rbacAuthorizationEnabled: true,
    purgeProtectionEnabled: true,
    softDeleteRetentionDays: 7,
    tags: ctx.tags,
  }));
};
