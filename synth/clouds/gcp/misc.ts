import { TerraformOutput } from '../../cdktf/index.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { isNatAddress } from '../../stack/shared.ts';
import { gcpLoadBalancerAddress } from './load-balancer.ts';
import { gcpNatAddress } from './nat.ts';
import { primaryRegionOnly } from './web.ts';

/**
 * A server's ephemeral external address is its access_config (see vm.ts); the NAT's is reserved
 * (nat.ts); a website's dedicated load balancer address is a reserved global address kept across
 * changes (load-balancer.ts).
 */
export const gcpPublicIp: ResourceSynth = (ctx, r, i) => {
  if (isNatAddress(r)) return gcpNatAddress(ctx, r, i);
  if (r.attrs.for === 'load balancer') {
    primaryRegionOnly(ctx, r, i);
    gcpLoadBalancerAddress(ctx, true);
  }
};

/** Backups run on the primary (pgBackRest + systemd timer, see bootstrap.ts); the stack records the schedule. */
export const gcpBackupSchedule: ResourceSynth = (ctx, r) => {
  new TerraformOutput(ctx.stack, 'backup_schedule', { value: ctx.lit(`${String(r.attrs.schedule)} (UTC), kept ${String(r.attrs.retentionDays)} days, restore test ${String(r.attrs.validate)}`), description: ctx.workload.outputs.backupSchedule ?? 'When backups run' });
};
