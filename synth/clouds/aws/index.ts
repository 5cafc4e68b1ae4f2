import { registerCloudStack } from '../../stack/registry.ts';
import { awsBase } from './base.ts';
import { awsBucket } from './bucket.ts';
import { awsDisk } from './disk.ts';
import { awsFirewall } from './firewall.ts';
import { awsBackupSchedule, awsPublicIp } from './misc.ts';
import { awsSecret } from './secret.ts';
import { awsVm } from './vm.ts';

registerCloudStack({
  cloud: 'aws',
  base: awsBase,
  order: ['secret', 'bucket', 'firewall', 'vm', 'disk', 'public-ip', 'backup-schedule'],
  resources: { secret: awsSecret, bucket: awsBucket, firewall: awsFirewall, vm: awsVm, disk: awsDisk, 'public-ip': awsPublicIp, 'backup-schedule': awsBackupSchedule },
  // Tags come from the provider's default_tags on every taggable resource; these types take none.
  untaggable: {
    aws_volume_attachment: 'an attachment is not a resource AWS can tag',
    aws_iam_role_policy: 'inline policies cannot be tagged',
    aws_s3_bucket_ownership_controls: 'bucket sub-configuration; the bucket is tagged',
    aws_s3_bucket_public_access_block: 'bucket sub-configuration; the bucket is tagged',
    aws_s3_bucket_versioning: 'bucket sub-configuration; the bucket is tagged',
    aws_s3_bucket_server_side_encryption_configuration: 'bucket sub-configuration; the bucket is tagged',
    aws_s3_bucket_lifecycle_configuration: 'bucket sub-configuration; the bucket is tagged',
    aws_s3_bucket_policy: 'bucket sub-configuration; the bucket is tagged',
  },
});
