import { catalogFor } from '../../../knowledge-base/catalog.ts';
import { displayName } from '../../../knowledge-base/clouds/registry.ts';
import { offeredAliases, resolveRegion } from '../../../knowledge-base/regions.ts';
import { WEBSITE_STACK_KINDS } from '../../../knowledge-base/types.ts';
import type { CloudId } from '../../../knowledge-base/types.ts';
import type { Diagnostic, Severity } from '../../core/diagnostics.ts';
import { diffResources } from '../../core/diff/diff.ts';
import { locate } from '../../core/parse/parse.ts';
import type { KindContext } from '../../core/registry/kinds.ts';
import { hasUnsafeCharacters, quoteVisible } from '../../core/validate/characters.ts';
import { parseCron } from '../../core/validate/cron.ts';
import { findPlaintextSecrets } from '../../core/validate/secrets.ts';
import { closest } from '../../core/validate/suggest.ts';
import { CODE_REPOSITORY } from './boot/config.ts';
import { buildWebsitePlan } from './cloud-plan.ts';
import type { WebsiteModel } from './model.ts';
import { namesOutsideSubtree, planCertificates, platformNames, siteZone } from './names.ts';
import { effectiveSpec, findProfile, profileName, resolveWebsite, websiteCloud } from './resolve.ts';
import type { WebsiteDoc } from './resolve.ts';
import { PHP_VERSIONS, WORDPRESS_VERSIONS, wordpressBranch } from './versions.ts';

type Path = (string | number)[];
type Report = (path: Path, code: string, message: string, severity?: Severity, onKey?: boolean) => void;

const DAY_MS = 86_400_000;

/** Semantic checks of a schema-valid Website: positioned diagnostics, each saying how to fix it. */
export function checkWebsite(data: unknown, ctx: KindContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report: Report = (path, code, message, severity = 'error', onKey = false) =>
    out.push({ file: ctx.file, ...locate(ctx.parsed, path, onKey), severity, code, message, path: path.join('.') });
  const doc = data as WebsiteDoc;
  for (const f of findPlaintextSecrets(data)) {
    report(f.path, 'website/plaintext-secret', `Plaintext secret: ${f.what} must not be written in a website file. AutoStack generates the database and admin passwords and keeps them in the cloud's secret store; remove it (and rotate it, since it is now in git history).`, 'error', f.onKey);
  }
  checkLabels(doc, report);
  checkCharacters(doc, report);
  if (!checkProfile(doc, ctx, report)) return out;
  const { spec, profile } = effectiveSpec(doc, ctx);
  // Where a value came from the profile, the diagnostic points at the file's spec.profile (or at spec for the default profile).
  const at = (path: Path): Path => (profile && profile.fields.some((f) => `spec.${f}` === path.join('.') || `spec.${f}`.startsWith(`${path.join('.')}.`)) && !has(doc, path) ? (doc.spec?.profile ? ['spec', 'profile'] : ['spec']) : path);
  const fromProfile = (path: Path) => (at(path) !== path ? ` (from profile ${profile!.name}, ${profile!.file})` : '');
  const cloud = websiteCloud(spec, ctx.settings);
  const region = checkRegion(spec.region ?? ctx.settings.defaults.region, cloud, at(['spec', 'region']), spec.region === undefined ? ' (the default from autostack.yaml)' : fromProfile(['spec', 'region']), report);
  checkVersions(spec, ctx.now ?? new Date(), at, fromProfile, report);
  checkScaling(spec, at, report);
  checkUpdates(spec, at, report);
  checkAvailability(spec, cloud, region, at, report);
  checkBackups(spec, at, report);
  checkSource(doc, report);
  // Names are checked whatever else is wrong: one pass reports every mistake.
  const model = resolveWebsite(doc, ctx);
  checkNames(model, ctx, report);
  if (region && !hasErrorsIn(out)) {
    const plan = buildWebsitePlan(model, cloud, region, true);
    for (const p of plan.problems) report(['spec'], 'website/cannot-plan', `${displayName(cloud)} cannot run this site as written: ${p}.`);
  }
  return out;
}

