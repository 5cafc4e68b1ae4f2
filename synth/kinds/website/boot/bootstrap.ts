import { shellQuote } from '../../../core/render/shell.ts';
import { checkLayout, checkServerConfig, serverLayout } from './config.ts';
import type { ServerLayout, WordPressServerConfig } from './config.ts';
import { renderNginxSite } from './nginx.ts';
import { OBJECT_CACHE_PHP, objectCachePath } from './object-cache.ts';
import { renderFpmPool, renderHealthCheck, renderWpConfig } from './php.ts';
import { renderSiteEnv, websiteCloudFile, websiteTool } from './tool.ts';

/** One file the first-boot script writes (the real-server test writes the same list into its directory). */
export interface ServerFile {
  path: string;
  content: string;
  mode: string;
  owner: string;
  group: string;
}

/** systemd units of the site: the secrets refresh and the backup, each a oneshot service with its timer. */
export function renderUnits(config: WordPressServerConfig, layout: ServerLayout): Record<string, string> {
  const tool = layout.toolPath;
  const units: Record<string, string> = {
    'autostack-website-secrets.service': `[Unit]\nDescription=AutoStack website ${config.site}: secrets file from the secret store\nAfter=network-online.target\nWants=network-online.target\n[Service]\nType=oneshot\nExecStart=${tool} secrets\n`,
    // The secret converges on every server (salts written by the first of several new servers, a rotated database password).
    'autostack-website-secrets.timer': '[Unit]\nDescription=AutoStack website secrets refresh\n[Timer]\nOnBootSec=5min\nOnUnitActiveSec=15min\n[Install]\nWantedBy=timers.target\n',
    'autostack-website-backup.service': `[Unit]\nDescription=AutoStack website ${config.site}: backup to object storage\nAfter=network-online.target\nWants=network-online.target\n[Service]\nType=oneshot\nNice=10\nIOSchedulingClass=idle\nExecStart=${tool} backup --if-older 60\n`,
  };
  // Every server of the group has the timer; the first one due takes the backup, the others find it fresh.
  if (config.backup.onCalendar) units['autostack-website-backup.timer'] = `[Unit]\nDescription=AutoStack website backup schedule\n[Timer]\nOnCalendar=${config.backup.onCalendar}\nRandomizedDelaySec=30min\nPersistent=true\n[Install]\nWantedBy=timers.target\n`;
  return units;
}

/** Where the cloud stores the site's configuration document in the stack's bucket (one for every server of the site). */
export const WEBSITE_CONFIG_KEY = 'autostack/config/website.json';

/**
 * The site's files, with where they go and who may read them: the nginx site, the PHP-FPM pool,
 * wp-config, the health check, the object cache drop-in (with an object cache), the tool's site
 * file and the units. They travel in the site's
 * configuration document, so a changed domain, upload size or schedule reaches running servers
 * without rebuilding them.
 */
export function siteFiles(config: WordPressServerConfig, layout: ServerLayout = serverLayout(config)): ServerFile[] {
  checkServerConfig(config);
  checkLayout(layout);
  const root = (path: string, content: string, mode = '644'): ServerFile => ({ path, content, mode, owner: 'root', group: 'root' });
  // Read by PHP: root's, readable by the site's group, writable by nobody else.
  const php = (path: string, content: string): ServerFile => ({ path, content, mode: '640', owner: 'root', group: layout.phpGroup });
  return [
    // The tool itself travels in the document: a new AutoStack release reaches running servers at
    // their next agent run, and the first-boot script (the cloud's user data) stays small.
    root(layout.toolPath, websiteTool(), '755'),
    root(layout.nginxSiteFile, renderNginxSite(config, layout)),
    root(layout.fpmPoolFile, renderFpmPool(config, layout)),
    php(`${layout.wpConfigDir}/config-${config.site}.php`, renderWpConfig(config, layout)),
    php(`${layout.configDir}/health.php`, renderHealthCheck(config, layout)),
    ...(config.objectCache ? [php(objectCachePath(layout), OBJECT_CACHE_PHP)] : []),
    root(`${layout.configDir}/site.env`, renderSiteEnv(config, layout), '600'),
    ...Object.entries(renderUnits(config, layout)).map(([name, text]) => root(`${layout.unitsDir}/${name}`, text)),
  ];
}

/**
 * Files the document removes when present: the backup timer of a site without a schedule, the
 * object cache drop-in of a site without a cache (it would point WordPress at a deleted cache).
 */
