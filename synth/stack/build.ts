import type { CloudPlan } from '../../knowledge-base/cloud-plan.ts';
import type { PlanModel } from '../kinds/plan/model.ts';
import type { AbstractResource } from '../../knowledge-base/types.ts';
import type { SettingsModel } from '../core/resolve/settings.ts';
import type { Synthesis } from '../cdktf/index.ts';
import { cloudStack } from './registry.ts';
import { addBackend } from './backend.ts';
import { baseTags, stackNames } from './context.ts';
import type { StackContext } from './context.ts';

/**
 * One Terraform stack for a plan on one cloud:
 * 1. the backend and the cloud's base (provider, network, identity, image)
 * 2. each abstract resource of the cloud plan, in the cloud's order, by its registered synth
 */
export function buildPlanStack(synthesis: Synthesis, model: PlanModel, plan: CloudPlan, settings: SettingsModel): { name: string; json: string } {
  const impl = cloudStack(plan.cloud);
  if (!impl) throw new Error(`no synth registered for ${plan.cloud}`);
  const names = stackNames(model, plan.cloud);
  const stack = synthesis.stack(names.stack);
  const tags = Object.fromEntries(Object.entries(baseTags(model)).map(([k, v]) => [k, synthesis.literal(v)]));
  const ctx: StackContext = { model, plan, settings, stack, synthesis, names, tags, shared: new Map(), lit: (t) => synthesis.literal(t) };
  addBackend(stack, names.stack, settings);
  impl.base(ctx);
  const byKind = new Map<AbstractResource['kind'], AbstractResource[]>();
  for (const r of plan.resources) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  for (const kind of impl.order) {
    (byKind.get(kind) ?? []).forEach((r, i) => impl.resources[kind](ctx, r, i));
  }
  return { name: names.stack, json: synthesis.toJson(stack) };
}
