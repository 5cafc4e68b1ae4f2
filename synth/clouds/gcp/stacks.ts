import { backends } from '../../cdktf/index.ts';
import type { CloudStacks } from '../../stack/context.ts';
import { gcpAlarms } from './alarms.ts';
import { gcpBase } from './base.ts';
import { gcpBucket } from './bucket.ts';
import { gcpCache } from './cache.ts';
import { gcpCdn } from './cdn.ts';
import { gcpCertificate } from './certificate.ts';
import { gcpDisk } from './disk.ts';
import { gcpDnsZone } from './dns.ts';
import { gcpFileShare } from './filestore.ts';
import { gcpFirewall } from './firewall.ts';
import { gcpInstanceGroup } from './group.ts';
import { gcpLoadBalancer } from './load-balancer.ts';
import { gcpBackupSchedule, gcpPublicIp } from './misc.ts';
import { gcpMysql } from './mysql.ts';
import { gcpNat } from './nat.ts';
import { gcpSecret } from './secret.ts';
import { gcpVm } from './vm.ts';

/** gcp's Terraform constructs, one file per abstract resource type. */
export const gcpStacks: CloudStacks = {
  base: gcpBase,
  // A server stack (disk, vm) and a website stack share the first five. A website's zone and
  // certificates come first, the storage, database and cache before the group that reads their
  // addresses, the group before the load balancer whose backend service names it, the CDN (a
  // setting of that backend service) and the alerts last.
  order: ['secret', 'bucket', 'firewall', 'disk', 'public-ip', 'nat', 'vm', 'backup-schedule', 'dns-zone', 'certificate', 'file-share', 'mysql', 'cache', 'instance-group', 'load-balancer', 'cdn', 'alarm'],
  resources: {
    secret: gcpSecret, bucket: gcpBucket, firewall: gcpFirewall, disk: gcpDisk, 'public-ip': gcpPublicIp, nat: gcpNat, vm: gcpVm, 'backup-schedule': gcpBackupSchedule,
    'dns-zone': gcpDnsZone, certificate: gcpCertificate, 'file-share': gcpFileShare, mysql: gcpMysql, cache: gcpCache, 'instance-group': gcpInstanceGroup, 'load-balancer': gcpLoadBalancer, cdn: gcpCdn, alarm: gcpAlarms,
  },
  untaggable: {
    terraform_data: 'the server identity that triggers a replacement: state only, not a cloud resource',
    google_compute_network: 'VPC networks take no labels',
    google_compute_subnetwork: 'subnetworks take no labels',
    google_compute_firewall: 'firewall rules take no labels; their description names the plan',
    google_service_account: 'service accounts take no labels',
    google_secret_manager_secret_iam_member: 'IAM bindings take no labels',
    google_storage_bucket_iam_member: 'IAM bindings take no labels',
    google_compute_router: 'Cloud Routers take no labels; their name carries the plan',
    google_compute_router_nat: 'a NAT configuration of its router',
    google_storage_bucket_object: 'objects take no labels; the bucket is labelled',
    google_secret_manager_secret_version: 'a version of its secret, which is labelled',
    google_service_networking_connection: 'a peering takes no labels; its reserved range is labelled',
    google_sql_database: 'a database inside its Cloud SQL instance, which is labelled',
    google_sql_user: 'a user of its Cloud SQL instance, which is labelled',
    google_dns_record_set: 'a record is an entry of its zone, which is labelled',
    google_compute_health_check: 'health checks take no labels; their name carries the site',
    google_compute_backend_service: 'backend services take no labels; their name carries the site',
    google_compute_url_map: 'URL maps take no labels; their name carries the site',
    google_compute_target_http_proxy: 'target proxies take no labels; the forwarding rules are labelled',
    google_compute_target_https_proxy: 'target proxies take no labels; the forwarding rules are labelled',
    google_compute_ssl_policy: 'SSL policies take no labels; their name carries the site',
    google_compute_region_instance_group_manager: 'managed instance groups take no labels; their instances carry the template\'s',
    google_compute_region_autoscaler: 'autoscalers take no labels; the group is labelled',
  },
  // Labels sit at the top for most types; monitoring resources keep theirs in user_labels (their `labels` are the channel's settings), Cloud SQL in settings.user_labels.
  tagsOf: (_json, _type, res) => res.user_labels ?? res.settings?.user_labels ?? res.settings?.[0]?.user_labels ?? res.labels ?? res.boot_disk?.initialize_params?.labels,
  backend(stack, key, b) {
    new backends.GcsBackend(stack, { bucket: b.bucket!, prefix: key });
  },
};