function absentFiles(config: WordPressServerConfig, layout: ServerLayout): string[] {
  return [...(config.backup.onCalendar ? [] : [`${layout.unitsDir}/autostack-website-backup.timer`]), ...(config.objectCache ? [] : [objectCachePath(layout)])];
}

/** The directories the document may write in (wp-content: the object cache drop-in): the tool refuses any other path. */
export function writableDirs(layout: ServerLayout): string[] {
  const dir = (p: string) => p.slice(0, p.lastIndexOf('/'));
  return [...new Set([dir(layout.toolPath), dir(layout.nginxSiteFile), dir(layout.fpmPoolFile), layout.wpConfigDir, layout.configDir, layout.unitsDir, dir(objectCachePath(layout))])];
}

/** The site's configuration document (deterministic JSON), applied by `autostack-website agent` on every server. */
export function renderSiteDocument(config: WordPressServerConfig, layout: ServerLayout = serverLayout(config)): string {
  const files = siteFiles(config, layout).map((f) => ({ content: f.content, group: f.group, mode: f.mode, owner: f.owner, path: f.path }));
  return `${JSON.stringify({ absent: absentFiles(config, layout), files, site: config.site, version: 1 }, null, 2)}\n`;
}

/**
 * How the tool reloads nginx and PHP-FPM after a new document: through systemd on servers; by
 * signal to the masters' pid files, with their own main configuration files, where something else
 * runs them (the real-server test); or not at all.
 */
export type Reload = { mode: 'systemd' } | { mode: 'signal'; nginxPrefix: string; nginxConf: string; nginxPid: string; fpmConf: string; fpmPid: string } | { mode: 'none' };

/** The node file the tool reads first: what the server is (site, document key, paths), written by the first-boot script. */
export function renderNodeEnv(config: WordPressServerConfig, layout: ServerLayout, reload: Reload): string {
  checkServerConfig(config);
  checkLayout(layout);
  const values: [string, string][] = [
    ['SITE', config.site],
    ['PHP_VERSION', config.phpVersion],
    ['CONFIG_KEY', WEBSITE_CONFIG_KEY],
    ['CLOUD_FUNCTIONS', `${layout.configDir}/cloud.sh`],
    ['SITE_ENV', `${layout.configDir}/site.env`],
    ['STATE_DIR', layout.stateDir],
    ['WRITABLE_DIRS', writableDirs(layout).join(':')],
    ['RELOAD', reload.mode === 'none' ? '' : reload.mode],
    ...(reload.mode === 'signal'
      ? ([['NGINX_PREFIX', reload.nginxPrefix], ['NGINX_CONF', reload.nginxConf], ['NGINX_PID', reload.nginxPid], ['FPM_CONF', reload.fpmConf], ['FPM_PID', reload.fpmPid]] as [string, string][])
      : []),
  ];
  return `${values.map(([k, v]) => `${k}=${shellQuote(v)}`).join('\n')}\n`;
}

/** What the first-boot script writes itself: the cloud's functions and the node file (the tool comes with the document). */
export function bootFiles(config: WordPressServerConfig, layout: ServerLayout = serverLayout(config)): ServerFile[] {
  const root = (path: string, content: string, mode: string): ServerFile => ({ path, content, mode, owner: 'root', group: 'root' });
  return [
    root(`${layout.configDir}/cloud.sh`, websiteCloudFile(config.access), '600'),
    root(`${layout.configDir}/node.env`, renderNodeEnv(config, layout, { mode: 'systemd' }), '600'),
  ];
}

/** A file as a quoted here-document the script writes with its owner and mode. */
function writeFile(file: ServerFile, n: number): string {
  const end = `AUTOSTACK_FILE_${n}`;
  if (file.content.split('\n').includes(end)) throw new Error(`${file.path}: the content holds the line ${end}`);
  const body = file.content.endsWith('\n') ? file.content : `${file.content}\n`;
  return [
    `  install -d -m 755 "$(dirname ${shellQuote(file.path)})"`,
    `  cat >${shellQuote(`${file.path}.autostack-new`)} <<'${end}'\n${body}${end}`,
    `  chown ${file.owner}:${file.group} ${shellQuote(`${file.path}.autostack-new`)}`,
    `  chmod ${file.mode} ${shellQuote(`${file.path}.autostack-new`)}`,
    `  mv -f ${shellQuote(`${file.path}.autostack-new`)} ${shellQuote(file.path)}`,
  ].join('\n');
}

