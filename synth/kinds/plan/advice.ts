import type { CloudPlan } from '../../../knowledge-base/cloud-plan.ts';
import { displayName } from '../../../knowledge-base/clouds/registry.ts';
import type { PlanModel } from './model.ts';
import type { CloudId } from '../../../knowledge-base/types.ts';
import { coversWholeInternet, isOpenToInternet } from '../../core/validate/cidr.ts';

/** A few concrete, actionable remarks; never more than the reviewer will read. */
export function advisePlan(model: PlanModel, plans: CloudPlan[], costs: { cloud: CloudId; monthlyUsd: number; complete: boolean }[]): string[] {
  const out: string[] = [];
  const own = costs.find((c) => c.cloud === model.cloud);
  const rivals = costs.filter((c) => c.cloud !== model.cloud && c.complete).sort((a, b) => a.monthlyUsd - b.monthlyUsd);
  const best = rivals[0];
  if (own?.complete && best && best.monthlyUsd < own.monthlyUsd * 0.9) {
    const region = plans.find((p) => p.cloud === best.cloud)?.region;
    const saving = own.monthlyUsd - best.monthlyUsd;
    out.push(`${displayName(best.cloud)} would cost $${saving.toFixed(2)}/month less (−${Math.round((saving / own.monthlyUsd) * 100)}%) for the same plan in ${region}.`);
  }
  if (model.compute.family === 'burstable' && (model.postgres.topology === 'cluster' || model.postgres.maxConnections > 200)) {
    out.push('Burstable instances throttle when their CPU credits run out; for a cluster or a busy server use compute.family: general.');
  }
  if (model.postgres.topology === 'single' && model.backup.retentionDays >= 14) {
    out.push('A single server has no failover: recovery means restoring from backup. For production, consider topology: cluster.');
  }
  if (!model.backup.enabled) out.push('Backups are off.');
  else if (model.backup.validate === 'never') out.push('Backups are never test-restored; set backup.validate: weekly.');
  if (model.network.allowedCidrs.some(isOpenToInternet) || coversWholeInternet(model.network.allowedCidrs)) out.push('PostgreSQL is open to the whole internet; restrict network.allowedCidrs.');
  if (model.network.publicIp && !model.network.allowedCidrs.some(isOpenToInternet) && !coversWholeInternet(model.network.allowedCidrs)) out.push('The server has a public IP; if clients are inside your network, publicIp: false removes an attack surface and its hourly charge.');
  return out;
}
