import { TerraformOutput } from '../../cdktf/index.ts';
import { azure } from '../../cdktf/azure.ts';
import type { KeyVaultSecret, LinuxVirtualMachineScaleSet, ResourceGroup, StorageAccount, StorageContainer, StorageShare } from '../../cdktf/azure.ts';
import type { ITerraformDependable } from '../../cdktf/index.ts';
import type { GroupPolicy } from '../../core/registry/kinds.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { instanceValueTags, maybeShared, share, shared } from '../../stack/shared.ts';
import { cloudConfig, withinLimit } from '../../stack/user-data.ts';
import { azureAccess } from './access.ts';
import { NO_LOGIN_KEY } from './base.ts';
import { azName, primaryRegionOnly, webSubnets } from './web.ts';
import { AZURE_CUSTOM_DATA_LIMIT } from './vm.ts';

/**
 * How the scale set's rolling upgrade replaces servers, from the workload's rollout. Azure
 * upgrades in equal batches with one pause between every two: rolling is batches of 20% with no
 * pause; a canary's first step is the batch size and its pause the pause between batches (Azure
 * has no steps of different sizes, so 10/50/100 becomes batches of 10%, each after the pause);
 * blue/green is one batch of 100% with surge (every new server is made and healthy before an old
 * one is deleted). Surge is on for all three (new before old). Azure stops an upgrade when more
 * than 20% of the upgraded servers turn unhealthy; it does not roll back by itself: the servers
 * already replaced stay on the new model until the previous commit is applied again.
 */
export function rollingPolicy(policy: GroupPolicy): { maxBatchInstancePercent: number; pauseTimeBetweenBatches: string; maxUnhealthyInstancePercent: number; maxUnhealthyUpgradedInstancePercent: number; maximumSurgeInstancesEnabled: boolean; prioritizeUnhealthyInstancesEnabled: boolean } {
  const r = policy.rollout;
  const batch = r.strategy === 'canary' ? Math.min(100, Math.max(5, r.steps[0] ?? 20)) : r.strategy === 'blueGreen' ? 100 : 20;
  const pause = r.strategy === 'canary' ? r.pauseSeconds : 0;
  return { maxBatchInstancePercent: batch, pauseTimeBetweenBatches: isoDuration(pause), maxUnhealthyInstancePercent: 20, maxUnhealthyUpgradedInstancePercent: 20, maximumSurgeInstancesEnabled: true, prioritizeUnhealthyInstancesEnabled: true };
}

/** Seconds as an ISO 8601 duration (Azure takes at most an hour between batches). */
function isoDuration(seconds: number): string {
  const s = Math.min(3600, Math.max(0, Math.round(seconds)));
  return s === 0 ? 'PT0S' : `PT${Math.floor(s / 60) ? `${Math.floor(s / 60)}M` : ''}${s % 60 ? `${s % 60}S` : ''}`;
}

/**
 * The web servers: a Linux virtual machine scale set (Uniform orchestration, rolling upgrades)
 * of min..max servers over the region's zones in the web servers' subnet, registered in the
 * Application Gateway's pool. No password, no usable SSH key, a system-assigned identity. Health
 * is the Application Health extension asking each server's health path: rolling upgrades wait
 * for it and automatic instance repair replaces a server that stays unhealthy. The first-boot
 * document from the kind's workload is cloud-config custom data (within Azure's 64 KB); the
 * site's day-2 document is a blob of the stack's configuration container, applied in place by
 * the servers' agent. Autoscale on CPU (Azure Monitor rules: out above the target, in well
 * below it; none in notify-only mode, where the CPU alarm tells people instead). The values the
 * servers read at boot (database host, password secret, NFS export, cache host) are the scale
 * set's tags, which reach every instance's metadata (tagsList).
 */
