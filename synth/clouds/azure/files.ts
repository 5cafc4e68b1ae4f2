import { TerraformOutput } from '../../cdktf/index.ts';
import { azure } from '../../cdktf/azure.ts';
import type { ResourceGroup } from '../../cdktf/azure.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { provide, share, shared } from '../../stack/shared.ts';
import { primaryRegionOnly, webSubnets } from './web.ts';

/** A premium file share's smallest provisioned size (https://learn.microsoft.com/en-us/azure/storage/files/understanding-billing#provisioned-v1-model). */
export const AZURE_PREMIUM_SHARE_MIN_GIB = 100;

/**
 * The site's shared storage (uploads): an NFS 4.1 share on a Premium FileStorage account (NFS
 * shares exist on premium accounts only). The account admits the web servers' subnet only
 * (service endpoint and a deny-by-default network rule, no shared keys); NFS carries no
 * encryption in transit of its own, so the account's "secure transfer required" is off (Azure
 * refuses NFS otherwise): the traffic never leaves the virtual network and Azure's backbone, and
 * only the servers' subnet may mount. Root is not squashed (Azure's default for NFS shares: the
 * servers set the uploads' owner).
 * Zone-redundant where the region has zones. Nothing an ordinary change touches replaces it, and
 * Terraform refuses to destroy it (`prevent_destroy`). The servers mount
 * `<account>.file.core.windows.net:/<account>/<share>`.
 */
export const azureFileShare: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const { stack } = ctx;
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const subnets = webSubnets(ctx, 'file share');
  const name = azureFilesAccountName(ctx);
  const account = share(ctx, 'filesAccount', new azure.StorageAccount(stack, 'shared_files', {
    name,
    resourceGroupName: rg.name,
    location: rg.location,
    accountKind: 'FileStorage',
    accountTier: 'Premium',
    accountReplicationType: catalogFor('azure').zones(ctx.plan.region).length ? 'ZRS' : 'LRS',
    minTlsVersion: 'TLS1_2',
    httpsTrafficOnlyEnabled: false,
    sharedAccessKeyEnabled: false,
    allowNestedItemsToBePublic: false,
    publicNetworkAccessEnabled: true,
    networkRules: { defaultAction: 'Deny', virtualNetworkSubnetIds: [subnets.web], bypass: ['AzureServices'] },
    tags: ctx.tags,
    lifecycle: { preventDestroy: true },
  }));
  const shareName = 'uploads';
  share(ctx, 'fileShare', new azure.StorageShare(stack, 'shared_files_share', {
    name: shareName,
    storageAccountId: account.id,
    enabledProtocol: 'NFS',
    quota: AZURE_PREMIUM_SHARE_MIN_GIB,
    lifecycle: { preventDestroy: true },
  }));
  provide(ctx, r.key, 'nfs-export', `${name}.file.core.windows.net:/${name}/${shareName}`);
  new TerraformOutput(stack, 'shared_files_account', { value: account.name, description: 'Premium FileStorage account holding the site\'s uploads (NFS share uploads)' });
};

/** The FileStorage account's name: 3-24 lowercase letters and digits, unique in Azure (the stack's hash). */
export function azureFilesAccountName(ctx: StackContext): string {
  return `asf${ctx.names.hash}${ctx.subject.name.replace(/[^a-z0-9]/g, '')}`.slice(0, 24);
}
