import type { CloudAccess } from '../../../core/registry/kinds.ts';
import { parseCidr } from '../../../core/validate/cidr.ts';

/**
 * Everything the server side of one WordPress site needs, in the kind's words. The Website kind
 * (schema, resolve, cloud plans) produces it; the generators in this folder turn it into the
 * nginx site, the PHP-FPM pool, the site's wp-config, the first-boot script and the day-2 tool.
 * No secret is ever part of it: the database password and the salts are read on the server from
 * the cloud's secret store (`access.shellFunctions`' `secret_read`), never from Terraform or state.
 */
export interface WordPressServerConfig {
  /** metadata.name: lowercase letters, digits and hyphens (it names files, the pool and the backups). */
  site: string;
  /** The platform name `<route>.<website>.<org>.www.<platform-domain>`. */
  platformDomain: string;
  /** More platform names of the site (its extra routes), served like the platform name. */
  platformAliases?: string[];
  /** Custom domains (`*.example.org` covers one label); the first exact one is the canonical address when there is one. */
  customDomains: string[];
  /** PHP of the image's distribution (Debian 12: 8.2). */
  phpVersion: string;
  source: WordPressSource;
  /**
   * The site's own code (themes, plugins, mu-plugins) from a git repository whose root is the
   * wp-content directory, at `ref` (a branch, tag or commit); absent: only the packaged theme.
   * WordPress itself stays Debian's (`source`). Private repositories: the site's secret holds
   * GIT_TOKEN (https) or GIT_DEPLOY_KEY (git@…), read on the server, never in a file or a command line.
   */
  code?: { repository: string; ref: string };
  /** Shared storage (EFS, Filestore, Azure Files over NFS) holding wp-content/uploads; absent: a local directory (one server only). */
  sharedStorage?: SharedStorage;
  database: {
    /** A host name or address, or `instanceValue(name)`: read on the server from the cloud's tag or metadata (known only once applied). */
    host: string;
    port: number;
    name: string;
    user: string;
    /** Connect over TLS (managed MySQL); the server's CA store verifies it. */
    tls: boolean;
    /**
     * The secret holding the user's password as its whole value (`secret_read NAME`), or
     * `instanceValue(name)`; absent: field DB_PASSWORD of the site's own secret. The site's secret
     * is written by the servers (the salts); this one only by whoever set the password.
     */
    passwordSecret?: string;
  };
  /** How the server reaches its cloud: `secret_read`/`secret_write` for the site's secret, `storage` for the backups. */
  access: CloudAccess;
  /**
   * A Redis endpoint for the object cache (a managed cache): WordPress uses it through the
   * object-cache.php drop-in the site's document writes into wp-content. `tls`: connect over TLS
   * (the cloud's managed cache encrypts in transit), the server's CA store verifies it. Absent: no
   * object cache, and the document removes a drop-in an earlier one wrote.
   */
  objectCache?: { host: string; port: number; tls?: boolean };  // host: as database.host
  /** The load balancer's health check path, answered by PHP checking the database: 200 or 503. */
  healthPath: string;
  /** The instance's memory: PHP-FPM's worker count is sized from it. */
  memoryMiB: number;
  /** Largest upload, in MiB (nginx client_max_body_size, PHP upload_max_filesize / post_max_size). */
  uploadMiB: number;
  /** The load balancer's networks: only requests from them may set X-Forwarded-For / X-Forwarded-Proto. */
  trustedProxies: string[];
  /** XML-RPC (Jetpack, old mobile apps): off answers 403; on is rate-limited per client address. */
  xmlrpc: boolean;
  backup: {
    /** systemd OnCalendar of the backup job; empty: no backup timer (the job can still be run by hand). */
    onCalendar: string;
    /** Object key prefix of this site's backups in the storage of `access.storage`. */
    prefix: string;
  };
}

/**
 * Where the WordPress code comes from. Today: Debian's `wordpress` package, pinned to an upstream
 * version (security fixes arrive through Debian). A site archive (`zip`) or a repository (`git`) are
 * further members of this union when the kind supports them.
 */
export type WordPressSource = { type: 'debian'; version: string };

