import { cloudIds } from '../../../knowledge-base/clouds/registry.ts';
import { counterpartRegion, resolveRegion } from '../../../knowledge-base/regions.ts';
import type { KindDefinition } from '../../core/registry/kinds.ts';
import { advisePlan } from './advice.ts';
import { configObjectKey, serverConfig, serverScript } from './boot/server-script.ts';
import { describePlanChanges } from './changes.ts';
import { checkPlan, checkPlanTransition } from './check.ts';
import { buildCloudPlan } from './cloud-plan.ts';
import { migrationPath } from './migration.ts';
import { planEditor } from './editor.ts';
import type { PlanModel } from './model.ts';
import schema from './plan.schema.json' with { type: 'json' };
import { resolvePlan } from './resolve.ts';
import type { PlanDoc } from './resolve.ts';

/** `Plan`: a PostgreSQL server (single or a cluster with streaming replicas), on any registered cloud. */
export const planKind: KindDefinition<PlanModel> = {
  kind: 'Plan',
  schema,
  check: checkPlan,
  resolve: (data, ctx) => resolvePlan(data as PlanDoc, ctx.file, ctx.settings),
  name: (m) => m.name,
  project: (m) => m.project,
  checkTransition: checkPlanTransition,
  describeChanges: describePlanChanges,
  infrastructure: {
    subject: (m) => ({ name: m.name, project: m.project, org: m.org, labels: m.labels }),
    primaryCloud: (m) => m.cloud,
    plan(model) {
      const own = buildCloudPlan(model, model.cloud, model.region, true);
      const ownRegion = resolveRegion(model.cloud, model.region);
      const others = cloudIds().filter((c) => c !== model.cloud).map((c) => {
        // The old cloud of a migration keeps its stack (in its own region) until the migration is removed.
        if (model.migration?.from === c) return { ...buildCloudPlan({ ...model, os: model.migration.os }, c, model.migration.region, false), kept: true };
        // Compare like for like: the same alias, or the counterpart of the plan's own region.
        const region = ownRegion.ok && ownRegion.alias ? ownRegion.alias : counterpartRegion(model.cloud, own.region, c);
        return buildCloudPlan(model, c, region, false);
      });
      return [own, ...others];
    },
    budget: (m) => (m.budget ? { monthlyUsd: m.budget.monthlyUsd, path: ['spec', 'budget', 'monthlyUsd'] } : undefined),
    servers: (plan) => plan.resources.filter((r) => r.kind === 'vm').length,
    advise: advisePlan,
    migration: migrationPath,
    workload: {
      title: 'PostgreSQL',
      slug: 'postgres',
      bootScript: serverScript,
      serverConfig: (model, plan, index, access) => ({ key: configObjectKey(index), content: serverConfig(model, plan, index, access) }),
      outputs: {
        primaryAddress: 'Private address of the PostgreSQL primary (port 5432)',
        secret: 'the postgres and replicator passwords',
        backupSchedule: 'When pgBackRest backs up the primary',
      },
    },
  },
  editor: planEditor,
};
