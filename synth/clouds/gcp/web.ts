import { gcpKnowledge } from '../../../knowledge-base/clouds/gcp/index.ts';
import { gcp } from '../../cdktf/gcp.ts';
import type { ServiceNetworkingConnection } from '../../cdktf/gcp.ts';
import type { AbstractResource } from '../../../knowledge-base/types.ts';
import type { StackContext } from '../../stack/context.ts';
import { maybeShared, share, shared } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';
import { fitName } from '../../stack/naming.ts';

/**
 * Helpers shared by the website resource files (load-balancer, certificate, dns, group,
 * filestore, mysql, cache, cdn, alarms). They read the cloud plan's abstract resources only,
 * never a kind's model.
 */

/** The network tag of the web servers: the firewall admits the load balancer to these only. */
export function webTag(ctx: StackContext): string {
  return gcpName(ctx, 'web', 63);
}

/**
 * A resource of a second region (standby or active) is refused: GCP resources take their region,
 * but a standby behind the one global load balancer needs preferred backends, which need a service
 * load balancing policy (`google_network_services_service_lb_policies`, in the google-beta
 * provider only; AutoStack's bindings are the GA provider's), and Filestore Basic does not
 * replicate the uploads between regions.
 */
export function primaryRegionOnly(ctx: StackContext, r: AbstractResource, index: number): void {
  if (index > 0 || (r.attrs.region !== undefined && r.attrs.region !== ctx.plan.region)) {
    throw new Error(`GCP cannot build ${r.key} in ${String(r.attrs.region)} yet: a site's second region (activePassive, activeActive) is not built on GCP — a standby group behind the global load balancer needs preferred backends (a service load balancing policy, only in Google's beta provider) and Filestore Basic does not replicate the uploads between regions; use availability single`);
  }
}

/**
 * A Compute Engine style name (`[a-z]([-a-z0-9]*[a-z0-9])?`): `autostack-<site>-<suffix>`, cut
 * to `max` characters with the stack's hash when the site's name is long.
 */
export function gcpName(ctx: StackContext, suffix: string, max: number): string {
  return fitName(ctx.names.base, suffix, ctx.names.hash, max);
}

export { inZone, keySuffix } from '../../stack/naming.ts';

/**
 * The stack's own VPC network: a website needs it (private services access peering for Cloud SQL,
 * Filestore and Memorystore is set up on it). A network named in autostack.yaml is refused.
 */
export function siteNetwork(ctx: StackContext, what: string): string {
  const net = ctx.settings.network.gcp as { network?: string } | undefined;
  if (net?.network) throw new Error(`GCP cannot place the ${what} of ${ctx.subject.name}: autostack.yaml network.gcp names an existing VPC network, and a website needs the stack's own (its private services access peering for Cloud SQL, Filestore and Memorystore); remove network.gcp`);
  return shared<string>(ctx, 'network');
}

/** The subnetwork range the web servers get their addresses from (base.ts). */
export const WEB_SUBNET_CIDR = '10.240.1.0/24';

/**
 * Private services access on the stack's network, made once: a reserved internal range
 * (/16, `VPC_PEERING`) and the peering with Google's service producer network, through which
 * Cloud SQL (private IP), Filestore and Memorystore are reached from the web servers only.
 */
export function privateServiceAccess(ctx: StackContext, what: string): ServiceNetworkingConnection {
  const done = maybeShared<ServiceNetworkingConnection>(ctx, 'privateServiceAccess');
  if (done) return done;
  const network = siteNetwork(ctx, what);
  const range = new gcp.ComputeGlobalAddress(ctx.stack, 'private_services_range', {
    name: gcpName(ctx, 'services', 63),
    description: 'AutoStack website: the range Cloud SQL, Filestore and Memorystore take their private addresses from',
    purpose: 'VPC_PEERING',
    addressType: 'INTERNAL',
    address: '10.241.0.0',
    prefixLength: 16,
    network,
    labels: gcpLabels(ctx),
  });
  return share(ctx, 'privateServiceAccess', new gcp.ServiceNetworkingConnection(ctx.stack, 'private_services', {
    network,
    service: 'servicenetworking.googleapis.com',
    reservedPeeringRanges: [range.name],
    // A peering still used by a Cloud SQL instance cannot be removed: abandon it on destroy instead of failing.
    deletionPolicy: 'ABANDON',
  }));
}

/**
 * The database's backup start (HH:MM UTC) and maintenance hour from the plan's cron schedule:
 * Cloud SQL takes one automated backup a day, started at the schedule's first minute and hour
 * (`15 2 * * *` → 02:15; every six hours → 00:00); binary logs give point-in-time recovery between
 * backups. Maintenance is three hours later, so the two never overlap.
 */
export function backupStart(schedule: string): { start: string; maintenanceHour: number } {
  const [minuteField, hourField] = schedule.trim().split(/\s+/);
  const first = (field: string | undefined, fallback: number) => {
    if (field === undefined || field === '') return fallback;
    const m = /^(\d{1,2})/.exec(field);
    return m ? Number(m[1]) : 0;
  };
  const minute = first(minuteField, 0) % 60;
  const hour = first(hourField, 3) % 24;
  return { start: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`, maintenanceHour: (hour + 3) % 24 };
}

/** A limit the GCP knowledge base states (knowledge-base/clouds/gcp/index.ts `limits`, each with its source). */
export function gcpLimit(key: string): number {
  const l = gcpKnowledge.limits?.[key];
  if (!l) throw new Error(`synth: the GCP knowledge base states no ${key} limit (knowledge-base/clouds/gcp/index.ts limits)`);
  return l.value;
}
