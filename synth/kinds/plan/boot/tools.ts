import type { CloudAccess } from '../../../core/registry/kinds.ts';

/**
 * The server tool (/usr/local/sbin/autostack): fixed text, the same on every server and in the
 * real-PostgreSQL tests. The first-boot script installs it; its `agent` command applies the
 * server's configuration document. Every value comes from the node file it reads, the cloud's
 * shell functions and the document: nothing from the plan is written into it.
 */
export function serverTool(): string {
  return SERVER_TOOL;
}

/** The cloud's shell constants and functions (config_read, secret_read, ...) as the file the tool sources. */
export function cloudFunctionsFile(access: CloudAccess): string {
  return ['#!/bin/bash', '# How this server reaches its cloud (generated from the cloud\'s access; sourced by the AutoStack tool).', '# shellcheck disable=SC2034 # constants are read by the functions below and by the first-boot script', ...access.shellConstants, '', access.shellFunctions].join('\n');
}

const SERVER_TOOL = `#!/bin/bash
# AutoStack server tool. Fixed text, the same on every server: the node's values come from the
# node file ($AUTOSTACK_ENV, default /etc/autostack/node.env, written once by the first-boot
# script), the cloud's functions from the file it names, and the plan's values from the server's
# configuration document in the plan's bucket. Runs as root and drops to postgres for PostgreSQL.
#   autostack agent [--wait]          fetch this node's configuration document and apply it
#   autostack apply FILE              apply a configuration document from a file
#   autostack init-primary            create the cluster on the data disk (once)
#   autostack set-passwords           set the postgres and replicator passwords from the secret (or new ones)
#   autostack replica-setup HOST PORT copy the primary with pg_basebackup and stream from it (once)
#   autostack backup [full|incr]      pgBackRest backup (full on Sundays or when none exists)
#   autostack restore-check [DB SQL]  restore the latest backup into a scratch cluster and query it
set -euo pipefail
umask 077

AUTOSTACK_ENV="\${AUTOSTACK_ENV:-/etc/autostack/node.env}"
# shellcheck source=/dev/null
. "$AUTOSTACK_ENV"
: "\${PLAN_NAME:?} \${ROLE:?} \${NODE_INDEX:?} \${PG_BIN:?} \${PGDATA:?} \${PG_PORT:?} \${PG_SOCKET_DIR:?} \${MOUNT:?} \${STATE_DIR:?}"
: "\${PGBACKREST_CONF:?} \${RESTORE_PORT:?} \${CONFIG_KEY:?} \${CLOUD_FUNCTIONS:?}"
PG_SERVICE="\${PG_SERVICE:-}"
PG_LISTEN="\${PG_LISTEN:-}"
UNITS_DIR="\${UNITS_DIR:-}"
# shellcheck source=/dev/null
. "$CLOUD_FUNCTIONS"

WORK=""
cleanup_work() { if [ -n "$WORK" ]; then rm -rf "$WORK"; fi; }
trap cleanup_work EXIT

log() { echo "autostack[$PLAN_NAME/$NODE_INDEX]: $*"; }
fail() { echo "autostack[$PLAN_NAME/$NODE_INDEX]: $*" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
psql_admin() {
  as_postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -d postgres "$@"
}
sql_value() { psql_admin -Atc "$1"; }
pgbr() { as_postgres pgbackrest --config="$PGBACKREST_CONF" --stanza=main "$@"; }
systemd_running() { [ -d /run/systemd/system ]; }

pg_running() { as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }
wait_ready() {
  for _ in $(seq 1 600); do
    if as_postgres "$PG_BIN/pg_isready" -q -h "$PG_SOCKET_DIR" -p "$PG_PORT"; then return 0; fi
    sleep 1
  done
  fail "PostgreSQL did not accept connections within 10 minutes"
}
pg_start() {
  if [ -n "$PG_SERVICE" ]; then
    systemctl start "$PG_SERVICE"
  else
    # 9>&-: the server must not inherit the agent's lock.
    as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/../postgresql.log" -w -t 600 start >/dev/null 9>&-
  fi
  wait_ready
}
pg_restart() {
  if [ -n "$PG_SERVICE" ]; then
    systemctl restart "$PG_SERVICE"
  else
    as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/../postgresql.log" -m fast -w -t 600 restart >/dev/null 9>&-
  fi
  wait_ready
}

# install_file SRC DEST OWNER MODE: replaces DEST only when its content differs; true when it did.
install_file() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then return 1; fi
  if [ -f "$2" ]; then cp -p "$2" "$WORK/previous.$(basename "$2")"; fi
  install -o "$3" -g "$3" -m "$4" "$1" "$2.autostack-new"
  mv -f "$2.autostack-new" "$2"
}
restore_previous() {
  local dest prev
  for dest in "$@"; do
    prev="$WORK/previous.$(basename "$dest")"
    if [ -f "$prev" ]; then mv -f "$prev" "$dest"; fi
  done
}

random_password() {
  openssl rand -base64 36 | tr -d '/+=\\n' | cut -c1-40
}
json_field() { # the JSON travels in the environment, not in argv
  SECRET_JSON="$1" python3 -c 'import json,os,sys; print(json.loads(os.environ["SECRET_JSON"] or "{}").get(sys.argv[1], ""))' "$2"
}

# --- what belongs to the node, not to the plan: port, socket, listen addresses, TLS certificate ---
node_files() {
  local tmp
  install -d -o postgres -g postgres -m 700 "$PGDATA/conf.d"
  grep -q "^include_dir = 'conf.d'" "$PGDATA/postgresql.conf" || echo "include_dir = 'conf.d'" >>"$PGDATA/postgresql.conf"
  tmp="$WORK/node.conf"
  {
    echo '# Written by AutoStack for this server (read last: the plan cannot override it).'
    echo "port = $PG_PORT"
    echo "unix_socket_directories = '$PG_SOCKET_DIR'"
    if [ -n "$PG_LISTEN" ]; then echo "listen_addresses = '$PG_LISTEN'"; fi
  } >"$tmp"
  install_file "$tmp" "$PGDATA/conf.d/zz-node.conf" postgres 600 || true
  if [ ! -f "$PGDATA/server.crt" ] || [ ! -f "$PGDATA/server.key" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$PLAN_NAME-$NODE_INDEX" \\
      -keyout "$PGDATA/server.key" -out "$PGDATA/server.crt" 2>/dev/null
    chown postgres:postgres "$PGDATA/server.key" "$PGDATA/server.crt"
    chmod 600 "$PGDATA/server.key"
  fi
}

cmd_init_primary() {
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    install -d -o postgres -g postgres -m 700 "$PGDATA"
    as_postgres "$PG_BIN/initdb" -D "$PGDATA" --auth-local=peer --auth-host=scram-sha-256 --data-checksums >/dev/null
    log "created the cluster in $PGDATA"
  fi
  node_files
}

cmd_set_passwords() {
  local secret pg_pass repl_pass fresh=no
  secret="$(secret_read)"
  pg_pass="$(json_field "$secret" postgres)"
  repl_pass="$(json_field "$secret" replicator)"
  if [ -z "$pg_pass" ]; then pg_pass="$(random_password)"; fresh=yes; fi
  if [ -z "$repl_pass" ]; then repl_pass="$(random_password)"; fresh=yes; fi
  # Passwords travel in the environment and on stdin, never on a command line others could read.
  PG_PASS="$pg_pass" REPL_PASS="$repl_pass" psql_admin <<'SQL'
\\getenv pg_pass PG_PASS
\\getenv repl_pass REPL_PASS
ALTER ROLE postgres PASSWORD :'pg_pass';
SELECT 'CREATE ROLE replicator' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator') \\gexec
ALTER ROLE replicator WITH REPLICATION LOGIN PASSWORD :'repl_pass';
SQL
  if [ "$fresh" = yes ]; then
    PG_PASS="$pg_pass" REPL_PASS="$repl_pass" python3 -c 'import json,os; print(json.dumps({"postgres": os.environ["PG_PASS"], "replicator": os.environ["REPL_PASS"]}))' | secret_write
  fi
  log "passwords set"
}

cmd_replica_setup() {
  local host="$1" port="$2" secret repl_pass passfile="$MOUNT/.pgpass"
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    secret="$(secret_read)"
    repl_pass="$(json_field "$secret" replicator)"
    if [ -z "$repl_pass" ]; then fail "the secret holds no replicator password yet"; fi
    install -d -o postgres -g postgres -m 700 "$PGDATA"
    # The replica keeps this password file on its data disk: streaming reconnects with it.
    printf '%s:%s:replication:replicator:%s\\n' "$host" "$port" "$repl_pass" >"$passfile"
    chown postgres:postgres "$passfile"
    chmod 600 "$passfile"
    as_postgres "$PG_BIN/pg_basebackup" -D "$PGDATA" -R -X stream -C -S "replica_$NODE_INDEX" --checkpoint=fast \\
      -d "host=$host port=$port user=replicator sslmode=require passfile=$passfile"
    echo "primary_conninfo = 'host=$host port=$port user=replicator passfile=$passfile sslmode=require application_name=replica_$NODE_INDEX'" >>"$PGDATA/postgresql.auto.conf"
    # The copy holds the primary's certificate and node file: this server gets its own.
    rm -f "$PGDATA/server.crt" "$PGDATA/server.key" "$PGDATA/conf.d/zz-node.conf" "$PGDATA/conf.d/autostack.conf"
    log "copied the primary $host:$port"
  fi
  node_files
}

# --- the configuration document ---
# split_document DOC DIR: checks the document is this node's and writes one file per part.
split_document() {
  python3 - "$1" "$2" "$ROLE" "$NODE_INDEX" <<'PY'
import json, os, sys
doc_file, out, role, index = sys.argv[1:]
doc = json.load(open(doc_file))
if doc.get("version") != 1:
    sys.exit("configuration document version %r is not 1: update the agent" % doc.get("version"))
if doc["role"] != role or str(doc["index"]) != index:
    sys.exit("the configuration document is for %s %s, this server is %s %s" % (doc["role"], doc["index"], role, index))
def lines(key):
    items = doc[key]
    if any(not isinstance(x, str) or "\\n" in x or "\\r" in x for x in items):
        sys.exit("%s: every line must be a string without line breaks" % key)
    return "".join(x + "\\n" for x in items)
def calendar(key):
    value = doc[key]
    if not isinstance(value, str) or "\\n" in value or "\\r" in value:
        sys.exit("%s must be one line" % key)
    return value.strip()
parts = {
    "postgresql": lines("postgresql"),
    "pg_hba": lines("pgHba"),
    "pgbackrest": lines("pgbackrest"),
    "backup_calendar": calendar("backupOnCalendar"),
    "restore_check_calendar": calendar("restoreCheckOnCalendar"),
    "disk_gib": str(int(doc["dataDiskGiB"])),
}
for name, text in parts.items():
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
PY
}

write_timer() { # write_timer NAME ONCALENDAR: the schedule of autostack-NAME.service; empty removes it
  local unit="$UNITS_DIR/autostack-$1.timer" tmp="$WORK/timer.$1" delay=""
  if [ -z "$UNITS_DIR" ]; then return 1; fi
  if [ -z "$2" ]; then
    if [ ! -f "$unit" ]; then return 1; fi
    if systemd_running; then systemctl disable --now "autostack-$1.timer" >/dev/null 2>&1 || true; fi
    rm -f "$unit"
    return 0
  fi
  if [ "$1" = restore-check ]; then delay='RandomizedDelaySec=30m'; fi
  printf '[Unit]\\nDescription=AutoStack %s schedule\\n[Timer]\\nOnCalendar=%s\\n%s\\nPersistent=true\\n[Install]\\nWantedBy=timers.target\\n' "$1" "$2" "$delay" >"$tmp"
  install_file "$tmp" "$unit" root 644 || return 1
  if systemd_running; then
    systemctl daemon-reload
    systemctl enable "autostack-$1.timer" >/dev/null 2>&1
    systemctl restart "autostack-$1.timer"
  fi
}

# grow_fs [GIB]: grows the data disk's ext4 filesystem online when the device is larger than it
# (the cloud grew the disk); true when it did. With GIB, says so when the device is still smaller.
grow_fs() {
  local dev name dev_bytes fs_bytes
  if ! mountpoint -q "$MOUNT" || [ "$(findmnt -no FSTYPE "$MOUNT")" != ext4 ]; then return 1; fi
  dev="$(findmnt -no SOURCE "$MOUNT")"
  name="$(basename "$(readlink -f "$dev")")"
  if [ -w "/sys/class/block/$name/device/rescan" ]; then echo 1 >"/sys/class/block/$name/device/rescan"; fi
  dev_bytes="$(blockdev --getsize64 "$dev")"
  fs_bytes="$(dumpe2fs -h "$dev" 2>/dev/null | awk -F: '/^Block count/ { c = $2 } /^Block size/ { s = $2 } END { printf "%.0f", c * s }')"
  if [ -n "\${1:-}" ] && [ "$dev_bytes" -lt $(($1 * 1024 * 1024 * 1024)) ]; then
    log "the data disk is $((dev_bytes / 1024 / 1024)) MiB, the plan says $1 GiB: the filesystem grows when the cloud has grown the disk"
  fi
  if [ "$dev_bytes" -le $((fs_bytes + 1024 * 1024)) ]; then return 1; fi
  if ! resize2fs "$dev" >"$STATE_DIR/resize2fs.log" 2>&1; then
    fail "could not grow the data filesystem on $dev to $((dev_bytes / 1024 / 1024)) MiB: $(tr '\\n' ' ' <"$STATE_DIR/resize2fs.log")"
  fi
  log "grew the data filesystem from $((fs_bytes / 1024 / 1024)) to $((dev_bytes / 1024 / 1024)) MiB"
}

# apply_config DOC: makes the server match the document; does nothing when it already does.
apply_config() {
  local doc="$1" hash applied="" changed=() action=unchanged errors pending
  hash="$(sha256sum "$doc" | cut -d' ' -f1)"
  if [ -f "$STATE_DIR/config.sha256" ]; then applied="$(cat "$STATE_DIR/config.sha256")"; fi
  if [ "$hash" = "$applied" ] && pg_running; then
    grow_fs || true # the disk may grow after the document changed: checked on every run
    return 0
  fi
  WORK="$(mktemp -d)"
  split_document "$doc" "$WORK"
  node_files
  if install_file "$WORK/postgresql" "$PGDATA/conf.d/autostack.conf" postgres 600; then changed+=(postgresql.conf); fi
  if install_file "$WORK/pg_hba" "$PGDATA/pg_hba.conf" postgres 600; then changed+=(pg_hba.conf); fi
  if [ -s "$WORK/pgbackrest" ]; then
    {
      echo '[global]'
      cat "$WORK/pgbackrest"
      echo '[main]'
      echo "pg1-path=$PGDATA"
      echo "pg1-port=$PG_PORT"
      echo "pg1-socket-path=$PG_SOCKET_DIR"
    } >"$WORK/pgbackrest.conf"
    install -d -m 755 "$(dirname "$PGBACKREST_CONF")"
    if install_file "$WORK/pgbackrest.conf" "$PGBACKREST_CONF" postgres 640; then changed+=(pgbackrest.conf); rm -f "$STATE_DIR/stanza.done"; fi
  fi
  if write_timer backup "$(cat "$WORK/backup_calendar")"; then changed+=(backup-timer); fi
  if write_timer restore-check "$(cat "$WORK/restore_check_calendar")"; then changed+=(restore-check-timer); fi

  if ! pg_running; then
    pg_start
    action=started
  elif [ "\${#changed[@]}" -gt 0 ]; then
    sql_value 'select pg_reload_conf()' >/dev/null
    sleep 1
    # A changed server-start setting is reported as "could not be applied" too: it is pending a restart, not an error.
    errors="$(sql_value "select string_agg(coalesce(f.name, '') || ': ' || f.error, '; ') from pg_file_settings f left join pg_settings s on s.name = f.name where f.error is not null and not coalesce(s.pending_restart, false)")"
    errors="$errors$(sql_value "select string_agg('pg_hba.conf line ' || line_number || ': ' || error, '; ') from pg_hba_file_rules where error is not null")"
    if [ -n "$errors" ]; then
      restore_previous "$PGDATA/conf.d/autostack.conf" "$PGDATA/pg_hba.conf"
      sql_value 'select pg_reload_conf()' >/dev/null
      fail "configuration $hash rejected by PostgreSQL, previous files kept: $errors"
    fi
    action=reloaded
    pending="$(sql_value "select string_agg(name, ',' order by name) from pg_settings where pending_restart")"
    if [ -n "$pending" ]; then
      pg_restart
      action="restarted for $pending"
    fi
  fi
  if [ -s "$WORK/pgbackrest" ] && [ "$ROLE" = primary ] && [ ! -f "$STATE_DIR/stanza.done" ]; then
    pgbr stanza-create >/dev/null
    pgbr check >/dev/null
    touch "$STATE_DIR/stanza.done"
    changed+=(stanza)
  fi
  if grow_fs "$(cat "$WORK/disk_gib")"; then changed+=(filesystem); fi
  echo "$hash" >"$STATE_DIR/config.sha256"
  log "applied configuration \${hash:0:12}: changed \${changed[*]:-nothing}; PostgreSQL $action"
}

# update_tool DOC: the document carries the tool of the AutoStack release that rendered it; when it
# differs from this one, it replaces this file (checked to parse first). True when it did.
update_tool() {
  local self new
  self="$(readlink -f "$0")"
  new="$(mktemp)"
  python3 -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1])).get("tool", ""))' "$1" >"$new"
  if [ ! -s "$new" ] || cmp -s "$new" "$self"; then rm -f "$new"; return 1; fi
  if ! bash -n "$new" 2>/dev/null; then rm -f "$new"; fail "the tool in $CONFIG_KEY does not parse: keeping this one"; fi
  install -m 755 "$new" "$self.autostack-new"
  mv -f "$self.autostack-new" "$self"
  rm -f "$new"
  log "updated the AutoStack tool from the configuration document"
}

cmd_agent() {
  local doc
  install -d -m 755 "$STATE_DIR"
  exec 9>"$STATE_DIR/agent.lock"
  if ! flock -n 9; then log "another agent run is in progress"; return 0; fi
  doc="$(mktemp)"
  for attempt in $(seq 1 120); do
    if config_read "$CONFIG_KEY" >"$doc" 2>/dev/null && [ -s "$doc" ]; then break; fi
    if [ "\${1:-}" != --wait ] || [ "$attempt" = 120 ]; then rm -f "$doc"; fail "cannot read the configuration document $CONFIG_KEY"; fi
    sleep 10
  done
  # A new release's tool first, then its document is applied by the new tool (once: no loop).
  if [ -z "\${AUTOSTACK_TOOL_UPDATED:-}" ] && update_tool "$doc"; then
    rm -f "$doc"
    exec 9>&-
    AUTOSTACK_TOOL_UPDATED=1 exec "$(readlink -f "$0")" agent "$@"
  fi
  apply_config "$doc" || { rm -f "$doc"; return 1; }
  rm -f "$doc"
}

cmd_backup() {
  local type="\${1:-}"
  if [ -z "$type" ]; then
    type=incr
    if [ "$(date +%u)" = 7 ] || ! pgbr info --output=json | grep -q '"type":"full"'; then type=full; fi
  fi
  pgbr --type="$type" backup
  log "$type backup done"
}

# Restores the latest backup into a scratch directory on the data disk, starts it on a private
# port with no TCP listener, runs a query (printed), and records the result in restore-check.json.
RC_SCRATCH=""
RC_RESULT=failed
RC_STARTED=""
restore_check_done() {
  as_postgres "$PG_BIN/pg_ctl" -D "$RC_SCRATCH/pgdata" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$RC_SCRATCH"
  printf '{"checkedAt":"%s","result":"%s"}\\n' "$RC_STARTED" "$RC_RESULT" >"$STATE_DIR/restore-check.json"
  log "restore check $RC_RESULT"
}
cmd_restore_check() {
  local db="\${1:-postgres}" sql="\${2:-select count(*) from pg_database}"
  RC_STARTED="$(date -u +%FT%TZ)"
  RC_SCRATCH="$(mktemp -d "$MOUNT/restore-check.XXXXXX")"
  chown postgres:postgres "$RC_SCRATCH"
  trap 'restore_check_done; cleanup_work' EXIT
  pgbr --pg1-path="$RC_SCRATCH/pgdata" --type=immediate --target-action=promote --archive-mode=off restore >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$RC_SCRATCH/pgdata" -l "$RC_SCRATCH/postgresql.log" -w -t 600 \\
    -o "-p $RESTORE_PORT -c listen_addresses='' -c unix_socket_directories=$RC_SCRATCH -c archive_mode=off -c hot_standby=off -c shared_buffers=128MB -c max_connections=20 -c ssl=off" start >/dev/null
  for _ in $(seq 1 600); do # recovery to the backup's consistent point, then promotion
    if as_postgres "$PG_BIN/pg_isready" -q -h "$RC_SCRATCH" -p "$RESTORE_PORT"; then break; fi
    sleep 1
  done
  as_postgres "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -h "$RC_SCRATCH" -p "$RESTORE_PORT" -d "$db" -Atc "$sql"
  RC_RESULT=ok
}

case "\${1:-}" in
  agent) shift; cmd_agent "$@" ;;
  apply) install -d -m 755 "$STATE_DIR"; apply_config "$2" ;;
  init-primary) WORK="$(mktemp -d)"; cmd_init_primary ;;
  set-passwords) cmd_set_passwords ;;
  replica-setup) WORK="$(mktemp -d)"; cmd_replica_setup "$2" "$3" ;;
  backup) shift; cmd_backup "$@" ;;
  restore-check) shift; cmd_restore_check "$@" ;;
  *) fail "usage: autostack agent [--wait] | apply FILE | init-primary | set-passwords | replica-setup HOST PORT | backup [full|incr] | restore-check [DATABASE SQL]" ;;
esac
`;
