import { gcp } from '../../cdktf/gcp.ts';
import type { ComputeBackendService, ComputeGlobalAddress, RedisInstance, SqlDatabaseInstance } from '../../cdktf/gcp.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { maybeShared, shared } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';
import type { SiteCertificate } from './certificate.ts';

/** CPU above which the servers are reported when the group scales by itself (it should have scaled by then). */
const WEB_CPU_HIGH = 90;

interface Threshold {
  id: string;
  title: string;
  what: string;
  filter: string;
  comparison: 'COMPARISON_GT' | 'COMPARISON_LT';
  threshold: number;
  aligner: string;
  reducer?: string;
  groupBy?: string[];
  duration: number;
}

/**
 * The site's alerts and who hears of them: an e-mail notification channel per address of the
 * plan, and Cloud Monitoring alert policies the plan priced: the load balancer's 5xx answers from
 * the web servers, the health path failing (an uptime check through the load balancer: every
 * server unhealthy or the site unreachable), the web servers' CPU (the notify-only threshold, or
 * a ceiling when the group scales), the database's CPU and disk, and the cache's memory when
 * there is one.
 */
export const gcpAlarms: ResourceSynth = (ctx, r) => {
  const { stack } = ctx;
  const labels = gcpLabels(ctx);
  const channels = ((r.attrs.notify as readonly string[]) ?? []).map((email, n) => new gcp.MonitoringNotificationChannel(stack, `alerts_email_${n}`, {
    displayName: ctx.lit(`AutoStack ${ctx.subject.name}: ${email}`),
    type: 'email',
    labels: { email_address: ctx.lit(email) },
    userLabels: labels,
  }).id);
  const backend = shared<ComputeBackendService>(ctx, 'backendService');
  const db = shared<SqlDatabaseInstance>(ctx, 'database');
  const cache = maybeShared<RedisInstance>(ctx, 'cache');
  const cpuAbove = r.attrs.cpuAbove !== undefined ? Number(r.attrs.cpuAbove) : WEB_CPU_HIGH;
  const notifyOnly = ctx.group(0).cpuTarget === undefined;
  const uptime = uptimeCheck(ctx);
  const thresholds: Threshold[] = [
    { id: 'alarm_5xx', title: 'web servers answer 5xx', what: 'The web servers answer with 5xx errors (more than 25 in 5 minutes)', filter: `resource.type = "https_lb_rule" AND metric.type = "loadbalancing.googleapis.com/https/request_count" AND metric.label.response_code_class = 500 AND resource.label.backend_target_name = "${backend.name}"`, comparison: 'COMPARISON_GT', threshold: 25 / 300, aligner: 'ALIGN_RATE', reducer: 'REDUCE_SUM', duration: 300 },
    { id: 'alarm_unhealthy', title: 'health path failing', what: 'The site\'s health path fails through the load balancer from two of three continents (no healthy web server, or the database is unreachable)', filter: `resource.type = "uptime_url" AND metric.type = "monitoring.googleapis.com/uptime_check/check_passed" AND metric.label.check_id = "${uptime}"`, comparison: 'COMPARISON_GT', threshold: 1, aligner: 'ALIGN_NEXT_OLDER', reducer: 'REDUCE_COUNT_FALSE', groupBy: ['resource.label.host'], duration: 180 },
    { id: 'alarm_web_cpu', title: 'web CPU high', what: notifyOnly ? `Web servers above ${cpuAbove}% CPU: scaling is announced, not performed` : `Web servers above ${cpuAbove}% CPU at their maximum count`, filter: `resource.type = "gce_instance" AND metric.type = "compute.googleapis.com/instance/cpu/utilization" AND metadata.user_labels."autostack-plan" = "${ctx.subject.name}" AND metadata.user_labels."autostack-role" = "web"`, comparison: 'COMPARISON_GT', threshold: cpuAbove / 100, aligner: 'ALIGN_MEAN', reducer: 'REDUCE_MEAN', duration: 600 },
    { id: 'alarm_db_cpu', title: 'database CPU high', what: 'The database is above 80% CPU', filter: `resource.type = "cloudsql_database" AND metric.type = "cloudsql.googleapis.com/database/cpu/utilization" AND resource.label.database_id = "${db.project}:${db.name}"`, comparison: 'COMPARISON_GT', threshold: 0.8, aligner: 'ALIGN_MEAN', duration: 900 },
    { id: 'alarm_db_storage', title: 'database disk full', what: 'The database disk is above 90% full (it grows by itself; a full disk stops writes)', filter: `resource.type = "cloudsql_database" AND metric.type = "cloudsql.googleapis.com/database/disk/utilization" AND resource.label.database_id = "${db.project}:${db.name}"`, comparison: 'COMPARISON_GT', threshold: 0.9, aligner: 'ALIGN_MAX', duration: 300 },
    ...(cache ? [{ id: 'alarm_cache_memory', title: 'cache memory high', what: 'The object cache is above 90% memory (it evicts entries)', filter: `resource.type = "redis_instance" AND metric.type = "redis.googleapis.com/stats/memory/usage_ratio" AND resource.label.instance_id = "${cache.id}"`, comparison: 'COMPARISON_GT' as const, threshold: 0.9, aligner: 'ALIGN_MAX', duration: 600 }] : []),
  ];
  for (const t of thresholds) {
    new gcp.MonitoringAlertPolicy(stack, t.id, {
      displayName: ctx.lit(`AutoStack ${ctx.subject.name}: ${t.title}`),
      combiner: 'OR',
      enabled: true,
      severity: t.id === 'alarm_unhealthy' || t.id === 'alarm_5xx' ? 'ERROR' : 'WARNING',
      notificationChannels: channels,
      documentation: { content: ctx.lit(`${t.what}. AutoStack website ${ctx.subject.name}.`), mimeType: 'text/markdown' },
      conditions: [{
        displayName: t.title,
        conditionThreshold: {
          filter: t.filter,
          comparison: t.comparison,
          thresholdValue: t.threshold,
          duration: `${t.duration}s`,
          aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: t.aligner, ...(t.reducer ? { crossSeriesReducer: t.reducer, groupByFields: t.groupBy ?? [] } : {}) }],
          trigger: { count: 1 },
        },
      }],
      alertStrategy: { autoClose: '86400s' },
      userLabels: labels,
    });
  }
  if (r.attrs.alarms !== undefined && Number(r.attrs.alarms) !== thresholds.length) throw new Error(`synth: ${r.key} was priced for ${String(r.attrs.alarms)} alarms; GCP builds ${thresholds.length}`);
};

