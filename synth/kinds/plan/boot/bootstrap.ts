import type { PackageSource } from '../../../../knowledge-base/postgres.ts';
import type { CloudAccess } from '../../../core/registry/kinds.ts';
import { shellQuote } from '../../../core/render/shell.ts';

export interface BootstrapInput {
  planName: string;
  role: 'primary' | 'replica';
  index: number;
  packaging: PackageSource;
  pgVersion: string;
  dataDiskGiB: number;
  /** postgresql.conf settings with values already in postgresql.conf syntax (see tunePostgres). */
  settings: [string, string][];
  allowedCidrs: string[];
  backup: { enabled: boolean; onCalendar: string; retentionDays: number; validateOnCalendar?: string };
  access: CloudAccess;
}

export { shellQuote };

/**
 * The first-boot script of one PostgreSQL server. Plan values only appear in the quoted
 * constants at the top; everything below is fixed text. It is idempotent: on a rebuilt server
 * it finds the existing data disk, cluster and passwords and only restarts services.
 */
export function renderBootstrap(input: BootstrapInput): string {
  const confLines = [
    '# Written by AutoStack from the plan and the knowledge-base tuning rules; edit the plan, not this file.',
    ...input.settings.map(([k, v]) => `${k} = ${v}`),
    'ssl = on',
    `ssl_cert_file = 'server.crt'`,
    `ssl_key_file = 'server.key'`,
    ...(input.backup.enabled && input.role === 'primary' ? ['archive_mode = on', `archive_command = 'pgbackrest --stanza=main archive-push %p'`] : []),
  ];
  const hba = [
    'local all postgres peer',
    'local all all scram-sha-256',
    'host all all 127.0.0.1/32 scram-sha-256',
    'host all all ::1/128 scram-sha-256',
    ...input.allowedCidrs.map((c) => `hostssl all all ${c} scram-sha-256`),
    'hostssl replication replicator samenet scram-sha-256',
  ];
  const constants = [
    `PLAN_NAME=${shellQuote(input.planName)}`,
    `ROLE=${shellQuote(input.role)}`,
    `NODE_INDEX=${shellQuote(String(input.index))}`,
    `PKG_SOURCE=${shellQuote(input.packaging)}`,
    `PG_MAJOR=${shellQuote(input.pgVersion)}`,
    `DATA_DISK_GIB=${shellQuote(String(input.dataDiskGiB))}`,
    `BACKUPS=${shellQuote(input.backup.enabled ? 'on' : 'off')}`,
    `BACKUP_ON_CALENDAR=${shellQuote(input.backup.onCalendar)}`,
    `RETENTION_DAYS=${shellQuote(String(input.backup.retentionDays))}`,
    `RESTORE_CHECK_ON_CALENDAR=${shellQuote(input.backup.validateOnCalendar ?? '')}`,
    `CONF_LINES=(${confLines.map(shellQuote).join(' ')})`,
    `HBA_LINES=(${hba.map(shellQuote).join(' ')})`,
    `REPO_LINES=(${repoLines(input.access.storage).map(shellQuote).join(' ')})`,
    ...input.access.shellConstants,
  ];
  return [HEADER, '# --- values from the plan ---', ...constants, '', input.access.shellFunctions, PACKAGE_FUNCTIONS, BODY].join('\n');
}

/** pgBackRest's repository settings for the cloud's object storage. */
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

const HEADER = `#!/bin/bash
# AutoStack PostgreSQL server bootstrap. Generated from the plan: edit the plan, not this script.
set -euo pipefail
umask 077
mkdir -p /var/lib/autostack
exec > >(tee -a /var/log/autostack-bootstrap.log) 2>&1
`;

