import type { CloudId } from '../../knowledge-base/types.ts';
import type { CloudPlan } from '../../knowledge-base/cloud-plan.ts';
import { kindDefinition } from '../core/registry/kinds.ts';
import type { InfrastructureCapability } from '../core/registry/kinds.ts';
import type { SettingsModel } from '../core/resolve/settings.ts';
import { Synthesis } from '../cdktf/index.ts';
import { buildStack } from './build.ts';
import { cloudStacks } from './registry.ts';

export interface SynthesizedStack {
  name: string;
  /** The model's name (the plan, the website, …). */
  plan: string;
  cloud: CloudId;
  /** Relative to the output directory: stacks/<name>-<cloud>/cdk.tf.json */
  path: string;
  json: string;
  resourceCount: number;
  /** Groups of resource addresses changed one group at a time (a cluster's servers, replicas first). */
  rollout: string[][];
}

/** A resolved model of a kind with the infrastructure capability. */
export interface SynthInput {
  kind: string;
  model: unknown;
}

export type SynthOutcome = { ok: true; stacks: SynthesizedStack[] } | { ok: false; errors: string[] };

/**
 * Terraform for each model: on its own cloud, or on each of `clouds` (comparison clouds use the
 * region the review priced them in). All stacks are built before any is returned, so a failure
 * never leaves half an output behind. Kinds without infrastructure have no stacks.
 */
export async function synthesize(inputs: SynthInput[], settings: SettingsModel, clouds?: CloudId[], onStack?: StackProgress): Promise<SynthOutcome> {
  const stacks: SynthesizedStack[] = [];
  const errors: string[] = [];
  // Every stack first, so progress can say "k of n".
  const jobs: { infra: InfrastructureCapability<unknown>; model: unknown; name: string; cloud: CloudId; plans: CloudPlan[] }[] = [];
  for (const { kind, model } of inputs) {
    const infra = kindDefinition(kind)?.infrastructure;
    if (!infra) continue;
    const plans = infra.plan(model);
    const name = infra.subject(model).name;
    // Deployed: the model's own cloud, and the old cloud while a migration keeps its stack.
    for (const cloud of clouds ?? plans.filter((p) => p.primary || p.kept).map((p) => p.cloud)) jobs.push({ infra, model, name, cloud, plans });
  }
  for (const [i, { infra, model, name, cloud, plans }] of jobs.entries()) {
    const plan = plans.find((p) => p.cloud === cloud);
    if (!infra.workload) {
      errors.push(`${name} on ${cloud}: AutoStack cannot build this kind's Terraform yet (the review prices and compares it; deploying it comes with the clouds' constructs for it)`);
      continue;
    }
    if (!plan || plan.problems.length) {
      errors.push(`${name} on ${cloud}: ${plan ? plan.problems.join('; ') : 'not a registered cloud'}`);
      continue;
    }
    const impl = await cloudStacks(cloud);
    // A cloud builds a stack only when it has a construct for every resource type of the plan: otherwise say which it lacks.
    const lacking = [...new Set(plan.resources.map((r) => r.kind))].filter((k) => !impl.order.includes(k) || !impl.resources[k]);
    if (lacking.length) {
      errors.push(`${name} on ${cloud}: AutoStack cannot build ${lacking.join(', ')} resources on this cloud yet (the review prices and compares them; deploying comes with the cloud's constructs for them)`);
      continue;
    }
    await onStack?.(i + 1, jobs.length, `${name}-${cloud}`);
    // One construct tree per stack: it is serialized at once and can then be collected.
    let built: Awaited<ReturnType<typeof buildStack>>;
    try {
      built = await buildStack(new Synthesis(), impl, infra, model, plan, settings);
    } catch (e) {
      // A kind's or cloud's refusal (a source not deployed yet, user data over the limit): said, never a stack trace.
      errors.push(`${name} on ${cloud}: ${(e as Error).message}`);
      continue;
    }
    stacks.push({ name: built.name, plan: name, cloud, path: `stacks/${built.name}/cdk.tf.json`, json: built.json, resourceCount: countResources(built.json), rollout: built.rollout });
  }
  return errors.length ? { ok: false, errors } : { ok: true, stacks };
}

/** Told before each stack is built: the k-th of n, and the stack's name (for progress shown while a render runs). */
export type StackProgress = (k: number, n: number, stack: string) => void | Promise<void>;

function countResources(json: string): number {
  const resources = (JSON.parse(json) as { resource?: Record<string, Record<string, unknown>> }).resource ?? {};
  return Object.values(resources).reduce((n, byName) => n + Object.keys(byName).length, 0);
}