function hasErrorsIn(list: Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

function has(doc: WebsiteDoc, path: Path): boolean {
  let v: unknown = doc;
  for (const k of path) {
    if (!v || typeof v !== 'object') return false;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v !== undefined;
}

function checkLabels(doc: WebsiteDoc, report: Report): void {
  for (const [key, value] of Object.entries(doc.metadata.labels ?? {})) {
    if (key.startsWith('autostack-') || key === 'managed-by') report(['metadata', 'labels', key], 'website/reserved-label', `Label "${key}" is set by AutoStack on every resource; choose another key.`, 'error', true);
    else if (hasUnsafeCharacters(value)) report(['metadata', 'labels', key], 'website/label-characters', `The value of label ${key} (${quoteVisible(value)}) contains control, invisible or bidi characters: labels become cloud tags, where they would mislead. Write it with visible characters only.`);
  }
}

/** Free-text fields end up in cloud resources, notifications and the review: visible characters only. */
function checkCharacters(doc: WebsiteDoc, report: Report): void {
  const s = doc.spec ?? {};
  const fields: [Path, string | undefined][] = [
    [['spec', 'source', 'archive'], s.source?.archive],
    [['spec', 'source', 'repository'], s.source?.repository],
    ...(s.alerts?.emails ?? []).map((e, i): [Path, string] => [['spec', 'alerts', 'emails', i], e]),
    ...(s.runtime?.notifyOnly?.notify ?? []).map((e, i): [Path, string] => [['spec', 'runtime', 'notifyOnly', 'notify', i], e]),
  ];
  for (const [path, value] of fields) {
    if (value !== undefined && hasUnsafeCharacters(value)) report(path, 'website/characters', `${quoteVisible(value)} contains control, invisible or bidi characters: write it with visible characters only.`);
  }
}

/** The named profile exists at the same ref and is valid; false when the site cannot be checked further. */
function checkProfile(doc: WebsiteDoc, ctx: KindContext, report: Report): boolean {
  const { name, explicit } = profileName(doc);
  if (!explicit) return true;
  if (!ctx.lookup) {
    report(['spec', 'profile'], 'website/profile-unchecked', `Profile "${name}" is read from the repository: this check of the file alone applies none of its values. The review of the pull request applies them.`, 'info');
    return true;
  }
  const found = findProfile(doc, ctx);
  if (!found) {
    report(['spec', 'profile'], 'website/unknown-profile', `No Profile named "${name}" in this repository. Add a file with kind: Profile and metadata.name: ${name} under .autostack/, or remove spec.profile to use the default one.`);
    return false;
  }
  if (found.model === undefined) {
    report(['spec', 'profile'], 'website/invalid-profile', `Profile "${name}" (${found.file}) has errors, so its values cannot apply: fix that file first.`);
    return false;
  }
  return true;
}

function checkRegion(input: string, cloud: CloudId, path: Path, from: string, report: Report): string | undefined {
  const r = resolveRegion(cloud, input, WEBSITE_STACK_KINDS);
  if (r.ok) return r.region;
  const offered = catalogFor(cloud).regionNames(WEBSITE_STACK_KINDS);
  const guess = closest(input, r.candidates);
  const what = r.unpriced ? `Region "${input}"${from} is not offered for websites on ${displayName(cloud)}: not every website resource has a price there yet.` : `Unknown region "${input}"${from} for ${displayName(cloud)}.`;
  const choices = offered.length ? ` Use one of ${[...offered, ...offeredAliases(cloud, WEBSITE_STACK_KINDS)].join(', ')}.` : ` No ${displayName(cloud)} region prices every website resource yet: choose another cloud (spec.cloud).`;
  report(path, 'website/unknown-region', `${what}${guess && offered.length ? ` Did you mean "${guess}"?` : ''}${choices}`);
  return undefined;
}

type Spec = ReturnType<typeof effectiveSpec>['spec'];

function checkVersions(spec: Spec, now: Date, at: (p: Path) => Path, from: (p: Path) => string, report: Report): void {
  const php = spec.runtime?.php;
  if (php !== undefined) {
    const known = PHP_VERSIONS.versions.find((v) => v.version === php);
    const path: Path = ['spec', 'runtime', 'php'];
    if (!known) report(at(path), 'website/php-version', `PHP ${php}${from(path)} is not what the web servers run: they install ${PHP_VERSIONS.versions.map((v) => `PHP ${v.version}`).join(', ')} (${PHP_VERSIONS.source}). Write php: "${PHP_VERSIONS.default}" or leave the field out.`);
    else if (Date.parse(known.securityUntil) < now.getTime()) report(at(path), 'website/php-eol', `PHP ${php}${from(path)} has had no security fixes since ${known.securityUntil} (${PHP_VERSIONS.source}): AutoStack needs a newer server image; until then the site runs unpatched.`);
    else if (Date.parse(known.securityUntil) - now.getTime() < 90 * DAY_MS) report(at(path), 'website/php-eol-soon', `PHP ${php}${from(path)} gets security fixes only until ${known.securityUntil}: plan the move to a newer server image.`, 'warning');
  }
  const wp = spec.runtime?.wordpress;
  if (wp !== undefined) {
    const path: Path = ['spec', 'runtime', 'wordpress'];
    const branch = wordpressBranch(wp);
    const exact = wp.split('.').length === 3;
    if (!WORDPRESS_VERSIONS.versions.includes(branch) || (exact && !WORDPRESS_VERSIONS.exact.includes(wp))) {
      report(at(path), 'website/wordpress-version', `WordPress ${wp}${from(path)} is not what the web servers install: they install WordPress ${WORDPRESS_VERSIONS.default} (${WORDPRESS_VERSIONS.source}). Write wordpress: "${WORDPRESS_VERSIONS.default}" or leave the field out.`);
    } else if (Date.parse(WORDPRESS_VERSIONS.securityUntil) - now.getTime() < 90 * DAY_MS) {
      report(at(path), 'website/wordpress-old', `WordPress ${wp}${from(path)} gets Debian's security fixes only until ${WORDPRESS_VERSIONS.securityUntil}: plan the move to a newer server image.`, 'warning');
    }
  }
}

function checkScaling(spec: Spec, at: (p: Path) => Path, report: Report): void {
  const rt = spec.runtime ?? {};
  if (rt.scaling && rt.notifyOnly) report(at(['spec', 'runtime', 'notifyOnly']), 'website/scaling-conflict', 'Use either scaling (servers are added and removed) or notifyOnly (a fixed number of servers, and a notification when CPU is high), not both: remove one.');
  const s = rt.scaling;
  if (s?.min !== undefined && s.max !== undefined && s.max < s.min) report(at(['spec', 'runtime', 'scaling', 'max']), 'website/scaling-range', `scaling.max (${s.max}) is below scaling.min (${s.min}): set max to ${s.min} or more.`);
  if (rt.notifyOnly && !(rt.notifyOnly.notify?.length)) report(at(['spec', 'runtime', 'notifyOnly']), 'website/notify-nobody', 'notifyOnly tells nobody: add notify: [you@example.com], or the high-CPU alarm goes unread.', 'warning');
  if (rt.cacheSize !== undefined && rt.objectCache !== true) report(at(['spec', 'runtime', 'cacheSize']), 'website/cache-size-ignored', 'cacheSize applies only with objectCache: true; set objectCache: true or remove cacheSize.', 'warning');
  const min = s?.min ?? (rt.notifyOnly ? rt.notifyOnly.servers ?? 1 : 1);
  if (min < 2 && (spec.updates?.strategy ?? 'rolling') === 'rolling') report(at(['spec', 'runtime']), 'website/single-server', 'One server: the site is down while it is replaced by an update. Set scaling.min: 2, or updates.strategy: blueGreen.', 'info');
}

function checkUpdates(spec: Spec, at: (p: Path) => Path, report: Report): void {
  const u = spec.updates;
  if (!u) return;
  const strategy = u.strategy ?? 'rolling';
  const misplaced = ([['steps', 'canary'], ['pause', 'canary'], ['verifyPath', 'blueGreen']] as const).filter(([k, s]) => u[k] !== undefined && strategy !== s);
  for (const [k, s] of misplaced) report(at(['spec', 'updates', k]), 'website/update-field', `${k} applies only to strategy: ${s}; set strategy: ${s} or remove ${k}.`, 'error', true);
  if (strategy === 'canary' && u.steps) {
    const steps = u.steps;
    if (steps[steps.length - 1] !== 100) report(at(['spec', 'updates', 'steps']), 'website/canary-steps', `The last canary step must be 100 (every server updated); add 100: [${[...steps, 100].join(', ')}].`);
    else if (steps.some((v, i) => i > 0 && v <= steps[i - 1]!)) report(at(['spec', 'updates', 'steps']), 'website/canary-steps', `Canary steps must grow (e.g. [10, 50, 100]); ${JSON.stringify(steps)} does not.`);
  }
}

function checkAvailability(spec: Spec, cloud: CloudId, region: string | undefined, at: (p: Path) => Path, report: Report): void {
  const a = spec.availability;
  if (!a) return;
  const mode = a.mode ?? 'single';
  if (mode === 'activePassive' && !a.standbyRegion) report(at(['spec', 'availability']), 'website/standby-missing', 'activePassive needs standbyRegion: the region of the standby (e.g. us-west).');
  if (mode === 'activeActive' && !a.regions?.length) report(at(['spec', 'availability']), 'website/regions-missing', 'activeActive needs regions: the other regions serving the site (e.g. [eu-west]).');
  if (mode !== 'activePassive' && a.standbyRegion) report(at(['spec', 'availability', 'standbyRegion']), 'website/availability-field', 'standbyRegion applies only to mode: activePassive; set the mode or remove standbyRegion.', 'error', true);
  if (mode !== 'activeActive' && a.regions) report(at(['spec', 'availability', 'regions']), 'website/availability-field', 'regions applies only to mode: activeActive; set the mode or remove regions.', 'error', true);
  const others: [string, Path][] = mode === 'activePassive' && a.standbyRegion ? [[a.standbyRegion, ['spec', 'availability', 'standbyRegion']]] : mode === 'activeActive' ? (a.regions ?? []).map((r, i) => [r, ['spec', 'availability', 'regions', i]] as [string, Path]) : [];
  const seen = new Set<string>(region ? [region] : []);
  for (const [input, path] of others) {
    const r = checkRegion(input, cloud, at(path), '', report);
    if (r && seen.has(r)) report(at(path), 'website/same-region', `${input} (${r}) is already a region of this site: a standby or another active region must be a different region.`);
    if (r) seen.add(r);
  }
}

function checkBackups(spec: Spec, at: (p: Path) => Path, report: Report): void {
  for (const path of [['spec', 'database', 'backup', 'schedule'], ['spec', 'fileBackup', 'schedule']] as Path[]) {
    const value = path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k as string], { spec });
    if (typeof value !== 'string') continue;
    const c = parseCron(value);
    if (!c.ok) report(at(path), 'website/backup-schedule', `Invalid backup schedule: ${c.message}.`);
  }
  if (spec.fileBackup?.enabled === false) report(at(['spec', 'fileBackup', 'enabled']), 'website/file-backup-off', 'File backups are off: uploads, plugins and themes on the shared storage are not backed up. Remove enabled: false unless the site is disposable.', 'warning');
}