export interface SharedStorage {
  protocol: 'nfs';
  /** `host:/path` of the NFS export (EFS, Filestore, Azure Files NFS share), or `instanceValue(name)` (read on the server at boot). */
  source: string;
  /** Extra mount options (comma-separated); the defaults suit EFS, Filestore and Azure Files. */
  options?: string;
}

/** A repository the servers clone: https:// or git@host:path, without credentials, query or spaces. */
export const CODE_REPOSITORY = /^(https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/[A-Za-z0-9._~\/-]+|git@[A-Za-z0-9.-]+:[A-Za-z0-9._~\/-]+)$/;

/** The WordPress of Debian 12's archive (package `wordpress`, 6.1.9+dfsg1-0+deb12u1 at the time of writing). */
export const DEBIAN_WORDPRESS = '6.1.9';
/** PHP versions by Debian release the server side supports. */
export const SUPPORTED_PHP = ['8.2'] as const;

/**
 * Where things are on one server: fixed on real servers (`serverLayout`), moved to a private
 * directory and unprivileged port by the real-server test. Nothing of the site is in here.
 */
export interface ServerLayout {
  listenPort: number;
  /** The unprivileged user PHP runs as (owns nothing but the uploads and its logs). */
  phpUser: string;
  phpGroup: string;
  /** nginx's worker user: the only one allowed to connect to the FPM socket. */
  webUser: string;
  fpmSocket: string;
  /** The root-owned directory of the site's files: site.env, secrets.json (group phpGroup, 0640), health.php, cloud.sh. */
  configDir: string;
  /** Debian's wp-config.php loads `config-<site>.php` from here (fixed by the package: /etc/wordpress). */
  wpConfigDir: string;
  /** WP_CONTENT_DIR: themes and plugins (links to the packaged ones), uploads (or a link to shared storage). */
  contentDir: string;
  /** Where shared storage is mounted. */
  sharedMount: string;
  logDir: string;
  stateDir: string;
  /** The document root: the packaged WordPress code, read-only for PHP. */
  documentRoot: string;
  nginxSiteFile: string;
  fpmPoolFile: string;
  /** The day-2 tool (backup, restore, secrets). */
  toolPath: string;
  unitsDir: string;
}

export function serverLayout(config: WordPressServerConfig): ServerLayout {
  const site = config.site;
  return {
    listenPort: 80,
    phpUser: 'wordpress',
    phpGroup: 'wordpress',
    webUser: 'www-data',
    fpmSocket: `/run/php/autostack-${site}.sock`,
    configDir: '/etc/autostack/website',
    wpConfigDir: '/etc/wordpress',
    contentDir: '/var/lib/autostack/wordpress/wp-content',
    sharedMount: '/mnt/autostack-shared',
    logDir: '/var/log/autostack-website',
    stateDir: '/var/lib/autostack',
    documentRoot: '/usr/share/wordpress',
    nginxSiteFile: `/etc/nginx/conf.d/autostack-${site}.conf`,
    fpmPoolFile: `/etc/php/${config.phpVersion}/fpm/pool.d/autostack-${site}.conf`,
    toolPath: '/usr/local/sbin/autostack-website',
    unitsDir: '/etc/systemd/system',
  };
}

/** The secret's fields (JSON object in the cloud's secret store): the database password and WordPress's keys and salts. */
export const SALT_NAMES = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'] as const;
export const DB_PASSWORD_FIELD = 'DB_PASSWORD';

/**
 * A value the server reads from its own tags or metadata (`instance_value NAME`, the cloud's
 * function) because it is only known once the cloud has applied the stack: a managed database's
 * address, a file share's export. The generated files carry this marker; the tool replaces it
 * with the value (checked as a host name, or host:/path) before it writes them.
 */
