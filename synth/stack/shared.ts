import type { AbstractResource } from '../../knowledge-base/types.ts';
import type { StackContext } from './context.ts';
import { DataResource } from '../cdktf/index.ts';

/** Typed access to constructs shared between a stack's resource files. */
export function share<T>(ctx: StackContext, key: string, value: T): T {
  ctx.shared.set(key, value);
  return value;
}

export function shared<T>(ctx: StackContext, key: string): T {
  const v = ctx.shared.get(key);
  if (v === undefined) throw new Error(`synth: ${key} must be created before it is used (check the resource order)`);
  return v as T;
}

export function maybeShared<T>(ctx: StackContext, key: string): T | undefined {
  return ctx.shared.get(key) as T | undefined;
}

export function ipv4(cidrs: readonly string[]): string[] {
  return cidrs.filter((c) => !c.includes(':'));
}

export function ipv6(cidrs: readonly string[]): string[] {
  return cidrs.filter((c) => c.includes(':'));
}

/** Whether server `index` has a public address in the cloud plan (the NAT's own address is not a server's). */
export function hasPublicIp(ctx: StackContext, index: number): boolean {
  return ctx.plan.resources.filter((r) => r.kind === 'public-ip' && r.attrs.for === undefined).length > index;
}

/** The public address resource that belongs to the NAT, not to a server. */
export function isNatAddress(r: AbstractResource): boolean {
  return r.kind === 'public-ip' && r.attrs.for === 'nat';
}

/** How the stack's servers reach the internet (the cloud plan's NAT, their own addresses, or not at all). */
export function egressOf(ctx: StackContext): 'nat' | 'public-ip' | 'none' {
  const vm = ctx.plan.resources.find((r) => r.kind === 'vm');
  const e = vm?.attrs.egress;
  return e === 'public-ip' || e === 'none' ? e : 'nat';
}

/**
 * What server `index` is, as the review's `replaceOn` attributes of its vm resource (image,
 * PostgreSQL major, region, egress): a `terraform_data` the server is replaced with
 * (`replace_triggered_by`), so that exactly these changes replace it. Its first-boot document is
 * ignored after creation: a new AutoStack release never replaces running servers.
 */
export function serverIdentity(ctx: StackContext, r: AbstractResource, index: number): string {
  const input = Object.fromEntries((r.replaceOn ?? []).map((a) => [a, ctx.lit(String(r.attrs[a]))]));
  // In Terraform JSON, replace_triggered_by takes bare references ("terraform_data.x"), not "${…}".
  return ctx.synthesis.address(new DataResource(ctx.stack, `server_${index}_identity`, { input }));
}
