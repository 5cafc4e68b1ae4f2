import type { CloudPlan } from '../../knowledge-base/cloud-plan.ts';
import type { ResourceKind } from '../../knowledge-base/types.ts';
import type { AbstractResource } from '../../knowledge-base/types.ts';
import type { InfrastructureCapability } from '../core/registry/kinds.ts';
import type { SettingsModel } from '../core/resolve/settings.ts';
import { backends } from '../cdktf/index.ts';
import type { Synthesis, TerraformResource } from '../cdktf/index.ts';
import { baseTags, stackNames } from './context.ts';
import type { CloudStacks, StackContext } from './context.ts';
import { registeredClouds } from '../core/registry/clouds.ts';
import { cloudStacks } from './registry.ts';

/**
 * One Terraform stack for a model on one cloud:
 * 1. the state backend and the cloud's base (provider, network, identity, image)
 * 2. each abstract resource of the cloud plan, in the cloud's order, by its registered synth
 */
export async function buildStack(synthesis: Synthesis, impl: CloudStacks, infra: InfrastructureCapability<unknown>, model: unknown, plan: CloudPlan, settings: SettingsModel): Promise<{ name: string; json: string; rollout: string[][] }> {
  const subject = infra.subject(model);
  const workload = infra.workload;
  if (!workload) throw new Error(`no cloud builds the servers of ${subject.name} yet: its kind has no workload`);
  const names = stackNames(subject, plan.cloud);
  const stack = synthesis.stack(names.stack);
  const groups = new Map<number, TerraformResource[]>();
  const tags = Object.fromEntries(Object.entries(baseTags(subject)).map(([k, v]) => [k, synthesis.literal(v)]));
  const ctx: StackContext = {
    subject, plan, settings, stack, synthesis, names, tags,
    workload,
    bootScript: (index, access) => workload.bootScript(model, plan, index, access),
    serverConfig: (index, access) => workload.serverConfig?.(model, plan, index, access),
    instanceValues: (index) => workload.instanceValues?.(model, plan, index) ?? [],
    group: (index) => {
      if (!workload.group) throw new Error(`${subject.name}: ${workload.title} servers do not form instance groups`);
      return workload.group(model, plan, index);
    },
    shared: new Map(),
    lit: (t) => synthesis.literal(t),
    serverGroup: (index, ...members) => groups.set(index, [...(groups.get(index) ?? []), ...members]),
  };
  await addBackend(ctx, settings);
  impl.base(ctx);
  const byKind = new Map<ResourceKind, AbstractResource[]>();
  for (const r of plan.resources) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  for (const kind of impl.order) {
    const synth = impl.resources[kind];
    (byKind.get(kind) ?? []).forEach((r, i) => synth?.(ctx, r, i));
  }
  const unsupported = [...byKind.keys()].filter((k) => !impl.order.includes(k) || !impl.resources[k]);
  if (unsupported.length) throw new Error(`${plan.cloud} cannot build ${unsupported.join(', ')} resources`);
  // Replicas first (the highest index first), the primary (index 0) last.
  const rollout = [...groups.entries()].sort(([a], [b]) => b - a).map(([, members]) => members.map((m) => synthesis.address(m)));
  return { name: names.stack, json: synthesis.toJson(stack), rollout };
}

/**
 * The Terraform state backend from the repository settings; one state per stack. `local` is
 * built in; every other type belongs to the cloud that offers it. Backend blocks take no
 * expressions, so these (schema-validated) values go in as they are.
 */
async function addBackend(ctx: StackContext, settings: SettingsModel): Promise<void> {
  const b = settings.stateBackend;
  if (b.type === 'local') {
    new backends.LocalBackend(ctx.stack, { path: 'terraform.tfstate' });
    return;
  }
  // Only the cloud whose schema declares this backend type is loaded (its constructs import CDKTF providers).
  const owner = registeredClouds().find((c) => c.schema.stateBackend?.type === b.type);
  const impl = owner ? await cloudStacks(owner.id) : undefined;
  if (!impl?.backend) throw new Error(`no registered cloud offers the state backend "${b.type}"`);
  impl.backend(ctx.stack, `${b.prefix ?? 'autostack'}/${ctx.names.stack}`, b);
}
