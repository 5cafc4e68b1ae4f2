import { TerraformOutput } from '../../cdktf/index.ts';
import { azure } from '../../cdktf/azure.ts';
import type { KeyVault, LinuxVirtualMachine, NetworkInterface, NetworkSecurityGroup, PublicIp, ResourceGroup, StorageAccount, StorageContainer } from '../../cdktf/azure.ts';
import type { ITerraformDependable } from '../../cdktf/index.ts';
import { cloudConfig, withinLimit } from '../../stack/user-data.ts';
import { AZURE_BACKUP_CONTAINER, AZURE_CONFIG_CONTAINER } from './bucket.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { maybeShared, serverIdentity, share, shared } from '../../stack/shared.ts';
import { azureAccess } from './access.ts';
import { NO_LOGIN_KEY } from './base.ts';

/** custom_data holds at most 65,535 bytes before base64 (https://learn.microsoft.com/azure/virtual-machines/custom-data). */
export const AZURE_CUSTOM_DATA_LIMIT = 65535;

/**
 * One Linux VM per server with a system-assigned identity that may write this plan's backups
 * and secret. No password, no usable SSH key; zones spread the servers. custom_data holds the
 * cloud-config document carrying the compressed first-boot script, which changes only with what
 * the server is (then the VM is rebuilt and the data disk reattached); day-2 configuration is a
 * blob the server's agent applies in place.
 */
export const azureVm: ResourceSynth = (ctx, r, i) => {
  const { stack, plan, names } = ctx;
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const zones = catalogFor('azure').zones(plan.region);
  const pip = maybeShared<PublicIp>(ctx, `pip${i}`);
  const nic = new azure.NetworkInterface(stack, `nic_${i}`, {
    name: `${names.base}-${i}-nic`,
    resourceGroupName: rg.name,
    location: rg.location,
    ipConfiguration: [{ name: 'primary', subnetId: shared<string>(ctx, 'subnetId'), privateIpAddressAllocation: 'Dynamic', ...(pip ? { publicIpAddressId: pip.id } : {}) }],
    tags: ctx.tags,
  });
  new azure.NetworkInterfaceSecurityGroupAssociation(stack, `nic_${i}_nsg`, { networkInterfaceId: nic.id, networkSecurityGroupId: shared<NetworkSecurityGroup>(ctx, 'nsg').id });
  share(ctx, `nic${i}`, nic);
  const primaryNic = i === 0 ? undefined : shared<NetworkInterface>(ctx, 'nic0');
  const image = plan.image!.ref;
  const access = azureAccess(ctx);
  const userData = withinLimit(cloudConfig(ctx.bootScript(i, access)), AZURE_CUSTOM_DATA_LIMIT, `the custom data of server ${i}`);
  const config = ctx.serverConfig(i, access);
  const account = maybeShared<StorageAccount>(ctx, 'storageAccount');
  const container = maybeShared<StorageContainer>(ctx, 'configContainer');
  const configBlob = config && account && container
    ? new azure.StorageBlob(stack, `server_${i}_config`, { name: config.key, storageAccountName: account.name, storageContainerName: container.name, type: 'Block', sourceContent: ctx.lit(config.content), contentType: 'application/json' })
    : undefined;
  const nat = maybeShared<unknown>(ctx, 'nat');
  const vm = new azure.LinuxVirtualMachine(stack, `server_${i}`, {
    name: `${names.base}-${i}`,
    resourceGroupName: rg.name,
    location: rg.location,
    size: r.type,
    ...(zones.length ? { zone: zones[i % zones.length] } : {}),
    adminUsername: 'azureuser',
    disablePasswordAuthentication: true,
    adminSshKey: [{ username: 'azureuser', publicKey: NO_LOGIN_KEY }],
    networkInterfaceIds: [nic.id],
    identity: { type: 'SystemAssigned' },
    osDisk: { caching: 'ReadWrite', storageAccountType: 'Premium_LRS', diskSizeGb: 30 },
    sourceImageReference: { publisher: String(image.publisher), offer: String(image.offer), sku: String(image.sku), version: 'latest' },
    ...(image.plan ? { plan: { name: String(image.sku), product: String(image.offer), publisher: String(image.publisher) } } : {}),
    customData: Buffer.from(userData).toString('base64'),
    // Replaced when what it is changes (image, PostgreSQL major, egress); not for a new AutoStack release.
    lifecycle: { ignoreChanges: ['custom_data'], replaceTriggeredBy: [serverIdentity(ctx, r, i)] },
    tags: { ...ctx.tags, 'autostack-role': i === 0 ? 'primary' : 'replica', ...(primaryNic ? { 'autostack-primary-host': primaryNic.privateIpAddress } : {}) },
    // First boot needs its way out (NAT gateway on the subnet) and its configuration in place.
    dependsOn: [...(configBlob ? [configBlob] : []), ...(nat ? [nat as ITerraformDependable] : [])],
  });
  share(ctx, `vm${i}`, vm);
  ctx.serverGroup(i, vm);
  grant(ctx, vm, i);
  if (i === 0) new TerraformOutput(stack, 'primary_private_ip', { value: nic.privateIpAddress, description: ctx.workload.outputs.primaryAddress });
};

function grant(ctx: Parameters<ResourceSynth>[0], vm: LinuxVirtualMachine, i: number): void {
  const principalId = vm.identity.principalId;
  const vault = maybeShared<KeyVault>(ctx, 'vault');
  if (vault) new azure.RoleAssignment(ctx.stack, `server_${i}_secrets`, { scope: vault.id, roleDefinitionName: 'Key Vault Secrets Officer', principalId });
  const account = maybeShared<StorageAccount>(ctx, 'storageAccount');
  if (account) {
    // Write the backups' container; only read the configuration container (a server never rewrites its own document).
    const container = (name: string) => `${account.id}/blobServices/default/containers/${name}`;
    const after = (key: string) => ({ dependsOn: [shared<StorageContainer>(ctx, key)] });
    new azure.RoleAssignment(ctx.stack, `server_${i}_backups`, { scope: container(AZURE_BACKUP_CONTAINER), roleDefinitionName: 'Storage Blob Data Contributor', principalId, ...after('backupContainer') });
    new azure.RoleAssignment(ctx.stack, `server_${i}_config_reader`, { scope: container(AZURE_CONFIG_CONTAINER), roleDefinitionName: 'Storage Blob Data Reader', principalId, ...after('configContainer') });
  }
}
