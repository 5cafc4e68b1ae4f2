import { aws } from '../../cdktf/aws.ts';
import type { AutoscalingGroup, DbInstance, Lb, LbTargetGroup } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { maybeShared, shared } from '../../stack/shared.ts';
import { siteFronts } from './alb.ts';
import { unhealthyAlarmName } from './group.ts';
import { replicas } from './mysql.ts';
import { awsName } from './web.ts';
import { awsRegion, idIn, siteRegions } from './region.ts';

/** CPU above which the servers are reported when the group scales by itself (it should have scaled by then). */
const WEB_CPU_HIGH = 90;

/**
 * The site's alarms and where they go: an SNS topic (not encrypted with the AWS-managed key
 * alias/aws/sns: CloudWatch alarms cannot publish to such a topic) with an email subscription per
 * address of the plan, and CloudWatch alarms on the servers' answers (5xx), unhealthy servers
 * (which also rolls back an instance refresh, group.ts), the servers' CPU (the notify-only
 * threshold, or a ceiling when the group scales), the database's CPU and free storage, and the
 * cache's memory when there is one. As many alarms as the plan priced.
 */
export const awsAlarms: ResourceSynth = (ctx, r) => {
  const { stack } = ctx;
  const topic = new aws.SnsTopic(stack, 'alerts', { name: awsName(ctx, 'alerts', 256), displayName: 'AutoStack' });
  ((r.attrs.notify as readonly string[]) ?? []).forEach((email, n) => {
    new aws.SnsTopicSubscription(stack, `alerts_email_${n}`, { topicArn: topic.arn, protocol: 'email', endpoint: ctx.lit(email) });
  });
  const lb = shared<Lb>(ctx, 'lb');
  const tg = shared<LbTargetGroup>(ctx, 'targetGroup');
  const group = shared<AutoscalingGroup>(ctx, 'group');
  const db = shared<DbInstance>(ctx, 'database');
  // The first node of the cache's replication group (ElastiCache names members <group>-001, -002, …).
  const cache = maybeShared<{ id: string }>(ctx, 'cache');
  const igCpu = ctx.plan.resources.find((x) => x.kind === 'instance-group');
  const cpuAbove = r.attrs.cpuAbove !== undefined ? Number(r.attrs.cpuAbove) : WEB_CPU_HIGH;
  const common = { alarmActions: [topic.arn], okActions: [topic.arn], treatMissingData: 'notBreaching' };
  const alarms = [
    new aws.CloudwatchMetricAlarm(stack, 'alarm_5xx', { ...common, alarmName: awsName(ctx, 'server-errors', 255), alarmDescription: 'The web servers answer with 5xx errors', namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: { LoadBalancer: lb.arnSuffix }, statistic: 'Sum', period: 300, evaluationPeriods: 2, threshold: 25, comparisonOperator: 'GreaterThanThreshold' }),
    new aws.CloudwatchMetricAlarm(stack, 'alarm_unhealthy', { ...common, alarmName: unhealthyAlarmName(ctx), alarmDescription: 'The load balancer finds unhealthy web servers (an instance refresh rolls back)', namespace: 'AWS/ApplicationELB', metricName: 'UnHealthyHostCount', dimensions: { LoadBalancer: lb.arnSuffix, TargetGroup: tg.arnSuffix }, statistic: 'Maximum', period: 60, evaluationPeriods: 3, threshold: 0, comparisonOperator: 'GreaterThanThreshold' }),
    new aws.CloudwatchMetricAlarm(stack, 'alarm_web_cpu', { ...common, alarmName: awsName(ctx, 'web-cpu', 255), alarmDescription: igCpu && ctx.group(0).cpuTarget === undefined ? `Web servers above ${cpuAbove}% CPU: scaling is announced, not performed` : `Web servers above ${cpuAbove}% CPU at their maximum count`, namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: { AutoScalingGroupName: group.name }, statistic: 'Average', period: 300, evaluationPeriods: 2, threshold: cpuAbove, comparisonOperator: 'GreaterThanThreshold' }),
    new aws.CloudwatchMetricAlarm(stack, 'alarm_db_cpu', { ...common, alarmName: awsName(ctx, 'db-cpu', 255), alarmDescription: 'The database is above 80% CPU', namespace: 'AWS/RDS', metricName: 'CPUUtilization', dimensions: { DBInstanceIdentifier: db.identifier }, statistic: 'Average', period: 300, evaluationPeriods: 3, threshold: 80, comparisonOperator: 'GreaterThanThreshold' }),
    new aws.CloudwatchMetricAlarm(stack, 'alarm_db_storage', { ...common, alarmName: awsName(ctx, 'db-storage', 255), alarmDescription: 'The database has less than 2 GiB free (storage grows by itself up to its maximum)', namespace: 'AWS/RDS', metricName: 'FreeStorageSpace', dimensions: { DBInstanceIdentifier: db.identifier }, statistic: 'Minimum', period: 300, evaluationPeriods: 1, threshold: 2 * 1024 ** 3, comparisonOperator: 'LessThanThreshold' }),
    ...(cache ? [new aws.CloudwatchMetricAlarm(stack, 'alarm_cache_memory', { ...common, alarmName: awsName(ctx, 'cache-memory', 255), alarmDescription: 'The object cache is above 90% memory (it evicts entries)', namespace: 'AWS/ElastiCache', metricName: 'DatabaseMemoryUsagePercentage', dimensions: { CacheClusterId: `${cache.id}-001` }, statistic: 'Maximum', period: 300, evaluationPeriods: 2, threshold: 90, comparisonOperator: 'GreaterThanThreshold' })] : []),
  ];
  // Each other region: its own topic (an alarm notifies a topic of its region) with the same addresses, its servers' health (its instance refresh rolls back on it) and its replica's lag.
  for (const where of siteRegions(ctx).filter((x) => x.index > 0)) {
    const region = awsRegion(ctx, where.index);
    const at = (name: string) => idIn(region, name);
    const front = siteFronts(ctx).get(region.index);
    const replica = replicas(ctx).get(region.index);
    if (!front || !replica) throw new Error(`synth: the ${region.role} region ${region.region} has no load balancer or database replica to watch`);
    const regional = new aws.SnsTopic(stack, at('alerts'), { ...region.p, name: awsName(ctx, 'alerts', 256), displayName: 'AutoStack' });
    ((r.attrs.notify as readonly string[]) ?? []).forEach((email, n) => {
      new aws.SnsTopicSubscription(stack, at(`alerts_email_${n}`), { ...region.p, topicArn: regional.arn, protocol: 'email', endpoint: ctx.lit(email) });
    });
    const actions = { alarmActions: [regional.arn], okActions: [regional.arn], treatMissingData: 'notBreaching' };
    alarms.push(
      new aws.CloudwatchMetricAlarm(stack, at('alarm_unhealthy'), { ...region.p, ...actions, alarmName: unhealthyAlarmName(ctx, region), alarmDescription: `The ${region.role} load balancer in ${region.region} finds unhealthy web servers (an instance refresh there rolls back)`, namespace: 'AWS/ApplicationELB', metricName: 'UnHealthyHostCount', dimensions: { LoadBalancer: front.lb.arnSuffix, TargetGroup: front.targetGroup.arnSuffix }, statistic: 'Maximum', period: 60, evaluationPeriods: 3, threshold: 0, comparisonOperator: 'GreaterThanThreshold' }),
      new aws.CloudwatchMetricAlarm(stack, at('alarm_replica_lag'), { ...region.p, ...actions, alarmName: awsName(ctx, `replica-lag-${region.role}-${region.index}`, 255), alarmDescription: `The database replica in ${region.region} is more than 5 minutes behind (a failover now would lose those writes)`, namespace: 'AWS/RDS', metricName: 'ReplicaLag', dimensions: { DBInstanceIdentifier: replica.identifier }, statistic: 'Maximum', period: 300, evaluationPeriods: 2, threshold: 300, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'breaching' }),
    );
  }
  if (r.attrs.alarms !== undefined && Number(r.attrs.alarms) !== alarms.length) throw new Error(`synth: ${r.key} was priced for ${String(r.attrs.alarms)} alarms; AWS builds ${alarms.length}`);
};
