import type { Website } from '../../../schemas/types.generated.ts';
import type { CloudId } from '../../../knowledge-base/types.ts';
import type { KindContext, ReferencedDoc } from '../../core/registry/kinds.ts';
import type { SettingsModel } from '../../core/resolve/settings.ts';
import type { ProfileModel } from '../profile/model.ts';
import { installedWordPress, PHP_VERSIONS, WORDPRESS_VERSIONS } from './versions.ts';
import { WEB_SIZES, WEBSITE_DEFAULTS } from './model.ts';
import type { Size, WebsiteModel } from './model.ts';
import { documentIdentity } from '../../core/resolve/identity.ts';

/** A schema-valid Website file (types generated from schemas/website.schema.json). */
export type WebsiteDoc = Website;
export type WebsiteSpec = Website['spec'];

export const DEFAULT_PROFILE = 'default';

/** The profile a file names, or the default one (implied: its absence is no error). */
export function profileName(doc: WebsiteDoc): { name: string; explicit: boolean } {
  const named = doc.spec?.profile;
  return named ? { name: named, explicit: true } : { name: DEFAULT_PROFILE, explicit: false };
}

/** The profile's document at the same ref, when there is a repository to look in. */
export function findProfile(doc: WebsiteDoc, ctx: Pick<KindContext, 'lookup'>): ReferencedDoc | undefined {
  return ctx.lookup?.('Profile', profileName(doc).name);
}

/**
 * Groups of fields a file sets as a whole: setting any of them drops the profile's values for the
 * whole group (a file with notifyOnly does not inherit the profile's scaling).
 */
const WHOLE = [['runtime.scaling', 'runtime.notifyOnly'], ['updates'], ['availability']];