/**
 * An uptime check of the health path through the load balancer, every minute from three
 * continents: over HTTPS at the first name the certificates cover (an exact one), or over HTTP at
 * the load balancer's address when the site has no name. Returns its check id.
 */
function uptimeCheck(ctx: StackContext): string {
  const address = shared<ComputeGlobalAddress>(ctx, 'lbAddress');
  const certs = maybeShared<SiteCertificate[]>(ctx, 'certificates') ?? [];
  const host = certs.flatMap((c) => c.names).find((n) => !n.startsWith('*.'));
  const path = ctx.group(0).healthPath;
  const check = new gcp.MonitoringUptimeCheckConfig(ctx.stack, 'health_check', {
    displayName: ctx.lit(`AutoStack ${ctx.subject.name}: health path`),
    period: '60s',
    timeout: '10s',
    selectedRegions: ['USA', 'EUROPE', 'ASIA_PACIFIC'],
    httpCheck: { path: ctx.lit(path), port: host ? 443 : 80, useSsl: host !== undefined, validateSsl: host !== undefined, requestMethod: 'GET', acceptedResponseStatusCodes: [{ statusValue: 200 }] },
    // An uptime_url resource names its project: the provider's (autostack.yaml accounts.gcp.project, or the credentials').
    monitoredResource: { type: 'uptime_url', labels: { host: host ? ctx.lit(host) : address.address, project_id: new gcp.DataGoogleClientConfig(ctx.stack, 'current').project } },
    userLabels: gcpLabels(ctx),
  });
  return check.uptimeCheckId;
}