const PACKAGE_FUNCTIONS = `install_packages() {
  case "$PKG_SOURCE" in
    deb)
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -q
      apt-get install -y -q curl ca-certificates gnupg openssl python3
      install -d /usr/share/postgresql-common/pgdg
      curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc
      local codename
      codename="$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)"
      echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt $codename-pgdg main" >/etc/apt/sources.list.d/pgdg.list
      apt-get update -q
      apt-get install -y -q postgresql-common
      sed -i 's/^#\\?create_main_cluster.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
      apt-get install -y -q "postgresql-$PG_MAJOR" pgbackrest
      PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
      PG_SERVICE="postgresql@$PG_MAJOR-main"
      ;;
    rpm)
      dnf install -y -q "https://download.postgresql.org/pub/repos/yum/reporpms/EL-9-$(uname -m)/pgdg-redhat-repo-latest.noarch.rpm"
      dnf -qy module disable postgresql || true
      dnf install -y -q "postgresql$PG_MAJOR-server" pgbackrest openssl python3
      PG_BIN="/usr/pgsql-$PG_MAJOR/bin"
      PG_SERVICE="postgresql-$PG_MAJOR"
      ;;
    amazon-linux)
      dnf install -y -q "postgresql$PG_MAJOR-server" "postgresql$PG_MAJOR-contrib" openssl python3
      # pgBackRest is not in the Amazon Linux repository: take it from the PostgreSQL project's EL 9 repository.
      dnf install -y -q "https://download.postgresql.org/pub/repos/yum/reporpms/EL-9-$(uname -m)/pgdg-redhat-repo-latest.noarch.rpm" || true
      dnf install -y -q --disablerepo='*' --enablerepo=pgdg-common pgbackrest
      PG_BIN="/usr/bin"
      PG_SERVICE="postgresql"
      ;;
  esac
}
`;

