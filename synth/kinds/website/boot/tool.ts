import type { CloudAccess } from '../../../core/registry/kinds.ts';
import { shellQuote } from '../../../core/render/shell.ts';
import { checkLayout, checkServerConfig } from './config.ts';
import type { ServerLayout, WordPressServerConfig } from './config.ts';
import { cacheKeySalt } from './object-cache.ts';
import { secretsFile, uploadsDir } from './php.ts';

/**
 * The site's values for the day-2 tool, one `NAME='value'` a line: a file of the site's
 * configuration document (<configDir>/site.env), so a changed database or prefix reaches running servers.
 */
export function renderSiteEnv(config: WordPressServerConfig, layout: ServerLayout): string {
  checkServerConfig(config);
  checkLayout(layout);
  const values: [string, string][] = [
    ['DB_HOST', config.database.host],
    ['DB_PORT', String(config.database.port)],
    ['DB_NAME', config.database.name],
    ['DB_USER', config.database.user],
    ['DB_TLS', config.database.tls ? 'yes' : 'no'],
    ['DB_PASSWORD_SECRET', config.database.passwordSecret ?? ''],
    ['CODE_REPOSITORY', config.code?.repository ?? ''],
    ['CODE_REF', config.code?.ref ?? ''],
    ['SITE_HOST', config.platformDomain],
    ['LISTEN_PORT', String(layout.listenPort)],
    ['DOCUMENT_ROOT', layout.documentRoot],
    ['CONTENT_DIR', layout.contentDir],
    ['UPLOADS_DIR', uploadsDir(config, layout)],
    ['SECRETS_FILE', secretsFile(layout)],
    ['PHP_USER', layout.phpUser],
    ['PHP_GROUP', layout.phpGroup],
    ['BACKUP_PREFIX', config.backup.prefix],
    ['LOG_DIR', layout.logDir],
    // The object cache (empty: none), emptied of the site's keys after a restore.
    ['CACHE_HOST', config.objectCache?.host ?? ''],
    ['CACHE_PORT', config.objectCache ? String(config.objectCache.port) : ''],
    ['CACHE_TLS', config.objectCache?.tls ? 'yes' : 'no'],
    ['CACHE_PREFIX', config.objectCache ? cacheKeySalt(config.site) : ''],
  ];
  return `${values.map(([k, v]) => `${k}=${shellQuote(v)}`).join('\n')}\n`;
}

/**
 * The cloud's functions file for a website server: the cloud's own constants and functions
 * (secret_read, secret_write, ...) and the object functions the backups use, for the cloud's
 * storage protocol: `object_put KEY FILE` and `object_get KEY FILE`. Credentials come from the
 * server's identity (instance profile, service account, managed identity) and reach curl on stdin
 * (`-K -`), never on its command line.
 */
export function websiteCloudFile(access: CloudAccess): string {
  return [
    '#!/bin/bash',
    "# How this server reaches its cloud (generated from the cloud's access; sourced by the AutoStack website tool).",
    '# shellcheck disable=SC2034 # constants are read by the functions below',
    ...access.shellConstants,
    ...storageConstants(access.storage),
    '',
    access.shellFunctions,
    objectFunctions(access.storage),
  ].join('\n');
}

function storageConstants(storage: CloudAccess['storage']): string[] {
  switch (storage.protocol) {
    case 's3':
      return [`STORAGE_BUCKET=${shellQuote(storage.bucket)}`, `STORAGE_REGION=${shellQuote(storage.region)}`, `STORAGE_ENDPOINT=${shellQuote(storage.endpoint)}`];
    case 'azure-blob':
      return [`STORAGE_ACCOUNT=${shellQuote(storage.account)}`, `STORAGE_CONTAINER=${shellQuote(storage.container)}`];
    case 'gcs':
      return [`STORAGE_BUCKET=${shellQuote(storage.bucket)}`];
  }
}

const S3_FUNCTIONS = `# S3 with curl's SigV4 signing: the environment's keys when set, else the instance profile's (IMDSv2).
s3_auth() { # curl configuration lines with the credentials, on stdout
  local token role creds
  if [ -n "\${AWS_ACCESS_KEY_ID:-}" ]; then
    printf 'user = "%s:%s"\\n' "$AWS_ACCESS_KEY_ID" "\${AWS_SECRET_ACCESS_KEY:-}"
    if [ -n "\${AWS_SESSION_TOKEN:-}" ]; then printf 'header = "x-amz-security-token: %s"\\n' "$AWS_SESSION_TOKEN"; fi
    return 0
  fi
  token="$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')"
  role="$(curl -fsS -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/iam/security-credentials/)"
  creds="$(curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/iam/security-credentials/$role")"
  CREDS="$creds" python3 -c 'import json,os; c=json.loads(os.environ["CREDS"]); print("user = \\"%s:%s\\"\\nheader = \\"x-amz-security-token: %s\\"" % (c["AccessKeyId"], c["SecretAccessKey"], c["Token"]))'
}
s3_url() { printf '%s/%s' "\${AUTOSTACK_S3_URL:-https://$STORAGE_BUCKET.$STORAGE_ENDPOINT}" "$1"; }
object_put() { # object_put KEY FILE
  s3_auth | curl -fsS --retry 3 -K - --aws-sigv4 "aws:amz:$STORAGE_REGION:s3" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -T "$2" -o /dev/null "$(s3_url "$1")"
}
object_get() { # object_get KEY FILE
  s3_auth | curl -fsS --retry 3 -K - --aws-sigv4 "aws:amz:$STORAGE_REGION:s3" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -o "$2" "$(s3_url "$1")"
}
`;

