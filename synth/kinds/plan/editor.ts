import { catalogFor } from '../../../knowledge-base/catalog.ts';
import { cloudIds, displayName } from '../../../knowledge-base/clouds/registry.ts';
import { knownVersions } from '../../../knowledge-base/postgres.ts';
import { getPath, setPath } from '../../core/parse/doc-path.ts';
import type { EditorCapability, EditorDoc } from '../../core/registry/kinds.ts';

const sizeMode = (d: EditorDoc) => (getPath(d, 'spec.compute.instanceType') ? 'instanceType' : getPath(d, 'spec.compute.size') ? 'size' : 'vcpu');

/** Per cloud, the first catalog type with 2 vCPU and 8 GiB: a starting point when switching to explicit types. */
function defaultInstanceTypes(): Record<string, string | undefined> {
  return Object.fromEntries(cloudIds().map((c) => {
    const types = catalogFor(c).data.instanceTypes.types;
    return [c, types.find((t) => t.vcpu === 2 && t.memoryGiB === 8)?.name ?? types[0]?.name];
  }));
}

/** The visual editor's view of a Plan: palette entry, node summary, property panel. */
export const planEditor: EditorCapability = {
  title: 'PostgreSQL server',
  description: 'A managed-by-you PostgreSQL VM with backups',
  starter: (name) => ({
    apiVersion: 'autostack.dev/v1',
    kind: 'Plan',
    metadata: { name, project: 'default' },
    spec: {
      cloud: cloudIds()[0],
      region: 'us-east',
      os: { distro: 'ubuntu', version: '24.04' },
      compute: { vcpu: 2, memoryGiB: 8 },
      storage: { type: 'ssd', sizeGiB: 50 },
      postgres: { version: '17', topology: 'single', maxConnections: 100 },
      backup: { schedule: '0 3 * * *', retentionDays: 7, validate: 'weekly' },
      network: { allowedCidrs: ['10.0.0.0/8'], publicIp: false },
    },
  }),
  summary: (d) => {
    const s = d.spec ?? {};
    const size = s.compute?.size ?? (s.compute?.vcpu ? `${s.compute.vcpu} vCPU / ${s.compute.memoryGiB ?? '?'} GiB` : 'custom');
    return `${displayName(String(s.cloud ?? cloudIds()[0]))} ${s.region ?? ''} · ${size} · ${s.storage?.sizeGiB ?? 20} GiB · PG ${s.postgres?.version ?? ''}`;
  },
  sections: () => [
    { title: 'Server', fields: [
      { path: 'metadata.name', label: 'Name', type: 'text' },
      { path: 'metadata.project', label: 'Project', type: 'text' },
      { path: 'spec.cloud', label: 'Cloud', type: 'select', options: cloudIds(), optionLabels: Object.fromEntries(cloudIds().map((c) => [c, displayName(c)])) },
      { path: 'spec.region', label: 'Region (us-east, eu-west… or the cloud\'s own name)', type: 'text' },
      { path: 'spec.os.distro', label: 'OS', type: 'select', options: ['amazon-linux', 'ubuntu', 'debian', 'rocky'] },
      { path: 'spec.os.version', label: 'OS version', type: 'text' },
    ] },
    { title: 'Size', fields: [
      { path: 'spec.compute.vcpu', label: 'vCPUs', type: 'number', when: (d) => sizeMode(d) === 'vcpu' },
      { path: 'spec.compute.memoryGiB', label: 'Memory (GiB)', type: 'number', when: (d) => sizeMode(d) === 'vcpu' },
      { path: 'spec.compute.size', label: 'Size', type: 'select', options: ['small', 'medium', 'large', 'xlarge'], when: (d) => sizeMode(d) === 'size' },
      ...cloudIds().map((c) => ({ path: `spec.compute.instanceType.${c}`, label: `${displayName(c)} instance type`, type: 'text' as const, when: (d: EditorDoc) => sizeMode(d) === 'instanceType' })),
      { path: 'spec.storage.sizeGiB', label: 'SSD (GiB)', type: 'number' },
    ], modes: {
      label: 'Size by',
      choices: [['vcpu', 'vCPU + memory'], ['size', 'Named size'], ['instanceType', 'Instance type per cloud']],
      current: sizeMode,
      apply(doc, mode) {
        const family = (getPath(doc, 'spec.compute') as EditorDoc | undefined)?.family;
        const next = mode === 'size' ? { size: 'medium' } : mode === 'instanceType' ? { instanceType: defaultInstanceTypes() } : { vcpu: 2, memoryGiB: 8 };
        return setPath(doc, 'spec.compute', family ? { ...next, family } : next);
      },
    } },
    { title: 'PostgreSQL', fields: [
      { path: 'spec.postgres.version', label: 'Version', type: 'select', options: knownVersions() },
      { path: 'spec.postgres.topology', label: 'Topology', type: 'select', options: ['single', 'cluster'] },
      { path: 'spec.postgres.replicas', label: 'Replicas', type: 'number', when: (d) => getPath(d, 'spec.postgres.topology') === 'cluster' },
      { path: 'spec.postgres.maxConnections', label: 'Max connections', type: 'number' },
    ] },
    { title: 'Backups', fields: [
      { path: 'spec.backup.schedule', label: 'Schedule (cron, UTC)', type: 'text' },
      { path: 'spec.backup.retentionDays', label: 'Retention (days)', type: 'number' },
      { path: 'spec.backup.validate', label: 'Restore test', type: 'select', options: ['never', 'daily', 'weekly', 'monthly'] },
    ] },
    { title: 'Network and budget', fields: [
      { path: 'spec.network.allowedCidrs', label: 'Allowed CIDRs (comma-separated)', type: 'list' },
      { path: 'spec.network.publicIp', label: 'Public IP', type: 'checkbox' },
      { path: 'spec.network.egress', label: 'Way out to the internet (NAT, own public IP, none)', type: 'select', options: ['nat', 'public-ip', 'none'] },
      { path: 'spec.budget.monthlyUsd', label: 'Budget (USD per month, optional)', type: 'number' },
    ] },
  ],
};
