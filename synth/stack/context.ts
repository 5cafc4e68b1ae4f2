import { createHash } from 'node:crypto';
import type { CloudPlan } from '../../knowledge-base/cloud-plan.ts';
import type { PlanModel } from '../kinds/plan/model.ts';
import type { AbstractResource, CloudId } from '../../knowledge-base/types.ts';
import type { SettingsModel } from '../core/resolve/settings.ts';
import type { Synthesis, TerraformStack } from '../cdktf/index.ts';

/** What every per-resource synth function gets: the plan, its cloud plan, and the stack being built. */
export interface StackContext {
  model: PlanModel;
  plan: CloudPlan;
  settings: SettingsModel;
  stack: TerraformStack;
  synthesis: Synthesis;
  names: StackNames;
  /** Tags/labels every resource carries (values already wrapped as literals). */
  tags: Record<string, string>;
  /** Constructs shared between resources (network, identity, bucket...), by role. */
  shared: Map<string, unknown>;
  /** A user-influenced string, made safe for Terraform. */
  lit(text: string): string;
}

export interface StackNames {
  stack: string;
  hash: string;
  base: string;
  bucket: string;
  secret: string;
  storageAccount: string;
  keyVault: string;
  serviceAccount: string;
}

/**
 * Names are deterministic (same plan, same names), globally unique where the cloud needs it
 * (a hash of org and plan), and within each cloud's length and character rules.
 */
export function stackNames(model: PlanModel, cloud: CloudId): StackNames {
  const hash = createHash('sha256').update(`${model.org}/${model.name}`).digest('hex').slice(0, 8);
  const alnum = model.name.replace(/[^a-z0-9]/g, '');
  return {
    stack: `${model.name}-${cloud}`,
    hash,
    base: `autostack-${model.name}`,
    bucket: `autostack-${model.name.slice(0, 40)}-${hash}`,
    secret: cloud === 'aws' ? `autostack/${model.org}/${model.name}/postgres` : `autostack-${model.name}-postgres`,
    storageAccount: `as${hash}${alnum}`.slice(0, 24),
    keyVault: `as-${model.name.slice(0, 12).replace(/-+$/, '')}-${hash}`,
    serviceAccount: `as-${model.name.slice(0, 17).replace(/-+$/, '')}-${hash.slice(0, 6)}`,
  };
}

/** The four tags cost allocation and tenant separation rely on, then the user's labels. */
export function baseTags(model: PlanModel): Record<string, string> {
  return { ...model.labels, 'autostack-org': model.org, 'autostack-project': model.project, 'autostack-plan': model.name, 'managed-by': 'autostack' };
}

export type ResourceSynth = (ctx: StackContext, resource: AbstractResource, index: number) => void;

/** A cloud's synth: the shared base of the stack, then one function per abstract resource kind. */
export interface CloudStackSynth {
  cloud: CloudId;
  base(ctx: StackContext): void;
  /** The order resources are created in (later ones refer to earlier ones). */
  order: AbstractResource['kind'][];
  resources: Record<AbstractResource['kind'], ResourceSynth>;
  /** Terraform resource types that cannot carry tags or labels, and why (checked by the conformance test). */
  untaggable: Record<string, string>;
}
