import type { PackageSource } from '../../../../knowledge-base/postgres.ts';
import type { CloudAccess } from '../../../core/registry/kinds.ts';
import { shellQuote } from '../../../core/render/shell.ts';
import { configObjectKey } from './config.ts';
import { cloudFunctionsFile, serverTool } from './tools.ts';

/**
 * What fixes a server's identity, and nothing else: a change here rebuilds the server. Settings,
 * pg_hba, backups, retention and disk size live in the server's configuration document
 * (`serverConfig`), which the server's agent applies in place.
 */
export interface BootstrapInput {
  planName: string;
  role: 'primary' | 'replica';
  index: number;
  packaging: PackageSource;
  pgVersion: string;
  /** How the server reaches the internet: `none` downloads nothing (the image must hold every package). */
  egress: 'nat' | 'public-ip' | 'none';
  access: CloudAccess;
}

export { shellQuote };

/**
 * The first-boot script of one PostgreSQL server. Identity values only appear in the quoted
 * constants at the top; everything below is fixed text. It installs the packages, finds and
 * mounts the data disk, installs the AutoStack tool and its units, creates the cluster (primary)
 * or copies the primary (replica), and runs the agent once. It is idempotent: on a rebuilt
 * server it finds the existing data disk, cluster and passwords.
 */
export function renderBootstrap(input: BootstrapInput): string {
  const constants = [
    `PLAN_NAME=${shellQuote(input.planName)}`,
    `ROLE=${shellQuote(input.role)}`,
    `NODE_INDEX=${shellQuote(String(input.index))}`,
    `PKG_SOURCE=${shellQuote(input.packaging)}`,
    `PG_MAJOR=${shellQuote(input.pgVersion)}`,
    `EGRESS=${shellQuote(input.egress)}`,
    `CONFIG_KEY=${shellQuote(configObjectKey(input.index))}`,
  ];
  return [
    HEADER,
    '# --- the server\'s identity (anything else comes from its configuration document) ---',
    ...constants,
    '',
    PACKAGE_FUNCTIONS,
    DISK_FUNCTIONS,
    '# --- the AutoStack tool, the cloud\'s functions and the units ---',
    'install_tools() {',
    '  install -d -m 755 /etc/autostack /usr/local/sbin',
    `  cat >/usr/local/sbin/autostack <<'AUTOSTACK_TOOL'\n${serverTool()}AUTOSTACK_TOOL`,
    `  cat >/etc/autostack/cloud.sh <<'AUTOSTACK_CLOUD'\n${cloudFunctionsFile(input.access)}AUTOSTACK_CLOUD`,
    '  chmod 755 /usr/local/sbin/autostack',
    '  chmod 644 /etc/autostack/cloud.sh',
    '}',
    BODY,
  ].join('\n');
}

const HEADER = `#!/bin/bash
# AutoStack PostgreSQL server bootstrap. Generated from the plan: edit the plan, not this script.
set -euo pipefail
umask 077
mkdir -p /var/lib/autostack
exec > >(tee -a /var/log/autostack-bootstrap.log) 2>&1
`;

const PACKAGE_FUNCTIONS = `package_paths() {
  case "$PKG_SOURCE" in
    deb) PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin" ;;
    rpm) PG_BIN="/usr/pgsql-$PG_MAJOR/bin" ;;
    amazon-linux) PG_BIN="/usr/bin" ;;
  esac
}

# With egress 'none' nothing is downloaded: the image must already hold every package.
require_preinstalled() {
  local missing=() tool
  if [ ! -x "$PG_BIN/postgres" ]; then missing+=("PostgreSQL $PG_MAJOR server ($PG_BIN/postgres)"); fi
  for tool in pgbackrest curl openssl python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then missing+=("$tool"); fi
  done
  if ! ensure_cloud_cli "$PKG_SOURCE" none; then missing+=("the cloud CLI"); fi
  if [ "\${#missing[@]}" -gt 0 ]; then
    local IFS=,
    echo "AutoStack: egress is 'none', so nothing is downloaded, and this image lacks: \${missing[*]}. Preinstall them in the image (or point it at a package mirror inside the network)." >&2
    exit 1
  fi
}

install_packages() {
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
      # AutoStack runs its own cluster on the data disk (autostack-postgresql.service).
      sed -i 's/^#\\?create_main_cluster.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
      apt-get install -y -q "postgresql-$PG_MAJOR" pgbackrest
      ;;
    rpm)
      dnf install -y -q "https://download.postgresql.org/pub/repos/yum/reporpms/EL-9-$(uname -m)/pgdg-redhat-repo-latest.noarch.rpm"
      dnf -qy module disable postgresql || true
      dnf install -y -q "postgresql$PG_MAJOR-server" pgbackrest openssl python3
      ;;
    amazon-linux)
      dnf install -y -q "postgresql$PG_MAJOR-server" "postgresql$PG_MAJOR-contrib" openssl python3
      # pgBackRest is not in the Amazon Linux repository: take it from the PostgreSQL project's EL 9 repository.
      dnf install -y -q "https://download.postgresql.org/pub/repos/yum/reporpms/EL-9-$(uname -m)/pgdg-redhat-repo-latest.noarch.rpm" || true
      dnf install -y -q --disablerepo='*' --enablerepo=pgdg-common pgbackrest
      ;;
  esac
}
`;

