import { describeCron } from '../../core/validate/cron.ts';
import type { WebsiteModel } from './model.ts';
import { platformNames } from './names.ts';

/** Spec-level changes between two resolved sites, in a reviewer's words; a value the profile gave says so. */
export function describeWebsiteChanges(a: WebsiteModel, b: WebsiteModel): string[] {
  const out: string[] = [];
  const origin = (field: string) => {
    const from = (m: WebsiteModel) => (m.profile?.fields.some((f) => f === field || f.startsWith(`${field}.`)) ? m.profile.name : undefined);
    const p = from(b) ?? from(a);
    return p ? ` (from profile ${p})` : '';
  };
  const change = (what: string, x: unknown, y: unknown, field: string, note = '') => {
    if (String(x) !== String(y)) out.push(`${what} ${String(x)} → ${String(y)}${note}${field ? origin(field) : ''}`);
  };
  change('profile', a.profile?.name ?? 'none', b.profile?.name ?? 'none', '');
  change('cloud', a.cloud, b.cloud, 'cloud', ' (a new site is created on the new cloud)');
  change('region', a.region, b.region, 'region', ' (every resource is replaced: the database and uploads must be restored)');
  change('platform names', platformNames(a).join(', ') || 'none', platformNames(b).join(', ') || 'none', '');
  const added = b.names.custom.filter((d) => !a.names.custom.includes(d));
  const removed = a.names.custom.filter((d) => !b.names.custom.includes(d));
  if (added.length) out.push(`custom domains added: ${added.join(', ')} (new certificate names, DNS-validated)`);
  if (removed.length) out.push(`custom domains removed: ${removed.join(', ')}`);
  const src = (m: WebsiteModel) => (m.source.type === 'git' ? `git ${m.source.repository}@${m.source.ref} (${m.source.layout})` : m.source.type === 'zip' ? `zip ${m.source.archive}` : 'blank');
  change('source', src(a), src(b), '');
  change('PHP', a.runtime.php, b.runtime.php, 'runtime.php');
  change('WordPress', a.runtime.wordpress, b.runtime.wordpress, 'runtime.wordpress');
  change('server size', `${a.runtime.size} (${a.runtime.vcpu} vCPU / ${a.runtime.memoryGiB} GiB)`, `${b.runtime.size} (${b.runtime.vcpu} vCPU / ${b.runtime.memoryGiB} GiB)`, 'runtime.size');
  const scale = (m: WebsiteModel) => (m.runtime.scaling.mode === 'auto' ? `${m.runtime.scaling.min}–${m.runtime.scaling.max} servers at ${m.runtime.scaling.cpuTarget}% CPU` : `${m.runtime.scaling.servers} server(s), notify above ${m.runtime.scaling.cpuAbove}% CPU`);
  change('scaling', scale(a), scale(b), a.runtime.scaling.mode === 'auto' && b.runtime.scaling.mode === 'auto' ? 'runtime.scaling' : 'runtime.notifyOnly');
  change('object cache', a.runtime.objectCache ? `on (${a.runtime.cacheSize})` : 'off', b.runtime.objectCache ? `on (${b.runtime.cacheSize})` : 'off', 'runtime.objectCache');
  change('CDN', a.runtime.cdn ? 'on' : 'off', b.runtime.cdn ? 'on' : 'off', 'runtime.cdn');
  change('database size', a.database.size, b.database.size, 'database.size');
  change('database storage', a.database.storageGiB, b.database.storageGiB, 'database.storageGiB', ' GiB');
  change('database high availability', a.database.highAvailability ? 'on' : 'off', b.database.highAvailability ? 'on' : 'off', 'database.highAvailability');
  change('database backups', describeCron(a.database.backup.schedule), describeCron(b.database.backup.schedule), 'database.backup.schedule');
  change('database backup retention', a.database.backup.retentionDays, b.database.backup.retentionDays, 'database.backup.retentionDays', ' days');
  const fb = (m: WebsiteModel) => (m.fileBackup.enabled ? `${describeCron(m.fileBackup.schedule)}, kept ${m.fileBackup.retentionDays} days` : 'off');
  change('file backups', fb(a), fb(b), 'fileBackup');
  const upd = (m: WebsiteModel) => (m.updates.strategy === 'canary' ? `canary ${m.updates.steps.join('/')}% pausing ${m.updates.pause}` : m.updates.strategy === 'blueGreen' ? `blue/green verified at ${m.updates.verifyPath}` : 'rolling');
  change('updates', upd(a), upd(b), 'updates');
  const avail = (m: WebsiteModel) => (m.availability.mode === 'activePassive' ? `active/passive (standby ${m.availability.standbyRegion})` : m.availability.mode === 'activeActive' ? `active/active (also ${m.availability.regions.join(', ')})` : 'single region');
  change('availability', avail(a), avail(b), 'availability');
  change('IP', a.ip, b.ip, 'ip');
  change('alert emails', a.alerts.emails.join(', ') || 'none', b.alerts.emails.join(', ') || 'none', 'alerts.emails');
  const traffic = (m: WebsiteModel) => (m.traffic ? `${m.traffic.requestsPerMonth ?? 'assumed'} requests, ${m.traffic.gibPerMonth ?? 'assumed'} GiB a month` : 'assumed');
  change('expected traffic', traffic(a), traffic(b), '');
  change('budget', a.budget ? `$${a.budget.monthlyUsd}/month` : 'none', b.budget ? `$${b.budget.monthlyUsd}/month` : 'none', '');
  change('project', a.project, b.project, '');
  const labels = new Set([...Object.keys(a.labels), ...Object.keys(b.labels)]);
  for (const k of [...labels].sort()) change(`label ${k}`, a.labels[k] ?? '(none)', b.labels[k] ?? '(none)', '');
  return out;
}
