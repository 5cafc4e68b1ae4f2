import { TerraformOutput } from '../../cdktf/index.ts';
import type { ResourceSynth } from '../../stack/context.ts';

/** An ephemeral external address is the instance's access_config (see vm.ts); nothing else to create. */
export const gcpPublicIp: ResourceSynth = () => {};

/** Backups run on the primary (pgBackRest + systemd timer, see bootstrap.ts); the stack records the schedule. */
export const gcpBackupSchedule: ResourceSynth = (ctx, r) => {
  new TerraformOutput(ctx.stack, 'backup_schedule', { value: ctx.lit(`${String(r.attrs.schedule)} (UTC), kept ${String(r.attrs.retentionDays)} days, restore test ${String(r.attrs.validate)}`), description: ctx.workload.outputs.backupSchedule ?? 'When backups run' });
};
