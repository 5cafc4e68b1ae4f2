import type { Diagnostic, Severity } from '../../core/diagnostics.ts';
import { locate } from '../../core/parse/parse.ts';
import type { KindContext, KindDefinition } from '../../core/registry/kinds.ts';
import { hasUnsafeCharacters, quoteVisible } from '../../core/validate/characters.ts';
import { parseCron } from '../../core/validate/cron.ts';
import { findPlaintextSecrets } from '../../core/validate/secrets.ts';
import type { ProfileModel } from './model.ts';
import schema from './profile.schema.json' with { type: 'json' };

type Path = (string | number)[];
interface ProfileDoc {
  metadata: { name: string; project?: string; labels?: Record<string, string> };
  spec?: { description?: string; website?: Record<string, unknown> };
}

/** Semantic checks of a Profile: what can be checked without the files that use it (they check the rest, naming the profile). */
function checkProfile(data: unknown, ctx: KindContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (path: Path, code: string, message: string, severity: Severity = 'error', onKey = false) =>
    out.push({ file: ctx.file, ...locate(ctx.parsed, path, onKey), severity, code, message, path: path.join('.') });
  const doc = data as ProfileDoc;
  for (const f of findPlaintextSecrets(data)) report(f.path, 'profile/plaintext-secret', `Plaintext secret: ${f.what} must not be written in a profile. Secrets are generated and kept in the cloud's secret store; remove it (and rotate it).`, 'error', f.onKey);
  const description = doc.spec?.description;
  if (description !== undefined && hasUnsafeCharacters(description)) report(['spec', 'description'], 'profile/description-characters', `The description (${quoteVisible(description)}) contains control, invisible or bidi characters: write it with visible characters only.`);
  const w = doc.spec?.website as { runtime?: { scaling?: unknown; notifyOnly?: unknown }; database?: { backup?: { schedule?: string } }; fileBackup?: { schedule?: string } } | undefined;
  if (w?.runtime?.scaling && w.runtime.notifyOnly) report(['spec', 'website', 'runtime', 'notifyOnly'], 'profile/scaling-conflict', 'Use either scaling or notifyOnly in a profile, not both: remove one.');
  for (const [path, value] of [[['spec', 'website', 'database', 'backup', 'schedule'], w?.database?.backup?.schedule], [['spec', 'website', 'fileBackup', 'schedule'], w?.fileBackup?.schedule]] as [Path, string | undefined][]) {
    if (value === undefined) continue;
    const c = parseCron(value);
    if (!c.ok) report(path, 'profile/backup-schedule', `Invalid backup schedule: ${c.message}.`);
  }
  if (doc.spec?.website === undefined) report(['spec'], 'profile/empty', 'This profile sets no defaults: add spec.website with the values websites using it should get (e.g. runtime: { size: medium }).', 'warning');
  return out;
}

function leaves(v: unknown, path: string): [string, string][] {
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.entries(v).flatMap(([k, x]) => leaves(x, path ? `${path}.${k}` : k));
  return [[path, Array.isArray(v) ? `[${v.join(', ')}]` : String(v)]];
}

/** `Profile`: named defaults for other kinds' files (websites today). No infrastructure and no cost of its own. */
export const profileKind: KindDefinition<ProfileModel> = {
  kind: 'Profile',
  schema,
  check: checkProfile,
  resolve: (data, ctx) => {
    const doc = data as ProfileDoc;
    return { kind: 'Profile', name: doc.metadata.name, project: doc.metadata.project ?? 'default', file: ctx.file, description: doc.spec?.description ?? '', website: doc.spec?.website ?? {} };
  },
  name: (m) => m.name,
  project: (m) => m.project,
  describeChanges(a, b) {
    const out: string[] = [];
    if (a.description !== b.description) out.push(`description "${a.description}" → "${b.description}"`);
    const x = new Map(leaves(a.website, 'website'));
    const y = new Map(leaves(b.website, 'website'));
    for (const k of [...new Set([...x.keys(), ...y.keys()])].sort()) {
      if (x.get(k) !== y.get(k)) out.push(`${k} ${x.get(k) ?? '(none)'} → ${y.get(k) ?? '(none)'} (files using this profile are reviewed with it)`);
    }
    return out;
  },
  editor: {
    title: 'Profile',
    description: 'Named defaults for websites (size, scaling, backups, updates, availability)',
    starter: (name) => ({
      apiVersion: 'autostack.dev/v1',
      kind: 'Profile',
      metadata: { name },
      spec: { description: 'A small blog: one cloud region, two small servers, no cache', website: { runtime: { size: 'small', scaling: { min: 2, max: 3 } }, database: { size: 'small' } } },
    }),
    summary: (d) => String(d.spec?.description ?? '') || 'named defaults',
    sections: () => [
      { title: 'Profile', fields: [
        { path: 'metadata.name', label: 'Name (default applies to files naming none)', type: 'text' },
        { path: 'spec.description', label: 'What it is for', type: 'text' },
      ] },
      { title: 'Website defaults', fields: [
        { path: 'spec.website.region', label: 'Region', type: 'text' },
        { path: 'spec.website.runtime.size', label: 'Server size', type: 'select', options: ['small', 'medium', 'large', 'xlarge'] },
        { path: 'spec.website.runtime.scaling.min', label: 'Fewest servers', type: 'number' },
        { path: 'spec.website.runtime.scaling.max', label: 'Most servers', type: 'number' },
        { path: 'spec.website.runtime.objectCache', label: 'Object cache', type: 'checkbox' },
        { path: 'spec.website.runtime.cdn', label: 'CDN', type: 'checkbox' },
        { path: 'spec.website.database.size', label: 'Database size', type: 'select', options: ['small', 'medium', 'large', 'xlarge'] },
        { path: 'spec.website.database.highAvailability', label: 'Database high availability', type: 'checkbox' },
        { path: 'spec.website.database.backup.retentionDays', label: 'Database backup retention (days)', type: 'number' },
        { path: 'spec.website.updates.strategy', label: 'Updates', type: 'select', options: ['rolling', 'canary', 'blueGreen'] },
        { path: 'spec.website.availability.mode', label: 'Availability', type: 'select', options: ['single', 'activePassive', 'activeActive'] },
      ] },
    ],
  },
};
