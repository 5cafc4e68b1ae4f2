import type { AbstractResource } from '../../knowledge-base/types.ts';
import type { StackContext } from './context.ts';

/**
 * Helpers the clouds' resource files share for names: each cloud keeps its own rules (lengths,
 * characters, global names), these only fit and derive.
 */

/** `<base>-<suffix>` within `max` characters; too long, the base is cut and the stack's hash keeps it unique. No trailing hyphen. */
export function fitName(base: string, suffix: string, hash: string, max: number): string {
  const s = `${base}-${suffix}`;
  if (s.length <= max) return s;
  const keep = max - suffix.length - hash.length - 2;
  return `${base.slice(0, Math.max(1, keep)).replace(/-+$/, '')}-${hash}-${suffix}`.slice(0, max).replace(/-+$/, '');
}

/** The part of a plan key after `<kind>/<site>-` as a Terraform name: `certificate/shop-custom-1` → `custom_1`. */
export function keySuffix(ctx: StackContext, r: AbstractResource): string {
  const prefix = `${r.kind}/${ctx.subject.name}`;
  const rest = r.key.startsWith(prefix) ? r.key.slice(prefix.length).replace(/^-/, '') : r.key;
  return rest.replace(/[^a-zA-Z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'main';
}

/** Whether `name` is `zone` or below it (a wildcard is judged by the name it sits on). */
export function inZone(name: string, zone: string): boolean {
  const bare = name.startsWith('*.') ? name.slice(2) : name;
  return bare === zone || bare.endsWith(`.${zone}`);
}
