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
  if (cloudA !== cloudB) return { ...base, action: 'replace', reason: `cloud ${cloudA} → ${cloudB}` };
  for (const attr of b.replaceOn ?? []) {
    if (String(a.attrs[attr]) === String(b.attrs[attr])) continue;
    const reason = attr === 'config' ? 'configuration changed: the server is rebuilt from its image and reattached to its data disk' : `${attr} ${String(a.attrs[attr])} → ${String(b.attrs[attr])}`;
    return { ...base, action: 'replace', reason };
  }
  for (const attr of b.growOnly ?? []) {
    if (Number(b.attrs[attr]) < Number(a.attrs[attr])) return { ...base, action: 'replace', reason: `${attr} ${String(a.attrs[attr])} → ${String(b.attrs[attr])}: a ${b.kind} cannot shrink in place` };
  }
  const reasons: string[] = [];
  for (const k of new Set([...Object.keys(a.attrs), ...Object.keys(b.attrs)])) {
    const x = a.attrs[k];
    const y = b.attrs[k];
    if (String(x) !== String(y) && !(a.type !== b.type && (k === 'vcpu' || k === 'memoryGiB')) && k !== 'config') reasons.push(`${k} ${fmt(x)} → ${fmt(y)}`);
  }
  if (reasons.length === 0 && a.type === b.type) return { ...base, action: 'no-op' };
  return { ...base, action: 'change', ...(reasons.length ? { reason: reasons.join(', ') } : {}) };
}

function fmt(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : v === undefined ? '(none)' : String(v);
}
