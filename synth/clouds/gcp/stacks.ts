import { backends } from '../../cdktf/index.ts';
import type { CloudStacks } from '../../stack/context.ts';
import { gcpBase } from './base.ts';
import { gcpBucket } from './bucket.ts';
import { gcpDisk } from './disk.ts';
import { gcpFirewall } from './firewall.ts';
import { gcpBackupSchedule, gcpPublicIp } from './misc.ts';
import { gcpNat } from './nat.ts';
import { gcpSecret } from './secret.ts';
import { gcpVm } from './vm.ts';

/** gcp's Terraform constructs, one file per abstract resource type. */
export const gcpStacks: CloudStacks = {
  base: gcpBase,
  order: ['secret', 'bucket', 'firewall', 'disk', 'public-ip', 'nat', 'vm', 'backup-schedule'],
  resources: { secret: gcpSecret, bucket: gcpBucket, firewall: gcpFirewall, disk: gcpDisk, 'public-ip': gcpPublicIp, nat: gcpNat, vm: gcpVm, 'backup-schedule': gcpBackupSchedule },
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
  },
  tagsOf: (_json, _type, res) => res.labels ?? res.boot_disk?.initialize_params?.labels,
  backend(stack, key, b) {
    new backends.GcsBackend(stack, { bucket: b.bucket!, prefix: key });
  },
};