/**
 * The first-boot script of a WordPress server: installs nginx, PHP-FPM, Debian's WordPress and the
 * MariaDB client, mounts shared storage, installs the tool, applies the site's configuration
 * document (nginx site, pool, wp-config, health check, units), fetches the secrets, and starts the
 * services. Values of the site only appear in the quoted constants and the node file; it is
 * idempotent (a rebooted server starts its services again).
 */
export function renderWordPressBootstrap(config: WordPressServerConfig): string {
  const layout = serverLayout(config);
  checkServerConfig(config);
  const files = bootFiles(config, layout);
  const shared = config.sharedStorage;
  const constants = [
    `SITE=${shellQuote(config.site)}`,
    `PHP_VERSION=${shellQuote(config.phpVersion)}`,
    `WP_VERSION=${shellQuote(config.source.version)}`,
    `NFS_SOURCE=${shellQuote(shared?.source ?? '')}`,
    `NFS_OPTIONS=${shellQuote(shared?.options ?? 'nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev,nofail')}`,
    `SHARED_MOUNT=${shellQuote(layout.sharedMount)}`,
    `OBJECT_CACHE=${shellQuote(config.objectCache ? 'yes' : 'no')}`,
    `CODE=${shellQuote(config.code ? 'yes' : 'no')}`,
    `TOOL=${shellQuote(layout.toolPath)}`,
    `CLOUD_FILE=${shellQuote(`${layout.configDir}/cloud.sh`)}`,
    `CONFIG_KEY=${shellQuote(WEBSITE_CONFIG_KEY)}`,
    `PHP_USER=${shellQuote(layout.phpUser)}`,
  ];
  return [
    HEADER,
    "# --- the site's identity ---",
    ...constants,
    '',
    PACKAGES,
    "# --- the AutoStack website tool, the cloud's functions and the node file (the site's files come from its configuration document) ---",
    'write_files() {',
    ...files.map((f, i) => writeFile(f, i)),
    '}',
    BODY,
  ].join('\n');
}


const HEADER = `#!/bin/bash
# AutoStack WordPress server bootstrap. Generated from the Website file: edit the file, not this script.
set -euo pipefail
umask 022
mkdir -p /var/lib/autostack
exec > >(tee -a /var/log/autostack-bootstrap.log) 2>&1
`;

const PACKAGES = `install_packages() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # nginx and PHP-FPM first: they satisfy WordPress's "apache2 | httpd" and PHP's "libapache2-mod-php8.2 | php8.2-fpm", so Apache never comes in.
  apt-get install -y -q nginx "php$PHP_VERSION-fpm" "php$PHP_VERSION-mysql" "php$PHP_VERSION-curl" "php$PHP_VERSION-gd" \\
    "php$PHP_VERSION-intl" "php$PHP_VERSION-mbstring" "php$PHP_VERSION-xml" "php$PHP_VERSION-zip" mariadb-client curl ca-certificates python3
  if [ -n "$NFS_SOURCE" ]; then apt-get install -y -q nfs-common; fi
  if [ "$OBJECT_CACHE" = yes ]; then apt-get install -y -q "php$PHP_VERSION-redis"; fi
  if [ "$CODE" = yes ]; then apt-get install -y -q --no-install-recommends git openssh-client; fi
  # "php" names PHP-FPM's PHP for WordPress's "libapache2-mod-php | php": without it apt takes Apache's module.
  if ! apt-get install -y -q --no-install-recommends "php$PHP_VERSION" php "wordpress=$WP_VERSION+*" wordpress-theme-twentytwentythree; then
    echo "AutoStack: WordPress $WP_VERSION is not in this image's Debian archive (it has $(apt-cache policy wordpress | sed -n 's/ *Candidate: //p')): update the Website's WordPress version" >&2
    exit 1
  fi
}

mount_shared() { # the uploads' shared storage, mounted by the fstab line (again at every boot)
  local name
  if [ -z "$NFS_SOURCE" ]; then return 0; fi
  install -d -m 755 "$SHARED_MOUNT"
  if ! grep -qs " $SHARED_MOUNT nfs " /etc/fstab; then
    case "$NFS_SOURCE" in
      @@autostack:*@@) # known once the stack was applied: the cloud sets it as this server's tag or metadata
        name="\${NFS_SOURCE#@@autostack:}"
        # shellcheck source=/dev/null
        NFS_SOURCE="$(. "$CLOUD_FILE"; instance_value "\${name%@@}")" || true
        if ! [[ "$NFS_SOURCE" =~ ^[A-Za-z0-9][A-Za-z0-9.-]*:/[A-Za-z0-9._/-]*$ ]]; then
          echo "AutoStack: this server has no usable instance value autostack-\${name%@@} (the shared storage's host:/path): apply the stack again" >&2
          exit 1
        fi ;;
    esac
    echo "$NFS_SOURCE $SHARED_MOUNT nfs $NFS_OPTIONS 0 0" >>/etc/fstab
  fi
  for _ in $(seq 1 30); do
    if mountpoint -q "$SHARED_MOUNT" || mount "$SHARED_MOUNT"; then return 0; fi
    sleep 10
  done
  echo "AutoStack: could not mount the shared storage $NFS_SOURCE on $SHARED_MOUNT within 5 minutes" >&2
  exit 1
}
`;

