import type { CloudAccess } from '../../../core/registry/kinds.ts';
import { parseCidr } from '../../../core/validate/cidr.ts';
import { serverTool } from './tools.ts';

/**
 * The day-2 configuration of one PostgreSQL server: everything an ordinary plan change touches
 * (settings, pg_hba, backup repository and retention, schedules, disk size). The cloud stack
 * stores it as an object in the plan's bucket (`configObjectKey`) and updates it in place; the
 * server's agent (`autostack agent`, every 2 minutes) applies it without rebuilding the server.
 */
export interface ServerConfigInput {
  planName: string;
  role: 'primary' | 'replica';
  index: number;
  dataDiskGiB: number;
  /** postgresql.conf settings with values already in postgresql.conf syntax (see tunePostgres). */
  settings: [string, string][];
  allowedCidrs: string[];
  backup: { enabled: boolean; onCalendar: string; retentionDays: number; validateOnCalendar?: string };
  storage: CloudAccess['storage'];
}

/** What the agent reads. Version 1; every field is always present. */
export interface ServerConfigDocument {
  version: 1;
  plan: string;
  role: 'primary' | 'replica';
  index: number;
  /** The data disk's planned size: the agent grows the filesystem when the device is larger. */
  dataDiskGiB: number;
  /** Lines of conf.d/autostack.conf. */
  postgresql: string[];
  /** Lines of pg_hba.conf. */
  pgHba: string[];
  /** The [global] lines of pgbackrest.conf; empty when this server takes no backups. */
  pgbackrest: string[];
  /** systemd OnCalendar of the backup; empty: no backup timer. */
  backupOnCalendar: string;
  /** systemd OnCalendar of the restore test; empty: no restore test. */
  restoreCheckOnCalendar: string;
  /** The server tool of the release that rendered this document: the agent installs it when it differs. */
  tool: string;
}

/** Where the document of server `index` lives in the plan's bucket. */
export function configObjectKey(index: number): string {
  return `autostack/config/server-${index}.json`;
}

/** A block as it may appear in a pg_hba.conf line; the review refuses anything else, this is the last guard. */
function validCidr(text: string): string {
  const c = parseCidr(text);
  if (!c.ok) throw new Error(`allowedCidrs: ${c.message}`);
  return text;
}

export function serverConfigDocument(input: ServerConfigInput): ServerConfigDocument {
  const backups = input.backup.enabled && input.role === 'primary';
  const postgresql = [
    '# Written by the AutoStack agent from the plan and the knowledge-base tuning rules; edit the plan, not this file.',
    ...input.settings.map(([k, v]) => `${k} = ${v}`),
    'ssl = on',
    `ssl_cert_file = 'server.crt'`,
    `ssl_key_file = 'server.key'`,
    ...(backups ? ['archive_mode = on', `archive_command = 'pgbackrest --stanza=main archive-push %p'`] : []),
  ];
  // Administration goes through the Unix socket; TCP clients only from the plan's networks, over TLS.
  const pgHba = [
    '# Written by the AutoStack agent from the plan; edit the plan, not this file.',
    'local all postgres peer',
    'local all all scram-sha-256',
    ...input.allowedCidrs.map((c) => `hostssl all all ${validCidr(c)} scram-sha-256`),
    'hostssl replication replicator samenet scram-sha-256',
  ];
  const pgbackrest = backups
    ? [
        ...repoLines(input.storage),
        `repo1-path=/pgbackrest/${input.planName}`,
        'repo1-retention-full-type=time',
        `repo1-retention-full=${input.backup.retentionDays}`,
        'compress-type=zst',
        'start-fast=y',
        'log-level-console=info',
      ]
    : [];
  for (const line of [...postgresql, ...pgHba, ...pgbackrest]) {
    if (/[\r\n]/.test(line)) throw new Error(`a configuration line contains a line break: ${JSON.stringify(line)}`);
  }
  return {
    version: 1,
    plan: input.planName,
    role: input.role,
    index: input.index,
    dataDiskGiB: input.dataDiskGiB,
    postgresql,
    pgHba,
    pgbackrest,
    backupOnCalendar: backups ? input.backup.onCalendar : '',
    restoreCheckOnCalendar: backups ? (input.backup.validateOnCalendar ?? '') : '',
    tool: serverTool(),
  };
}

/** The document as the agent reads it: keys sorted at every level, two-space indent, final newline; the same plan gives the same bytes. */
export function renderServerConfig(input: ServerConfigInput): string {
  return `${JSON.stringify(sortKeys(serverConfigDocument(input)), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** pgBackRest's repository settings for the cloud's object storage (credentials from the server's identity). */
function repoLines(storage: CloudAccess['storage']): string[] {
  switch (storage.protocol) {
    case 's3':
      return ['repo1-type=s3', `repo1-s3-bucket=${storage.bucket}`, `repo1-s3-region=${storage.region}`, `repo1-s3-endpoint=${storage.endpoint}`, 'repo1-s3-key-type=auto'];
    case 'azure-blob':
      return ['repo1-type=azure', `repo1-azure-account=${storage.account}`, `repo1-azure-container=${storage.container}`, 'repo1-azure-key-type=auto'];
    case 'gcs':
      return ['repo1-type=gcs', `repo1-gcs-bucket=${storage.bucket}`, 'repo1-gcs-key-type=auto'];
  }
}