const BODY = `# --- the data disk: the non-root disk of the planned size, formatted once, mounted by UUID ---
MOUNT=/var/lib/autostack/data
PGDATA="$MOUNT/pg$PG_MAJOR"

find_data_disk() {
  local root_disk want dev size
  root_disk="$(lsblk -no PKNAME "$(findmnt -no SOURCE /)" | head -n1)"
  want=$((DATA_DISK_GIB * 1024 * 1024 * 1024))
  for _ in $(seq 1 60); do
    while read -r dev size; do
      if [ "$(basename "$dev")" != "$root_disk" ] && [ "$size" = "$want" ]; then
        echo "$dev"
        return 0
      fi
    done < <(lsblk -dbpno NAME,SIZE,TYPE | awk '$3 == "disk" { print $1, $2 }')
    sleep 5
  done
  echo "no $DATA_DISK_GIB GiB data disk attached after 5 minutes" >&2
  return 1
}

prepare_disk() {
  local dev uuid
  mkdir -p "$MOUNT"
  if mountpoint -q "$MOUNT"; then return 0; fi
  dev="$(find_data_disk)"
  if ! blkid "$dev" >/dev/null 2>&1; then mkfs.ext4 -q -L pgdata "$dev"; fi
  uuid="$(blkid -s UUID -o value "$dev")"
  grep -q "$uuid" /etc/fstab || echo "UUID=$uuid $MOUNT ext4 defaults,nofail,noatime 0 2" >>/etc/fstab
  mount "$MOUNT"
}

conf_dir() {
  if [ "$PKG_SOURCE" = deb ]; then echo "/etc/postgresql/$PG_MAJOR/main"; else echo "$PGDATA"; fi
}

point_service_at_data() {
  if [ "$PKG_SOURCE" != deb ]; then
    mkdir -p "/etc/systemd/system/$PG_SERVICE.service.d"
    printf '[Service]\\nEnvironment=PGDATA=%s\\n' "$PGDATA" >"/etc/systemd/system/$PG_SERVICE.service.d/autostack.conf"
    systemctl daemon-reload
  fi
}

init_cluster() {
  if [ -f "$PGDATA/PG_VERSION" ]; then return 0; fi
  install -d -o postgres -g postgres -m 700 "$PGDATA"
  if [ "$PKG_SOURCE" = deb ]; then
    pg_createcluster "$PG_MAJOR" main -d "$PGDATA" -- --auth-local=peer --auth-host=scram-sha-256 --data-checksums
  else
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA" --auth-local=peer --auth-host=scram-sha-256 --data-checksums
  fi
}

write_config() {
  local dir
  dir="$(conf_dir)"
  install -d -o postgres -g postgres "$dir/conf.d"
  grep -q "^include_dir = 'conf.d'" "$dir/postgresql.conf" || echo "include_dir = 'conf.d'" >>"$dir/postgresql.conf"
  printf '%s\\n' "\${CONF_LINES[@]}" >"$dir/conf.d/autostack.conf"
  printf '%s\\n' "\${HBA_LINES[@]}" >"$dir/pg_hba.conf"
  if [ ! -f "$PGDATA/server.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$PLAN_NAME" -keyout "$PGDATA/server.key" -out "$PGDATA/server.crt" 2>/dev/null
  fi
  if [ "$PKG_SOURCE" = deb ]; then
    ln -sf "$PGDATA/server.crt" "$dir/server.crt"
    ln -sf "$PGDATA/server.key" "$dir/server.key"
  fi
  chown -R postgres:postgres "$dir" "$PGDATA"
  chmod 600 "$PGDATA/server.key"
}

write_pgbackrest() {
  install -d -o postgres -g postgres /var/log/pgbackrest /var/spool/pgbackrest /etc/pgbackrest
  {
    echo '[global]'
    printf '%s\\n' "\${REPO_LINES[@]}"
    echo "repo1-path=/pgbackrest/$PLAN_NAME"
    echo 'repo1-retention-full-type=time'
    echo "repo1-retention-full=$RETENTION_DAYS"
    echo 'compress-type=zst'
    echo 'start-fast=y'
    echo 'log-level-console=info'
    echo '[main]'
    echo "pg1-path=$PGDATA"
  } >/etc/pgbackrest/pgbackrest.conf
  chown postgres:postgres /etc/pgbackrest/pgbackrest.conf
  chmod 640 /etc/pgbackrest/pgbackrest.conf
}

random_password() {
  openssl rand -base64 36 | tr -d '/+=\\n' | cut -c1-40
}

json_field() { # the JSON travels in the environment, not in argv
  SECRET_JSON="$1" python3 -c 'import json,os,sys; print(json.loads(os.environ["SECRET_JSON"] or "{}").get(sys.argv[1], ""))' "$2"
}

# --- backups: a systemd timer on the plan's schedule, and a restore test on its own schedule ---
write_units() {
  cat >/usr/local/sbin/autostack-backup <<'SCRIPT'
#!/bin/bash
# Full backup on Sundays or when none exists yet; incremental otherwise.
set -euo pipefail
type=incr
if [ "$(date +%u)" = 7 ] || ! pgbackrest --stanza=main info --output=json | grep -q '"type":"full"'; then type=full; fi
exec pgbackrest --stanza=main --type="$type" backup
SCRIPT
  cat >/usr/local/sbin/autostack-restore-check <<'SCRIPT'
#!/bin/bash
# Restores the latest backup into a scratch directory, starts it on a private port, runs a query,
# and records the result in /var/lib/autostack/restore-check.json and the journal.
set -euo pipefail
pg_bin="$1"
scratch="$(mktemp -d /var/lib/autostack/data/restore-check.XXXXXX)"
started="$(date -u +%FT%TZ)"
result=failed
cleanup() {
  "$pg_bin/pg_ctl" -D "$scratch/pgdata" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$scratch"
  printf '{"checkedAt":"%s","result":"%s"}\\n' "$started" "$result" >/var/lib/autostack/restore-check.json
  logger -t autostack-restore-check "restore check $result"
}
trap cleanup EXIT
pgbackrest --stanza=main --pg1-path="$scratch/pgdata" --type=immediate --target-action=promote --archive-mode=off restore
"$pg_bin/pg_ctl" -D "$scratch/pgdata" -w -t 600 -o "-p 5433 -c listen_addresses='' -c archive_mode=off -c unix_socket_directories=$scratch" start
"$pg_bin/psql" -h "$scratch" -p 5433 -d postgres -Atc 'select count(*) from pg_database' >/dev/null
result=ok
SCRIPT
  chmod 755 /usr/local/sbin/autostack-backup /usr/local/sbin/autostack-restore-check
  chown postgres:postgres /var/lib/autostack
  printf '[Unit]\\nDescription=AutoStack pgBackRest backup\\nAfter=%s.service\\n[Service]\\nType=oneshot\\nUser=postgres\\nExecStart=/usr/local/sbin/autostack-backup\\n' "$PG_SERVICE" >/etc/systemd/system/autostack-backup.service
  printf '[Unit]\\nDescription=AutoStack backup schedule\\n[Timer]\\nOnCalendar=%s\\nPersistent=true\\n[Install]\\nWantedBy=timers.target\\n' "$BACKUP_ON_CALENDAR" >/etc/systemd/system/autostack-backup.timer
  systemctl daemon-reload
  systemctl enable --now autostack-backup.timer
  if [ -n "$RESTORE_CHECK_ON_CALENDAR" ]; then
    printf '[Unit]\\nDescription=AutoStack restore test\\n[Service]\\nType=oneshot\\nUser=postgres\\nExecStart=/usr/local/sbin/autostack-restore-check %s\\n' "$PG_BIN" >/etc/systemd/system/autostack-restore-check.service
    printf '[Unit]\\nDescription=AutoStack restore test schedule\\n[Timer]\\nOnCalendar=%s\\nRandomizedDelaySec=30m\\nPersistent=true\\n[Install]\\nWantedBy=timers.target\\n' "$RESTORE_CHECK_ON_CALENDAR" >/etc/systemd/system/autostack-restore-check.timer
    systemctl daemon-reload
    systemctl enable --now autostack-restore-check.timer
  fi
}

# --- roles ---
setup_primary() {
  local secret pg_pass repl_pass
  init_cluster
  write_config
  if [ "$BACKUPS" = on ]; then write_pgbackrest; fi
  systemctl enable "$PG_SERVICE"
  systemctl restart "$PG_SERVICE"
  secret="$(secret_read)"
  pg_pass="$(json_field "$secret" postgres)"
  repl_pass="$(json_field "$secret" replicator)"
  if [ -z "$pg_pass" ]; then pg_pass="$(random_password)"; fi
  if [ -z "$repl_pass" ]; then repl_pass="$(random_password)"; fi
  # Passwords travel in the environment and on stdin, never on a command line others could read.
  export PG_PASS="$pg_pass" REPL_PASS="$repl_pass"
  runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q -d postgres <<'SQL'
\\getenv pg_pass PG_PASS
\\getenv repl_pass REPL_PASS
ALTER ROLE postgres PASSWORD :'pg_pass';
SELECT 'CREATE ROLE replicator' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator') \\gexec
ALTER ROLE replicator WITH REPLICATION LOGIN PASSWORD :'repl_pass';
SQL
  python3 -c 'import json,os; print(json.dumps({"postgres": os.environ["PG_PASS"], "replicator": os.environ["REPL_PASS"]}))' | secret_write
  unset PG_PASS REPL_PASS
  if [ "$BACKUPS" = on ]; then
    runuser -u postgres -- pgbackrest --stanza=main stanza-create
    runuser -u postgres -- pgbackrest --stanza=main check
    write_units
    systemctl start --no-block autostack-backup.service
  fi
}

setup_replica() {
  local primary secret repl_pass
  primary=""
  for _ in $(seq 1 120); do
    primary="$(instance_value primary-host || true)"
    secret="$(secret_read)"
    repl_pass="$(json_field "$secret" replicator)"
    if [ -n "$primary" ] && [ -n "$repl_pass" ]; then break; fi
    sleep 10
  done
  if [ -z "$primary" ] || [ -z "$repl_pass" ]; then
    echo "the primary did not publish its address and replication password within 20 minutes" >&2
    return 1
  fi
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    install -d -o postgres -g postgres -m 700 "$PGDATA"
    # The replica keeps this password file on its data disk: streaming reconnects with it.
    printf '%s:5432:replication:replicator:%s\\n' "$primary" "$repl_pass" >"$MOUNT/.pgpass"
    chown postgres:postgres "$MOUNT/.pgpass"
    chmod 600 "$MOUNT/.pgpass"
    runuser -u postgres -- env PGPASSFILE="$MOUNT/.pgpass" "$PG_BIN/pg_basebackup" -h "$primary" -U replicator \\
      -D "$PGDATA" -R -X stream -C -S "replica_$NODE_INDEX" --checkpoint=fast
    echo "primary_conninfo = 'host=$primary port=5432 user=replicator passfile=$MOUNT/.pgpass sslmode=require application_name=replica_$NODE_INDEX'" >>"$PGDATA/postgresql.auto.conf"
    if [ "$PKG_SOURCE" = deb ]; then
      pg_createcluster "$PG_MAJOR" main -d "$PGDATA" || true
    fi
  fi
  write_config
  systemctl enable "$PG_SERVICE"
  systemctl restart "$PG_SERVICE"
}

main() {
  if [ -f /var/lib/autostack/bootstrap.done ]; then
    echo "already bootstrapped: starting services"
    systemctl start "postgresql*" || true
    return 0
  fi
  install_packages
  ensure_cloud_cli
  prepare_disk
  point_service_at_data
  if [ "$ROLE" = primary ]; then setup_primary; else setup_replica; fi
  date -u +%FT%TZ >/var/lib/autostack/bootstrap.done
  echo "AutoStack: $PLAN_NAME node $NODE_INDEX ($ROLE) is ready"
}

main "$@"
`;
