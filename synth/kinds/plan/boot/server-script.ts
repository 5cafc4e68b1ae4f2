import { catalogFor } from '../../../../knowledge-base/catalog.ts';
import type { CloudPlan } from '../../../../knowledge-base/cloud-plan.ts';
import { packageSourceFor, tunePostgres } from '../../../../knowledge-base/postgres.ts';
import type { CloudAccess } from '../../../core/registry/kinds.ts';
import { cronToOnCalendar } from '../../../core/validate/cron.ts';
import type { PlanModel } from '../model.ts';
import { renderBootstrap } from './bootstrap.ts';

const RESTORE_CHECK: Record<string, string | undefined> = { daily: '*-*-* 05:30:00', weekly: 'Sun *-*-* 05:30:00', monthly: '*-*-01 05:30:00', never: undefined };

/** The first-boot script of server `index`, from the plan, the chosen image and instance, and the cloud's access. */
export function serverScript(model: PlanModel, plan: CloudPlan, index: number, access: CloudAccess): string {
  const type = catalogFor(plan.cloud).instanceType(plan.instance!.name)!;
  return renderBootstrap({
    planName: model.name,
    role: index === 0 ? 'primary' : 'replica',
    index,
    packaging: plan.image!.distro === 'amazon-linux' ? 'amazon-linux' : packageSourceFor(plan.image!.distro),
    pgVersion: model.postgres.version,
    dataDiskGiB: model.storage.sizeGiB,
    settings: tunePostgres({ memoryGiB: type.memoryGiB, vcpu: type.vcpu, maxConnections: model.postgres.maxConnections, replicas: model.postgres.replicas, extra: model.postgres.settings }),
    allowedCidrs: model.network.allowedCidrs,
    backup: {
      enabled: model.backup.enabled,
      onCalendar: cronToOnCalendar(model.backup.schedule),
      retentionDays: model.backup.retentionDays,
      validateOnCalendar: RESTORE_CHECK[model.backup.validate],
    },
    access,
  });
}
