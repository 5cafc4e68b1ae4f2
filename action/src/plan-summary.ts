import type { Masker } from './mask.ts';

export interface PlanCounts {
  add: number;
  change: number;
  destroy: number;
}

export interface PlannedResource {
  address: string;
  action: 'create' | 'update' | 'delete' | 'replace' | 'read';
}

export interface PlanSummary extends PlanCounts {
  resources: PlannedResource[];
  /** Output names whose value changes (values are not shown: they may be sensitive). */
  outputs: string[];
}

interface Change {
  actions: string[];
  before?: unknown;
  after?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
}

interface PlanJson {
  resource_changes?: { address: string; change: Change }[];
  output_changes?: Record<string, Change & { sensitive?: boolean }>;
  variables?: Record<string, { value?: unknown }>;
  configuration?: { root_module?: { variables?: Record<string, { sensitive?: boolean }>; outputs?: Record<string, { sensitive?: boolean }> } };
  prior_state?: { values?: { outputs?: Record<string, { sensitive?: boolean; value?: unknown }> } };
}

/**
 * Reads `terraform show -json <plan>`: counts and resources for the report, and every value the
 * plan marks sensitive handed to the masker first, so no report or log line can carry one.
 */
export function summarizePlan(json: string, masker: Masker): PlanSummary {
  const plan = JSON.parse(json) as PlanJson;
  collectSensitive(plan, masker);
  const resources: PlannedResource[] = [];
  const counts: PlanCounts = { add: 0, change: 0, destroy: 0 };
  for (const rc of plan.resource_changes ?? []) {
    const a = rc.change.actions;
    let action: PlannedResource['action'] | undefined;
    if (a.includes('create') && a.includes('delete')) action = 'replace';
    else if (a[0] === 'create') action = 'create';
    else if (a[0] === 'update') action = 'update';
    else if (a[0] === 'delete') action = 'delete';
    else if (a[0] === 'read') action = 'read';
    if (!action) continue;
    if (action === 'create' || action === 'replace') counts.add++;
    if (action === 'delete' || action === 'replace') counts.destroy++;
    if (action === 'update') counts.change++;
    resources.push({ address: rc.address, action });
  }
  const outputs = Object.entries(plan.output_changes ?? {}).filter(([, c]) => !c.actions.includes('no-op')).map(([name]) => name);
  return { ...counts, resources, outputs };
}

function collectSensitive(plan: PlanJson, masker: Masker): void {
  const declared = plan.configuration?.root_module?.variables ?? {};
  for (const [name, v] of Object.entries(plan.variables ?? {})) if (declared[name]?.sensitive) masker.add(v.value);
  for (const rc of plan.resource_changes ?? []) {
    sensitiveParts(rc.change.before, rc.change.before_sensitive, masker);
    sensitiveParts(rc.change.after, rc.change.after_sensitive, masker);
  }
  const outputConfig = plan.configuration?.root_module?.outputs ?? {};
  for (const [name, c] of Object.entries(plan.output_changes ?? {})) {
    if (outputConfig[name]?.sensitive || c.after_sensitive === true || c.before_sensitive === true) {
      masker.add(c.before);
      masker.add(c.after);
    }
  }
  for (const o of Object.values(plan.prior_state?.values?.outputs ?? {})) if (o.sensitive) masker.add(o.value);
}

/** Walks a value alongside terraform's sensitivity mask (same shape; `true` marks a sensitive subtree). */
function sensitiveParts(value: unknown, mask: unknown, masker: Masker): void {
  if (mask === true) {
    masker.add(value);
    return;
  }
  if (!mask || typeof mask !== 'object' || !value || typeof value !== 'object') return;
  for (const [k, m] of Object.entries(mask as Record<string, unknown>)) sensitiveParts((value as Record<string, unknown>)[k], m, masker);
}
