import pgData from './data/postgres.json' with { type: 'json' };

/**
 * Tuning rules for postgresql.conf, after PGTune's "web application" profile
 * (https://github.com/le0pard/pgtune) and the PostgreSQL documentation's guidance on
 * resource consumption, WAL and planner cost constants for SSD storage.
 */
export const TUNING_SOURCE =
  'PGTune web profile (github.com/le0pard/pgtune) and PostgreSQL docs: runtime-config-resource, runtime-config-wal, runtime-config-query';

export type PackageSource = 'deb' | 'rpm' | 'amazon-linux';

export function currentVersion(): string {
  return pgData.current;
}

export function knownVersions(): string[] {
  return Object.keys(pgData.versions);
}

export function endOfLife(version: string): string | undefined {
  return (pgData.versions as Record<string, { endOfLife: string }>)[version]?.endOfLife;
}

/** Where PostgreSQL packages come from on a distribution. */
export function packageSourceFor(distro: string): PackageSource {
  return distro === 'amazon-linux' ? 'amazon-linux' : distro === 'rocky' ? 'rpm' : 'deb';
}

/** The default major version on a distribution: the current one, or the newest its packages offer. */
export function defaultVersionFor(distro: string): string {
  const offered = packagedVersions(packageSourceFor(distro));
  return offered.includes(currentVersion()) ? currentVersion() : offered.at(-1)!;
}

export function packagedVersions(source: PackageSource): string[] {
  return (pgData.packages as Record<PackageSource, { versions: string[] }>)[source].versions;
}

export function packageRepository(source: PackageSource): string {
  return (pgData.packages as Record<PackageSource, { repository: string }>)[source].repository;
}

/** Memory PostgreSQL needs before it is usable: OS reserve + minimal shared buffers + per-connection backends. */
export function minimumMemoryMiB(maxConnections: number): number {
  const m = pgData.memory;
  return m.osReserveMiB + m.minSharedBuffersMiB + maxConnections * m.perConnectionMiB;
}

export interface TuningInput {
  memoryGiB: number;
  vcpu: number;
  maxConnections: number;
  replicas: number;
  /** User settings win over tuned values. */
  extra?: Record<string, string | number | boolean>;
}

/** A postgresql.conf string value: single-quoted, quotes doubled, backslashes doubled, one line. */
export function confString(value: string): string {
  return `'${value.replace(/[\r\n]+/g, ' ').replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** postgresql.conf settings, in a stable order, each value already in postgresql.conf syntax. */
export function tunePostgres(input: TuningInput): [string, string][] {
  const ramKiB = Math.floor(input.memoryGiB * 1024 * 1024);
  const cpus = Math.max(1, Math.floor(input.vcpu));
  const sharedKiB = Math.floor(ramKiB / 4);
  const walBuffersKiB = Math.min(16 * 1024, Math.max(64, Math.floor((sharedKiB * 3) / 100)));
  const perGather = cpus >= 4 ? Math.min(4, Math.ceil(cpus / 2)) : 1;
  const workKiB = Math.max(64, Math.floor((ramKiB - sharedKiB) / (input.maxConnections * 3) / perGather));
  const settings: [string, string][] = [
    ['listen_addresses', "'*'"],
    ['max_connections', String(input.maxConnections)],
    ['password_encryption', "'scram-sha-256'"],
    ['shared_buffers', size(sharedKiB)],
    ['effective_cache_size', size(Math.floor((ramKiB * 3) / 4))],
    ['maintenance_work_mem', size(Math.min(2 * 1024 * 1024, Math.floor(ramKiB / 16)))],
    ['work_mem', size(workKiB)],
    ['huge_pages', input.memoryGiB >= 32 ? 'try' : 'off'],
    ['wal_level', "'replica'"],
    ['wal_buffers', size(walBuffersKiB)],
    ['min_wal_size', '1GB'],
    ['max_wal_size', '4GB'],
    ['checkpoint_completion_target', '0.9'],
    ['max_wal_senders', String(input.replicas + 4)],
    ['max_replication_slots', String(input.replicas + 4)],
    ['hot_standby', 'on'],
    ['random_page_cost', '1.1'],
    ['effective_io_concurrency', '200'],
    ['default_statistics_target', '100'],
    ['max_worker_processes', String(Math.max(8, cpus))],
    ['max_parallel_workers_per_gather', String(perGather)],
    ['max_parallel_workers', String(cpus)],
    ['max_parallel_maintenance_workers', String(perGather)],
  ];
  for (const [k, v] of Object.entries(input.extra ?? {})) {
    // User text is always a quoted string in postgresql.conf; numbers and booleans stay bare.
    const value = typeof v === 'boolean' ? (v ? 'on' : 'off') : typeof v === 'number' ? String(v) : confString(v);
    const i = settings.findIndex(([name]) => name === k);
    if (i >= 0) settings[i] = [k, value];
    else settings.push([k, value]);
  }
  return settings;
}

function size(kib: number): string {
  if (kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)}GB`;
  if (kib % 1024 === 0) return `${kib / 1024}MB`;
  return `${kib}kB`;
}
