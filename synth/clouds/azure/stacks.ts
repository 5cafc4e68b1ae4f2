import { backends } from '../../cdktf/index.ts';
import type { CloudStacks } from '../../stack/context.ts';
import { azureAlarms } from './alarms.ts';
import { azureLoadBalancer } from './appgw.ts';
import { azureBase } from './base.ts';
import { azureBucket } from './bucket.ts';
import { azureCache } from './cache.ts';
import { azureCdn } from './cdn.ts';
import { azureCertificate } from './certificate.ts';
import { azureDisk } from './disk.ts';
import { azureDnsZone } from './dns.ts';
import { azureFileShare } from './files.ts';
import { azureFirewall } from './firewall.ts';
import { azureInstanceGroup } from './group.ts';
import { azureBackupSchedule, azurePublicIp } from './misc.ts';
import { azureMysql } from './mysql.ts';
import { azureNat } from './nat.ts';
import { azureSecret } from './secret.ts';
import { azureVm } from './vm.ts';

/** azure's Terraform constructs, one file per abstract resource type. */
export const azureStacks: CloudStacks = {
  base: azureBase,
  // A server stack (vm, disk) and a website stack (the zone and certificates, i.e. Front Door's
  // custom domains, before the gateway; the storage, database and cache before the scale set that
  // reads their addresses; Front Door's routes once the gateway and domains exist; the alarms
  // last) share the first five.
  order: ['secret', 'bucket', 'firewall', 'public-ip', 'nat', 'vm', 'disk', 'backup-schedule', 'dns-zone', 'certificate', 'load-balancer', 'file-share', 'mysql', 'cache', 'instance-group', 'cdn', 'alarm'],
  resources: {
    secret: azureSecret, bucket: azureBucket, firewall: azureFirewall, 'public-ip': azurePublicIp, nat: azureNat, vm: azureVm, disk: azureDisk, 'backup-schedule': azureBackupSchedule,
    'dns-zone': azureDnsZone, certificate: azureCertificate, 'load-balancer': azureLoadBalancer, 'file-share': azureFileShare, mysql: azureMysql, cache: azureCache, 'instance-group': azureInstanceGroup, cdn: azureCdn, alarm: azureAlarms,
  },
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
    azurerm_subnet_network_security_group_association: 'an association, not a taggable resource',
    azurerm_storage_share: 'a share takes metadata, not tags; its storage account is tagged',
    azurerm_mysql_flexible_server_configuration: 'a server parameter, not a resource; the server is tagged',
    azurerm_mysql_flexible_database: 'a database inside the server, which is tagged',
    azurerm_cdn_frontdoor_custom_domain: 'custom domains take no tags; the Front Door profile is tagged',
    azurerm_cdn_frontdoor_custom_domain_association: 'an association, not a taggable resource',
    azurerm_cdn_frontdoor_origin_group: 'origin groups take no tags; the Front Door profile is tagged',
    azurerm_cdn_frontdoor_origin: 'origins take no tags; the Front Door profile is tagged',
    azurerm_cdn_frontdoor_route: 'routes take no tags; the Front Door endpoint is tagged',
  },
  tagsOf: (_json, _type, res) => res.tags,
  backend(stack, key, b) {
    new backends.AzurermBackend(stack, { resourceGroupName: b.resourceGroup!, storageAccountName: b.storageAccount!, containerName: b.container!, key: `${key}.tfstate`, useAzureadAuth: true });
  },
};
