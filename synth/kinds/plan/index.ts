import { buildCloudPlan } from '../../../knowledge-base/cloud-plan.ts';
import type { PlanModel } from './model.ts';
import { counterpartRegion, resolveRegion } from '../../../knowledge-base/regions.ts';
import { CLOUD_IDS } from '../../../knowledge-base/types.ts';
import { registerKind } from '../../core/registry/kinds.ts';
import { advisePlan } from './advice.ts';
import { describePlanChanges } from './changes.ts';
import { checkPlan, checkPlanTransition } from './check.ts';
import { resolvePlan } from './resolve.ts';
import type { PlanDoc } from './resolve.ts';

registerKind<PlanModel>({
  kind: 'Plan',
  check: checkPlan,
  resolve: (data, ctx) => resolvePlan(data as PlanDoc, ctx.file, ctx.settings),
  name: (m) => m.name,
  project: (m) => m.project,
  primaryCloud: (m) => m.cloud,
  plan(model) {
    const own = buildCloudPlan(model, model.cloud, model.region, true);
    const ownRegion = resolveRegion(model.cloud, model.region);
    const others = CLOUD_IDS.filter((c) => c !== model.cloud).map((c) => {
      // Compare like for like: the same alias, or the counterpart of the plan's own region.
      const region = ownRegion.ok && ownRegion.alias ? ownRegion.alias : counterpartRegion(model.cloud, own.region, c);
      return buildCloudPlan(model, c, region, false);
    });
    return [own, ...others];
  },
  checkTransition: checkPlanTransition,
  describeChanges: describePlanChanges,
  budgetUsd: (m) => m.budget?.monthlyUsd,
  advise: advisePlan,
});