const GCS_FUNCTIONS = `# Cloud Storage's JSON API with the service account's token.
gcs_auth() {
  curl -fsS -H 'Metadata-Flavor: Google' http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token |
    python3 -c 'import json,sys; print("header = \\"Authorization: Bearer %s\\"" % json.load(sys.stdin)["access_token"])'
}
object_put() { # object_put KEY FILE
  gcs_auth | curl -fsS --retry 3 -K - -X POST -H 'Content-Type: application/octet-stream' -T "$2" -o /dev/null \\
    "https://storage.googleapis.com/upload/storage/v1/b/$STORAGE_BUCKET/o?uploadType=media&name=$1"
}
object_get() { # object_get KEY FILE
  gcs_auth | curl -fsS --retry 3 -K - -o "$2" "https://storage.googleapis.com/storage/v1/b/$STORAGE_BUCKET/o/\${1//\\//%2F}?alt=media"
}
`;

const AZURE_FUNCTIONS = `# Blob storage with the VM's managed identity (one Put Blob: up to 5,000 MiB per object).
blob_auth() {
  curl -fsS -H Metadata:true 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fstorage.azure.com%2F' |
    python3 -c 'import json,sys; print("header = \\"Authorization: Bearer %s\\"" % json.load(sys.stdin)["access_token"])'
}
object_put() { # object_put KEY FILE
  blob_auth | curl -fsS --retry 3 -K - -X PUT -H 'x-ms-version: 2021-08-06' -H 'x-ms-blob-type: BlockBlob' -T "$2" -o /dev/null \\
    "https://$STORAGE_ACCOUNT.blob.core.windows.net/$STORAGE_CONTAINER/$1"
}
object_get() { # object_get KEY FILE
  blob_auth | curl -fsS --retry 3 -K - -H 'x-ms-version: 2021-08-06' -o "$2" "https://$STORAGE_ACCOUNT.blob.core.windows.net/$STORAGE_CONTAINER/$1"
}
`;

function objectFunctions(storage: CloudAccess['storage']): string {
  return { s3: S3_FUNCTIONS, gcs: GCS_FUNCTIONS, 'azure-blob': AZURE_FUNCTIONS }[storage.protocol];
}

/** The day-2 tool (/usr/local/sbin/autostack-website): fixed text, the same on every website server. */
export function websiteTool(): string {
  return WEBSITE_TOOL;
}