function checkSource(doc: WebsiteDoc, report: Report): void {
  const s = doc.spec?.source;
  if (!s) return;
  const type = s.type ?? 'blank';
  const needs: Record<string, string[]> = { blank: [], zip: ['archive'], git: ['repository'] };
  for (const k of needs[type] ?? []) if ((s as Record<string, unknown>)[k] === undefined) report(['spec', 'source'], 'website/source-incomplete', `source type ${type} needs ${k}: ${k === 'archive' ? 'the path of the site archive in this repository or its object URL' : 'the repository URL, e.g. https://github.com/acme/site.git'}.`);
  for (const k of ['archive', 'repository', 'ref', 'layout'] as const) {
    const belongs = k === 'archive' ? 'zip' : 'git';
    if (s[k] !== undefined && type !== belongs) report(['spec', 'source', k], 'website/source-field', `${k} applies only to type: ${belongs}; set type: ${belongs} or remove ${k}.`, 'error', true);
  }
  if (s.archive && (/(^|\/)\.\.(\/|$)/.test(s.archive) || s.archive.startsWith('/'))) report(['spec', 'source', 'archive'], 'website/archive-path', `The archive path ${quoteVisible(s.archive)} must stay inside the repository (no leading / and no ..) or be an s3://, gs:// or https:// URL.`);
  if (s.repository && /^https:\/\/[^/]*@/.test(s.repository)) report(['spec', 'source', 'repository'], 'website/repository-credentials', 'The repository URL holds credentials: remove them (and rotate them). Private repositories are read with a token (GIT_TOKEN, https) or a deploy key (GIT_DEPLOY_KEY, git@…) kept in the site\'s secret in the cloud\'s secret store.');
  else if (s.repository && !CODE_REPOSITORY.test(s.repository)) report(['spec', 'source', 'repository'], 'website/repository-url', `The repository ${quoteVisible(s.repository)} is not a URL the servers can clone: write https://host/owner/repo.git or git@host:owner/repo.git (letters, digits, . _ ~ - and /, no query).`);
  // What the web servers cannot deploy yet is refused here, in the review, not at the merge.
  if (type === 'zip') report(['spec', 'source', 'type'], 'website/source-not-built', 'A zip source is not deployed by the web servers yet: start with type: blank (or git, with a repository of your wp-content) and bring the content in after the first deployment.');
  if (type === 'git' && s.layout === 'bedrock') report(['spec', 'source', 'layout'], 'website/source-not-built', 'A Bedrock project is not deployed by the web servers yet (Bedrock brings its own WordPress through Composer; the servers run Debian\'s): use layout: wp-content with a repository of your wp-content directory.');
}

