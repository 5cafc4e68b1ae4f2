import regionsData from './data/regions.json' with { type: 'json' };
import { catalogFor } from './catalog.ts';
import type { CloudId } from './types.ts';

type Alias = { description: string } & Record<CloudId, string>;
const aliases = regionsData.aliases as Record<string, Alias>;
const nearest = regionsData.nearest as Record<CloudId, Record<string, string>>;

export type RegionResolution =
  | { ok: true; region: string; alias?: string }
  | { ok: false; message: string; candidates: string[] };

export function aliasNames(): string[] {
  return Object.keys(aliases);
}

/** A cloud's own region name, or an alias mapped for that cloud. */
export function resolveRegion(cloud: CloudId, input: string): RegionResolution {
  const alias = aliases[input];
  if (alias) return { ok: true, region: alias[cloud], alias: input };
  if (catalogFor(cloud).hasRegion(input)) return { ok: true, region: input };
  const candidates = [...catalogFor(cloud).regionNames(), ...aliasNames()];
  return { ok: false, message: `"${input}" is not a ${cloud} region AutoStack knows`, candidates };
}

/** The same location on another cloud, for price comparison (us-east-1 on AWS → eastus on Azure). */
export function counterpartRegion(fromCloud: CloudId, fromRegion: string, toCloud: CloudId): string {
  const alias = nearest[fromCloud]?.[fromRegion] ?? 'us-east';
  return aliases[alias]![toCloud];
}
