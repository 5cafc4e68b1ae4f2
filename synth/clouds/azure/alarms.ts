import { azure } from '../../cdktf/azure.ts';
import type { ApplicationGateway, LinuxVirtualMachineScaleSet, MysqlFlexibleServer, RedisCache, ResourceGroup } from '../../cdktf/azure.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { maybeShared, shared } from '../../stack/shared.ts';
import { azName } from './web.ts';

/** CPU above which the servers are reported when the group scales by itself (it should have scaled by then). */
const WEB_CPU_HIGH = 90;

/**
 * The site's alarms and where they go: an Azure Monitor action group with an e-mail receiver per
 * address of the plan, and metric alerts on the servers' answers (5xx through the gateway), the
 * gateway's unhealthy servers, the servers' CPU (the notify-only threshold, or a ceiling when the
 * group scales), the database's CPU and storage, and the cache's memory when there is one. As
 * many alerts as the plan priced.
 */
export const azureAlarms: ResourceSynth = (ctx, r) => {
  const { stack } = ctx;
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const group = new azure.MonitorActionGroup(stack, 'alerts', {
    name: azName(ctx, 'alerts', 260),
    resourceGroupName: rg.name,
    shortName: 'autostack',
    emailReceiver: ((r.attrs.notify as readonly string[]) ?? []).map((email, n) => ({ name: `email-${n}`, emailAddress: ctx.lit(email), useCommonAlertSchema: true })),
    tags: ctx.tags,
  });
  const gw = shared<ApplicationGateway>(ctx, 'gateway');
  const vmss = shared<LinuxVirtualMachineScaleSet>(ctx, 'group');
  const db = shared<MysqlFlexibleServer>(ctx, 'database');
  const cache = maybeShared<RedisCache>(ctx, 'cache');
  const scaling = ctx.plan.resources.some((x) => x.kind === 'instance-group') && ctx.group(0).cpuTarget !== undefined;
  const cpuAbove = r.attrs.cpuAbove !== undefined ? Number(r.attrs.cpuAbove) : WEB_CPU_HIGH;
  const alert = (id: string, description: string, scope: string, namespace: string, metric: string, aggregation: string, operator: string, threshold: number, window = 'PT5M', dimension?: { name: string; operator: string; values: string[] }) => new azure.MonitorMetricAlert(stack, id, {
    name: azName(ctx, id.replace(/^alarm_/, '').replace(/_/g, '-'), 260),
    resourceGroupName: rg.name,
    scopes: [scope],
    description,
    severity: 2,
    frequency: 'PT1M',
    windowSize: window,
    criteria: [{ metricNamespace: namespace, metricName: metric, aggregation, operator, threshold, ...(dimension ? { dimension: [dimension] } : {}) }],
    action: [{ actionGroupId: group.id }],
    tags: ctx.tags,
  });
  const alerts = [
    alert('alarm_5xx', 'The web servers answer with 5xx errors', gw.id, 'Microsoft.Network/applicationGateways', 'BackendResponseStatus', 'Total', 'GreaterThan', 25, 'PT5M', { name: 'HttpStatusGroup', operator: 'Include', values: ['5xx'] }),
    alert('alarm_unhealthy', 'The Application Gateway finds unhealthy web servers', gw.id, 'Microsoft.Network/applicationGateways', 'UnhealthyHostCount', 'Maximum', 'GreaterThan', 0, 'PT5M'),
    alert('alarm_web_cpu', scaling ? `Web servers above ${cpuAbove}% CPU at their maximum count` : `Web servers above ${cpuAbove}% CPU: scaling is announced, not performed`, vmss.id, 'Microsoft.Compute/virtualMachineScaleSets', 'Percentage CPU', 'Average', 'GreaterThan', cpuAbove, 'PT10M'),
    alert('alarm_db_cpu', 'The database is above 80% CPU', db.id, 'Microsoft.DBforMySQL/flexibleServers', 'cpu_percent', 'Average', 'GreaterThan', 80, 'PT15M'),
    alert('alarm_db_storage', 'The database\'s storage is above 90% used (it grows by itself)', db.id, 'Microsoft.DBforMySQL/flexibleServers', 'storage_percent', 'Maximum', 'GreaterThan', 90, 'PT5M'),
    ...(cache ? [alert('alarm_cache_memory', 'The object cache is above 90% memory (it evicts entries)', cache.id, 'Microsoft.Cache/redis', 'usedmemorypercentage', 'Maximum', 'GreaterThan', 90, 'PT10M')] : []),
  ];
  if (r.attrs.alarms !== undefined && Number(r.attrs.alarms) !== alerts.length) throw new Error(`synth: ${r.key} was priced for ${String(r.attrs.alarms)} alarms; Azure builds ${alerts.length}`);
};
