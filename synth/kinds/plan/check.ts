import { catalogFor } from '../../../knowledge-base/catalog.ts';
import { cloudIds, cloudKnowledge, displayName } from '../../../knowledge-base/clouds/registry.ts';
import { chooseImage, defaultDistro, latestVersion } from '../../../knowledge-base/images.ts';
import { currentVersion, endOfLife, knownVersions, minimumMemoryMiB, packagedVersions, packageSourceFor } from '../../../knowledge-base/postgres.ts';
import { offeredAliases, resolveRegion } from '../../../knowledge-base/regions.ts';
import type { CloudId } from '../../../knowledge-base/types.ts';
import { coversWholeInternet, isOpenToInternet, parseCidr } from '../../core/validate/cidr.ts';
import { parseCron } from '../../core/validate/cron.ts';
import type { Diagnostic, Severity } from '../../core/diagnostics.ts';
import type { KindContext } from '../../core/registry/kinds.ts';
import { locate } from '../../core/parse/parse.ts';
import { hasUnsafeCharacters, quoteVisible } from '../../core/validate/characters.ts';
import { findPlaintextSecrets } from '../../core/validate/secrets.ts';
import { closest } from '../../core/validate/suggest.ts';
import { diffResources } from '../../core/diff/diff.ts';
import { buildCloudPlan } from './cloud-plan.ts';
import { planCloud, resolvePlan } from './resolve.ts';
import type { PlanDoc } from './resolve.ts';
import type { PlanModel } from './model.ts';

type Path = (string | number)[];
type Report = (path: Path, code: string, message: string, severity?: Severity, onKey?: boolean) => void;

/** Semantic checks of a schema-valid Plan: each returns positioned, fix-it diagnostics. */
export function checkPlan(data: unknown, ctx: KindContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report: Report = (path, code, message, severity = 'error', onKey = false) =>
    out.push({ file: ctx.file, ...locate(ctx.parsed, path, onKey), severity, code, message, path: path.join('.') });
  const doc = data as PlanDoc;
  const spec = doc.spec ?? {};
  const cloud = planCloud(spec, ctx.settings);
  checkSecrets(data, report);
  checkLabels(doc, report);
  checkSettings(doc, report);
  const region = checkRegion(doc, cloud, ctx, report);
  checkCompute(doc, cloud, region, report);
  checkPostgres(doc, ctx, cloud, isoDay(ctx.now ?? new Date()), report);
  checkBackup(doc, report);
  checkNetwork(doc, report);
  const access = cloudKnowledge(cloud).privateServices;
  if (spec.network?.egress === 'none' && !access.ok && !ctx.settings.network[cloud]) {
    report(['spec', 'network', 'egress'], 'plan/egress-none-unreachable', `egress: none on ${displayName(cloud)} needs a network of yours: ${access.why}. Name your network in autostack.yaml (network.${cloud}) with that access, or choose egress: nat or public-ip.`);
  }
  if (spec.migration && spec.migration.from === cloud) {
    report(['spec', 'migration', 'from'], 'plan/migration-same-cloud', `migration.from names the plan's own cloud (${cloud}): it must be the cloud the plan moves away from. Remove migration, or set spec.cloud to the new cloud.`);
  }
  return out;
}

function checkSecrets(data: unknown, report: Report): void {
  for (const f of findPlaintextSecrets(data)) {
    report(f.path, 'plan/plaintext-secret', `Plaintext secret: ${f.what} must not be written in a plan file. AutoStack generates the database password on the server and keeps it in the cloud's secret store; remove it (and rotate it, since it is now in git history).`, 'error', f.onKey);
  }
}

function checkLabels(doc: PlanDoc, report: Report): void {
  for (const [key, value] of Object.entries(doc.metadata.labels ?? {})) {
    if (key.startsWith('autostack-') || key === 'managed-by') report(['metadata', 'labels', key], 'plan/reserved-label', `Label "${key}" is set by AutoStack on every resource; choose another key.`, 'error', true);
    if (hasUnsafeCharacters(key)) report(['metadata', 'labels', key], 'plan/label-characters', `Label key ${quoteVisible(key)} contains control, invisible or bidi characters: labels become cloud tags, where they would mislead. Use letters, digits, '-', '_' and '.'.`, 'error', true);
    else if (typeof value === 'string' && hasUnsafeCharacters(value)) report(['metadata', 'labels', key], 'plan/label-characters', `The value of label ${key} (${quoteVisible(value)}) contains control, invisible or bidi characters or half of a surrogate pair: labels become cloud tags, where they would mislead. Write it with visible characters only.`);
  }
}

