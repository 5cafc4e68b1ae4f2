import type { PlanModel } from '../kinds/plan/model.ts';
import type { CloudId } from '../../knowledge-base/types.ts';
import { kindHandler } from '../core/registry/kinds.ts';
import type { SettingsModel } from '../core/resolve/settings.ts';
import { Synthesis } from '../cdktf/index.ts';
import { buildPlanStack } from './build.ts';
import './clouds-index.ts';
import '../kinds/index.ts';

export interface SynthesizedStack {
  name: string;
  plan: string;
  cloud: CloudId;
  /** Relative to the output directory: stacks/<plan>-<cloud>/cdk.tf.json */
  path: string;
  json: string;
  resourceCount: number;
}

export type SynthOutcome = { ok: true; stacks: SynthesizedStack[] } | { ok: false; errors: string[] };

/**
 * Terraform for each plan: on its own cloud, or on each of `clouds` (comparison clouds use the
 * region the review priced them in). All stacks are built before any is returned, so a failure
 * never leaves half an output behind.
 */
export function synthesizePlans(models: PlanModel[], settings: SettingsModel, clouds?: CloudId[]): SynthOutcome {
  const handler = kindHandler('Plan')!;
  const stacks: SynthesizedStack[] = [];
  const errors: string[] = [];
  for (const model of models) {
    const plans = handler.plan(model);
    for (const cloud of clouds ?? [model.cloud]) {
      const plan = plans.find((p) => p.cloud === cloud)!;
      if (plan.problems.length) {
        errors.push(`${model.name} on ${cloud}: ${plan.problems.join('; ')}`);
        continue;
      }
      // One construct tree per stack: it is serialized at once and can then be collected.
      const { name, json } = buildPlanStack(new Synthesis(), model, plan, settings);
      stacks.push({ name, plan: model.name, cloud, path: `stacks/${name}/cdk.tf.json`, json, resourceCount: countResources(json) });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, stacks };
}

function countResources(json: string): number {
  const resources = (JSON.parse(json) as { resource?: Record<string, Record<string, unknown>> }).resource ?? {};
  return Object.values(resources).reduce((n, byName) => n + Object.keys(byName).length, 0);
}
