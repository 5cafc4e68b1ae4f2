import { TerraformOutput } from '../../cdktf/index.ts';
import { gcp } from '../../cdktf/gcp.ts';
import type { ComputeRouterNat, SecretManagerSecret, ServiceAccount, StorageBucket } from '../../cdktf/gcp.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { GroupPolicy } from '../../core/registry/kinds.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { instanceValueTags, maybeShared, share, shared } from '../../stack/shared.ts';
import { withinLimit } from '../../stack/user-data.ts';
import { gcpAccess } from './access.ts';
import { gcpLabels } from './base.ts';
import { GCP_METADATA_VALUE_LIMIT } from './vm.ts';
import { gcpLimit, gcpName, primaryRegionOnly, webTag } from './web.ts';

/** All of an instance's metadata together holds at most 512 KB (the knowledge base's `metadata-total-bytes`). */
export const GCP_METADATA_TOTAL_LIMIT = gcpLimit('metadata-total-bytes');

/** How a regional managed instance group replaces its servers, from the workload's rollout. */
export interface GcpRollout {
  maxSurgeFixed: number;
  maxUnavailableFixed: number;
  /** What the rollout cannot express on GCP (said in the docs and the stack's output). */
  note: string;
}

/**
 * The workload's rollout on a regional managed instance group (PROACTIVE updates, new servers
 * first, never one fewer serving: max_unavailable 0). A regional group's fixed surge is 0 or at
 * least its number of zones. Rolling: one server per zone at a time. Canary: batches of the first
 * step's share of the largest group (at least one per zone); the later steps and the pause are
 * not separate stages (a canary `version` with a target percent needs the previous instance
 * template next to the new one, which one Terraform apply does not keep). Blue/green: a whole new
 * set (the group's maximum) before any old server goes. GCP has no automatic rollback: a new
 * version whose servers fail the health check never becomes ready, so the update stalls with the
 * old servers serving; reverting the change rolls back.
 */
export function rolloutOf(policy: GroupPolicy, zones: number): GcpRollout {
  const r = policy.rollout;
  if (r.strategy === 'canary') {
    const first = r.steps[0] ?? 100;
    return { maxSurgeFixed: Math.max(zones, Math.ceil((policy.max * first) / 100)), maxUnavailableFixed: 0, note: `canary: batches of ${first}% of the servers (at least one per zone), each healthy before the next; the later steps (${r.steps.slice(1).join(', ')}%) and the ${r.pauseSeconds} s pause are not separate stages on GCP` };
  }
  if (r.strategy === 'blueGreen') return { maxSurgeFixed: Math.max(zones, policy.max), maxUnavailableFixed: 0, note: `blue/green: a whole new set of servers, healthy on the health check, before any old one stops (${r.verifyPath} is checked by hand)` };
  return { maxSurgeFixed: zones, maxUnavailableFixed: 0, note: 'rolling: one new server per zone at a time, healthy before an old one stops' };
}

/**
 * The web servers: an instance template (Debian 12 of the plan, Shielded VM, no external
 * address: out through Cloud NAT, the servers' own service account, OS Login, the workload's
 * first boot as the startup script and the apply-time values as `autostack-<name>` metadata) and
 * a regional managed instance group of min..max servers over the region's zones, auto-healed on
 * the load balancer's health check (created here, shared with the load balancer), a CPU target
 * autoscaler (none in notify-only mode: a fixed count, the alert tells people instead), and
 * PROACTIVE updates (see `rolloutOf`). The site's day-2 document is an object in the stack's
 * bucket that the servers' agent applies in place.
 */