/** Names: DNS-safe and within limits, custom domains outside the platform's other subtrees, the cloud's certificate limits. */
function checkNames(model: WebsiteModel, ctx: KindContext, report: Report): void {
  const zone = siteZone(model);
  for (const name of platformNames(model)) {
    if (name.length > 253) report(['metadata', 'name'], 'website/name-too-long', `The platform name ${name} is ${name.length} characters; DNS allows 253. Shorten the route or the site name.`);
  }
  for (const { name, index } of namesOutsideSubtree(model)) {
    report(['spec', 'domains', 'custom', index], 'website/name-outside-org', `${name} is a platform name outside this site's subtree (${zone}): a site may only take names under ${zone}, never another org's or another site's. Use domains.route or domains.extraRoutes for more platform names, or a domain of your own.`);
  }
  const certs = planCertificates(model, model.cloud);
  for (const p of certs.problems) report(['spec', 'domains'], 'website/certificate-limit', `${displayName(model.cloud)}: ${p}.`);
  for (const w of certs.warnings) report(['spec', 'domains'], 'website/certificate-limit-near', `${displayName(model.cloud)}: ${w}.`, 'warning');
  if (ctx.settings.org === 'default' && zone) report(['metadata', 'name'], 'website/default-org', `The platform name uses the org "default": set spec.org in autostack.yaml so the site lives in your org's subtree (${model.name}.<org>.www.${model.names.platformDomain}).`, 'warning');
}

