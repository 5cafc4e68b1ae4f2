import { backends } from '../../cdktf/index.ts';
import type { CloudStacks } from '../../stack/context.ts';
import { azureBase } from './base.ts';
import { azureBucket } from './bucket.ts';
import { azureDisk } from './disk.ts';
import { azureFirewall } from './firewall.ts';
import { azureBackupSchedule, azurePublicIp } from './misc.ts';
import { azureNat } from './nat.ts';
import { azureSecret } from './secret.ts';
import { azureVm } from './vm.ts';

/** azure's Terraform constructs, one file per abstract resource type. */
export const azureStacks: CloudStacks = {
  base: azureBase,
  order: ['secret', 'bucket', 'firewall', 'public-ip', 'nat', 'vm', 'disk', 'backup-schedule'],
  resources: { secret: azureSecret, bucket: azureBucket, firewall: azureFirewall, 'public-ip': azurePublicIp, nat: azureNat, vm: azureVm, disk: azureDisk, 'backup-schedule': azureBackupSchedule },
  untaggable: {
    terraform_data: 'the server identity that triggers a replacement: state only, not a cloud resource',
    azurerm_subnet: 'subnets cannot be tagged; the virtual network is',
    azurerm_storage_container: 'containers cannot be tagged; the storage account is',
    azurerm_storage_management_policy: 'a policy of the storage account, which is tagged',
    azurerm_network_interface_security_group_association: 'an association, not a taggable resource',
    azurerm_virtual_machine_data_disk_attachment: 'an attachment, not a taggable resource',
    azurerm_role_assignment: 'role assignments cannot be tagged',
    azurerm_nat_gateway_public_ip_association: 'an association, not a taggable resource',
    azurerm_subnet_nat_gateway_association: 'an association, not a taggable resource',
    azurerm_storage_blob: 'blobs take metadata, not tags; the storage account is tagged',
  },
  tagsOf: (_json, _type, res) => res.tags,
  backend(stack, key, b) {
    new backends.AzurermBackend(stack, { resourceGroupName: b.resourceGroup!, storageAccountName: b.storageAccount!, containerName: b.container!, key: `${key}.tfstate`, useAzureadAuth: true });
  },
};