export const gcpInstanceGroup: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const { stack, plan } = ctx;
  const access = gcpAccess(ctx);
  const script = withinLimit(ctx.bootScript(0, access), GCP_METADATA_VALUE_LIMIT, 'the web servers\' startup script');
  const bucket = maybeShared<StorageBucket>(ctx, 'bucket');
  const config = ctx.serverConfig(0, access);
  const configObject = config && bucket ? new gcp.StorageBucketObject(stack, 'site_config', { bucket: bucket.name, name: config.key, content: ctx.lit(config.content), contentType: 'application/json' }) : undefined;
  const values = instanceValueTags(ctx, i);
  const metadata = { 'enable-oslogin': 'TRUE', 'block-project-ssh-keys': 'TRUE', ...values };
  // The values are Terraform references (an address, a secret id): counted as a kilobyte each, far more than they hold once applied.
  const metadataBytes = Buffer.byteLength(script) + Object.entries(metadata).reduce((n, [k, v]) => n + k.length + (v.includes('${') ? 1024 : Buffer.byteLength(v)), 0);
  if (metadataBytes > GCP_METADATA_TOTAL_LIMIT) throw new Error(`synth: the web servers' metadata (startup script and instance values) is about ${metadataBytes} bytes, over the cloud's limit of ${GCP_METADATA_TOTAL_LIMIT}`);
  const policy = ctx.group(i);
  const zones = catalogFor('gcp').zones(plan.region);
  const health = share(ctx, 'healthCheck', new gcp.ComputeHealthCheck(stack, 'web_health', {
    name: gcpName(ctx, 'web-health', 63),
    description: 'AutoStack website: the servers\' health path (200 only)',
    checkIntervalSec: 15,
    timeoutSec: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
    httpHealthCheck: { port: 80, requestPath: ctx.lit(policy.healthPath) },
    logConfig: { enable: false },
  }));
  const template = new gcp.ComputeInstanceTemplate(stack, 'web', {
    // A prefix (at most 37 characters): a changed template is made before the old one is deleted.
    namePrefix: `${gcpName(ctx, 'web', 36)}-`,
    description: ctx.lit(`AutoStack ${ctx.workload.title} web servers of ${ctx.subject.name}`),
    machineType: r.type,
    disk: [{ sourceImage: String(plan.image!.ref.imageFamily), boot: true, autoDelete: true, diskSizeGb: 20, diskType: 'pd-balanced', labels: gcpLabels(ctx) }],
    networkInterface: [{ subnetwork: shared<string>(ctx, 'subnetwork') }],
    serviceAccount: { email: shared<ServiceAccount>(ctx, 'serviceAccount').email, scopes: ['cloud-platform'] },
    shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
    metadata,
    metadataStartupScript: ctx.lit(script),
    tags: [webTag(ctx)],
    labels: { ...gcpLabels(ctx), 'autostack-role': 'web' },
    lifecycle: { createBeforeDestroy: true },
  });
  const rollout = rolloutOf(policy, zones.length);
  const nat = maybeShared<ComputeRouterNat>(ctx, 'nat');
  const group = share(ctx, 'group', new gcp.ComputeRegionInstanceGroupManager(stack, 'web_group', {
    name: gcpName(ctx, 'web', 63),
    description: ctx.lit(`AutoStack website ${ctx.subject.name}: web servers`),
    baseInstanceName: gcpName(ctx, 'web', 50),
    region: plan.region,
    distributionPolicyZones: zones,
    version: [{ name: 'current', instanceTemplate: template.selfLinkUnique }],
    ...(policy.cpuTarget === undefined ? { targetSize: policy.min } : {}),
    namedPort: [{ name: 'http', port: 80 }],
    autoHealingPolicies: { healthCheck: health.id, initialDelaySec: 600 },
    updatePolicy: {
      type: 'PROACTIVE',
      minimalAction: 'REPLACE',
      replacementMethod: 'SUBSTITUTE',
      instanceRedistributionType: 'PROACTIVE',
      maxSurgeFixed: rollout.maxSurgeFixed,
      maxUnavailableFixed: rollout.maxUnavailableFixed,
    },
    waitForInstances: false,
    // The autoscaler sets the size; Terraform leaves it alone.
    ...(policy.cpuTarget === undefined ? {} : { lifecycle: { ignoreChanges: ['target_size'] } }),
    // First boot needs its document and its way out (Cloud NAT).
    dependsOn: [...(configObject ? [configObject] : []), ...(nat ? [nat] : [])],
  }));
  if (policy.cpuTarget !== undefined) {
    new gcp.ComputeRegionAutoscaler(stack, 'web_autoscaler', {
      name: gcpName(ctx, 'web', 63),
      region: plan.region,
      target: group.id,
      autoscalingPolicy: { minReplicas: policy.min, maxReplicas: policy.max, cooldownPeriod: 300, mode: 'ON', cpuUtilization: { target: policy.cpuTarget / 100 } },
    });
  }
  new TerraformOutput(stack, 'web_rollout', { value: ctx.lit(rollout.note), description: 'How the web servers are replaced by an update on GCP' });
  const secret = maybeShared<SecretManagerSecret>(ctx, 'secret');
  if (secret) new TerraformOutput(stack, 'site_secret', { value: secret.id, description: `Secret Manager secret holding ${ctx.workload.outputs.secret ?? 'the site\'s secrets'}` });
};
