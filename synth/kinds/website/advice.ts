import type { CloudPlan } from '../../../knowledge-base/cloud-plan.ts';
import { displayName } from '../../../knowledge-base/clouds/registry.ts';
import type { CostEstimate } from '../../../knowledge-base/cost.ts';
import { minServers } from './model.ts';
import type { WebsiteModel } from './model.ts';

/** A few concrete remarks: where the values came from, a cheaper cloud, risky settings. */
export function adviseWebsite(model: WebsiteModel, plans: CloudPlan[], costs: CostEstimate[]): string[] {
  const out: string[] = [];
  if (model.profile?.fields.length) out.push(`From profile ${model.profile.name} (${model.profile.file}): ${model.profile.fields.join(', ')}.`);
  const own = costs.find((c) => c.cloud === model.cloud);
  const rivals = costs.filter((c) => c.cloud !== model.cloud && c.complete).sort((a, b) => a.monthlyUsd - b.monthlyUsd);
  const best = rivals[0];
  if (own?.complete && best && best.monthlyUsd < own.monthlyUsd * 0.9) {
    const saving = own.monthlyUsd - best.monthlyUsd;
    out.push(`${displayName(best.cloud)} would cost $${saving.toFixed(2)}/month less (−${Math.round((saving / own.monthlyUsd) * 100)}%) for the same site in ${plans.find((p) => p.cloud === best.cloud)?.region}.`);
  }
  const group = own?.items.find((i) => i.resource === `instance-group/${model.name}`);
  if (group?.maxMonthlyUsd !== undefined && group.maxMonthlyUsd > group.monthlyUsd) out.push(`The servers cost $${group.monthlyUsd.toFixed(2)}/month at the minimum scale and up to $${group.maxMonthlyUsd.toFixed(2)}/month at the maximum: the total counts the minimum.`);
  if (minServers(model) < 2) out.push('One server at the minimum: an update or a failed server takes the site down. scaling.min: 2 keeps it up.');
  if (!model.database.highAvailability && model.availability.mode === 'single' && model.runtime.objectCache) out.push('The database has no standby: a zone outage stops the site. database.highAvailability: true adds one.');
  if (!model.fileBackup.enabled) out.push('File backups are off: uploads are not backed up.');
  return out;
}