const DISK_FUNCTIONS = `# --- the data disk: found by its label, else the cloud's stable device path, else the one
# unformatted non-root disk; never by size (the disk grows). Formatted once, mounted by UUID. ---
MOUNT=/var/lib/autostack/data
PGDATA="$MOUNT/pg$PG_MAJOR"

blank_disks() { # whole disks that are not the root disk, hold no partition or filesystem, and are not instance storage
  local root_disk dev model
  root_disk="$(lsblk -no PKNAME "$(findmnt -no SOURCE /)" | head -n1)"
  while read -r dev; do
    if [ "$(basename "$dev")" = "$root_disk" ] || [ "$(lsblk -no NAME "$dev" | wc -l)" != 1 ] || blkid -p "$dev" >/dev/null 2>&1; then continue; fi
    model="$(lsblk -dno MODEL "$dev")"
    case "$model" in *"Instance Storage"*) continue ;; esac
    echo "$dev"
  done < <(lsblk -dpno NAME,TYPE | awk '$2 == "disk" { print $1 }')
}

find_data_disk() {
  local dev hint
  for _ in $(seq 1 60); do
    dev="$(blkid -L pgdata 2>/dev/null || true)"
    if [ -n "$dev" ]; then echo "$dev"; return 0; fi
    for hint in /dev/disk/by-id/google-pgdata /dev/disk/azure/scsi1/lun0 /dev/sdf; do
      if [ -b "$hint" ] && ! blkid -p "$hint" >/dev/null 2>&1 && [ "$(lsblk -no NAME "$hint" | wc -l)" = 1 ]; then readlink -f "$hint"; return 0; fi
    done
    mapfile -t blank < <(blank_disks)
    if [ "\${#blank[@]}" = 1 ]; then echo "\${blank[0]}"; return 0; fi
    if [ "\${#blank[@]}" -gt 1 ]; then echo "several blank disks (\${blank[*]}) and none labelled pgdata: not guessing" >&2; return 1; fi
    sleep 5
  done
  echo "no data disk (label pgdata, or a blank non-root disk) attached after 5 minutes" >&2
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
`;

