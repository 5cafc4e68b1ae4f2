import { Fn, TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { EfsMountTarget, IamRole, Route, S3Bucket, S3Object, SecretsmanagerSecret } from '../../cdktf/aws.ts';
import type { GroupPolicy } from '../../core/registry/kinds.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { instanceValueTags, maybeShared, share, shared } from '../../stack/shared.ts';
import { cloudConfig, withinLimit } from '../../stack/user-data.ts';
import { awsAccess } from './access.ts';
import { AWS_USER_DATA_LIMIT } from './vm.ts';
import { siteFronts } from './alb.ts';
import { natRoutes } from './nat.ts';
import { awsName } from './web.ts';
import { awsRegion, idIn, regionIndexOf, siteRegions } from './region.ts';
import type { AwsRegion } from './region.ts';

/** How the group's servers are replaced, from the workload's rollout (rolling, canary steps and pause, blue/green). */
export function rolloutOf(policy: GroupPolicy): { checkpoints?: number[]; delaySeconds?: number; minHealthy: number; maxHealthy: number } {
  const r = policy.rollout;
  if (r.strategy === 'canary') return { checkpoints: r.steps, delaySeconds: r.pauseSeconds, minHealthy: 100, maxHealthy: 110 };
  // Blue/green: a whole new set of servers is launched and healthy before any old one stops.
  if (r.strategy === 'blueGreen') return { minHealthy: 100, maxHealthy: 200 };
  return { minHealthy: 100, maxHealthy: 110 };
}

/**
 * The web servers: a launch template (IMDSv2 only, encrypted gp3 root volume, no SSH key, the
 * first-boot document from the kind's workload as cloud-config user data) and an Auto Scaling
 * group of min..max servers over the private subnets, registered in the load balancer's target
 * group and judged healthy by it. CPU target tracking scales it (none in notify-only mode: the
 * alarm tells people instead). A new launch template version is rolled out by an instance refresh:
 * launch before terminate, canary checkpoints with their pause, rolled back automatically when
 * the refresh fails or the unhealthy-hosts alarm fires. The site's day-2 document is an object in
 * the stack's bucket that the servers' agent applies in place.
 */
export const awsInstanceGroup: ResourceSynth = (ctx, r, i) => {
  const { stack } = ctx;
  const region = awsRegion(ctx, regionIndexOf(r));
  const at = (name: string) => idIn(region, name);
  const front = siteFronts(ctx).get(region.index);
  if (!front) throw new Error(`synth: ${r.key} has no load balancer in ${region.region} (the plan's load-balancer of that region)`);
  if (i === 0) grantWebAccess(ctx);
  const access = awsAccess(ctx, region.region);
  const userData = withinLimit(cloudConfig(ctx.bootScript(i, access)), AWS_USER_DATA_LIMIT, 'the web servers\' user data');
  const bucket = maybeShared<S3Bucket>(ctx, 'bucket');
  // One document for every group (the workload's is the same for every index): stored once, in the plan's region.
  const config = ctx.serverConfig(i, access);
  const configObject = maybeShared<S3Object>(ctx, 'siteConfig') ?? (config && bucket ? share(ctx, 'siteConfig', new aws.S3Object(stack, 'site_config', { bucket: bucket.id, key: config.key, content: ctx.lit(config.content), contentType: 'application/json' })) : undefined);
  const policy = ctx.group(i);
  const serverTags = { ...ctx.tags, Name: awsName(ctx, 'web', 255), 'autostack-role': 'web', ...instanceValueTags(ctx, i) };
  const template = new aws.LaunchTemplate(stack, at('web'), {
    ...region.p,
    name: awsName(ctx, 'web', 125),
    description: ctx.lit(`AutoStack ${ctx.workload.title} web servers of ${ctx.subject.name}`),
    imageId: region.ami,
    instanceType: r.type,
    iamInstanceProfile: { name: shared<{ name: string }>(ctx, 'instanceProfile').name },
    vpcSecurityGroupIds: [region.webSecurityGroup.id],
    metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1, instanceMetadataTags: 'enabled' },
    blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeType: 'gp3', volumeSize: 20, encrypted: 'true', deleteOnTermination: 'true' } }],
    // base64 of the cloud-config document: only the base64 alphabet reaches Terraform.
    userData: Buffer.from(userData, 'utf8').toString('base64'),
    monitoring: { enabled: true },
    // Instances and volumes the group launches do not get the provider's default tags: they are named here.
    tagSpecifications: [{ resourceType: 'instance', tags: serverTags }, { resourceType: 'volume', tags: { ...ctx.tags, Name: awsName(ctx, 'web', 255) } }],
    updateDefaultVersion: true,
  });
  const rollout = rolloutOf(policy);
  const cpuTarget = policy.cpuTarget;
  const natRoute = region.index === 0 ? maybeShared<Route>(ctx, 'natRoute') : natRoutes(ctx).get(region.index);
  const mountTargets = maybeShared<Map<number, EfsMountTarget[]>>(ctx, 'mountTargetsByRegion')?.get(region.index) ?? [];
  const group = new aws.AutoscalingGroup(stack, at('web_group'), {
    ...region.p,
    name: awsName(ctx, 'web', 255),
    minSize: policy.min,
    maxSize: policy.max,
    vpcZoneIdentifier: region.privateSubnetIds,
    targetGroupArns: [front.targetGroup.arn],
    healthCheckType: 'ELB',
    healthCheckGracePeriod: 600,
    defaultInstanceWarmup: 300,
    // A concrete version (not $Latest): instance refresh can only roll back to a named version.
    launchTemplate: { id: template.id, version: `${template.latestVersion}` },
    instanceMaintenancePolicy: { minHealthyPercentage: rollout.minHealthy, maxHealthyPercentage: rollout.maxHealthy },
    instanceRefresh: {
      strategy: 'Rolling',
      preferences: {
        minHealthyPercentage: rollout.minHealthy,
        maxHealthyPercentage: rollout.maxHealthy,
        instanceWarmup: '300',
        autoRollback: true,
        skipMatching: false,
        ...(rollout.checkpoints ? { checkpointPercentages: rollout.checkpoints, checkpointDelay: String(rollout.delaySeconds) } : {}),
        alarmSpecification: { alarms: [unhealthyAlarmName(ctx, region)] },
      },
    },
    enabledMetrics: ['GroupDesiredCapacity', 'GroupInServiceInstances', 'GroupMinSize', 'GroupMaxSize'],
    waitForCapacityTimeout: '15m',
    // default_tags do not reach a group: its tags are written out (instances get theirs from the launch template).
    tag: Object.entries({ ...ctx.tags, Name: awsName(ctx, 'web', 255) }).map(([key, value]) => ({ key, value, propagateAtLaunch: false })),
    // Target tracking sets the desired count; Terraform leaves it alone.
    lifecycle: { ignoreChanges: ['desired_capacity'] },
    // First boot needs its document, its way out and the file system's mount targets.
    // A target group checks its servers only once a listener forwards to it: the group waits for it before counting healthy servers.
    dependsOn: [...(configObject ? [configObject] : []), ...(natRoute ? [natRoute] : []), ...mountTargets, front.forwardListener],
  });
  if (region.index === 0) share(ctx, 'group', group);
  if (cpuTarget !== undefined) {
    new aws.AutoscalingPolicy(stack, at('web_cpu'), {
      ...region.p,
      name: 'cpu-target',
      autoscalingGroupName: group.name,
      policyType: 'TargetTrackingScaling',
      estimatedInstanceWarmup: 300,
      targetTrackingConfiguration: { predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' }, targetValue: cpuTarget },
    });
  }
  const secret = maybeShared<SecretsmanagerSecret>(ctx, 'secret');
  if (secret && region.index === 0) new TerraformOutput(stack, 'site_secret', { value: secret.arn, description: `Secrets Manager secret holding ${ctx.workload.outputs.secret ?? 'the site\'s secrets'}` });
};