/**
 * postgresql.conf settings AutoStack writes itself: its files, TLS, archiving and restore (pgBackRest),
 * replication, where the server listens, and the values the plan sets through its own fields.
 * A plan setting them would break the server, its backups or its access rules.
 */
const MANAGED_SETTINGS: Record<string, string> = {
  data_directory: 'the data directory is on the data disk AutoStack mounts',
  config_file: 'the configuration files are written by the AutoStack agent',
  hba_file: 'pg_hba.conf is written from spec.network.allowedCidrs',
  ident_file: 'the configuration files are written by the AutoStack agent',
  external_pid_file: 'the configuration files are written by the AutoStack agent',
  include: 'the configuration files are written by the AutoStack agent',
  include_dir: 'the configuration files are written by the AutoStack agent',
  include_if_exists: 'the configuration files are written by the AutoStack agent',
  ssl: 'connections always use TLS with the certificate AutoStack installs',
  ssl_cert_file: 'connections always use TLS with the certificate AutoStack installs',
  ssl_key_file: 'connections always use TLS with the certificate AutoStack installs',
  ssl_ca_file: 'connections always use TLS with the certificate AutoStack installs',
  ssl_crl_file: 'connections always use TLS with the certificate AutoStack installs',
  ssl_crl_dir: 'connections always use TLS with the certificate AutoStack installs',
  ssl_passphrase_command: 'connections always use TLS with the certificate AutoStack installs',
  archive_mode: 'WAL archiving is pgBackRest\'s, set from spec.backup',
  archive_command: 'WAL archiving is pgBackRest\'s, set from spec.backup',
  archive_library: 'WAL archiving is pgBackRest\'s, set from spec.backup',
  archive_cleanup_command: 'restores are pgBackRest\'s',
  restore_command: 'restores are pgBackRest\'s',
  recovery_end_command: 'restores are pgBackRest\'s',
  primary_conninfo: 'replicas are connected by AutoStack (spec.postgres.topology: cluster)',
  primary_slot_name: 'replicas are connected by AutoStack (spec.postgres.topology: cluster)',
  wal_level: 'backups and replicas need wal_level replica',
  max_wal_senders: 'it is sized from spec.postgres.replicas',
  max_replication_slots: 'it is sized from spec.postgres.replicas',
  port: 'clients and the firewall use port 5432',
  listen_addresses: 'who may connect is spec.network.allowedCidrs',
  unix_socket_directories: 'the agent administers the server through its socket',
  unix_socket_group: 'the agent administers the server through its socket',
  unix_socket_permissions: 'the agent administers the server through its socket',
  password_encryption: 'passwords are always scram-sha-256',
  dynamic_library_path: 'it would load server code from outside the installed packages',
  max_connections: 'set spec.postgres.maxConnections instead: memory is checked and tuned from it',
};

function checkSettings(doc: PlanDoc, report: Report): void {
  for (const [name, value] of Object.entries(doc.spec?.postgres?.settings ?? {})) {
    const path = ['spec', 'postgres', 'settings', name];
    const why = MANAGED_SETTINGS[name];
    if (why) report(path, 'plan/managed-setting', `AutoStack manages ${name} (${why}): remove it from spec.postgres.settings.`, 'error', true);
    else if (typeof value === 'string' && hasUnsafeCharacters(value)) report(path, 'plan/setting-characters', `The value of ${name} (${quoteVisible(value)}) contains control, invisible or bidi characters or half of a surrogate pair: write it on one line with visible characters only.`);
  }
}