export function instanceValue(name: string): string {
  if (!INSTANCE_VALUE_NAME.test(name)) throw new Error(`instance value ${JSON.stringify(name)}: use lowercase letters, digits and hyphens`);
  return `@@autostack:${name}@@`;
}
const INSTANCE_VALUE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const INSTANCE_VALUE = /^@@autostack:[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?@@$/;

const SITE = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const SAFE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
/** A secret's name or id in a cloud's secret store (what resolve_values lets through, plus underscores). */
const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/;

/** A host name as nginx's server_name and WordPress's home address take it, or an error naming it. */
export function checkDomain(name: string, where: string, wildcard = false): string {
  const fix = 'use lowercase letters, digits, hyphens and dots (punycode for international names), e.g. blog.example.com';
  if (name.length > 253) throw new Error(`${where}: "${name.slice(0, 60)}…" is longer than 253 characters`);
  const labels = (wildcard && name.startsWith('*.') ? name.slice(2) : name).split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) throw new Error(`${where}: ${JSON.stringify(name)} is not a host name: ${fix}`);
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) throw new Error(`${where}: ${JSON.stringify(name)} is an address, not a host name: ${fix}`);
  return name;
}

/**
 * The last guard before anything is written into nginx, PHP or shell text: the kind's check gives
 * positioned messages; this throws on anything that could break out of where it lands.
 */
export function checkServerConfig(config: WordPressServerConfig): void {
  if (!SITE.test(config.site)) throw new Error(`site: ${JSON.stringify(config.site)} must be 1 to 40 lowercase letters, digits or hyphens, starting and ending with a letter or digit`);
  const names = siteDomains(config);
  const aliases = config.platformAliases ?? [];
  checkDomain(config.platformDomain, 'platformDomain');
  aliases.forEach((n, i) => checkDomain(n, `platformAliases[${i}]`));
  // A custom domain may be a one-label wildcard (nginx's server_name takes it; never the canonical address).
  config.customDomains.forEach((n, i) => checkDomain(n, `customDomains[${i}]`, true));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`customDomains: ${dup} is listed twice`);
  if (!(SUPPORTED_PHP as readonly string[]).includes(config.phpVersion)) throw new Error(`phpVersion: PHP ${JSON.stringify(config.phpVersion)} is not supported; supported: ${SUPPORTED_PHP.join(', ')} (Debian 12)`);
  if (config.source.type !== 'debian' || !/^[0-9]+\.[0-9]+(\.[0-9]+)?$/.test(config.source.version)) throw new Error(`source.version: ${JSON.stringify(config.source.version)} is not a WordPress version such as ${DEBIAN_WORDPRESS}`);
  if (config.code) {
    const { repository, ref } = config.code;
    // https:// and git@host:path (the Website schema's), file:/// for a repository on the server itself.
    if (!CODE_REPOSITORY.test(repository) && !/^file:\/\/\/[A-Za-z0-9._\/-]+$/.test(repository)) throw new Error(`code.repository: ${JSON.stringify(repository)} is not an https://, git@host:path or file:/// repository without credentials`);
    if (!/^[A-Za-z0-9][-A-Za-z0-9_./]{0,199}$/.test(ref) || ref.includes('..') || ref.endsWith('.lock') || ref.endsWith('/')) throw new Error(`code.ref: ${JSON.stringify(ref)} is not a branch, tag or commit name`);
  }
  const db = config.database;
  if (!HOST.test(db.host) && !INSTANCE_VALUE.test(db.host)) throw new Error(`database.host: ${JSON.stringify(db.host)} is not a host name or address`);
  if (!Number.isInteger(db.port) || db.port < 1 || db.port > 65535) throw new Error(`database.port: ${db.port} is not a TCP port`);
  if (!/^[A-Za-z0-9_]{1,64}$/.test(db.name)) throw new Error(`database.name: ${JSON.stringify(db.name)} must be 1 to 64 letters, digits or underscores`);
  if (db.passwordSecret !== undefined && !SECRET_NAME.test(db.passwordSecret) && !INSTANCE_VALUE.test(db.passwordSecret)) throw new Error(`database.passwordSecret: ${JSON.stringify(db.passwordSecret)} is not a secret name (letters, digits, hyphens, underscores, dots, slashes)`);
  if (!/^[A-Za-z0-9_]{1,32}$/.test(db.user)) throw new Error(`database.user: ${JSON.stringify(db.user)} must be 1 to 32 letters, digits or underscores`);
  if (config.objectCache && ((!HOST.test(config.objectCache.host) && !INSTANCE_VALUE.test(config.objectCache.host)) || !Number.isInteger(config.objectCache.port) || config.objectCache.port < 1 || config.objectCache.port > 65535)) {
    throw new Error(`objectCache: ${JSON.stringify(config.objectCache)} is not a host and port`);
  }
  if (!/^\/[A-Za-z0-9._-]{1,64}$/.test(config.healthPath) || config.healthPath.startsWith('/wp-') || config.healthPath === '/index.php') {
    throw new Error(`healthPath: ${JSON.stringify(config.healthPath)} must be one path segment of letters, digits, dots, hyphens or underscores that WordPress does not use, e.g. /healthz`);
  }
  if (!Number.isInteger(config.memoryMiB) || config.memoryMiB < 512) throw new Error(`memoryMiB: ${config.memoryMiB} MiB is too little for WordPress (at least 512)`);
  if (!Number.isInteger(config.uploadMiB) || config.uploadMiB < 1 || config.uploadMiB > 1024) throw new Error(`uploadMiB: ${config.uploadMiB} must be a whole number from 1 to 1024`);
  for (const cidr of config.trustedProxies) {
    const c = parseCidr(cidr);
    if (!c.ok) throw new Error(`trustedProxies: ${c.message}`);
  }
  const s = config.sharedStorage;
  if (s && ((!/^[A-Za-z0-9.-]+:\/[A-Za-z0-9._/-]*$/.test(s.source) && !INSTANCE_VALUE.test(s.source)) || (s.options !== undefined && !/^[a-z0-9,=._-]*$/.test(s.options)))) {
    throw new Error(`sharedStorage: ${JSON.stringify(s.source)} must be host:/path of an NFS export, options a comma-separated list`);
  }
  if (/[\r\n]/.test(config.backup.onCalendar) || !/^[A-Za-z0-9 *:,./~-]*$/.test(config.backup.onCalendar)) throw new Error(`backup.onCalendar: ${JSON.stringify(config.backup.onCalendar)} is not a systemd calendar expression`);
  if (!/^[a-z0-9][a-z0-9._/-]{0,200}$/.test(config.backup.prefix) || config.backup.prefix.includes('..') || config.backup.prefix.endsWith('/')) {
    throw new Error(`backup.prefix: ${JSON.stringify(config.backup.prefix)} must be lowercase letters, digits, dots, hyphens, underscores and slashes, not ending with a slash`);
  }
}

