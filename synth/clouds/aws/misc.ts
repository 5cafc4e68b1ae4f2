import { TerraformOutput } from '../../cdktf/index.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { isNatAddress } from '../../stack/shared.ts';
import { awsLoadBalancerAddress } from './lb-address.ts';
import { awsNatAddress } from './nat.ts';

/**
 * A server's public address is an attribute of the instance (associate_public_ip_address); the
 * NAT's is an Elastic IP (nat.ts); a website's dedicated IP is a set of Elastic IPs on a Network
 * Load Balancer in front of the ALB (lb-address.ts).
 */
export const awsPublicIp: ResourceSynth = (ctx, r, i) => {
  if (isNatAddress(r)) awsNatAddress(ctx, r, i);
  else if (r.attrs.for === 'load balancer') awsLoadBalancerAddress(ctx, r, i);
};

/** Backups run on the primary (pgBackRest + systemd timer, see bootstrap.ts); the stack records the schedule. */
export const awsBackupSchedule: ResourceSynth = (ctx, r) => {
  new TerraformOutput(ctx.stack, 'backup_schedule', { value: ctx.lit(`${String(r.attrs.schedule)} (UTC), kept ${String(r.attrs.retentionDays)} days, restore test ${String(r.attrs.validate)}`), description: ctx.workload.outputs.backupSchedule ?? 'When backups run' });
};
