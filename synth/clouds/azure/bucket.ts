import { azure } from '../../cdktf/azure.ts';
import type { ResourceGroup } from '../../cdktf/azure.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';

/** The container pgBackRest (or any backup tool of a kind) writes to. */
export const AZURE_BACKUP_CONTAINER = 'pgbackrest';

/**
 * The container a website's servers write their backups to (database dumps and file archives
 * under `<prefix>/<site>/`). Azure RBAC scopes a role to a storage account or a container, never
 * to a blob prefix: the servers' write access is this container's alone.
 */
export const AZURE_WEBSITE_BACKUP_CONTAINER = 'site-backups';

/** The backups' container of the stack: a website's, or pgBackRest's. */
export function azureBackupContainer(ctx: StackContext): string {
  const bucket = ctx.plan.resources.find((r) => r.kind === 'bucket');
  return typeof bucket?.attrs.prefix === 'string' ? AZURE_WEBSITE_BACKUP_CONTAINER : AZURE_BACKUP_CONTAINER;
}

/** The container holding the servers' configuration documents (read by their agents). */
export const AZURE_CONFIG_CONTAINER = 'autostack';

/** Storage account (TLS 1.2, no public blobs, no shared keys, versioned) and a private container for pgBackRest. */
export const azureBucket: ResourceSynth = (ctx, r) => {
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const account = share(ctx, 'storageAccount', new azure.StorageAccount(ctx.stack, 'backups', {
    name: ctx.names.storageAccount,
    resourceGroupName: rg.name,
    location: rg.location,
    accountTier: 'Standard',
    accountReplicationType: 'LRS',
    accountKind: 'StorageV2',
    accessTier: 'Hot',
    minTlsVersion: 'TLS1_2',
    httpsTrafficOnlyEnabled: true,
    allowNestedItemsToBePublic: false,
    sharedAccessKeyEnabled: false,
    blobProperties: { versioningEnabled: true, deleteRetentionPolicy: { days: 7 } },
    tags: ctx.tags,
  }));
  const website = typeof r.attrs.prefix === 'string';
  const container = website ? AZURE_WEBSITE_BACKUP_CONTAINER : AZURE_BACKUP_CONTAINER;
  share(ctx, 'backupContainer', new azure.StorageContainer(ctx.stack, 'backups_container', { name: container, storageAccountId: account.id, containerAccessType: 'private' }));
  // The servers' configuration documents live apart from the backups: the retention rule never reaches them.
  share(ctx, 'configContainer', new azure.StorageContainer(ctx.stack, 'config_container', { name: AZURE_CONFIG_CONTAINER, storageAccountId: account.id, containerAccessType: 'private' }));
  new azure.StorageManagementPolicy(ctx.stack, 'backups_lifecycle', {
    storageAccountId: account.id,
    rule: [{
      name: 'retention-backstop',
      enabled: true,
      // A website's backups are kept exactly their retention (the rule is how they expire); pgBackRest expires its own, the rule is a backstop.
      filters: { blobTypes: ['blockBlob'], prefixMatch: [website ? `${container}/${String(r.attrs.prefix)}/` : `${container}/`] },
      actions: { baseBlob: { deleteAfterDaysSinceModificationGreaterThan: website ? Math.max(1, Number(r.attrs.retentionDays)) : Number(r.attrs.retentionDays) + 14 }, version: { deleteAfterDaysSinceCreation: 7 } },
    }],
  });
};