/** The alarm an instance refresh watches: when the target group has unhealthy servers, the refresh rolls back. */
export function unhealthyAlarmName(ctx: StackContext, region?: AwsRegion): string {
  return awsName(ctx, region && region.index > 0 ? `unhealthy-servers-${region.role}-${region.index}` : 'unhealthy-servers', 255);
}

/**
 * The web servers' role: the site's secret (read and write: the first server stores the salts),
 * the database's managed password (read), the stack's bucket (read all, write only under the
 * backups prefix, never a configuration document).
 */
function grantWebAccess(ctx: StackContext): void {
  const secret = maybeShared<SecretsmanagerSecret>(ctx, 'secret');
  const bucket = maybeShared<S3Bucket>(ctx, 'bucket');
  const dbSecret = maybeShared<SecretsmanagerSecret>(ctx, 'dbSecret')?.arn;
  const prefix = maybeShared<string>(ctx, 'backupPrefix') ?? 'backups';
  // The replicas of the secrets in a website's other regions (secret.ts) have the same ARN in their region.
  const others = [...new Set(siteRegions(ctx).filter((r) => r.index > 0).map((r) => r.region))];
  const withReplicas = (arn: string) => [arn, ...others.map((region) => Fn.replace(arn, `:${ctx.plan.region}:`, `:${region}:`))];
  const statements = [
    ...(secret ? [{ sid: 'SiteSecret', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'], resources: withReplicas(secret.arn) }] : []),
    ...(dbSecret ? [{ sid: 'DatabasePassword', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: withReplicas(dbSecret) }] : []),
    ...(bucket
      ? [
          { sid: 'Bucket', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [bucket.arn] },
          { sid: 'ReadObjects', actions: ['s3:GetObject'], resources: [`${bucket.arn}/*`] },
          { sid: 'BackupObjects', actions: ['s3:PutObject', 's3:DeleteObject'], resources: [`${bucket.arn}/${prefix}/*`] },
        ]
      : []),
  ];
  if (!statements.length) return;
  const doc = new aws.DataAwsIamPolicyDocument(ctx.stack, 'server_access', { statement: statements });
  new aws.IamRolePolicy(ctx.stack, 'server_access_policy', { name: 'autostack-server-access', role: shared<IamRole>(ctx, 'role').id, policy: doc.json });
}