function checkRegion(doc: PlanDoc, cloud: CloudId, ctx: KindContext, report: Report): string | undefined {
  const input = doc.spec?.region ?? ctx.settings.defaults.region;
  const r = resolveRegion(cloud, input);
  if (r.ok) return r.region;
  const guess = closest(input, r.candidates);
  const where: Path = doc.spec?.region !== undefined ? ['spec', 'region'] : ['spec'];
  const from = doc.spec?.region !== undefined ? '' : ' (the default from autostack.yaml)';
  const what = r.unpriced ? `Region "${input}"${from} is not offered on ${displayName(cloud)}: not every resource has a price there yet.` : `Unknown region "${input}"${from} for ${displayName(cloud)}.`;
  report(where, 'plan/unknown-region', `${what}${guess ? ` Did you mean "${guess}"?` : ''} Use one of ${catalogFor(cloud).regionNames().join(', ')}, or an alias: ${offeredAliases(cloud).join(', ')}.`);
  return undefined;
}

function checkCompute(doc: PlanDoc, cloud: CloudId, region: string | undefined, report: Report): void {
  const c = doc.spec?.compute;
  if (!c) return;
  if (c.size && (c.vcpu !== undefined || c.memoryGiB !== undefined)) {
    report(['spec', 'compute', 'size'], 'plan/compute-conflict', 'Use either size or vcpu + memoryGiB, not both: remove one.');
  }
  if ((c.vcpu === undefined) !== (c.memoryGiB === undefined)) {
    const [has, lacks] = c.vcpu !== undefined ? ['vcpu', 'memoryGiB'] : ['memoryGiB', 'vcpu'];
    report(['spec', 'compute', has], 'plan/compute-incomplete', `${has} needs ${lacks} too: sizing picks the cheapest type with at least both (e.g. vcpu: 2, memoryGiB: 8).`);
  }
  for (const target of cloudIds()) {
    const name = c.instanceType?.[target];
    if (!name) continue;
    const catalog = catalogFor(target);
    const path = ['spec', 'compute', 'instanceType', target];
    if (!catalog.instanceType(name)) {
      const guess = closest(name, catalog.data.instanceTypes.types.map((t) => t.name));
      report(path, 'plan/unknown-instance-type', `Unknown ${target} instance type "${name}".${guess ? ` Did you mean "${guess}"?` : ''} Known types are listed in knowledge-base/clouds/${target}/data.json.`);
    } else if (target === cloud && region && catalog.regionPriced(region) && !catalog.computePrice(region, name)) {
      const offered = catalog.offers(region).slice(0, 6).map((t) => t.name).join(', ');
      report(path, 'plan/type-not-offered', `${name} is not offered in ${region}. Choose a type offered there (cheapest: ${offered}) or another region.`);
    }
  }
}

function checkPostgres(doc: PlanDoc, ctx: KindContext, cloud: CloudId, today: string, report: Report): void {
  const isPast = (date: string | undefined) => date !== undefined && date < today;
  const pg = doc.spec?.postgres ?? {};
  const model = resolvePlan(doc, ctx.file, ctx.settings);
  const version = model.postgres.version;
  if (!knownVersions().includes(version)) {
    report(['spec', 'postgres', 'version'], 'plan/postgres-version', `PostgreSQL ${version} is not supported: use one of ${knownVersions().filter((v) => !isPast(endOfLife(v))).join(', ')}.`);
  } else if (isPast(endOfLife(version))) {
    report(['spec', 'postgres', 'version'], 'plan/postgres-eol', `PostgreSQL ${version} reached end of life on ${endOfLife(version)} and gets no more security fixes: upgrade to ${currentVersion()}.`);
  } else {
    const distro = doc.spec?.os?.distro ?? defaultDistro(cloud);
    const source = packageSourceFor(distro);
    if (!packagedVersions(source).includes(version)) {
      report(['spec', 'postgres', 'version'], 'plan/postgres-package', `PostgreSQL ${version} is not packaged for ${distro} (available: ${packagedVersions(source).join(', ')}): choose one of those, or os.distro: ubuntu or debian, which get every version from the PostgreSQL project.`);
    }
  }
  const os = doc.spec?.os;
  if (os) {
    const image = chooseImage(cloud, model.os.distro, model.os.version, 'x86_64');
    if (!image.ok) report(['spec', 'os', os.version !== undefined ? 'version' : 'distro'], 'plan/os', `${image.message}. Use version ${latestVersion(model.os.distro)}.`);
    else if (image.substituted) report(['spec', 'os', 'distro'], 'plan/os-substituted', image.substituted, 'warning');
  }
  if (pg.replicas !== undefined && model.postgres.topology !== 'cluster') {
    report(['spec', 'postgres', 'replicas'], 'plan/replicas-ignored', 'replicas only applies to topology: cluster; set topology: cluster or remove replicas.', 'warning');
  }
  const memoryGiB = explicitMemory(doc, cloud) ?? model.compute.memoryGiB;
  const needMiB = minimumMemoryMiB(model.postgres.maxConnections);
  if (memoryGiB * 1024 < needMiB) {
    const maxConn = Math.floor((memoryGiB * 1024 - minimumMemoryMiB(0)) / (minimumMemoryMiB(1) - minimumMemoryMiB(0)));
    const where: Path = pg.maxConnections !== undefined ? ['spec', 'postgres', 'maxConnections'] : ['spec', 'compute'];
    report(where, 'plan/memory-too-small', `maxConnections ${model.postgres.maxConnections} needs at least ${(needMiB / 1024).toFixed(1)} GiB of memory (OS, shared buffers and about 10 MiB per connection), but the server has ${memoryGiB} GiB: raise compute.memoryGiB to ${Math.ceil(needMiB / 1024)} or lower maxConnections to ${Math.max(0, maxConn)}.`);
  }
}

