import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { alarms } from '../../prices/alarm.ts';
import { cachePerGiB } from '../../prices/cache.ts';
import { cdn } from '../../prices/cdn.ts';
import { certificateMonthly } from '../../prices/certificate.ts';
import { dnsZone } from '../../prices/dns-zone.ts';
import { fileShare } from '../../prices/file-share.ts';
import { instanceGroup } from '../../prices/instance-group.ts';
import { loadBalancer } from '../../prices/load-balancer.ts';
import { managedMysql } from '../../prices/mysql.ts';
import { commonPrices, diskPerGiB, natGateway, noCharge, secretMonthly } from '../../pricing.ts';
import type { CloudKnowledge } from '../registry.ts';
import data from './data.json' with { type: 'json' };
import images from './images.json' with { type: 'json' };
import regions from './regions.json' with { type: 'json' };

export const gcpKnowledge: CloudKnowledge = {
  id: 'gcp',
  displayName: 'GCP',
  // JSON blocks differ in their price keys; test/knowledge-base-data.test.ts checks the shape.
  data: data as unknown as CloudData,
  regions,
  images: images as CloudImages,
  names: { firewall: 'VPC firewall rule', secret: 'Secret Manager secret', vm: 'Compute Engine instance', bucket: 'Cloud Storage bucket', 'public-ip': 'external IPv4 address', nat: 'Cloud NAT',
    'load-balancer': 'global external Application Load Balancer', mysql: 'Cloud SQL for MySQL instance', 'file-share': 'Filestore instance', cache: 'Memorystore for Redis instance',
    'dns-zone': 'Cloud DNS zone', certificate: 'Certificate Manager certificate', cdn: 'Cloud CDN', 'instance-group': 'managed instance group', alarm: 'Cloud Monitoring alerting policies',
  },
  loadBalancerSources: { cidrs: ['130.211.0.0/22', '35.191.0.0/16'], source: 'the external Application Load Balancer\'s proxies and health checks connect from these ranges: https://cloud.google.com/load-balancing/docs/https#firewall-rules' },
  nfsMountOptions: { options: 'nfsvers=3,hard,timeo=600,retrans=3,_netdev,nofail', source: 'Filestore Basic serves NFSv3: https://cloud.google.com/filestore/docs/mounting-fileshares' },
  privateServices: { ok: true },
  limits: {
    'certificates-per-load-balancer': { value: 100, what: 'Certificate Manager certificates a target HTTPS proxy references directly (a certificate map holds thousands)', source: 'https://cloud.google.com/certificate-manager/docs/deploy' },
    'names-per-certificate': { value: 100, what: 'domain names on one Google-managed certificate', source: 'https://cloud.google.com/certificate-manager/docs/quotas' },
    // What the website stack builds within (synth/clouds/gcp/): refused at synthesis, never at apply.
    'metadata-value-bytes': { value: 256 * 1024, what: 'bytes in one instance metadata value (the startup script)', source: 'https://cloud.google.com/compute/docs/metadata/setting-custom-metadata#limitations' },
    'metadata-total-bytes': { value: 512 * 1024, what: 'bytes of all of an instance\'s custom metadata together', source: 'https://cloud.google.com/compute/docs/metadata/setting-custom-metadata#limitations' },
    'filestore-basic-hdd-min-gib': { value: 1024, what: 'GiB of the smallest Filestore Basic HDD share (billed as provisioned)', source: 'https://cloud.google.com/filestore/docs/service-tiers' },
    'cloudsql-log-retention-days': { value: 7, what: 'days of binary logs (point-in-time recovery) Cloud SQL Enterprise edition keeps at most', source: 'https://cloud.google.com/sql/docs/mysql/backup-recovery/backups#retention' },
    'redis-instance-id-length': { value: 40, what: 'characters in a Memorystore for Redis instance id', source: 'https://cloud.google.com/memorystore/docs/redis/reference/rest/v1/projects.locations.instances/create' },
  },
  // Managed services by named size (the website's database: Cloud SQL custom machines; object cache: Memorystore tier and GiB).
  sizes: {
    mysql: { small: { type: 'db-custom-1-3840', vcpu: 1, memoryGiB: 3.75 }, medium: { type: 'db-custom-2-7680', vcpu: 2, memoryGiB: 7.5 }, large: { type: 'db-custom-4-15360', vcpu: 4, memoryGiB: 15 }, xlarge: { type: 'db-custom-8-30720', vcpu: 8, memoryGiB: 30 } },
    cache: { small: { type: 'basic', memoryGiB: 1 }, medium: { type: 'basic', memoryGiB: 5 }, large: { type: 'standard', memoryGiB: 5 } },
  },
  prices: {
    ...commonPrices,
    disk: diskPerGiB,
    secret: secretMonthly(),
    // Cloud NAT bills per VM-hour for the VMs using the gateway, capped at 32 VMs.
    nat: natGateway({ perVmHour: { maxVms: 32 } }),
    firewall: noCharge('VPC firewall rules have no charge'),
    // The website stack (global external Application Load Balancer + managed instance group + Filestore + Cloud SQL + Memorystore + Cloud CDN + Cloud DNS).
    'load-balancer': loadBalancer({ name: 'global external Application Load Balancer', hourKey: 'lb-hour', dataKey: 'lb-data' }),
    mysql: managedMysql({ name: 'Cloud SQL for MySQL', compute: 'vcpu-memory' }),
    'file-share': fileShare({ name: 'Filestore Basic HDD', billing: 'provisioned', minGiB: 1024 }),
    cache: cachePerGiB('Memorystore for Redis'),
    'dns-zone': dnsZone('Cloud DNS zone'),
    // No verified figure yet for Certificate Manager (https://cloud.google.com/certificate-manager/pricing is not
    // among the stored sources, and no billing-catalog extract records it): missing, never shown as free.
    certificate: certificateMonthly('Certificate Manager certificate'),
    cdn: cdn('Cloud CDN'),
    'instance-group': instanceGroup('managed instance group'),
    // Cloud Monitoring alerting: no current official per-condition figure could be read. Earlier
    // versions of https://cloud.google.com/monitoring/alerts/cost-control gave $1.50 per condition a
    // month plus $0.35 per million time series returned (charging from "no sooner than" January, then
    // April 2025); the current page bills time-series points returned and points to an in-console
    // estimate, and https://cloud.google.com/stackdriver/pricing was not readable here. Missing until
    // the official figure is recorded (the per-alarm model may also need a per-time-series meter).
    alarm: alarms('Cloud Monitoring alerting policies'),
  },
};
