import { TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { Instance, IamRole, Route, S3Bucket, SecretsmanagerSecret, SecurityGroup } from '../../cdktf/aws.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { hasPublicIp, maybeShared, serverIdentity, share, shared } from '../../stack/shared.ts';
import { awsAccess } from './access.ts';
import { subnetFor } from './base.ts';
import { cloudConfig, withinLimit } from '../../stack/user-data.ts';

/** EC2 takes at most 16 KB of user data, before base64 (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html). */
export const AWS_USER_DATA_LIMIT = 16 * 1024;

/**
 * One EC2 instance per server: IMDSv2 only, encrypted root volume, no SSH key (Session Manager
 * or the serial console for break-glass), tags readable from IMDS (replicas find the primary's
 * address there). The user data is a cloud-config document carrying the compressed first-boot
 * script, which only changes with what the server is (image, PostgreSQL major, region, egress):
 * then the server is replaced and its data volume reattached. Day-2 configuration is an object
 * in the plan's bucket that the server's agent applies in place.
 */
export const awsVm: ResourceSynth = (ctx, r, i) => {
  const { stack, names } = ctx;
  if (i === 0) grantAccess(ctx);
  const primary = i === 0 ? undefined : shared<Instance>(ctx, 'vm0');
  const bucket = maybeShared<S3Bucket>(ctx, 'bucket');
  const access = awsAccess(ctx);
  const userData = withinLimit(cloudConfig(ctx.bootScript(i, access)), AWS_USER_DATA_LIMIT, `the user data of server ${i}`);
  const config = ctx.serverConfig(i, access);
  const configObject = config && bucket ? new aws.S3Object(stack, `server_${i}_config`, { bucket: bucket.id, key: config.key, content: ctx.lit(config.content), contentType: 'application/json' }) : undefined;
  const natRoute = maybeShared<Route>(ctx, 'natRoute');
  const instance = new aws.Instance(stack, `server_${i}`, {
    ami: shared<string>(ctx, 'ami'),
    instanceType: r.type,
    subnetId: subnetFor(ctx, i),
    vpcSecurityGroupIds: [shared<SecurityGroup>(ctx, 'securityGroup').id],
    iamInstanceProfile: shared<{ name: string }>(ctx, 'instanceProfile').name,
    associatePublicIpAddress: hasPublicIp(ctx, i),
    metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1, instanceMetadataTags: 'enabled' },
    rootBlockDevice: { volumeType: 'gp3', volumeSize: 20, encrypted: true, deleteOnTermination: true },
    userData: ctx.lit(userData),
    tags: {
      Name: `${names.base}-${i}`,
      'autostack-role': i === 0 ? 'primary' : 'replica',
      ...(primary ? { 'autostack-primary-host': primary.privateIp } : {}),
    },
    // Replaced when what it is changes (image, PostgreSQL major, egress); not for a newer AMI or a new AutoStack release.
    lifecycle: { ignoreChanges: ['ami', 'user_data'], replaceTriggeredBy: [serverIdentity(ctx, r, i)] },
    // First boot needs its way out (NAT route) and its configuration in place.
    dependsOn: [...(bucket ? [bucket] : []), ...(configObject ? [configObject] : []), ...(natRoute ? [natRoute] : [])],
  });
  share(ctx, `vm${i}`, instance);
  ctx.serverGroup(i, instance);
  if (i === 0) {
    new TerraformOutput(stack, 'primary_private_ip', { value: instance.privateIp, description: ctx.workload.outputs.primaryAddress });
    const secret = maybeShared<SecretsmanagerSecret>(ctx, 'secret');
    if (secret) new TerraformOutput(stack, 'password_secret', { value: secret.arn, description: `Secrets Manager secret holding ${ctx.workload.outputs.secret ?? 'the servers\' secrets'}` });
  }
};

/** The servers' role may use this plan's backup bucket (writing only under pgbackrest/) and password secret, and nothing else. */
function grantAccess(ctx: StackContext): void {
  const secret = maybeShared<SecretsmanagerSecret>(ctx, 'secret');
  const bucket = maybeShared<S3Bucket>(ctx, 'bucket');
  const statements = [
    ...(secret ? [{ sid: 'PasswordSecret', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'], resources: [secret.arn] }] : []),
    ...(bucket
      ? [
          { sid: 'BackupBucket', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [bucket.arn] },
          // Read everything (its configuration document included); write only the backups, never a configuration document.
          { sid: 'ReadObjects', actions: ['s3:GetObject'], resources: [`${bucket.arn}/*`] },
          { sid: 'BackupObjects', actions: ['s3:PutObject', 's3:DeleteObject'], resources: [`${bucket.arn}/pgbackrest/*`] },
        ]
      : []),
  ];
  const doc = new aws.DataAwsIamPolicyDocument(ctx.stack, 'server_access', { statement: statements });
  new aws.IamRolePolicy(ctx.stack, 'server_access_policy', { name: 'autostack-server-access', role: shared<IamRole>(ctx, 'role').id, policy: doc.json });
}