const BODY = `
install_tool() { # the tool is a file of the configuration document (the stack writes it to the bucket with the servers)
  local doc
  doc="$(mktemp)"
  for _ in $(seq 1 60); do
    # shellcheck source=/dev/null
    if (. "$CLOUD_FILE"; config_read "$CONFIG_KEY") >"$doc" 2>/dev/null && [ -s "$doc" ]; then break; fi
    sleep 10
  done
  if ! python3 - "$doc" "$TOOL" <<'PY'
import json, os, sys
doc = json.load(open(sys.argv[1]))
tool = next(f for f in doc["files"] if f["path"] == sys.argv[2])
fd = os.open(sys.argv[2] + ".autostack-new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o755)
os.write(fd, tool["content"].encode())
os.close(fd)
os.chmod(sys.argv[2] + ".autostack-new", 0o755)
os.replace(sys.argv[2] + ".autostack-new", sys.argv[2])
PY
  then
    echo "AutoStack: the configuration document $CONFIG_KEY could not be read, or holds no $TOOL, within 10 minutes" >&2
    exit 1
  fi
  rm -f "$doc"
}
wait_for_secrets() { # the database password may be stored a little after the server starts
  for _ in $(seq 1 60); do
    if "$TOOL" secrets; then return 0; fi
    sleep 10
  done
  echo "AutoStack: the site's secret still has no DB_PASSWORD after 10 minutes" >&2
  exit 1
}

write_units() {
  printf '[Unit]\\nDescription=AutoStack website agent: applies the configuration document\\nAfter=network-online.target\\n[Service]\\nType=oneshot\\nExecStart=%s agent\\n' "$TOOL" >/etc/systemd/system/autostack-website-agent.service
  printf '[Unit]\\nDescription=AutoStack website agent schedule\\n[Timer]\\nOnBootSec=2min\\nOnUnitActiveSec=2min\\n[Install]\\nWantedBy=timers.target\\n' >/etc/systemd/system/autostack-website-agent.timer
  chmod 644 /etc/systemd/system/autostack-website-agent.*
}

main() {
  if [ -f /var/lib/autostack/website.done ]; then
    echo "already bootstrapped: starting services"
    mount_shared
    systemctl start "php$PHP_VERSION-fpm" nginx autostack-website-agent.timer || true
    return 0
  fi
  install_packages
  id "$PHP_USER" >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PHP_USER"
  # The tool, the cloud's functions (mount_shared may need instance_value) and the node file.
  write_files
  # The cloud's functions read the document and the secrets with its command-line tool on some
  # clouds (the aws CLI, gcloud): installed here when the image lacks it (the servers have egress: apt above).
  # shellcheck source=/dev/null
  if ! (. "$CLOUD_FILE"; ensure_cloud_cli deb nat); then
    echo "AutoStack: this image lacks the cloud's command-line tool and it could not be installed: use the cloud's Debian 12 image" >&2
    exit 1
  fi
  mount_shared
  # Only this site: Debian's sample site and pool go.
  rm -f /etc/nginx/sites-enabled/default "/etc/php/$PHP_VERSION/fpm/pool.d/www.conf"
  write_units
  systemctl daemon-reload
  systemctl enable "php$PHP_VERSION-fpm" nginx
  # The tool from the configuration document, then the site's files from it; nginx and PHP-FPM check and load them.
  install_tool
  "$TOOL" agent --wait
  wait_for_secrets
  systemctl enable --now autostack-website-agent.timer autostack-website-secrets.timer
  date -u +%FT%TZ >/var/lib/autostack/website.done
  echo "AutoStack: website $SITE is ready"
}

main "$@"
`;
