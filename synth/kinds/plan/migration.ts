import type { CloudPlan } from '../../../knowledge-base/cloud-plan.ts';
import { displayName } from '../../../knowledge-base/clouds/registry.ts';
import { BACKUP_ASSUMPTION } from '../../../knowledge-base/pricing.ts';
import type { MigrationPath } from '../../core/registry/kinds.ts';
import type { PlanModel } from './model.ts';

/**
 * Moving a PostgreSQL plan to another cloud without losing data: the new stack starts next to the
 * old one, the latest pgBackRest backup of the old bucket is restored into the new primary, WAL
 * replay brings it up to date, writes stop for the switch, and the old stack goes in a later change.
 */
export function migrationPath(model: PlanModel, from: CloudPlan, to: CloudPlan): MigrationPath {
  const old = `${displayName(from.cloud)} ${from.region}`;
  const fresh = `${displayName(to.cloud)} ${to.region}`;
  // The latest full backup (compressed) and a day of WAL leave the old cloud once.
  const full = model.storage.sizeGiB * BACKUP_ASSUMPTION.fillRatio * BACKUP_ASSUMPTION.compression;
  const transferGiB = Math.round((full + full * BACKUP_ASSUMPTION.dailyChange) * 100) / 100;
  const replicas = model.postgres.replicas ? `, then the ${model.postgres.replicas} replica${model.postgres.replicas === 1 ? '' : 's'} rebuild from it with pg_basebackup` : '';
  return {
    steps: [
      `Merge this change: the ${fresh} stack is created next to the ${old} stack, which keeps running and backing up.`,
      `On the new primary, restore the latest backup of the old bucket: \`pgbackrest --stanza=main --repo1-path=/pgbackrest/${model.name} restore\` with the old repository's settings (read access to the ${old} bucket), and let it replay the WAL archive${replicas}.`,
      'Check the restore: row counts of the busiest tables and `SELECT pg_last_wal_replay_lsn()` against the old primary.',
      `Cut over: stop writes on the old primary (or put the application in maintenance), let the last WAL archive, promote the new primary, and point the application at the new address (output \`primary_private_ip\` of the ${to.cloud} stack).`,
      `Remove \`migration\` from the plan in a later pull request: that change destroys the ${old} stack, its disks and its backup bucket.`,
    ],
    transferGiB,
    assumption: `the latest full backup and a day of WAL: ${BACKUP_ASSUMPTION.text}`,
  };
}