const BODY = `
write_node_file() { # the node's values for the tool: paths and ports on this server
  {
    printf '%s=%q\\n' PLAN_NAME "$PLAN_NAME" ROLE "$ROLE" NODE_INDEX "$NODE_INDEX" PG_BIN "$PG_BIN" PGDATA "$PGDATA"
    printf '%s=%q\\n' PG_PORT 5432 PG_LISTEN '' PG_SOCKET_DIR /run/postgresql PG_SERVICE autostack-postgresql.service
    printf '%s=%q\\n' MOUNT "$MOUNT" STATE_DIR /var/lib/autostack PGBACKREST_CONF /etc/pgbackrest/pgbackrest.conf
    printf '%s=%q\\n' UNITS_DIR /etc/systemd/system RESTORE_PORT 5433 CONFIG_KEY "$CONFIG_KEY" CLOUD_FUNCTIONS /etc/autostack/cloud.sh
  } >/etc/autostack/node.env
  chmod 644 /etc/autostack/node.env
}

write_units() {
  local units=/etc/systemd/system
  printf 'd /run/postgresql 2775 postgres postgres -\\n' >/etc/tmpfiles.d/autostack-postgresql.conf
  systemd-tmpfiles --create /etc/tmpfiles.d/autostack-postgresql.conf
  # shellcheck disable=SC2016 # $MAINPID is systemd's, not the shell's
  printf '[Unit]\\nDescription=AutoStack PostgreSQL %s\\nAfter=network-online.target\\nRequiresMountsFor=%s\\n[Service]\\nType=simple\\nUser=postgres\\nGroup=postgres\\nExecStart=%s/postgres -D %s\\nExecReload=/bin/kill -HUP $MAINPID\\nKillMode=mixed\\nKillSignal=SIGINT\\nTimeoutStartSec=0\\nTimeoutStopSec=1h\\nRestart=on-failure\\nOOMScoreAdjust=-1000\\nEnvironment=PG_OOM_ADJUST_FILE=/proc/self/oom_score_adj PG_OOM_ADJUST_VALUE=0\\n[Install]\\nWantedBy=multi-user.target\\n' \\
    "$PG_MAJOR" "$MOUNT" "$PG_BIN" "$PGDATA" >"$units/autostack-postgresql.service"
  printf '[Unit]\\nDescription=AutoStack agent: applies the configuration document\\nAfter=autostack-postgresql.service\\n[Service]\\nType=oneshot\\nExecStart=/usr/local/sbin/autostack agent\\n' >"$units/autostack-agent.service"
  printf '[Unit]\\nDescription=AutoStack agent schedule\\n[Timer]\\nOnBootSec=2min\\nOnUnitActiveSec=2min\\n[Install]\\nWantedBy=timers.target\\n' >"$units/autostack-agent.timer"
  printf '[Unit]\\nDescription=AutoStack pgBackRest backup\\nAfter=autostack-postgresql.service\\n[Service]\\nType=oneshot\\nExecStart=/usr/local/sbin/autostack backup\\n' >"$units/autostack-backup.service"
  printf '[Unit]\\nDescription=AutoStack restore test\\n[Service]\\nType=oneshot\\nExecStart=/usr/local/sbin/autostack restore-check\\n' >"$units/autostack-restore-check.service"
  chmod 644 "$units"/autostack-*
  systemctl daemon-reload
  systemctl enable autostack-postgresql.service
}

wait_for_primary() { # sets PRIMARY_HOST once the primary published its address and the replication password
  local secret
  for _ in $(seq 1 120); do
    PRIMARY_HOST="$(instance_value primary-host || true)"
    secret="$(secret_read)"
    if [ -n "$PRIMARY_HOST" ] && [ -n "$secret" ] && SECRET_JSON="$secret" python3 -c 'import json,os,sys; sys.exit(0 if json.loads(os.environ["SECRET_JSON"]).get("replicator") else 1)' 2>/dev/null; then
      return 0
    fi
    sleep 10
  done
  echo "the primary did not publish its address and replication password within 20 minutes" >&2
  return 1
}

main() {
  if [ -f /var/lib/autostack/bootstrap.done ]; then
    echo "already bootstrapped: starting services"
    systemctl start autostack-postgresql.service autostack-agent.timer || true
    return 0
  fi
  package_paths
  install_tools
  # shellcheck source=/dev/null
  . /etc/autostack/cloud.sh
  if [ "$EGRESS" = none ]; then require_preinstalled; else install_packages; fi
  ensure_cloud_cli "$PKG_SOURCE" "$EGRESS"
  prepare_disk
  write_node_file
  write_units
  if [ "$ROLE" = primary ]; then
    /usr/local/sbin/autostack init-primary
    /usr/local/sbin/autostack agent --wait
    /usr/local/sbin/autostack set-passwords
  else
    wait_for_primary
    /usr/local/sbin/autostack replica-setup "$PRIMARY_HOST" 5432
    /usr/local/sbin/autostack agent --wait
  fi
  systemctl enable --now autostack-agent.timer
  if [ -f /etc/systemd/system/autostack-backup.timer ]; then systemctl start --no-block autostack-backup.service; fi
  date -u +%FT%TZ >/var/lib/autostack/bootstrap.done
  echo "AutoStack: $PLAN_NAME node $NODE_INDEX ($ROLE) is ready"
}

main "$@"
`;