/** A change that replaces the database or the shared storage needs the downtime acknowledgement, like a plan's data disk. */
export function checkWebsiteTransition(before: WebsiteModel, after: WebsiteModel, ctx: KindContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (path: Path, code: string, message: string, severity: Severity) => out.push({ file: ctx.file, ...locate(ctx.parsed, path), severity, code, message, path: path.join('.') });
  if (after.database.storageGiB < before.database.storageGiB) {
    report(['spec', 'database', 'storageGiB'], 'website/storage-shrink', `Database storage cannot shrink (${before.database.storageGiB} → ${after.database.storageGiB} GiB): applying this would replace the database. Keep ${before.database.storageGiB} GiB or more.`, 'error');
  }
  if (after.cloud !== before.cloud) {
    report(['spec', 'cloud'], 'website/move-cloud', `Moving ${after.name} from ${displayName(before.cloud)} to ${displayName(after.cloud)} creates a new, empty site and destroys the old one with its database and uploads. Create a second Website on ${displayName(after.cloud)}, restore a backup into it, switch the names, then remove this one.`, 'error');
    return out;
  }
  const a = buildWebsitePlan(before, before.cloud, before.region, true);
  const b = buildWebsitePlan(after, after.cloud, after.region, true);
  const disruptive = diffResources(a, b).filter((c) => c.disruption);
  const written = after.acknowledge?.downtime;
  const fresh = written !== undefined && written !== before.acknowledge?.downtime;
  if (disruptive.length === 0) {
    if (fresh) report(['spec', 'acknowledge', 'downtime'], 'website/acknowledge-unneeded', 'Nothing in this change replaces or restarts the database or the shared storage: remove acknowledge.downtime.', 'warning');
    return out;
  }
  if (fresh || ctx.acknowledgedDowntime !== undefined) return out;
  const first = disruptive[0]!;
  const what = first.disruption === 'restart' ? `restarts ${first.key} (${first.reason ?? `${first.before} → ${first.after}`}: ${first.effect ?? 'a restart'})` : `replaces ${first.key} (${first.reason ?? 'replaced'}): a new, empty ${first.kind === 'mysql' ? 'database' : 'file share'} — restore from backup afterwards`;
  const stale = written !== undefined && !fresh ? ' The acknowledgement in the file is from an earlier change and does not count for this one: edit it.' : '';
  const where: Path = first.kind === 'mysql' ? ['spec', 'database'] : first.reason?.startsWith('region') ? ['spec', 'region'] : ['spec'];
  report(has({ spec: after } as unknown as WebsiteDoc, where) ? where : ['spec'], 'website/downtime-unacknowledged', `This change ${what}.${stale} To go ahead, acknowledge it in this pull request: add \`acknowledge: { downtime: "<why, and when it may happen>" }\` under spec (or label the pull request autostack/downtime-ok).`, 'error');
  return out;
}