/** The file's spec over the profile's values; `fields`: the leaf paths that came from the profile. */
export function applyProfile(spec: Record<string, unknown>, profile: Record<string, unknown> | undefined): { spec: Record<string, unknown>; fields: string[] } {
  if (!profile) return { spec, fields: [] };
  const set = new Set(leaves(spec));
  const dropped = WHOLE.filter((group) => group.some((g) => [...set].some((p) => p === g || p.startsWith(`${g}.`)))).flat();
  const fields: string[] = [];
  const merge = (own: unknown, theirs: unknown, path: string): unknown => {
    if (dropped.includes(path)) return own;
    if (own === undefined) {
      if (theirs !== undefined) fields.push(...leaves(theirs, path));
      return theirs;
    }
    if (isObject(own) && isObject(theirs)) {
      const out: Record<string, unknown> = {};
      for (const k of new Set([...Object.keys(theirs), ...Object.keys(own)])) {
        const v = merge(own[k], theirs[k], path ? `${path}.${k}` : k);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    return own;
  };
  const merged = merge(spec, profile, '') as Record<string, unknown>;
  return { spec: merged, fields: fields.filter((f) => !dropped.some((d) => f === d || f.startsWith(`${d}.`))).sort() };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function leaves(v: unknown, path = ''): string[] {
  if (!isObject(v)) return path ? [path] : [];
  return Object.entries(v).flatMap(([k, x]) => leaves(x, path ? `${path}.${k}` : k));
}

/** The spec a site resolves from: its own, over its profile's website defaults. */
export function effectiveSpec(doc: WebsiteDoc, ctx: Pick<KindContext, 'lookup'>): { spec: NonNullable<WebsiteSpec>; profile?: { name: string; file: string; fields: string[] } } {
  const own = (doc.spec ?? {}) as Record<string, unknown>;
  const found = findProfile(doc, ctx);
  const model = found?.model as ProfileModel | undefined;
  if (!found || !model) return { spec: own as NonNullable<WebsiteSpec> };
  const { spec, fields } = applyProfile(own, model.website as Record<string, unknown>);
  return { spec: spec as NonNullable<WebsiteSpec>, profile: { name: found.name, file: found.file, fields } };
}

export function websiteCloud(spec: WebsiteSpec, settings: SettingsModel): CloudId {
  return spec?.cloud ?? settings.defaults.cloud;
}

/** Every default applied: the file, then its profile, then the repository settings, then the knowledge base. */
export function resolveWebsite(doc: WebsiteDoc, ctx: KindContext): WebsiteModel {
  const { spec, profile } = effectiveSpec(doc, ctx);
  const settings = ctx.settings;
  const size: Size = spec.runtime?.size ?? 'small';
  const web = WEB_SIZES[size];
  const rt = spec.runtime ?? {};
  const scaling: WebsiteModel['runtime']['scaling'] = rt.notifyOnly && !rt.scaling
    ? { mode: 'notify', servers: rt.notifyOnly.servers ?? WEBSITE_DEFAULTS.notifyOnly.servers, cpuAbove: rt.notifyOnly.cpuAbove ?? WEBSITE_DEFAULTS.notifyOnly.cpuAbove, notify: rt.notifyOnly.notify ?? [] }
    : { mode: 'auto', min: rt.scaling?.min ?? WEBSITE_DEFAULTS.scaling.min, max: rt.scaling?.max ?? Math.max(rt.scaling?.min ?? 1, WEBSITE_DEFAULTS.scaling.max), cpuTarget: rt.scaling?.cpuTarget ?? WEBSITE_DEFAULTS.scaling.cpuTarget };
  const u = spec.updates ?? {};
  const updates: WebsiteModel['updates'] = u.strategy === 'canary'
    ? { strategy: 'canary', steps: u.steps ?? WEBSITE_DEFAULTS.canary.steps, pause: u.pause ?? WEBSITE_DEFAULTS.canary.pause }
    : u.strategy === 'blueGreen' ? { strategy: 'blueGreen', verifyPath: u.verifyPath ?? WEBSITE_DEFAULTS.healthPath } : { strategy: 'rolling' };
  const a = spec.availability ?? {};
  const availability: WebsiteModel['availability'] = a.mode === 'activePassive' && a.standbyRegion
    ? { mode: 'activePassive', standbyRegion: a.standbyRegion }
    : a.mode === 'activeActive' && a.regions?.length ? { mode: 'activeActive', regions: [...a.regions] } : { mode: 'single' };
  const s = spec.source ?? {};
  const source: WebsiteModel['source'] = s.type === 'zip' && s.archive ? { type: 'zip', archive: s.archive }
    : s.type === 'git' && s.repository ? { type: 'git', repository: s.repository, ref: s.ref ?? WEBSITE_DEFAULTS.gitRef, layout: s.layout ?? 'wp-content' } : { type: 'blank' };
  const db = spec.database ?? {};
  const fb = spec.fileBackup ?? {};
  const traffic = spec.traffic && (spec.traffic.requestsPerMonth !== undefined || spec.traffic.gibPerMonth !== undefined) ? { ...spec.traffic } : undefined;
  return {
    kind: 'Website',
    ...documentIdentity(doc, ctx.file, settings),
    cloud: websiteCloud(spec, settings),
    region: spec.region ?? settings.defaults.region,
    ...(profile ? { profile } : {}),
    names: {
      ...(settings.platform.domain ? { platformDomain: settings.platform.domain } : {}),
      route: spec.domains?.route ?? WEBSITE_DEFAULTS.route,
      extraRoutes: [...new Set(spec.domains?.extraRoutes ?? [])],
      custom: [...new Set(spec.domains?.custom ?? [])],
    },
    source,
    runtime: {
      php: rt.php ?? PHP_VERSIONS.default,
      wordpress: installedWordPress(rt.wordpress ?? WORDPRESS_VERSIONS.default),
      size,
      vcpu: web.vcpu,
      memoryGiB: web.memoryGiB,
      family: web.family,
      scaling,
      objectCache: rt.objectCache ?? false,
      cacheSize: rt.cacheSize ?? 'small',
      cdn: rt.cdn ?? false,
    },
    database: {
      size: db.size ?? 'small',
      storageGiB: db.storageGiB ?? WEBSITE_DEFAULTS.storageGiB,
      highAvailability: db.highAvailability ?? false,
      backup: { schedule: db.backup?.schedule ?? WEBSITE_DEFAULTS.databaseBackup.schedule, retentionDays: db.backup?.retentionDays ?? WEBSITE_DEFAULTS.databaseBackup.retentionDays },
    },
    fileBackup: { enabled: fb.enabled ?? true, schedule: fb.schedule ?? WEBSITE_DEFAULTS.fileBackup.schedule, retentionDays: fb.retentionDays ?? WEBSITE_DEFAULTS.fileBackup.retentionDays },
    updates,
    availability,
    ip: spec.ip ?? 'shared',
    alerts: { emails: spec.alerts?.emails ?? [] },
    ...(traffic ? { traffic } : {}),
    ...(spec.budget ? { budget: { monthlyUsd: spec.budget.monthlyUsd } } : {}),
    ...(spec.acknowledge ? { acknowledge: { ...spec.acknowledge } } : {}),
  };
}
