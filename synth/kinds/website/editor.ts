import { cloudIds, displayName } from '../../../knowledge-base/clouds/registry.ts';
import { getPath } from '../../core/parse/doc-path.ts';
import type { EditorCapability } from '../../core/registry/kinds.ts';
import { PHP_VERSIONS, WORDPRESS_VERSIONS } from './versions.ts';

/** The visual editor's view of a Website: palette entry, node summary, property panel. */
export const websiteEditor: EditorCapability = {
  title: 'WordPress website',
  description: 'A WordPress site: load balancer, servers, shared storage, managed MySQL',
  starter: (name) => ({
    apiVersion: 'autostack.dev/v1',
    kind: 'Website',
    metadata: { name, project: 'default' },
    spec: {
      cloud: cloudIds()[0],
      region: 'us-east',
      domains: { route: 'www' },
      source: { type: 'blank' },
      runtime: { php: PHP_VERSIONS.default, wordpress: WORDPRESS_VERSIONS.default, size: 'small', scaling: { min: 2, max: 4, cpuTarget: 60 }, objectCache: false, cdn: false },
      database: { size: 'small', storageGiB: 20, highAvailability: false, backup: { schedule: '0 3 * * *', retentionDays: 7 } },
      fileBackup: { schedule: '30 3 * * *', retentionDays: 14 },
      updates: { strategy: 'rolling' },
      availability: { mode: 'single' },
      ip: 'shared',
    },
  }),
  summary: (d) => {
    const s = d.spec ?? {};
    const scale = s.runtime?.notifyOnly ? `${s.runtime.notifyOnly.servers ?? 1} server(s)` : `${s.runtime?.scaling?.min ?? 1}–${s.runtime?.scaling?.max ?? 2} servers`;
    return `${displayName(String(s.cloud ?? cloudIds()[0]))} ${s.region ?? ''} · WordPress ${s.runtime?.wordpress ?? WORDPRESS_VERSIONS.default} · ${s.runtime?.size ?? 'small'} · ${scale} · MySQL ${s.database?.size ?? 'small'}${s.profile ? ` · profile ${s.profile}` : ''}`;
  },
  sections: () => [
    { title: 'Site', fields: [
      { path: 'metadata.name', label: 'Name', type: 'text' },
      { path: 'metadata.project', label: 'Project', type: 'text' },
      { path: 'spec.profile', label: 'Profile (defaults from a Profile file)', type: 'text' },
      { path: 'spec.cloud', label: 'Cloud', type: 'select', options: cloudIds(), optionLabels: Object.fromEntries(cloudIds().map((c) => [c, displayName(c)])) },
      { path: 'spec.region', label: 'Region (us-east, eu-west… or the cloud\'s own name)', type: 'text' },
    ] },
    { title: 'Names', fields: [
      { path: 'spec.domains.route', label: 'Route (first label of the platform name)', type: 'text' },
      { path: 'spec.domains.extraRoutes', label: 'More routes (comma-separated)', type: 'list' },
      { path: 'spec.domains.custom', label: 'Custom domains (comma-separated)', type: 'list' },
      { path: 'spec.ip', label: 'Address', type: 'select', options: ['shared', 'dedicated'] },
    ] },
    { title: 'Source', fields: [
      { path: 'spec.source.type', label: 'Source', type: 'select', options: ['blank', 'zip', 'git'] },
      { path: 'spec.source.archive', label: 'Archive (path or object URL)', type: 'text', when: (d) => getPath(d, 'spec.source.type') === 'zip' },
      { path: 'spec.source.repository', label: 'Repository URL', type: 'text', when: (d) => getPath(d, 'spec.source.type') === 'git' },
      { path: 'spec.source.ref', label: 'Branch, tag or commit', type: 'text', when: (d) => getPath(d, 'spec.source.type') === 'git' },
      { path: 'spec.source.layout', label: 'Layout', type: 'select', options: ['wp-content', 'bedrock'], when: (d) => getPath(d, 'spec.source.type') === 'git' },
    ] },
    { title: 'Servers', fields: [
      { path: 'spec.runtime.php', label: 'PHP', type: 'select', options: PHP_VERSIONS.versions.map((v) => v.version) },
      { path: 'spec.runtime.wordpress', label: 'WordPress', type: 'select', options: WORDPRESS_VERSIONS.versions },
      { path: 'spec.runtime.size', label: 'Server size', type: 'select', options: ['small', 'medium', 'large', 'xlarge'] },
      { path: 'spec.runtime.scaling.min', label: 'Fewest servers', type: 'number' },
      { path: 'spec.runtime.scaling.max', label: 'Most servers', type: 'number' },
      { path: 'spec.runtime.scaling.cpuTarget', label: 'CPU target (%)', type: 'number' },
      { path: 'spec.runtime.objectCache', label: 'Object cache', type: 'checkbox' },
      { path: 'spec.runtime.cacheSize', label: 'Cache size', type: 'select', options: ['small', 'medium', 'large'], when: (d) => getPath(d, 'spec.runtime.objectCache') === true },
      { path: 'spec.runtime.cdn', label: 'CDN', type: 'checkbox' },
    ] },
    { title: 'Database and backups', fields: [
      { path: 'spec.database.size', label: 'Database size', type: 'select', options: ['small', 'medium', 'large', 'xlarge'] },
      { path: 'spec.database.storageGiB', label: 'Storage (GiB)', type: 'number' },
      { path: 'spec.database.highAvailability', label: 'High availability (standby)', type: 'checkbox' },
      { path: 'spec.database.backup.schedule', label: 'Database backups (cron, UTC)', type: 'text' },
      { path: 'spec.database.backup.retentionDays', label: 'Database backup retention (days)', type: 'number' },
      { path: 'spec.fileBackup.schedule', label: 'File backups (cron, UTC)', type: 'text' },
      { path: 'spec.fileBackup.retentionDays', label: 'File backup retention (days)', type: 'number' },
    ] },
    { title: 'Updates and availability', fields: [
      { path: 'spec.updates.strategy', label: 'Updates', type: 'select', options: ['rolling', 'canary', 'blueGreen'] },
      { path: 'spec.updates.steps', label: 'Canary steps (% , comma-separated)', type: 'list', when: (d) => getPath(d, 'spec.updates.strategy') === 'canary' },
      { path: 'spec.updates.pause', label: 'Pause between steps (10m, 1h)', type: 'text', when: (d) => getPath(d, 'spec.updates.strategy') === 'canary' },
      { path: 'spec.updates.verifyPath', label: 'Verify path', type: 'text', when: (d) => getPath(d, 'spec.updates.strategy') === 'blueGreen' },
      { path: 'spec.availability.mode', label: 'Availability', type: 'select', options: ['single', 'activePassive', 'activeActive'] },
      { path: 'spec.availability.standbyRegion', label: 'Standby region', type: 'text', when: (d) => getPath(d, 'spec.availability.mode') === 'activePassive' },
      { path: 'spec.availability.regions', label: 'Other active regions (comma-separated)', type: 'list', when: (d) => getPath(d, 'spec.availability.mode') === 'activeActive' },
      { path: 'spec.alerts.emails', label: 'Alert emails (comma-separated)', type: 'list' },
      { path: 'spec.budget.monthlyUsd', label: 'Budget (USD per month, optional)', type: 'number' },
    ] },
  ],
};
