import { backends } from '../../cdktf/index.ts';
import type { CloudStacks } from '../../stack/context.ts';
import { awsBase } from './base.ts';
import { awsBucket } from './bucket.ts';
import { awsDisk } from './disk.ts';
import { awsFirewall } from './firewall.ts';
import { awsBackupSchedule, awsPublicIp } from './misc.ts';
import { awsNat } from './nat.ts';
import { awsSecret } from './secret.ts';
import { awsVm } from './vm.ts';

/** aws's Terraform constructs, one file per abstract resource type. */
export const awsStacks: CloudStacks = {
  base: awsBase,
  order: ['secret', 'bucket', 'firewall', 'public-ip', 'nat', 'vm', 'disk', 'backup-schedule'],
  resources: { secret: awsSecret, bucket: awsBucket, firewall: awsFirewall, 'public-ip': awsPublicIp, nat: awsNat, vm: awsVm, disk: awsDisk, 'backup-schedule': awsBackupSchedule },
  // Tags come from the provider's default_tags on every taggable resource; these types take none.
  untaggable: {
    terraform_data: 'the server identity that triggers a replacement: state only, not a cloud resource',
    aws_volume_attachment: 'an attachment is not a resource AWS can tag',
    aws_iam_role_policy: 'inline policies cannot be tagged',
    aws_s3_bucket_ownership_controls: 'bucket sub-configuration; the bucket is tagged',
    aws_s3_bucket_public_access_block: 'bucket sub-configuration; the bucket is tagged',
    aws_s3_bucket_versioning: 'bucket sub-configuration; the bucket is tagged',
    aws_s3_bucket_server_side_encryption_configuration: 'bucket sub-configuration; the bucket is tagged',
    aws_s3_bucket_lifecycle_configuration: 'bucket sub-configuration; the bucket is tagged',
    aws_s3_bucket_policy: 'bucket sub-configuration; the bucket is tagged',
    aws_route: 'a route is an entry of its route table, which is tagged',
    aws_route_table_association: 'an association, not a taggable resource',
    aws_s3_object: 'configuration documents carry no tags (the bucket is tagged; object tags cost per object)',
  },
  // default_tags on the provider reach every taggable resource.
  tagsOf: (json) => json.provider?.aws?.[0]?.default_tags?.[0]?.tags,
  /** S3 with native locking (Terraform 1.10+) unless a DynamoDB lock table is named. */
  backend(stack, key, b) {
    const backend = new backends.S3Backend(stack, { bucket: b.bucket!, key: `${key}.tfstate`, region: b.region!, encrypt: true, ...(b.dynamodbTable ? { dynamodbTable: b.dynamodbTable } : {}) });
    if (!b.dynamodbTable) backend.addOverride('use_lockfile', true);
  },
};