const WEBSITE_TOOL = `#!/bin/bash
# AutoStack website tool. Fixed text, the same on every website server. The server's values come
# from the node file ($AUTOSTACK_NODE_ENV, default /etc/autostack/website/node.env, written once by
# the first-boot script), the cloud's functions from the file it names, and the site's files from
# the site's configuration document in the stack's bucket (written here by \`agent\`). Runs as root.
#   autostack-website agent [--wait]           fetch the site's configuration document and apply it
#   autostack-website apply FILE               apply a configuration document from a file
#   autostack-website prepare                  the content directory: packaged themes and plugins linked
#                                              read-only, uploads (or the link to shared storage) writable by PHP
#   autostack-website secrets                  write the secrets file from the cloud's secret store
#                                              (keys and salts made once when the secret has none)
#   autostack-website deploy [--retry]        the site's code from git (--retry: a commit that failed here before)
#   autostack-website backup [--if-older MIN]  database dump + wp-content and uploads archives to object storage
#   autostack-website restore [STAMP]          bring back a backup (default: the latest)
set -euo pipefail
umask 077

AUTOSTACK_NODE_ENV="\${AUTOSTACK_NODE_ENV:-/etc/autostack/website/node.env}"
# shellcheck source=/dev/null
. "$AUTOSTACK_NODE_ENV"
: "\${SITE:?} \${CONFIG_KEY:?} \${CLOUD_FUNCTIONS:?} \${SITE_ENV:?} \${STATE_DIR:?} \${WRITABLE_DIRS:?} \${PHP_VERSION:?}"
RELOAD="\${RELOAD:-}"
NGINX_CONF="\${NGINX_CONF:-}"
NGINX_PREFIX="\${NGINX_PREFIX:-}"
NGINX_PID="\${NGINX_PID:-}"
FPM_CONF="\${FPM_CONF:-}"
FPM_PID="\${FPM_PID:-}"
# shellcheck source=/dev/null
. "$CLOUD_FUNCTIONS"

load_site() { # the site's values, from the site file the configuration document wrote
  if [ ! -f "$SITE_ENV" ]; then fail "no site file $SITE_ENV yet: run autostack-website agent first"; fi
  # shellcheck source=/dev/null
  . "$SITE_ENV"
  DB_PASSWORD_SECRET="\${DB_PASSWORD_SECRET:-}" # absent from a document of an older release: the site's secret holds DB_PASSWORD
  CODE_REPOSITORY="\${CODE_REPOSITORY:-}" CODE_REF="\${CODE_REF:-main}" SITE_HOST="\${SITE_HOST:-localhost}" LISTEN_PORT="\${LISTEN_PORT:-80}"
  CODE_DIR="$STATE_DIR/code"
  : "\${DB_HOST:?} \${DB_PORT:?} \${DB_NAME:?} \${DB_USER:?} \${DB_TLS:?} \${CONTENT_DIR:?} \${UPLOADS_DIR:?} \${SECRETS_FILE:?}"
  : "\${PHP_USER:?} \${PHP_GROUP:?} \${BACKUP_PREFIX:?} \${DOCUMENT_ROOT:?} \${LOG_DIR:?}"
  CACHE_HOST="\${CACHE_HOST:-}" CACHE_PORT="\${CACHE_PORT:-}" CACHE_TLS="\${CACHE_TLS:-no}" CACHE_PREFIX="\${CACHE_PREFIX:-}"
}

SALTS=(AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT)
WORK=""
cleanup_work() { if [ -n "$WORK" ]; then rm -rf "$WORK"; fi; }
trap cleanup_work EXIT

log() { echo "autostack-website[$SITE]: $*"; }
fail() { echo "autostack-website[$SITE]: $*" >&2; exit 1; }

# --- the site's configuration document: files with owner and mode, and files that must be absent ---
# write_document DOC: writes what differs (old versions kept in $WORK/previous for a rollback) and
# lists the changed paths in $WORK/changed. Only paths under WRITABLE_DIRS are accepted.
write_document() {
  install -d -m 700 "$WORK/previous"
  python3 - "$1" "$SITE" "$WRITABLE_DIRS" "$WORK/previous" >"$WORK/changed" <<'PY'
import grp, json, os, pwd, shutil, sys
doc_file, site, writable, previous = sys.argv[1:]
os.umask(0o022)  # new directories readable by nginx; each file gets the document's mode
doc = json.load(open(doc_file))
if doc.get("version") != 1:
    sys.exit("configuration document version %r is not 1: update the AutoStack website tool" % doc.get("version"))
if doc.get("site") != site:
    sys.exit("the configuration document is for site %r, this server is %r" % (doc.get("site"), site))
dirs = [d.rstrip("/") + "/" for d in writable.split(":") if d]
def allowed(path):
    if not isinstance(path, str) or not path.startswith("/") or ".." in path.split("/") or "\\n" in path:
        return False
    return any(path.startswith(d) for d in dirs)
for f in doc["files"] + [{"path": p} for p in doc["absent"]]:
    if not allowed(f["path"]):
        sys.exit("refusing %r: the configuration document may only write under %s" % (f["path"], ", ".join(dirs)))
manifest = open(os.path.join(previous, "manifest"), "w")
def keep(path, n):
    if os.path.lexists(path):
        shutil.copy2(path, os.path.join(previous, str(n)))
        os.chown(os.path.join(previous, str(n)), os.stat(path).st_uid, os.stat(path).st_gid)
        manifest.write("%d %s\\n" % (n, path))
    else:
        manifest.write("- %s\\n" % path)
n = 0
for f in doc["files"]:
    path, content = f["path"], f["content"].encode()
    uid, gid, mode = pwd.getpwnam(f["owner"]).pw_uid, grp.getgrnam(f["group"]).gr_gid, int(f["mode"], 8)
    if os.path.isfile(path) and not os.path.islink(path):
        st = os.stat(path)
        if open(path, "rb").read() == content and (st.st_mode & 0o7777, st.st_uid, st.st_gid) == (mode, uid, gid):
            continue
    n += 1
    keep(path, n)
    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    tmp = path + ".autostack-new"
    with open(tmp, "wb") as out:
        out.write(content)
    os.chown(tmp, uid, gid)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    print(path)
for path in doc["absent"]:
    if os.path.lexists(path):
        n += 1
        keep(path, n)
        os.remove(path)
        print(path)
PY
}

rollback_document() { # puts back what write_document replaced
  local n path
  while read -r n path; do
    if [ "$n" = - ]; then rm -f "$path"; else cp -p "$WORK/previous/$n" "$path"; fi
  done <"$WORK/previous/manifest"
}

# reload_services: checks the new configuration with nginx and PHP-FPM first (rolling back when
# either refuses it), then reloads them: through systemd (and (re)arms the document's timers), or
# by signal to the masters' pid files where something else runs them; RELOAD empty: files only.
reload_services() {
  local unit name
  if [ -z "$RELOAD" ]; then return 0; fi
  if ! "php-fpm$PHP_VERSION" -t \${FPM_CONF:+-y "$FPM_CONF"} >"$WORK/check.log" 2>&1 ||
    ! nginx -t \${NGINX_CONF:+-p "$NGINX_PREFIX" -c "$NGINX_CONF"} >>"$WORK/check.log" 2>&1; then
    rollback_document
    fail "the new configuration was refused, previous files kept: $(grep -E 'emerg|ERROR' "$WORK/check.log" | head -n 3 | tr '\\n' ' ')"
  fi
  if [ "$RELOAD" = signal ]; then
    # A master that is not running reads the files when it starts.
    if [ -s "$FPM_PID" ]; then kill -USR2 "$(cat "$FPM_PID")"; fi
    if [ -s "$NGINX_PID" ]; then kill -HUP "$(cat "$NGINX_PID")"; fi
    return 0
  fi
  if grep -q '\\.service$\\|\\.timer$' "$WORK/changed"; then systemctl daemon-reload; fi
  systemctl reload-or-restart "php$PHP_VERSION-fpm" nginx
  while read -r unit; do
    name="$(basename "$unit")"
    case "$name" in
      # A removed timer: its file is gone, so systemctl would refuse to disable it; it is stopped and
      # its timers.target link (what enable made) removed, or it would go on firing until a reboot.
      *.timer) if [ -f "$unit" ]; then systemctl enable --now "$name"; else systemctl stop "$name" 2>/dev/null || true; rm -f "$(dirname "$unit")/timers.target.wants/$name"; fi ;;
    esac
  done <"$WORK/changed"
}

# resolve_values DOC OUT: the document with each @@autostack:NAME@@ marker replaced by this server's
# instance value NAME (a tag or metadata value the cloud sets once it knows it: the database's
# address, the file share's export). A value must be a host name, an address or host:/path.
resolve_values() {
  local name value
  : >"$WORK/values"
  { grep -o '@@autostack:[a-z0-9-]*@@' "$1" || true; } | sort -u | sed 's/^@@autostack://; s/@@$//' >"$WORK/value-names"
  while read -r name; do
    value="$(instance_value "$name" 2>/dev/null || true)"
    if ! [[ "$value" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]*(:/[A-Za-z0-9._/-]*)?$ ]]; then
      fail "this server has no usable instance value autostack-$name (found '\${value:0:80}'): the cloud's stack sets it on every server of the site; apply the stack again"
    fi
    printf '%s %s\\n' "$name" "$value" >>"$WORK/values"
  done <"$WORK/value-names"
  python3 - "$1" "$WORK/values" >"$2" <<'PY'
import sys
text = open(sys.argv[1]).read()
for line in open(sys.argv[2]):
    name, value = line.split()
    text = text.replace("@@autostack:%s@@" % name, value)
sys.stdout.write(text)
PY
}

# apply_document DOC: makes the server match the document; says nothing when it already does.
apply_document() {
  local hash applied="" doc="$WORK/resolved.json"
  resolve_values "$1" "$doc"
  hash="$(sha256sum "$doc" | cut -d' ' -f1)"
  install -d -m 755 "$STATE_DIR"
  if [ -f "$STATE_DIR/website-config.sha256" ]; then applied="$(cat "$STATE_DIR/website-config.sha256")"; fi
  if [ "$hash" = "$applied" ]; then return 0; fi
  write_document "$doc"
  load_site
  cmd_prepare >/dev/null
  reload_services
  echo "$hash" >"$STATE_DIR/website-config.sha256"
  log "applied configuration \${hash:0:12}: changed $(if [ -s "$WORK/changed" ]; then xargs -r -n1 basename <"$WORK/changed" | paste -sd ' '; else echo nothing; fi)"
}


# --- the site's code from git (themes, plugins, mu-plugins of a wp-content repository) ---
# Releases live in $STATE_DIR/code/<commit> (root's, read-only to PHP); $STATE_DIR/code/current
# names the live one, and the content directory links each theme and plugin of it. A new commit is
# checked out beside the live one, every PHP file must pass php -l, then the link moves in one
# rename and the home page is asked for: a server error moves it back. Each agent run (every two
# minutes) asks the repository for the ref's commit, so every server converges on it.
CODE_DIR=""
git_auth() { # git_auth ARGS...: git with the repository's credentials from the site's secret, if any
  local secret="$WORK/secret.json" token="$WORK/git-token" key="$WORK/git-key"
  # Read once a run: ls-remote and the fetch of a new commit share it.
  if [ ! -e "$WORK/git-credentials.read" ]; then
  secret_read >"$secret" 2>/dev/null || echo '{}' >"$secret"
  python3 - "$secret" "$token" "$key" <<'PY'
import json, os, sys
try:
    doc = json.load(open(sys.argv[1]))
except ValueError:
    doc = {}
for field, path in (("GIT_TOKEN", sys.argv[2]), ("GIT_DEPLOY_KEY", sys.argv[3])):
    value = doc.get(field) if isinstance(doc, dict) else None
    if isinstance(value, str) and value:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, (value.rstrip("\\n") + "\\n").encode())
        os.close(fd)
PY
  rm -f "$secret"
  : >"$WORK/git-credentials.read"
  fi
  local -a opts=(-c protocol.file.allow=always -c core.hooksPath=/dev/null)
  # The token reaches git through a credential helper reading the file: never on a command line.
  if [ -s "$token" ]; then opts+=(-c credential.helper= -c "credential.helper=!f() { echo username=x-access-token; printf 'password=%s' \\"\\$(cat '$token')\\"; }; f"); fi
  if [ -s "$key" ]; then export GIT_SSH_COMMAND="ssh -i '$key' -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=$STATE_DIR/known_hosts"; fi
  GIT_TERMINAL_PROMPT=0 git "\${opts[@]}" "$@"
}

code_commit() { # the commit CODE_REF names in the repository now (a full commit id names itself)
  if [[ "$CODE_REF" =~ ^[0-9a-f]{40}$ ]]; then echo "$CODE_REF"; return 0; fi
  local found
  found="$(git_auth ls-remote "$CODE_REPOSITORY" "refs/heads/$CODE_REF" "refs/tags/$CODE_REF^{}" "refs/tags/$CODE_REF" 2>"$WORK/ls-remote.err" | awk 'NR == 1 || /\\^\\{\\}$/ { c = $1 } END { print c }')" ||
    fail "cannot reach the repository $CODE_REPOSITORY: $(head -c 300 "$WORK/ls-remote.err")"
  if ! [[ "$found" =~ ^[0-9a-f]{40}$ ]]; then fail "the repository $CODE_REPOSITORY has no branch or tag $CODE_REF"; fi
  echo "$found"
}

link_code() { # link_code RELEASE: the content directory's themes, plugins and mu-plugins point into RELEASE (and the packaged themes)
  local kind item name link
  for kind in themes plugins mu-plugins; do
    install -d -o root -g root -m 755 "$CONTENT_DIR/$kind"
    # Every link goes through current, so a link the new release still has stays as it is: removing
    # and making it again would leave a moment in which WordPress finds the plugin or theme missing.
    if [ -n "$1" ] && [ -d "$1/$kind" ]; then
      for item in "$1/$kind"/*; do
        name="$(basename "$item")"
        link="$CONTENT_DIR/$kind/$name"
        if [ -e "$item" ] && [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] && [ "$(readlink "$link" 2>/dev/null)" != "$CODE_DIR/current/$kind/$name" ]; then
          ln -sfn "$CODE_DIR/current/$kind/$name" "$link"
        fi
      done
    fi
    # Then what is gone: links to an item the live release no longer has or to a packaged item that
    # went (dangling), and links straight into a release (an earlier layout).
    find "$CONTENT_DIR/$kind" -mindepth 1 -maxdepth 1 -type l \\( \\( -lname "$CODE_DIR/*" ! -lname "$CODE_DIR/current/*" \\) -o ! -exec test -e {} \\; \\) -delete
  done
}

reload_php() { # PHP-FPM reloaded: new workers forget the old release (opcache, realpath cache)
  case "$RELOAD" in
    signal) if [ -s "$FPM_PID" ]; then kill -USR2 "$(cat "$FPM_PID")"; fi ;;
    systemd) systemctl reload "php$PHP_VERSION-fpm" ;;
  esac
}

site_answers() { # the home page through nginx on this server: anything but a server error (PHP-FPM may still be reloading)
  local code attempt
  for attempt in 1 2 3 4 5; do
    sleep "$attempt"
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -H "Host: $SITE_HOST" -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$LISTEN_PORT/" || true)"
    if [[ "$code" =~ ^[1-4][0-9][0-9]$ ]]; then return 0; fi
    if [[ "$code" =~ ^5[0-9][0-9]$ ]] && [ "$code" != 502 ] && [ "$code" != 503 ]; then return 1; fi
  done
  return 1
}

# refuse_release COMMIT MESSAGE: the commit is remembered as failed on this server (the agent does
# not try it again while the ref names it: each try would fetch it again, or put a release that
# answers server errors live for a moment every two minutes), then the run fails with MESSAGE.
refuse_release() {
  echo "$1" >"$CODE_DIR/failed"
  fail "$2"
}

cmd_deploy() { # cmd_deploy [--retry]: --retry tries a commit that failed on this server again
  if [ -z "$CODE_REPOSITORY" ]; then return 0; fi
  CODE_DIR="$STATE_DIR/code"
  install -d -o root -g root -m 755 "$CODE_DIR"
  local commit live="" release new base escaped
  commit="$(code_commit)"
  if [ -L "$CODE_DIR/current" ]; then live="$(basename "$(readlink "$CODE_DIR/current")")"; fi
  if [ "$commit" = "$live" ]; then rm -f "$CODE_DIR/failed"; return 0; fi
  if [ "\${1:-}" != --retry ] && [ -f "$CODE_DIR/failed" ] && [ "$(cat "$CODE_DIR/failed")" = "$commit" ]; then
    fail "commit \${commit:0:12} of $CODE_REPOSITORY ($CODE_REF) failed on this server before, so the site stays on \${live:0:12}: push a fix, or run autostack-website deploy --retry"
  fi
  release="$CODE_DIR/$commit"
  if [ ! -d "$release" ]; then
    new="$CODE_DIR/.$commit.new"
    rm -rf "$new"
    git init -q "$new"
    git_auth -C "$new" fetch -q --depth 1 "$CODE_REPOSITORY" "$commit" 2>"$WORK/fetch.err" || fail "cannot fetch $commit from $CODE_REPOSITORY: $(head -c 300 "$WORK/fetch.err")"
    git -C "$new" -c advice.detachedHead=false checkout -q FETCH_HEAD
    rm -rf "$new/.git"
    # A link in the repository may only point inside the release: never at the server's own files.
    base="$(realpath "$new")"
    escaped="$(find "$new" -type l -print0 | while IFS= read -r -d '' link; do
      case "$(readlink "$link")" in /*) printf '%s\\n' "\${link#"$new"/}"; continue ;; esac
      case "$(realpath -m "$link")" in "$base"/*) ;; *) printf '%s\\n' "\${link#"$new"/}" ;; esac
    done | head -n 3 | paste -sd ' ')"
    if [ -n "$escaped" ]; then rm -rf "$new"; refuse_release "$commit" "commit \${commit:0:12} of $CODE_REPOSITORY has links that point outside it ($escaped): the site stays on \${live:0:12}; make them relative links inside the repository"; fi
    if [ ! -d "$new/themes" ] && [ ! -d "$new/plugins" ] && [ ! -d "$new/mu-plugins" ]; then rm -rf "$new"; refuse_release "$commit" "commit \${commit:0:12} of $CODE_REPOSITORY is not a wp-content directory: it has no themes, plugins or mu-plugins folder"; fi
    if [ -e "$new/uploads" ]; then log "commit \${commit:0:12} has an uploads folder: ignored (uploads live on the shared storage, never in git)"; fi
    # Every PHP file must parse before the release can go live.
    if ! find "$new" -name '*.php' -type f -print0 | xargs -0 -r -n 50 "php$PHP_VERSION" -l >"$WORK/lint.out" 2>&1; then
      rm -rf "$new"
      refuse_release "$commit" "commit \${commit:0:12} of $CODE_REPOSITORY does not parse, so the site stays on \${live:0:12}: $(grep -m 3 -i 'error' "$WORK/lint.out" | head -c 500)"
    fi
    chown -R root:root "$new"
    chmod -R u=rwX,go=rX "$new"
    mv -T "$new" "$release"
  fi
  ln -sfn "$commit" "$CODE_DIR/current.new" && mv -T "$CODE_DIR/current.new" "$CODE_DIR/current"
  link_code "$release"
  reload_php
  if [ -n "$live" ] && ! site_answers; then
    ln -sfn "$live" "$CODE_DIR/current.new" && mv -T "$CODE_DIR/current.new" "$CODE_DIR/current"
    link_code "$CODE_DIR/$live"
    reload_php
    rm -rf "$release"
    refuse_release "$commit" "commit \${commit:0:12} answered the home page with a server error: rolled back to \${live:0:12}"
  fi
  rm -f "$CODE_DIR/failed"
  # Three releases are kept: the live one (whatever its age: a ref moved back to an old commit) and the two that went live last.
  touch "$release"
  find "$CODE_DIR" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9a-f]{40}' ! -name "$commit" -printf '%T@ %f\\n' | sort -rn | tail -n +3 | while read -r _ old; do rm -rf "\${CODE_DIR:?}/$old"; done
  log "deployed commit \${commit:0:12} of $CODE_REPOSITORY ($CODE_REF)"
}

cmd_agent() {
  local doc="$WORK/document.json"
  install -d -m 755 "$STATE_DIR"
  exec 9>"$STATE_DIR/website-agent.lock"
  if ! flock -n 9; then log "another agent run is in progress"; return 0; fi
  for attempt in $(seq 1 60); do
    if config_read "$CONFIG_KEY" >"$doc" 2>/dev/null && [ -s "$doc" ]; then break; fi
    if [ "\${1:-}" != --wait ] || [ "$attempt" = 60 ]; then fail "cannot read the configuration document $CONFIG_KEY"; fi
    sleep 10
  done
  apply_document "$doc"
  load_site
  cmd_deploy
}

# The site's secret (a JSON object in the cloud's secret store) holds WordPress's keys and salts,
# made here the first time and written back for the other servers. The database password is the
# whole value of the secret DB_PASSWORD_SECRET names (written only by whoever set the password: the
# cloud's stack), or, without one, field DB_PASSWORD of the site's secret. The file PHP reads is
# root's, readable by the site's PHP group only, and replaced only when it changed.
secret_state() { # secret_state FILE PASSWORD_FILE: invalid | salts-missing | no-db-password | ok (one python start: they are slow)
  python3 - "$1" "$2" "\${SALTS[@]}" <<'PY'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except ValueError:
    doc = None
def has(name):
    return isinstance(doc.get(name), str) and doc[name] != ""
password = open(sys.argv[2]).read().rstrip("\\n") if sys.argv[2] else None
if not isinstance(doc, dict):
    print("invalid")
elif not all(has(name) for name in sys.argv[3:]):
    print("salts-missing")
elif (password == "") if password is not None else not has("DB_PASSWORD"):
    print("no-db-password")
else:
    print("ok")
PY
}

cmd_secrets() {
  local secret="$WORK/secret.json" out="$WORK/secrets.json" password="" state attempt
  secret_read >"$secret" || true
  if [ -n "$DB_PASSWORD_SECRET" ]; then
    password="$WORK/db-password"
    secret_read "$DB_PASSWORD_SECRET" >"$password" 2>/dev/null || : >"$password"
  fi
  # The clouds' secret_read prints nothing when the store does not answer (throttled, timed out) as
  # when the secret has no value yet: an empty read is never taken for an empty secret. A server
  # that has the salts keeps its file; a new one reads again before it makes salts (writing them
  # over a secret it could not read would log every visitor out and drop the secret's other fields).
  if [ ! -s "$secret" ] && [ -f "$SECRETS_FILE" ]; then
    fail "cannot read the site's secret from the cloud's secret store (it answered nothing): $SECRETS_FILE is kept as it is; the next run tries again"
  fi
  for attempt in 1 2; do
    if [ -s "$secret" ]; then break; fi
    sleep $((attempt * 2))
    secret_read >"$secret" || true
  done
  if [ ! -s "$secret" ]; then echo '{}' >"$secret"; fi
  state="$(secret_state "$secret" "$password")"
  if [ "$state" = invalid ]; then fail "the site's secret is not a JSON object: fix it in the cloud's secret store"; fi
  if [ "$state" = salts-missing ]; then
    # Keys and salts are made on the server, never in Terraform; written back for the other servers.
    python3 - "$secret" "\${SALTS[@]}" <<'PY' | secret_write
import json, secrets, string, sys
doc = json.load(open(sys.argv[1]))
alphabet = string.ascii_letters + string.digits + "!#%()*+,-.:;<=>?@[]^_{|}~"
for name in sys.argv[2:]:
    if not isinstance(doc.get(name), str) or not doc[name]:
        doc[name] = "".join(secrets.choice(alphabet) for _ in range(64))
print(json.dumps(doc))
PY
    # Read back what the store holds: another server may have written its salts first.
    secret_read >"$secret"
    state="$(secret_state "$secret" "$password")"
    log "made WordPress's keys and salts and stored them in the secret"
  fi
  if [ "$state" != ok ]; then
    if [ -n "$DB_PASSWORD_SECRET" ]; then fail "the database password secret $DB_PASSWORD_SECRET is empty or this server cannot read it: the cloud's stack writes it when it creates the database user; apply the stack again"; fi
    fail "the site's secret has no DB_PASSWORD yet: the database user's password must be stored there (field DB_PASSWORD) before WordPress can start"
  fi
  python3 - "$secret" "$password" DB_PASSWORD "\${SALTS[@]}" >"$out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
if sys.argv[2]:
    doc["DB_PASSWORD"] = open(sys.argv[2]).read().rstrip("\\n")
print(json.dumps({name: doc[name] for name in sys.argv[3:]}, indent=1, sort_keys=True))
PY
  if [ -f "$SECRETS_FILE" ] && cmp -s "$out" "$SECRETS_FILE"; then log "secrets unchanged"; return 0; fi
  install -o root -g "$PHP_GROUP" -m 640 "$out" "$SECRETS_FILE.autostack-new"
  mv -f "$SECRETS_FILE.autostack-new" "$SECRETS_FILE"
  log "secrets written to $SECRETS_FILE"
}

# A MariaDB client options file with the password (never on a command line), in the work directory.
client_options() {
  local password
  password="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["DB_PASSWORD"])' "$SECRETS_FILE")"
  {
    echo '[client]'
    printf 'host=%s\\nport=%s\\nuser=%s\\n' "$DB_HOST" "$DB_PORT" "$DB_USER"
    printf 'password="%s"\\n' "$(printf '%s' "$password" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g')"
    if [ "$DB_TLS" = yes ]; then echo 'ssl'; fi
  } >"$WORK/client.cnf"
}

shared_read_only() { # the uploads are on shared storage that refuses every write
  local probe
  if [ "$UPLOADS_DIR" = "$CONTENT_DIR/uploads" ]; then return 1; fi
  probe="$(mktemp -p "$(dirname "$UPLOADS_DIR")" .autostack-probe.XXXXXX 2>/dev/null)" || return 0
  rm -f "$probe"
  return 1
}

cmd_prepare() {
  local kind item
  install -d -o root -g root -m 755 "$CONTENT_DIR" "$CONTENT_DIR/themes" "$CONTENT_DIR/plugins"
  for kind in themes plugins; do
    for item in "$DOCUMENT_ROOT/wp-content/$kind"/*; do
      # An item of the same name in the deployed code wins: link_code keeps its link (never swapped back and forth).
      if [ -e "$item" ] && [ ! -e "$CODE_DIR/current/$kind/$(basename "$item")" ]; then ln -sfn "$item" "$CONTENT_DIR/$kind/$(basename "$item")"; fi
    done
  done
  if [ -d "$DOCUMENT_ROOT/wp-content/languages" ]; then ln -sfn "$DOCUMENT_ROOT/wp-content/languages" "$CONTENT_DIR/languages"; fi
  # The site's own code, when deployed, over the packaged items of the same name.
  if [ -L "$CODE_DIR/current" ]; then link_code "$CODE_DIR/current"; fi
  if ! install -d -o "$PHP_USER" -g "$PHP_GROUP" -m 755 "$UPLOADS_DIR"; then
    # A standby region's shared storage is a read-only replica until a failover makes it writable.
    shared_read_only || fail "cannot create the uploads directory $UPLOADS_DIR"
    log "the shared storage of $UPLOADS_DIR is read-only (a standby region's replica until failover): the replicated uploads are served as they are, new uploads fail until then"
  fi
  if [ "$UPLOADS_DIR" != "$CONTENT_DIR/uploads" ]; then
    if [ -d "$CONTENT_DIR/uploads" ] && [ ! -L "$CONTENT_DIR/uploads" ]; then fail "$CONTENT_DIR/uploads is a directory, but the uploads are on shared storage ($UPLOADS_DIR): move its files there and remove it"; fi
    ln -sfn "$UPLOADS_DIR" "$CONTENT_DIR/uploads"
  fi
  install -d -o root -g root -m 755 "$LOG_DIR"
  install -d -o "$PHP_USER" -g "$PHP_GROUP" -m 750 "$LOG_DIR/php"
  log "content directory $CONTENT_DIR ready"
}

cmd_backup() {
  local stamp key latest="" older="" age
  if [ "\${1:-}" = --if-older ]; then older="\${2:?minutes}"; fi
  install -d -m 700 "$STATE_DIR"
  exec 9>"$STATE_DIR/website-backup.lock"
  if ! flock -n 9; then log "another backup is running"; return 0; fi
  if [ -n "$older" ] && object_get "$BACKUP_PREFIX/latest" "$WORK/latest" 2>/dev/null; then
    latest="$(cat "$WORK/latest")"
    age=$(( ($(date -u +%s) - $(date -u -d "$(echo "$latest" | sed -E 's/^([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z$/\\1-\\2-\\3 \\4:\\5:\\6 UTC/')" +%s)) / 60 ))
    if [ "$age" -lt "$older" ]; then log "the latest backup ($latest) is $age minutes old: nothing to do"; return 0; fi
  fi
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  key="$BACKUP_PREFIX/$stamp"
  client_options
  # One consistent snapshot of InnoDB tables without locking the site.
  mysqldump --defaults-extra-file="$WORK/client.cnf" --single-transaction --quick --no-tablespaces --triggers --hex-blob \\
    --default-character-set=utf8mb4 "$DB_NAME" | gzip -6 >"$WORK/db.sql.gz"
  # The object cache drop-in belongs to the configuration document, not to a backup: a restore never brings back a stale one.
  tar -C "$CONTENT_DIR" --exclude=./uploads --exclude=./cache --exclude=./upgrade --exclude=./object-cache.php -czf "$WORK/wp-content.tar.gz" .
  # Made only when missing: a standby region's replica is read-only, and install -d would change its mode.
  if [ ! -d "$UPLOADS_DIR" ]; then install -d -m 755 "$UPLOADS_DIR"; fi
  tar -C "$UPLOADS_DIR" -czf "$WORK/uploads.tar.gz" .
  (cd "$WORK" && sha256sum db.sql.gz wp-content.tar.gz uploads.tar.gz >SHA256SUMS)
  object_put "$key/db.sql.gz" "$WORK/db.sql.gz"
  object_put "$key/wp-content.tar.gz" "$WORK/wp-content.tar.gz"
  object_put "$key/uploads.tar.gz" "$WORK/uploads.tar.gz"
  object_put "$key/SHA256SUMS" "$WORK/SHA256SUMS"
  # The pointer last: a backup that stopped half-way never becomes the latest.
  echo "$stamp" >"$WORK/latest"
  object_put "$BACKUP_PREFIX/latest" "$WORK/latest"
  log "backup $stamp done ($(du -k "$WORK/db.sql.gz" | cut -f1) KiB database, $(du -k "$WORK/uploads.tar.gz" | cut -f1) KiB uploads)"
}

cmd_restore() {
  local stamp="\${1:-}" key name damaged
  if [ -z "$stamp" ]; then
    object_get "$BACKUP_PREFIX/latest" "$WORK/latest" || fail "no backup of $SITE under $BACKUP_PREFIX/ (no 'latest' object)"
    stamp="$(cat "$WORK/latest")"
  fi
  if ! [[ "$stamp" =~ ^[0-9]{8}T[0-9]{6}Z$ ]]; then fail "$stamp is not a backup stamp (YYYYMMDDTHHMMSSZ)"; fi
  key="$BACKUP_PREFIX/$stamp"
  object_get "$key/SHA256SUMS" "$WORK/SHA256SUMS" || fail "backup $stamp of $SITE not found under $BACKUP_PREFIX/"
  for name in db.sql.gz wp-content.tar.gz uploads.tar.gz; do
    object_get "$key/$name" "$WORK/$name" || fail "backup $stamp: $name is missing from $BACKUP_PREFIX/$stamp/"
  done
  damaged="$(cd "$WORK"; { sha256sum -c SHA256SUMS 2>/dev/null || true; } | sed -n 's/: FAILED.*//p' | paste -sd ' ')"
  if [ -n "$damaged" ]; then fail "backup $stamp: $damaged does not match its checksum: not restoring"; fi
  client_options
  mysql --defaults-extra-file="$WORK/client.cnf" -e "CREATE DATABASE IF NOT EXISTS \\\`$DB_NAME\\\` CHARACTER SET utf8mb4"
  gunzip -c "$WORK/db.sql.gz" | mysql --defaults-extra-file="$WORK/client.cnf" "$DB_NAME"
  tar -C "$CONTENT_DIR" -xzf "$WORK/wp-content.tar.gz"
  # The uploads are swapped in whole: files added after the backup do not linger.
  install -d -m 755 "$UPLOADS_DIR.restoring"
  tar -C "$UPLOADS_DIR.restoring" -xzf "$WORK/uploads.tar.gz"
  chown -R "$PHP_USER:$PHP_GROUP" "$UPLOADS_DIR.restoring"
  rm -rf "$UPLOADS_DIR.previous"
  if [ -d "$UPLOADS_DIR" ]; then mv "$UPLOADS_DIR" "$UPLOADS_DIR.previous"; fi
  mv "$UPLOADS_DIR.restoring" "$UPLOADS_DIR"
  rm -rf "$UPLOADS_DIR.previous"
  log "restored backup $stamp"
  # The object cache still holds what WordPress read before the restore: the site's keys go.
  if [ -n "$CACHE_HOST" ]; then
    local emptied
    if ! emptied="$(flush_cache 2>&1)"; then
      fail "restored backup $stamp, but the object cache $CACHE_HOST:$CACHE_PORT could not be emptied ($emptied): pages may show what was there before the restore until it is; run the restore again once the cache answers"
    fi
    log "emptied the object cache of this site's keys ($emptied deleted)"
  fi
}

# flush_cache: deletes the keys with the site's prefix (CACHE_PREFIX) from Redis, nothing else (SCAN
# and UNLINK, over TLS when CACHE_TLS is yes); prints how many.
flush_cache() {
  python3 - "$CACHE_HOST" "$CACHE_PORT" "$CACHE_TLS" "$CACHE_PREFIX" <<'PY'
import re, socket, ssl, sys
host, port, tls, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "yes", sys.argv[4]
if not re.fullmatch(r"[a-z0-9-]+:", prefix):
    sys.exit("key prefix %r is not a site name and a colon: refusing to touch a shared Redis" % prefix)
def reply():
    line = io.readline()
    kind, rest = line[:1], line[1:-2]
    if kind == b"-" or not line:
        sys.exit(rest.decode(errors="replace") or "connection closed")
    if kind == b":":
        return int(rest)
    if kind == b"$":
        return None if int(rest) < 0 else io.read(int(rest) + 2)[:-2]
    if kind == b"*":
        return [reply() for _ in range(int(rest))]
    return rest
def call(*args):
    args = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    io.write(b"*%d\\r\\n" % len(args) + b"".join(b"$%d\\r\\n%s\\r\\n" % (len(a), a) for a in args))
    io.flush()
    return reply()
try:
    conn = socket.create_connection((host, port), timeout=5)
    if tls:
        conn = ssl.create_default_context().wrap_socket(conn, server_hostname=host)
    io = conn.makefile("rwb")
    cursor, deleted = b"0", 0
    while True:  # the prefix is a site name and a colon: nothing SCAN would read as a wildcard
        cursor, keys = call("SCAN", cursor, "MATCH", prefix + "*", "COUNT", 1000)
        if keys:
            deleted += call("UNLINK", *keys)
        if cursor == b"0":
            break
except OSError as e:  # refused, timed out, TLS not trusted
    sys.exit(str(e))
print(deleted)
PY
}

WORK="$(mktemp -d)"
case "\${1:-}" in
  agent) shift; cmd_agent "$@" ;;
  apply) apply_document "\${2:?usage: autostack-website apply FILE}" ;;
  prepare) load_site; cmd_prepare ;;
  secrets) load_site; cmd_secrets ;;
  deploy) shift; load_site; cmd_deploy "$@" ;;
  backup) shift; load_site; cmd_backup "$@" ;;
  restore) shift; load_site; cmd_restore "$@" ;;
  *) fail "usage: autostack-website agent [--wait] | apply FILE | prepare | secrets | deploy [--retry] | backup [--if-older MINUTES] | restore [STAMP]" ;;
esac
`;
