import type { AbstractResource } from '../../knowledge-base/types.ts';
import type { InstanceValue } from '../core/registry/kinds.ts';
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

/**
 * What a resource file knows of an abstract resource once applied (a Terraform reference: a
 * database's address, a file share's export, the secret holding a password), for the workload's
 * instance values (`InstanceValue.resource` and `.attribute`).
 */
export function provide(ctx: StackContext, resourceKey: string, attribute: InstanceValue['attribute'], value: string): void {
  const all = maybeShared<Map<string, string>>(ctx, 'provided') ?? share(ctx, 'provided', new Map<string, string>());
  all.set(`${resourceKey}#${attribute}`, value);
}

/**
 * The tags or metadata (`autostack-<name>`: value) the servers of group `index` carry: each
 * instance value of the workload, from what the resource files provided. A value no file provided
 * stops the synthesis: the servers would wait for it forever.
 */
export function instanceValueTags(ctx: StackContext, index: number): Record<string, string> {
  const all = maybeShared<Map<string, string>>(ctx, 'provided') ?? new Map<string, string>();
  return Object.fromEntries(ctx.instanceValues(index).map((v) => {
    const value = all.get(`${v.resource}#${v.attribute}`);
    if (value === undefined) throw new Error(`synth: ${ctx.plan.cloud} does not provide ${v.description} (${v.attribute} of ${v.resource}), which the servers read as autostack-${v.name}: the resource's file must call provide() (check the resource order)`);
    return [`autostack-${v.name}`, value];
  }));
}
