import { azure } from '../../cdktf/azure.ts';
import type { DataAzurermClientConfig, ResourceGroup } from '../../cdktf/azure.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';
import { isWebsite } from './web.ts';

/** A Key Vault (RBAC, purge-protected) for the passwords; the primary writes the secret at first boot. */
export const azureSecret: ResourceSynth = (ctx) => {
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const client = shared<DataAzurermClientConfig>(ctx, 'client');
  const vault = share(ctx, 'vault', new azure.KeyVault(ctx.stack, 'vault', {
    name: ctx.names.keyVault,
    resourceGroupName: rg.name,
    location: rg.location,
    tenantId: client.tenantId,
    skuName: 'standard',
    rbacAuthorizationEnabled: true,
    purgeProtectionEnabled: true,
    softDeleteRetentionDays: 7,
    tags: ctx.tags,
  }));
  if (!isWebsite(ctx)) return;
  // A website's stack writes secrets itself (the database password, write-only): the identity
  // applying the stack may manage this vault's secrets.
  const deployer = share(ctx, 'deployerSecrets', new azure.RoleAssignment(ctx.stack, 'deployer_secrets', { scope: vault.id, roleDefinitionName: 'Key Vault Secrets Officer', principalId: client.objectId }));
  // The site's own secret (WordPress's keys and salts) exists before the servers do, so their
  // write access is granted on it alone: its first value is an empty document (write-only, and
  // no secret) that the first server replaces with the salts it makes (a new version).
  share(ctx, 'secret', new azure.KeyVaultSecret(ctx.stack, `${ctx.workload.slug}_secret`, {
    name: azureSiteSecretName(ctx),
    keyVaultId: vault.id,
    valueWo: '{}',
    valueWoVersion: 1,
    contentType: 'application/json',
    tags: ctx.tags,
    dependsOn: [deployer],
  }));
};

/** The site's secret in the stack's vault (access.ts's SECRET_NAME): letters, digits and hyphens. */
export function azureSiteSecretName(ctx: StackContext): string {
  return `${ctx.workload.slug}-passwords`;
}
