import { createHash } from 'node:crypto';
import type { CloudPlan } from '../../knowledge-base/cloud-plan.ts';
import type { AbstractResource, CloudId, ResourceKind } from '../../knowledge-base/types.ts';
import type { CloudAccess, GroupPolicy, InstanceValue, Subject, Workload } from '../core/registry/kinds.ts';
import type { SettingsModel } from '../core/resolve/settings.ts';
import type { Synthesis, TerraformResource, TerraformStack } from '../cdktf/index.ts';

/** What every per-resource synth function gets: who the stack is for, its cloud plan, and the stack being built. */
export interface StackContext {
  subject: Subject;
  plan: CloudPlan;
  settings: SettingsModel;
  stack: TerraformStack;
  synthesis: Synthesis;
  names: StackNames;
  /** What the servers run (descriptions, outputs); the first-boot script comes from `bootScript`. */
  workload: Workload<unknown>;
  /** The first-boot script of server `index`, given how the server reaches its cloud. */
  bootScript(index: number, access: CloudAccess): string;
  /** The day-2 configuration object of server `index` for the stack's bucket, when the workload has one. */
  serverConfig(index: number, access: CloudAccess): { key: string; content: string } | undefined;
  /** Apply-time values the servers of `index` read from their `autostack-<name>` tags or metadata (none when the workload declares none). */
  instanceValues(index: number): InstanceValue[];
  /** How instance group `index` scales and rolls out (the workload's `group`); throws when the workload has no groups. */
  group(index: number): GroupPolicy;
  /** Tags/labels every resource carries (values already wrapped as literals). */
  tags: Record<string, string>;
  /** Constructs shared between resources (network, identity, bucket...), by role. */
  shared: Map<string, unknown>;
  /** A user-influenced string, made safe for Terraform. */
  lit(text: string): string;
  /** Resources that make up server `index` (instance, disk attachment): a change rolls out one server at a time. */
  serverGroup(index: number, ...members: TerraformResource[]): void;
}

export interface StackNames {
  stack: string;
  hash: string;
  base: string;
  bucket: string;
  /** The secret's name: the cloud's own naming rules apply (see the cloud's secret.ts). */
  secretPrefix: string;
  storageAccount: string;
  keyVault: string;
  serviceAccount: string;
}

/**
 * Names are deterministic (same plan, same names), globally unique where the cloud needs it
 * (a hash of org and plan), and within each cloud's length and character rules.
 */
export function stackNames(subject: Subject, cloud: CloudId): StackNames {
  const hash = createHash('sha256').update(`${subject.org}/${subject.name}`).digest('hex').slice(0, 8);
  const alnum = subject.name.replace(/[^a-z0-9]/g, '');
  return {
    stack: `${subject.name}-${cloud}`,
    hash,
    base: `autostack-${subject.name}`,
    bucket: `autostack-${subject.name.slice(0, 40)}-${hash}`,
    secretPrefix: `autostack/${subject.org}/${subject.name}`,
    storageAccount: `as${hash}${alnum}`.slice(0, 24),
    keyVault: `as-${subject.name.slice(0, 12).replace(/-+$/, '')}-${hash}`,
    serviceAccount: `as-${subject.name.slice(0, 17).replace(/-+$/, '')}-${hash.slice(0, 6)}`,
  };
}

/** The four tags cost allocation and tenant separation rely on, then the user's labels. */
export function baseTags(subject: Subject): Record<string, string> {
  return { ...subject.labels, 'autostack-org': subject.org, 'autostack-project': subject.project, 'autostack-plan': subject.name, 'managed-by': 'autostack' };
}

export type ResourceSynth = (ctx: StackContext, resource: AbstractResource, index: number) => void;

/** A cloud's Terraform constructs: the shared base of the stack, then one function per abstract resource kind. */
export interface CloudStacks {
  base(ctx: StackContext): void;
  /** The order resources are created in (later ones refer to earlier ones). */
  order: ResourceKind[];
  resources: Partial<Record<ResourceKind, ResourceSynth>>;
  /** Terraform resource types that cannot carry tags or labels, and why (checked by the conformance test). */
  untaggable: Record<string, string>;
  /** Where a synthesized resource's tags (or labels) are, for the conformance test. */
  tagsOf(json: Record<string, any>, type: string, resource: Record<string, any>): Record<string, string> | undefined;
  /** The Terraform state backend of the type this cloud declares in `schema.stateBackend`; `key` names this stack's state. */
  backend?(stack: TerraformStack, key: string, backend: SettingsModel['stateBackend']): void;
}