function explicitMemory(doc: PlanDoc, cloud: CloudId): number | undefined {
  const name = doc.spec?.compute?.instanceType?.[cloud];
  return name ? catalogFor(cloud).instanceType(name)?.memoryGiB : undefined;
}

function checkBackup(doc: PlanDoc, report: Report): void {
  const b = doc.spec?.backup;
  if (!b) return;
  if (b.schedule !== undefined) {
    const c = parseCron(b.schedule);
    if (!c.ok) report(['spec', 'backup', 'schedule'], 'plan/backup-schedule', `Invalid backup schedule: ${c.message}.`);
  }
  if (b.enabled === false) report(['spec', 'backup', 'enabled'], 'plan/backup-disabled', 'Backups are off: a server without backups loses its data with its disk. Remove enabled: false unless this database is disposable.', 'warning');
  if (b.validate === 'never') report(['spec', 'backup', 'validate'], 'plan/restore-untested', 'Restore tests are off: a backup that was never restored may not restore. Use validate: weekly.', 'warning');
}

function checkNetwork(doc: PlanDoc, report: Report): void {
  const net = doc.spec?.network;
  if (net?.egress === 'public-ip' && net.publicIp === false) {
    report(['spec', 'network', 'publicIp'], 'plan/egress-conflict', 'egress: public-ip gives each server a public address: remove publicIp: false, or choose egress: nat to keep the servers private.');
  }
  if (net?.egress === 'none') {
    report(['spec', 'network', 'egress'], 'plan/egress-none', 'egress: none — the servers get no route to the internet: first boot installs nothing, so the image must already hold PostgreSQL, pgBackRest and the cloud CLI (or point at a private mirror), and security updates come from that mirror.', 'info');
  }
  const cidrs = doc.spec?.network?.allowedCidrs ?? [];
  cidrs.forEach((cidr, i) => {
    const c = parseCidr(cidr);
    if (!c.ok) report(['spec', 'network', 'allowedCidrs', i], 'plan/cidr', `${c.message}.`);
    else if (isOpenToInternet(cidr)) report(['spec', 'network', 'allowedCidrs', i], 'plan/open-to-internet', `${cidr} lets the whole internet try to log in to PostgreSQL. List the networks that need access (e.g. your VPC range or office /32).`, 'warning');
  });
  const union = cidrs.some(isOpenToInternet) ? undefined : coversWholeInternet(cidrs);
  if (union) report(['spec', 'network', 'allowedCidrs'], 'plan/open-to-internet', `Together these blocks cover ${union}: they let the whole internet try to log in to PostgreSQL. List the networks that need access (e.g. your VPC range or office /32).`, 'warning');
}

