import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { alarms } from '../../prices/alarm.ts';
import { cacheNodes } from '../../prices/cache.ts';
import { cdn } from '../../prices/cdn.ts';
import { dnsZone } from '../../prices/dns-zone.ts';
import { fileShare } from '../../prices/file-share.ts';
import { instanceGroup } from '../../prices/instance-group.ts';
import { loadBalancer } from '../../prices/load-balancer.ts';
import { managedMysql } from '../../prices/mysql.ts';
import { commonPrices, diskPerTier, natGateway, noCharge, secretOperations } from '../../pricing.ts';
import type { CloudKnowledge } from '../registry.ts';
import data from './data.json' with { type: 'json' };
import images from './images.json' with { type: 'json' };
import regions from './regions.json' with { type: 'json' };

/** Front Door Standard and Premium service limits (Standard: 100 custom domains per profile). */
const FRONT_DOOR_LIMITS = 'https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/azure-subscription-service-limits#azure-front-door-standard-and-premium-service-limits';

/** What a Burstable MySQL class becomes with high availability: the smallest General Purpose class. */
const BURSTABLE_HA = { type: 'GP_Standard_D2ds_v4', vcpu: 2, memoryGiB: 8, why: 'Azure offers zone-redundant high availability on General Purpose classes, not on Burstable (https://learn.microsoft.com/en-us/azure/mysql/flexible-server/concepts-high-availability)' };

export const azureKnowledge: CloudKnowledge = {
  id: 'azure',
  displayName: 'Azure',
  // JSON blocks differ in their price keys; test/knowledge-base-data.test.ts checks the shape.
  data: data as unknown as CloudData,
  regions,
  images: images as CloudImages,
  names: { firewall: 'network security group', secret: 'Key Vault secret', vm: 'Linux VM', bucket: 'Blob container', 'public-ip': 'public IP address', nat: 'NAT gateway',
    'load-balancer': 'Application Gateway (Standard_v2)', mysql: 'Azure Database for MySQL flexible server', 'file-share': 'Azure Files share', cache: 'Azure Cache for Redis',
    'dns-zone': 'Azure DNS zone', certificate: 'Front Door managed certificate', cdn: 'Front Door (Standard) profile', 'instance-group': 'VM Scale Set', alarm: 'Azure Monitor alert rules and action group',
  },
  loadBalancerSources: { cidrs: ['10.240.0.0/16'], source: 'the Application Gateway runs in a subnet of the stack\'s virtual network (10.240.0.0/16, synth/clouds/azure/base.ts) and connects from its instances\' private addresses: https://learn.microsoft.com/en-us/azure/application-gateway/configuration-infrastructure' },
  edgeTls: { why: 'an Application Gateway listener needs a certificate Azure does not issue for free (Key Vault issues through paid certificate authority accounts), while Front Door issues managed, DNS-validated certificates for custom domains: every Azure website is served through a Front Door profile (https://learn.microsoft.com/en-us/azure/frontdoor/domain#azure-front-door-managed-tls-certificates)' },
  nfsMountOptions: { options: 'vers=4,minorversion=1,sec=sys,hard,_netdev,nofail', source: 'https://learn.microsoft.com/en-us/azure/storage/files/storage-files-how-to-mount-nfs-shares' },
  privateServices: { ok: true },
  limits: {
    // TLS is at Front Door (edgeTls): every name of a plan certificate is a Front Door custom domain with its own managed certificate.
    'certificates-per-load-balancer': { value: 100, what: 'custom domains on one Front Door Standard profile (every name of a certificate is one)', source: FRONT_DOOR_LIMITS },
    'names-per-certificate': { value: 100, what: 'names planned on one certificate (on Azure each becomes a Front Door custom domain with its own managed certificate)', source: FRONT_DOOR_LIMITS },
    'custom-domains-per-edge-profile': { value: 100, what: 'custom domains on one Front Door Standard profile', source: FRONT_DOOR_LIMITS },
  },
  // Managed services by named size (the website's database and object cache).
  sizes: {
    mysql: {
      // Zone-redundant high availability is offered on General Purpose and Business Critical classes only, not on Burstable:
      // https://learn.microsoft.com/en-us/azure/mysql/flexible-server/concepts-high-availability
      small: { type: 'B_Standard_B1ms', vcpu: 1, memoryGiB: 2, highAvailability: BURSTABLE_HA },
      medium: { type: 'B_Standard_B2s', vcpu: 2, memoryGiB: 4, highAvailability: BURSTABLE_HA }, large: { type: 'GP_Standard_D2ds_v4', vcpu: 2, memoryGiB: 8 }, xlarge: { type: 'GP_Standard_D4ds_v4', vcpu: 4, memoryGiB: 16 } },
    cache: { small: { type: 'Basic C1', memoryGiB: 1 }, medium: { type: 'Standard C1', memoryGiB: 1 }, large: { type: 'Standard C3', memoryGiB: 6 } },
  },
  prices: {
    ...commonPrices,
    // Managed disks are billed as the smallest size tier that holds them (200 GiB is a P15).
    disk: diskPerTier,
    // Key Vault bills operations (per 10,000), not stored secrets: priced under SECRET_OPERATIONS_ASSUMPTION.
    secret: secretOperations(),
    nat: natGateway(),
    firewall: noCharge('network security groups have no charge'),
    // The website stack. HTTPS needs a layer-7 load balancer that terminates TLS with the site's
    // certificate: Application Gateway v2 does (certificate from Key Vault); the Standard Load
    // Balancer is layer 4 and holds no certificate, so it cannot serve HTTPS for the servers.
    'load-balancer': loadBalancer({ name: 'Application Gateway Standard_v2', hourKey: 'lb-hour', capacity: { key: 'lb-capacity-unit', unit: 'capacity unit', definition: 'a capacity unit is 2,500 persistent connections, 2.22 Mbps or one compute unit (about 50 TLS connections a second), whichever is highest', reservedPerInstance: 10 } }),
    mysql: managedMysql({ name: 'Azure Database for MySQL flexible server', compute: 'class' }),
    // The servers mount the share over NFS (nfsMountOptions), which Azure Files offers only on SSD
    // (premium) shares: billed for the provisioned size, 100 GiB at least, whatever is stored
    // (https://learn.microsoft.com/azure/storage/files/understanding-billing).
    'file-share': fileShare({ name: 'Azure Files premium (NFS)', billing: 'provisioned', minGiB: 100 }),
    // Azure prices a cache per hour (a Standard cache includes its replica).
    cache: cacheNodes('Azure Cache for Redis', 'cache'),
    'dns-zone': dnsZone('Azure DNS zone'),
    // TLS ends at Front Door Standard (the cdn line), in front of the Application Gateway, with
    // Front Door managed certificates: issued and renewed by Front Door with no charge of their own.
    certificate: noCharge('Front Door managed certificates have no charge: Front Door\'s HTTPS page says "No extra cost: No costs for certificate acquisition, renewal, or HTTPS traffic" (https://learn.microsoft.com/azure/frontdoor/front-door-custom-domain-https, written for Front Door classic), and Front Door Standard bills only the profile\'s base fee, requests and data transfer, no certificate meter (https://learn.microsoft.com/azure/frontdoor/billing)'),
    cdn: cdn('Front Door Standard', { baseKey: 'cdn-base' }),
    'instance-group': instanceGroup('VM Scale Set'),
    alarm: alarms('Azure Monitor alert rules and action group', { emailKey: 'notification-email' }),
  },
};
