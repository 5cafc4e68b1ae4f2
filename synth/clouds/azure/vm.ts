import { TerraformOutput } from '../../cdktf/index.ts';
import { azure } from '../../cdktf/azure.ts';
import type { KeyVault, LinuxVirtualMachine, NetworkInterface, NetworkSecurityGroup, PublicIp, ResourceGroup, StorageAccount } from '../../cdktf/azure.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { maybeShared, share, shared } from '../../stack/shared.ts';
import { azureAccess } from './access.ts';
import { NO_LOGIN_KEY } from './base.ts';

/**
 * One Linux VM per server with a system-assigned identity that may write this plan's backups
 * and secret. No password, no usable SSH key; zones spread the servers. custom_data holds the
 * first-boot script (base64); a new script rebuilds the VM and the data disk is reattached.
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
  const script = ctx.bootScript(i, azureAccess(ctx));
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
    customData: Buffer.from(script).toString('base64'),
    tags: { ...ctx.tags, 'autostack-role': i === 0 ? 'primary' : 'replica', ...(primaryNic ? { 'autostack-primary-host': primaryNic.privateIpAddress } : {}) },
  });
  share(ctx, `vm${i}`, vm);
  grant(ctx, vm, i);
  if (i === 0) new TerraformOutput(stack, 'primary_private_ip', { value: nic.privateIpAddress, description: ctx.workload.outputs.primaryAddress });
};

function grant(ctx: Parameters<ResourceSynth>[0], vm: LinuxVirtualMachine, i: number): void {
  const principalId = vm.identity.principalId;
  const vault = maybeShared<KeyVault>(ctx, 'vault');
  if (vault) new azure.RoleAssignment(ctx.stack, `server_${i}_secrets`, { scope: vault.id, roleDefinitionName: 'Key Vault Secrets Officer', principalId });
  const account = maybeShared<StorageAccount>(ctx, 'storageAccount');
  if (account) new azure.RoleAssignment(ctx.stack, `server_${i}_backups`, { scope: account.id, roleDefinitionName: 'Storage Blob Data Contributor', principalId });
}
