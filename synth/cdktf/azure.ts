// azure's provider constructs, by deep path (a provider package root costs seconds and hundreds of MB).
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider/index.js';
import { ApplicationGateway } from '@cdktf/provider-azurerm/lib/application-gateway/index.js';
import { CdnFrontdoorCustomDomainAssociation } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-custom-domain-association/index.js';
import { CdnFrontdoorCustomDomain } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-custom-domain/index.js';
import { CdnFrontdoorEndpoint } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-endpoint/index.js';
import { CdnFrontdoorOriginGroup } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-origin-group/index.js';
import { CdnFrontdoorOrigin } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-origin/index.js';
import { CdnFrontdoorProfile } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-profile/index.js';
import { CdnFrontdoorRoute } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-route/index.js';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config/index.js';
import { DnsARecord } from '@cdktf/provider-azurerm/lib/dns-a-record/index.js';
import { DnsCnameRecord } from '@cdktf/provider-azurerm/lib/dns-cname-record/index.js';
import { DnsTxtRecord } from '@cdktf/provider-azurerm/lib/dns-txt-record/index.js';
import { DnsZone } from '@cdktf/provider-azurerm/lib/dns-zone/index.js';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret/index.js';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault/index.js';
import { LinuxVirtualMachineScaleSet } from '@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set/index.js';
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine/index.js';
import { ManagedDisk } from '@cdktf/provider-azurerm/lib/managed-disk/index.js';
import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group/index.js';
import { MonitorAutoscaleSetting } from '@cdktf/provider-azurerm/lib/monitor-autoscale-setting/index.js';
import { MonitorMetricAlert } from '@cdktf/provider-azurerm/lib/monitor-metric-alert/index.js';
import { MysqlFlexibleDatabase } from '@cdktf/provider-azurerm/lib/mysql-flexible-database/index.js';
import { MysqlFlexibleServerConfiguration } from '@cdktf/provider-azurerm/lib/mysql-flexible-server-configuration/index.js';
import { MysqlFlexibleServer } from '@cdktf/provider-azurerm/lib/mysql-flexible-server/index.js';
import { NatGatewayPublicIpAssociation } from '@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association/index.js';
import { NatGateway } from '@cdktf/provider-azurerm/lib/nat-gateway/index.js';
import { NetworkInterfaceSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/network-interface-security-group-association/index.js';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface/index.js';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group/index.js';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link/index.js';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone/index.js';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint/index.js';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip/index.js';
import { RedisCache } from '@cdktf/provider-azurerm/lib/redis-cache/index.js';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group/index.js';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment/index.js';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account/index.js';
import { StorageBlob } from '@cdktf/provider-azurerm/lib/storage-blob/index.js';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container/index.js';
import { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy/index.js';
import { StorageShare } from '@cdktf/provider-azurerm/lib/storage-share/index.js';
import { SubnetNatGatewayAssociation } from '@cdktf/provider-azurerm/lib/subnet-nat-gateway-association/index.js';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association/index.js';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet/index.js';
import { VirtualMachineDataDiskAttachment } from '@cdktf/provider-azurerm/lib/virtual-machine-data-disk-attachment/index.js';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network/index.js';

export type { RoleAssignment, NatGateway, Subnet, StorageContainer, KeyVault, LinuxVirtualMachine, NetworkInterface, NetworkSecurityGroup, PublicIp, ResourceGroup, StorageAccount, DataAzurermClientConfig, ApplicationGateway, CdnFrontdoorCustomDomain, CdnFrontdoorEndpoint, CdnFrontdoorProfile, DnsZone, KeyVaultSecret, LinuxVirtualMachineScaleSet, MysqlFlexibleServer, RedisCache, StorageShare, VirtualNetwork };

export const azure = {
  ApplicationGateway, AzurermProvider, CdnFrontdoorCustomDomain, CdnFrontdoorCustomDomainAssociation, CdnFrontdoorEndpoint, CdnFrontdoorOrigin, CdnFrontdoorOriginGroup, CdnFrontdoorProfile, CdnFrontdoorRoute, DataAzurermClientConfig, DnsARecord, DnsCnameRecord, DnsTxtRecord, DnsZone, KeyVault, KeyVaultSecret, LinuxVirtualMachine, LinuxVirtualMachineScaleSet, ManagedDisk, MonitorActionGroup, MonitorAutoscaleSetting, MonitorMetricAlert, MysqlFlexibleDatabase, MysqlFlexibleServer, MysqlFlexibleServerConfiguration, NatGateway, NatGatewayPublicIpAssociation, NetworkInterface, NetworkInterfaceSecurityGroupAssociation, NetworkSecurityGroup, PrivateDnsZone, PrivateDnsZoneVirtualNetworkLink, PrivateEndpoint, PublicIp, RedisCache, ResourceGroup, RoleAssignment, StorageAccount, StorageBlob, StorageContainer, StorageManagementPolicy, StorageShare, Subnet, SubnetNatGatewayAssociation, SubnetNetworkSecurityGroupAssociation, VirtualMachineDataDiskAttachment, VirtualNetwork,
};
