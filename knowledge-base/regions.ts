import regionsData from './data/regions.json' with { type: 'json' };
import { catalogFor } from './catalog.ts';
import { cloudKnowledge } from './clouds/registry.ts';
import type { CloudId } from './types.ts';

export type RegionResolution =
  | { ok: true; region: string; alias?: string }
  | { ok: false; message: string; candidates: string[] };

/** The cloud-agnostic aliases (us-east, eu-west, …); each cloud maps them in its regions.json. */
export function aliasNames(): string[] {
  return Object.keys(regionsData.aliases);
}

/** A cloud's own region name, or an alias mapped for that cloud. */
export function resolveRegion(cloud: CloudId, input: string): RegionResolution {
  const mapped = Object.hasOwn(regionsData.aliases, input) ? cloudKnowledge(cloud).regions.aliases[input] : undefined;
  if (mapped) return { ok: true, region: mapped, alias: input };
  if (catalogFor(cloud).hasRegion(input)) return { ok: true, region: input };
  const candidates = [...catalogFor(cloud).regionNames(), ...aliasNames()];
  return { ok: false, message: `"${input}" is not a ${cloud} region AutoStack knows`, candidates };
}

/** The same location on another cloud, for price comparison (us-east-1 on AWS → eastus on Azure). */
export function counterpartRegion(fromCloud: CloudId, fromRegion: string, toCloud: CloudId): string {
  const alias = cloudKnowledge(fromCloud).regions.nearest[fromRegion] ?? 'us-east';
  return cloudKnowledge(toCloud).regions.aliases[alias] ?? alias;
}
