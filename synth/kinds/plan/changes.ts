import type { PlanModel } from './model.ts';
import { describeCron } from '../../core/validate/cron.ts';

/** Spec-level changes between two resolved plans, in the words a reviewer would use. */
export function describePlanChanges(a: PlanModel, b: PlanModel): string[] {
  const out: string[] = [];
  const change = (what: string, x: unknown, y: unknown, note = '') => {
    if (String(x) !== String(y)) out.push(`${what} ${x} → ${y}${note}`);
  };
  change('cloud', a.cloud, b.cloud, b.migration?.from === a.cloud ? ` (migration: the ${b.cloud} stack is added, the ${a.cloud} stack is kept until migration is removed)` : '');
  change('region', a.region, b.region, a.cloud === b.cloud ? ' (every resource is replaced)' : '');
  change('OS', `${a.os.distro} ${a.os.version}`, `${b.os.distro} ${b.os.version}`, a.cloud === b.cloud ? ' (servers are rebuilt one at a time; data disks are kept)' : ` (the default on ${b.cloud})`);
  const size = (m: PlanModel) => `${m.compute.vcpu} vCPU / ${m.compute.memoryGiB} GiB${m.compute.size ? ` (${m.compute.size})` : ''}`;
  change('compute', size(a), size(b));
  change('instance family', a.compute.family, b.compute.family);
  for (const c of ['aws', 'azure', 'gcp'] as const) change(`instance type on ${c}`, a.compute.instanceType[c] ?? 'auto', b.compute.instanceType[c] ?? 'auto');
  change('storage', `${a.storage.sizeGiB}`, `${b.storage.sizeGiB}`, ' GiB');
  if (b.storage.sizeGiB < a.storage.sizeGiB) out.push('storage shrinks: disks cannot shrink in place, so the data disk is replaced — restore from backup afterwards');
  change('PostgreSQL', a.postgres.version, b.postgres.version, Number(b.postgres.version) > Number(a.postgres.version) ? ' (major upgrade: plan a pg_upgrade window)' : '');
  const topo = (m: PlanModel) => (m.postgres.topology === 'cluster' ? `cluster with ${m.postgres.replicas} replica${m.postgres.replicas === 1 ? '' : 's'}` : 'single');
  change('topology', topo(a), topo(b));
  change('max connections', a.postgres.maxConnections, b.postgres.maxConnections);
  const keys = new Set([...Object.keys(a.postgres.settings), ...Object.keys(b.postgres.settings)]);
  for (const k of [...keys].sort()) {
    const x = a.postgres.settings[k];
    const y = b.postgres.settings[k];
    if (x === undefined) out.push(`setting ${k} = ${y} added`);
    else if (y === undefined) out.push(`setting ${k} removed (was ${x})`);
    else change(`setting ${k}`, x, y);
  }
  change('backups', a.backup.enabled ? 'on' : 'off', b.backup.enabled ? 'on' : 'off');
  change('backups', describeCron(a.backup.schedule), describeCron(b.backup.schedule));
  change('backup retention', a.backup.retentionDays, b.backup.retentionDays, ' days');
  change('restore tests', a.backup.validate, b.backup.validate);
  const added = b.network.allowedCidrs.filter((c) => !a.network.allowedCidrs.includes(c));
  const removed = a.network.allowedCidrs.filter((c) => !b.network.allowedCidrs.includes(c));
  if (added.length) out.push(`access allowed from ${added.join(', ')}`);
  if (removed.length) out.push(`access removed for ${removed.join(', ')}`);
  change('public IP', a.network.publicIp ? 'yes' : 'no', b.network.publicIp ? 'yes' : 'no');
  change('egress', a.network.egress, b.network.egress, ' (the servers are rebuilt on the new path; data disks are kept)');
  change('migration', a.migration ? `from ${a.migration.from}` : 'none', b.migration ? `from ${b.migration.from}` : 'none', !b.migration && a.migration ? ` (the ${a.migration.from} stack is destroyed)` : '');
  change('budget', a.budget ? `$${a.budget.monthlyUsd}/month` : 'none', b.budget ? `$${b.budget.monthlyUsd}/month` : 'none');
  change('project', a.project, b.project);
  const labels = new Set([...Object.keys(a.labels), ...Object.keys(b.labels)]);
  for (const k of [...labels].sort()) change(`label ${k}`, a.labels[k] ?? '(none)', b.labels[k] ?? '(none)');
  return out;
}