export const azureInstanceGroup: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const { stack, plan } = ctx;
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const subnets = webSubnets(ctx, 'web servers');
  const zones = catalogFor('azure').zones(plan.region);
  const access = azureAccess(ctx);
  const userData = withinLimit(cloudConfig(ctx.bootScript(i, access)), AZURE_CUSTOM_DATA_LIMIT, 'the web servers\' custom data');
  const config = ctx.serverConfig(i, access);
  const account = maybeShared<StorageAccount>(ctx, 'storageAccount');
  const configContainer = maybeShared<StorageContainer>(ctx, 'configContainer');
  const configBlob = config && account && configContainer
    ? new azure.StorageBlob(stack, 'site_config', { name: config.key, storageAccountName: account.name, storageContainerName: configContainer.name, type: 'Block', sourceContent: ctx.lit(config.content), contentType: 'application/json' })
    : undefined;
  const policy = ctx.group(i);
  const image = plan.image!.ref;
  const autoscale = policy.cpuTarget !== undefined;
  const waitFor = [configBlob, maybeShared<unknown>(ctx, 'nat'), maybeShared<StorageShare>(ctx, 'fileShare'), maybeShared<unknown>(ctx, 'cacheEndpoint')].filter((x) => x !== undefined) as ITerraformDependable[];
  const group = share(ctx, 'group', new azure.LinuxVirtualMachineScaleSet(stack, 'web_group', {
    name: azName(ctx, 'web', 64),
    resourceGroupName: rg.name,
    location: rg.location,
    sku: r.type,
    instances: policy.min,
    ...(zones.length ? { zones: [...zones], zoneBalance: false } : {}),
    computerNamePrefix: 'web-',
    adminUsername: 'azureuser',
    disablePasswordAuthentication: true,
    adminSshKey: [{ username: 'azureuser', publicKey: NO_LOGIN_KEY }],
    identity: { type: 'SystemAssigned' },
    sourceImageReference: { publisher: String(image.publisher), offer: String(image.offer), sku: String(image.sku), version: 'latest' },
    ...(image.plan ? { plan: { name: String(image.sku), product: String(image.offer), publisher: String(image.publisher) } } : {}),
    osDisk: { caching: 'ReadWrite', storageAccountType: 'Premium_LRS', diskSizeGb: 30 },
    customData: Buffer.from(userData, 'utf8').toString('base64'),
    overprovision: false,
    upgradeMode: 'Rolling',
    rollingUpgradePolicy: rollingPolicy(policy),
    extension: [{
      name: 'health',
      publisher: 'Microsoft.ManagedServices',
      type: 'ApplicationHealthLinux',
      typeHandlerVersion: '1.0',
      autoUpgradeMinorVersion: true,
      settings: JSON.stringify({ protocol: 'http', port: 80, requestPath: policy.healthPath }),
    }],
    automaticInstanceRepair: { enabled: true, gracePeriod: 'PT15M' },
    networkInterface: [{
      name: 'web',
      primary: true,
      ipConfiguration: [{ name: 'web', primary: true, subnetId: subnets.web, applicationGatewayBackendAddressPoolIds: [shared<string>(ctx, 'gatewayPoolId')] }],
    }],
    tags: { ...ctx.tags, 'autostack-role': 'web', ...instanceValueTags(ctx, i) },
    // Autoscale sets the count between min and max; Terraform leaves it alone.
    ...(autoscale ? { lifecycle: { ignoreChanges: ['instances'] } } : {}),
    // First boot needs its document, its way out, the share to mount and the cache's private address.
    dependsOn: waitFor,
  }));
  grantWebAccess(ctx, group);
  if (autoscale) cpuAutoscale(ctx, group, policy);
  const secret = maybeShared<KeyVaultSecret>(ctx, 'secret');
  if (secret) new TerraformOutput(stack, 'site_secret', { value: secret.versionlessId, description: `Key Vault secret holding ${ctx.workload.outputs.secret ?? 'the site\'s secrets'}` });
};

/** Scale out by one above the CPU target (5-minute average), in by one well below it (10 minutes), between the group's min and max. */
function cpuAutoscale(ctx: StackContext, group: LinuxVirtualMachineScaleSet, policy: GroupPolicy): void {
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const target = policy.cpuTarget!;
  const rule = (operator: string, threshold: number, direction: string, window: string) => ({
    metricTrigger: { metricName: 'Percentage CPU', metricResourceId: group.id, timeGrain: 'PT1M', statistic: 'Average', timeWindow: window, timeAggregation: 'Average', operator, threshold },
    scaleAction: { direction, type: 'ChangeCount', value: 1, cooldown: 'PT5M' },
  });
  new azure.MonitorAutoscaleSetting(ctx.stack, 'web_autoscale', {
    name: azName(ctx, 'web-autoscale', 80),
    resourceGroupName: rg.name,
    location: rg.location,
    targetResourceId: group.id,
    profile: [{
      name: 'cpu',
      capacity: { default: policy.min, minimum: policy.min, maximum: policy.max },
      rule: [rule('GreaterThan', target, 'Increase', 'PT5M'), rule('LessThan', Math.max(5, target - 25), 'Decrease', 'PT10M')],
    }],
    tags: ctx.tags,
  });
}

/**
 * The web servers' identity: the site's secret (read and write: the first server stores the
 * salts; Secrets Officer on that secret alone), the database password's secret (Secrets User:
 * read), the configuration container (read) and the website backups' container (read and write:
 * Azure RBAC cannot scope a role to a blob prefix, so the backups have their own container).
 */
function grantWebAccess(ctx: StackContext, group: LinuxVirtualMachineScaleSet): void {
  const principalId = group.identity.principalId;
  const role = (id: string, scope: string, roleDefinitionName: string, after?: ITerraformDependable) => new azure.RoleAssignment(ctx.stack, id, { scope, roleDefinitionName, principalId, ...(after ? { dependsOn: [after] } : {}) });
  const secret = maybeShared<KeyVaultSecret>(ctx, 'secret');
  if (secret) role('web_site_secret', secret.resourceVersionlessId, 'Key Vault Secrets Officer');
  const dbSecret = maybeShared<KeyVaultSecret>(ctx, 'dbSecret');
  if (dbSecret) role('web_db_secret', dbSecret.resourceVersionlessId, 'Key Vault Secrets User');
  const account = maybeShared<StorageAccount>(ctx, 'storageAccount');
  if (account) {
    // The containers' resource ids, as vm.ts scopes them.
    const scope = (key: string) => `${account.id}/blobServices/default/containers/${shared<StorageContainer>(ctx, key).name}`;
    role('web_config_reader', scope('configContainer'), 'Storage Blob Data Reader', shared<StorageContainer>(ctx, 'configContainer'));
    role('web_backups', scope('backupContainer'), 'Storage Blob Data Contributor', shared<StorageContainer>(ctx, 'backupContainer'));
  }
}