export function checkLayout(layout: ServerLayout): void {
  for (const [k, v] of Object.entries(layout)) {
    if (typeof v === 'number') continue;
    if (k.endsWith('User') || k.endsWith('Group')) {
      if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(v)) throw new Error(`layout.${k}: ${JSON.stringify(v)} is not a user or group name`);
    } else if (!SAFE_PATH.test(v)) throw new Error(`layout.${k}: ${JSON.stringify(v)} is not a plain absolute path`);
  }
}

/** The site's names: the platform name first, its aliases, then the custom domains. */
export function siteDomains(config: WordPressServerConfig): string[] {
  return [config.platformDomain, ...(config.platformAliases ?? []), ...config.customDomains];
}

/** The address WordPress calls home: the first exact custom domain, else the platform name; always https (the load balancer terminates TLS). */
export function canonicalUrl(config: WordPressServerConfig): string {
  return `https://${config.customDomains.find((d) => !d.startsWith('*.')) ?? config.platformDomain}`;
}

export interface FpmSizing {
  maxChildren: number;
  startServers: number;
  minSpare: number;
  maxSpare: number;
  /** PHP's memory_limit per request, in MiB. */
  memoryLimitMiB: number;
}

/**
 * PHP-FPM workers from the instance's memory: what remains after the system, nginx and the page
 * cache's share (a quarter, at least 384 MiB), divided by what one WordPress worker holds at most
 * in practice (about 80 MiB; its memory_limit is a ceiling for a single request, not the average).
 */
export function fpmSizing(memoryMiB: number): FpmSizing {
  const reserve = Math.max(384, Math.floor(memoryMiB / 4));
  const maxChildren = Math.min(200, Math.max(2, Math.floor((memoryMiB - reserve) / 80)));
  const minSpare = Math.max(1, Math.floor(maxChildren / 8));
  const maxSpare = Math.max(minSpare + 1, Math.floor(maxChildren / 4));
  return { maxChildren, startServers: minSpare, minSpare, maxSpare, memoryLimitMiB: memoryMiB >= 2048 ? 256 : 128 };
}
