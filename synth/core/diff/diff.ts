import type { CloudPlan } from '../../../knowledge-base/cloud-plan.ts';
import type { AbstractResource, CloudId } from '../../../knowledge-base/types.ts';

export type ResourceAction = 'add' | 'change' | 'replace' | 'remove' | 'no-op';

export interface ResourceChange {
  cloud: CloudId;
  key: string;
  kind: AbstractResource['kind'];
  action: ResourceAction;
  before?: string;
  after?: string;
  /** Why: "m6i.large → m6i.xlarge", "region us-east-1 → us-west-2", "disks cannot shrink". */
  reason?: string;
  /** How a change is applied: in place (what happens), or with the downtime of a restart or a replacement. */
  effect?: string;
  /** A restart or replacement that interrupts a service holding data: needs an acknowledgement. */
  disruption?: 'restart' | 'replace';
}

/**
 * Resources matched by their cloud-agnostic key. A new cloud or region, or an attribute the
 * resource cannot change in place, is a replace; anything else that differs is a change.
 */
export function diffResources(before: CloudPlan | undefined, after: CloudPlan | undefined): ResourceChange[] {
  const a = new Map((before?.resources ?? []).map((r) => [r.key, r]));
  const b = new Map((after?.resources ?? []).map((r) => [r.key, r]));
  const out: ResourceChange[] = [];
  for (const [key, r] of b) {
    const old = a.get(key);
    if (!old) out.push({ cloud: after!.cloud, key, kind: r.kind, action: 'add', after: r.type });
    else out.push(compare(before!.cloud, old, after!.cloud, r));
  }
  for (const [key, r] of a) if (!b.has(key)) out.push({ cloud: before!.cloud, key, kind: r.kind, action: 'remove', before: r.type });
  return out;
}

function compare(cloudA: CloudId, a: AbstractResource, cloudB: CloudId, b: AbstractResource): ResourceChange {
  const base = { cloud: cloudB, key: b.key, kind: b.kind, before: a.type, after: b.type };
  const replace = (reason: string): ResourceChange => ({ ...base, action: 'replace', reason, ...(b.disruptive ? { disruption: 'replace' as const, effect: 'replaced: the service stops until the new one is up' } : {}) });
  if (cloudA !== cloudB) return replace(`cloud ${cloudA} → ${cloudB}`);
  for (const attr of b.replaceOn ?? []) {
    if (String(a.attrs[attr]) === String(b.attrs[attr])) continue;
    return replace(`${attr} ${fmt(a.attrs[attr])} → ${fmt(b.attrs[attr])}`);
  }
  for (const attr of b.growOnly ?? []) {
    if (Number(b.attrs[attr]) < Number(a.attrs[attr])) return replace(`${attr} ${String(a.attrs[attr])} → ${String(b.attrs[attr])}: a ${b.kind} cannot shrink in place`);
  }
  const reasons: string[] = [];
  const effects = new Set<string>();
  for (const k of new Set([...Object.keys(a.attrs), ...Object.keys(b.attrs)])) {
    const x = a.attrs[k];
    const y = b.attrs[k];
    if (String(x) === String(y)) continue;
    if (b.inPlace?.[k]) effects.add(b.inPlace[k]!);
    // A new type carries its own size; the configuration is summarised by its effect, not dumped.
    if (!(a.type !== b.type && (k === 'vcpu' || k === 'memoryGiB')) && k !== 'config') reasons.push(`${k} ${fmt(x)} → ${fmt(y)}`);
    else if (k === 'config') reasons.push('configuration');
  }
  if (reasons.length === 0 && a.type === b.type) return { ...base, action: 'no-op' };
  const restart = a.type !== b.type && b.restartOnType !== undefined;
  if (restart) effects.add(b.restartOnType!);
  return {
    ...base,
    action: 'change',
    ...(reasons.length ? { reason: reasons.join(', ') } : {}),
    ...(effects.size ? { effect: [...effects].join('; ') } : { effect: 'in place' }),
    ...(restart && b.disruptive ? { disruption: 'restart' as const } : {}),
  };
}

function fmt(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : v === undefined ? '(none)' : String(v);
}
