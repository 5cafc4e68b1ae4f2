import { catalogFor } from '../../../../knowledge-base/catalog.ts';
import type { CloudPlan } from '../../../../knowledge-base/cloud-plan.ts';
import { packageSourceFor, tunePostgres } from '../../../../knowledge-base/postgres.ts';
import type { CloudAccess } from '../../../core/registry/kinds.ts';
import { cronToOnCalendar } from '../../../core/validate/cron.ts';
import type { Egress, PlanModel } from '../model.ts';
import { renderBootstrap } from './bootstrap.ts';
import { configObjectKey, renderServerConfig } from './config.ts';

export { configObjectKey };

const RESTORE_CHECK: Record<string, string | undefined> = { daily: '*-*-* 05:30:00', weekly: 'Sun *-*-* 05:30:00', monthly: '*-*-01 05:30:00', never: undefined };

export type { Egress };

/**
 * The first-boot script of server `index`: only what fixes the server's identity (plan name,
 * role, index, package source, PostgreSQL major, egress, the cloud's access). A change in it
 * rebuilds the server; everything else is in `serverConfig`.
 */
export function serverScript(model: PlanModel, plan: CloudPlan, index: number, access: CloudAccess): string {
  return renderBootstrap({
    planName: model.name,
    role: index === 0 ? 'primary' : 'replica',
    index,
    packaging: plan.image!.distro === 'amazon-linux' ? 'amazon-linux' : packageSourceFor(plan.image!.distro),
    pgVersion: model.postgres.version,
    egress: model.network.egress,
    access,
  });
}

/**
 * The configuration document of server `index` (deterministic JSON text): PostgreSQL settings,
 * pg_hba, pgBackRest, schedules and disk size. The cloud stack stores it in the plan's bucket at
 * `configObjectKey(index)` and updates it in place; the server's agent applies it within minutes.
 */
export function serverConfig(model: PlanModel, plan: CloudPlan, index: number, access: CloudAccess): string {
  const type = catalogFor(plan.cloud).instanceType(plan.instance!.name)!;
  return renderServerConfig({
    planName: model.name,
    role: index === 0 ? 'primary' : 'replica',
    index,
    dataDiskGiB: model.storage.sizeGiB,
    settings: tunePostgres({ memoryGiB: type.memoryGiB, vcpu: type.vcpu, maxConnections: model.postgres.maxConnections, replicas: model.postgres.replicas, extra: model.postgres.settings }),
    allowedCidrs: model.network.allowedCidrs,
    backup: {
      enabled: model.backup.enabled,
      onCalendar: cronToOnCalendar(model.backup.schedule),
      retentionDays: model.backup.retentionDays,
      validateOnCalendar: RESTORE_CHECK[model.backup.validate],
    },
    storage: access.storage,
  });
}
