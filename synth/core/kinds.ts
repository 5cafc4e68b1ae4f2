import type { CloudPlan } from '../../knowledge-base/cloud-plan.ts';
import type { CloudId } from '../../knowledge-base/types.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { ParsedFile } from './parse.ts';
import type { SettingsModel } from './settings.ts';

export interface KindContext {
  file: string;
  parsed: ParsedFile;
  settings: SettingsModel;
  /** The review's "today" (PostgreSQL end-of-life dates); the wall clock when absent. */
  now?: Date;
}

/**
 * What a kind of AutoStack file (Plan today; Website and Pipeline later) provides to the
 * review. The schema lives in schemas/<kind>.schema.json and is checked before `check`.
 */
export interface KindHandler<M = unknown> {
  kind: string;
  /** Semantic checks on schema-valid data; every problem is a positioned diagnostic. */
  check(data: unknown, ctx: KindContext): Diagnostic[];
  /** A fully specified model with every default applied. */
  resolve(data: unknown, ctx: KindContext): M;
  name(model: M): string;
  project(model: M): string;
  primaryCloud(model: M): CloudId;
  /** Cloud plans: the model's own cloud first, then the others for comparison. */
  plan(model: M): CloudPlan[];
  /** Changes that cannot be applied safely (a disk shrinking), as diagnostics on the head file. */
  checkTransition?(before: M, after: M, ctx: KindContext): Diagnostic[];
  /** Spec changes in the user's words ("storage 50 → 100 GiB"). */
  describeChanges(before: M, after: M): string[];
  budgetUsd(model: M): number | undefined;
  /** Short advice for the review (cheaper cloud, risky settings). */
  advise(model: M, plans: CloudPlan[], costs: { cloud: CloudId; monthlyUsd: number; complete: boolean }[]): string[];
}

const kinds = new Map<string, KindHandler>();

export function registerKind<M>(handler: KindHandler<M>): void {
  kinds.set(handler.kind, handler as KindHandler);
}

export function kindHandler(kind: string): KindHandler | undefined {
  return kinds.get(kind);
}

export function registeredKinds(): string[] {
  return [...kinds.keys()];
}
