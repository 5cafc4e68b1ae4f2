import { backends } from '../../cdktf/index.ts';
import type { CloudStacks } from '../../stack/context.ts';
import { awsLoadBalancer } from './alb.ts';
import { awsAlarms } from './alarms.ts';
import { awsBase } from './base.ts';
import { awsBucket } from './bucket.ts';
import { awsCache } from './cache.ts';
import { awsCdn } from './cdn.ts';
import { awsCertificate } from './certificate.ts';
import { awsDisk } from './disk.ts';
import { awsDnsZone } from './dns.ts';
import { awsFileShare } from './efs.ts';
import { awsFirewall } from './firewall.ts';
import { awsInstanceGroup } from './group.ts';
import { awsBackupSchedule, awsPublicIp } from './misc.ts';
import { awsMysql } from './mysql.ts';
import { awsNat } from './nat.ts';
import { awsSecret } from './secret.ts';
import { awsVm } from './vm.ts';

/** aws's Terraform constructs, one file per abstract resource type. */
export const awsStacks: CloudStacks = {
  base: awsBase,
  // A server stack (vm, disk) and a website stack (the zone and certificates before the load
  // balancer, the storage, database and cache before the group that reads their addresses, the
  // alarms last) share the first five.
  order: ['secret', 'bucket', 'firewall', 'public-ip', 'nat', 'vm', 'disk', 'backup-schedule', 'dns-zone', 'certificate', 'load-balancer', 'file-share', 'mysql', 'cache', 'instance-group', 'cdn', 'alarm'],
  resources: {
    secret: awsSecret, bucket: awsBucket, firewall: awsFirewall, 'public-ip': awsPublicIp, nat: awsNat, vm: awsVm, disk: awsDisk, 'backup-schedule': awsBackupSchedule,
    'dns-zone': awsDnsZone, certificate: awsCertificate, 'load-balancer': awsLoadBalancer, 'file-share': awsFileShare, mysql: awsMysql, cache: awsCache, 'instance-group': awsInstanceGroup, cdn: awsCdn, alarm: awsAlarms,
  },
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
    aws_acm_certificate_validation: 'a wait for the certificate to be issued, not a resource; the certificate is tagged',
    aws_route53_record: 'a record is an entry of its hosted zone, which is tagged',
    aws_lb_listener_certificate: 'an attachment of a certificate to the listener; both are tagged',
    aws_efs_mount_target: 'mount targets take no tags; the file system is tagged',
    aws_efs_backup_policy: 'file system sub-configuration; the file system is tagged',
    aws_autoscaling_policy: 'a scaling policy takes no tags; the group is tagged',
    aws_sns_topic_subscription: 'a subscription takes no tags; the topic is tagged',
    aws_efs_replication_configuration: 'replication takes no tags; both file systems are tagged',
    aws_lb_target_group_attachment: 'a registration of the ALB in the target group, not a resource; both are tagged',
  },
  // default_tags on the provider reach every taggable resource.
  // The Auto Scaling group is the exception: the provider's default_tags never reach it, so it carries its own `tag` blocks.
  tagsOf: (json, type, resource) => type === 'aws_autoscaling_group'
    ? Object.fromEntries(((resource.tag ?? []) as { key: string; value: string }[]).map((t) => [t.key, t.value]))
    : json.provider?.aws?.[0]?.default_tags?.[0]?.tags,
  /** S3 with native locking (Terraform 1.10+) unless a DynamoDB lock table is named. */
  backend(stack, key, b) {
    const backend = new backends.S3Backend(stack, { bucket: b.bucket!, key: `${key}.tfstate`, region: b.region!, encrypt: true, ...(b.dynamodbTable ? { dynamodbTable: b.dynamodbTable } : {}) });
    if (!b.dynamodbTable) backend.addOverride('use_lockfile', true);
  },
};
