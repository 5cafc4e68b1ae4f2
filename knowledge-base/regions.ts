import regionsData from './data/regions.json' with { type: 'json' };
import { catalogFor } from './catalog.ts';
import { cloudKnowledge } from './clouds/registry.ts';
import { SERVER_STACK_KINDS } from './types.ts';
import type { CloudId, ResourceKind } from './types.ts';

export type RegionResolution =
  | { ok: true; region: string; alias?: string }
  | { ok: false; message: string; candidates: string[]; /** Listed for the cloud but not offered: some resource has no price there. */ unpriced?: boolean };

/** The cloud-agnostic aliases (us-east, eu-west, …); each cloud maps them in its regions.json. */
export function aliasNames(): string[] {
  return Object.keys(regionsData.aliases);
}

/** The aliases a cloud offers for a stack of `kinds` (default: a server stack): mapped to one of its offered (fully priced) regions. */
export function offeredAliases(cloud: CloudId, kinds: readonly ResourceKind[] = SERVER_STACK_KINDS): string[] {
  const catalog = catalogFor(cloud);
  return aliasNames().filter((a) => {
    const region = cloudKnowledge(cloud).regions.aliases[a];
    return region !== undefined && catalog.hasRegion(region, kinds);
  });
}

/**
 * A cloud's own region name, or an alias mapped for that cloud. Only offered regions resolve: a
 * region (or alias) where some resource type of the stack (`kinds`, default: a server stack) has
 * no price is refused, so every review is complete.
 */
export function resolveRegion(cloud: CloudId, input: string, kinds: readonly ResourceKind[] = SERVER_STACK_KINDS): RegionResolution {
  const catalog = catalogFor(cloud);
  const candidates = [...catalog.regionNames(kinds), ...offeredAliases(cloud, kinds)];
  const mapped = Object.hasOwn(regionsData.aliases, input) ? cloudKnowledge(cloud).regions.aliases[input] : undefined;
  if (mapped && catalog.hasRegion(mapped, kinds)) return { ok: true, region: mapped, alias: input };
  if (mapped) return { ok: false, message: `"${input}" (${mapped} on ${cloud}) is not offered: not every resource has a price there yet`, candidates, unpriced: true };
  if (catalog.hasRegion(input, kinds)) return { ok: true, region: input };
  if (catalog.knowsRegion(input)) return { ok: false, message: `"${input}" is not offered on ${cloud}: not every resource has a price there yet`, candidates, unpriced: true };
  return { ok: false, message: `"${input}" is not a ${cloud} region AutoStack knows`, candidates };
}

/** The same location on another cloud, for price comparison (us-east-1 on AWS → eastus on Azure). */
export function counterpartRegion(fromCloud: CloudId, fromRegion: string, toCloud: CloudId): string {
  const alias = cloudKnowledge(fromCloud).regions.nearest[fromRegion] ?? 'us-east';
  return cloudKnowledge(toCloud).regions.aliases[alias] ?? alias;
}
