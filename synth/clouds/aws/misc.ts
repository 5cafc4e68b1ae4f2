import { TerraformOutput } from '../../cdktf/index.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { isNatAddress } from '../../stack/shared.ts';
import { awsNatAddress } from './nat.ts';

/**
 * A server's public address is an attribute of the instance (associate_public_ip_address); the
 * NAT's is an Elastic IP (nat.ts).
 */
export const awsPublicIp: ResourceSynth = (ctx, r, i) => {
  if (isNatAddress(r)) awsNatAddress(ctx, r, i);
  // An Application Load Balancer takes no Elastic IP: a static address needs Global Accelerator or an NLB in front.
  else if (r.attrs.for === 'load balancer') throw new Error(`AWS cannot build ${r.key} yet: a dedicated IP for the load balancer (Global Accelerator) is not built on AWS; use ip: shared`);
};

/** Backups run on the primary (pgBackRest + systemd timer, see bootstrap.ts); the stack records the schedule. */
export const awsBackupSchedule: ResourceSynth = (ctx, r) => {
  new TerraformOutput(ctx.stack, 'backup_schedule', { value: ctx.lit(`${String(r.attrs.schedule)} (UTC), kept ${String(r.attrs.retentionDays)} days, restore test ${String(r.attrs.validate)}`), description: ctx.workload.outputs.backupSchedule ?? 'When backups run' });
};