/** YYYY-MM-DD in UTC, the form of the end-of-life dates in knowledge-base/data/postgres.json. */
function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Changes between the reviewed base and head that would lose data or stop the database if applied as written. */
export function checkPlanTransition(before: PlanModel, after: PlanModel, ctx: KindContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (path: Path, code: string, message: string, severity: Severity) =>
    out.push({ file: ctx.file, ...locate(ctx.parsed, path), severity, code, message, path: path.join('.') });
  if (after.storage.sizeGiB < before.storage.sizeGiB) {
    report(['spec', 'storage', 'sizeGiB'], 'plan/disk-shrink', `Disks cannot shrink (${before.storage.sizeGiB} → ${after.storage.sizeGiB} GiB): applying this would replace the data disk and its data. Keep ${before.storage.sizeGiB} GiB or more.`, 'error');
  }
  if (after.postgres.version !== before.postgres.version) {
    report(['spec', 'postgres', 'version'], 'plan/major-upgrade', `Changing PostgreSQL ${before.postgres.version} → ${after.postgres.version} in place is not automated: the rebuilt server would start a new, empty ${after.postgres.version} cluster next to the old data. Create a new plan on ${after.postgres.version} and migrate (pg_dump/pg_restore or logical replication), then remove this one.`, 'error');
  }
  if (after.cloud !== before.cloud) {
    if (after.migration?.from !== before.cloud) {
      report(['spec', 'cloud'], 'plan/move-unplanned', `Moving ${before.name} from ${displayName(before.cloud)} to ${displayName(after.cloud)} is a migration: add \`migration: { from: ${before.cloud} }\` under spec so the ${before.cloud} stack and its backups stay while the data is restored into ${after.cloud}; remove it in a later change, after the switch, to destroy the old stack.`, 'error');
    }
    return out;
  }
  if (after.region !== before.region) {
    report(['spec', 'region'], 'plan/move', `Moving the server (region ${before.region} → ${after.region}) replaces it: the new server starts empty and the old one and its data disk are destroyed. Restore from backup or migrate the data before merging.`, 'warning');
  }
  if (before.migration && !after.migration) {
    report(['spec'], 'plan/migration-finished', `Removing migration destroys the ${before.migration.from} stack of ${after.name}: its servers, disks and backup bucket. Merge this only after the switch to ${after.cloud} is done.`, 'warning');
  }
  checkDowntime(before, after, ctx, report);
  return out;
}

/**
 * Stopping or replacing a server holding data needs an acknowledgement written in this change
 * (spec.acknowledge.downtime, new or edited) or given for the change (a PR label, a CLI flag).
 */
function checkDowntime(before: PlanModel, after: PlanModel, ctx: KindContext, report: (path: Path, code: string, message: string, severity: Severity) => void): void {
  const a = buildCloudPlan(before, before.cloud, before.region, true);
  const b = buildCloudPlan(after, after.cloud, after.region, true);
  const disruptive = diffResources(a, b).filter((c) => c.disruption);
  const written = after.acknowledge?.downtime;
  const fresh = written !== undefined && written !== before.acknowledge?.downtime;
  const given = fresh || ctx.acknowledgedDowntime !== undefined;
  if (disruptive.length === 0) {
    if (fresh) report(['spec', 'acknowledge', 'downtime'], 'plan/acknowledge-unneeded', 'Nothing in this change stops or replaces a server: remove acknowledge.downtime.', 'warning');
    return;
  }
  if (given) return;
  const servers = disruptive.filter((c) => c.kind === 'vm');
  const first = disruptive[0]!;
  const what = first.disruption === 'restart' ? `stops each server (${first.reason ?? `${first.before} → ${first.after}`}: ${first.effect ?? 'a restart'})` : `replaces ${first.key} (${first.reason ?? 'replaced'})`;
  const cluster = servers.length > 1 ? ' The deploy changes the servers one at a time, the replicas first and the primary last: reads stay up, writes stop while the primary restarts.' : '';
  const stale = written !== undefined && !fresh ? ' The acknowledgement in the file is from an earlier change and does not count for this one: edit it.' : '';
  const where: Path = first.disruption === 'restart' ? ['spec', 'compute'] : first.reason?.startsWith('image') ? ['spec', 'os'] : ['spec'];
  report(where, 'plan/downtime-unacknowledged', `This change ${what}.${cluster}${stale} To go ahead, acknowledge it in this pull request: add \`acknowledge: { downtime: "<why, and when it may happen>" }\` under spec (or label the pull request autostack/downtime-ok).`, 'error');
}
