import { canonicalUrl, checkLayout, checkServerConfig, DB_PASSWORD_FIELD, fpmSizing, SALT_NAMES } from './config.ts';
import type { ServerLayout, WordPressServerConfig } from './config.ts';
import { cacheKeySalt } from './object-cache.ts';

/** A PHP single-quoted string literal: only backslash and quote are special in it. */
export function phpString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Where the uploads live: on shared storage when the site has it, else under wp-content. */
export function uploadsDir(config: WordPressServerConfig, layout: ServerLayout): string {
  return config.sharedStorage ? `${layout.sharedMount}/uploads` : `${layout.contentDir}/uploads`;
}

export function secretsFile(layout: ServerLayout): string {
  return `${layout.configDir}/secrets.json`;
}

/** The site's PHP-FPM pool: its own user, workers sized from the instance's memory, slow log, limits. */
export function renderFpmPool(config: WordPressServerConfig, layout: ServerLayout): string {
  checkServerConfig(config);
  checkLayout(layout);
  const size = fpmSizing(config.memoryMiB);
  // PHP may open only the code, its configuration, the content, the uploads and temporary files.
  const openBasedir = [
    `${layout.documentRoot}/`,
    '/usr/share/php/',
    '/usr/share/javascript/',
    '/etc/ssl/certs/',
    `${layout.wpConfigDir}/config-${config.site}.php`,
    // The package's .htaccess link points here; the installer looks at it.
    `${layout.wpConfigDir}/htaccess`,
    `${layout.configDir}/`,
    `${layout.contentDir}/`,
    `${uploadsDir(config, layout)}/`,
    '/tmp/',
  ].join(':');
  return [
    `; AutoStack website ${config.site}: generated from the Website file; edit the file, not this.`,
    `; ${size.maxChildren} workers for ${config.memoryMiB} MiB of memory (see fpmSizing).`,
    `[autostack-${config.site}]`,
    `user = ${layout.phpUser}`,
    `group = ${layout.phpGroup}`,
    `listen = ${layout.fpmSocket}`,
    `listen.owner = ${layout.webUser}`,
    `listen.group = ${layout.webUser}`,
    'listen.mode = 0660',
    'pm = dynamic',
    `pm.max_children = ${size.maxChildren}`,
    `pm.start_servers = ${size.startServers}`,
    `pm.min_spare_servers = ${size.minSpare}`,
    `pm.max_spare_servers = ${size.maxSpare}`,
    'pm.max_requests = 500',
    'request_terminate_timeout = 65s',
    'request_slowlog_timeout = 5s',
    `slowlog = ${layout.logDir}/php-slow.log`,
    'rlimit_files = 4096',
    'clear_env = yes',
    'security.limit_extensions = .php',
    'php_admin_flag[display_errors] = off',
    'php_admin_flag[log_errors] = on',
    `php_admin_value[error_log] = ${layout.logDir}/php/error.log`,
    'php_admin_flag[expose_php] = off',
    'php_admin_flag[allow_url_include] = off',
    `php_admin_value[memory_limit] = ${size.memoryLimitMiB}M`,
    'php_admin_value[max_execution_time] = 60',
    `php_admin_value[upload_max_filesize] = ${config.uploadMiB}M`,
    `php_admin_value[post_max_size] = ${config.uploadMiB + 8}M`,
    'php_admin_value[upload_tmp_dir] = /tmp',
    `php_admin_value[open_basedir] = ${openBasedir}`,
    'php_admin_value[disable_functions] = exec,passthru,shell_exec,system,proc_open,popen,pcntl_exec',
    'php_admin_flag[session.cookie_httponly] = on',
    'php_admin_flag[session.cookie_secure] = on',
    '',
  ].join('\n');
}

/**
 * The site's WordPress configuration, loaded by Debian's /usr/share/wordpress/wp-config.php as
 * `<wpConfigDir>/config-<site>.php` (nginx names the site in WORDPRESS_CONFIG). It holds no
 * secret: the database password and the keys and salts are read from secrets.json on every
 * request (the file the first-boot script writes from the cloud's secret store).
 */
export function renderWpConfig(config: WordPressServerConfig, layout: ServerLayout): string {
  checkServerConfig(config);
  checkLayout(layout);
  const db = config.database;
  const url = canonicalUrl(config);
  const lines = [
    '<?php',
    `// AutoStack website ${config.site}: generated from the Website file; edit the file, not this.`,
    '// No secret here: they are read at run time from the root-owned secrets file (group: the site\'s PHP user).',
    `$autostack_secrets = json_decode((string) @file_get_contents(${phpString(secretsFile(layout))}), true);`,
    `if (!is_array($autostack_secrets) || !is_string($autostack_secrets[${phpString(DB_PASSWORD_FIELD)}] ?? null)) {`,
    '    http_response_code(503);',
    "    header('Retry-After: 30');",
    '    exit("This site\'s secrets are not on this server yet.\\n");',
    '}',
    `define('DB_NAME', ${phpString(db.name)});`,
    `define('DB_USER', ${phpString(db.user)});`,
    `define('DB_PASSWORD', $autostack_secrets[${phpString(DB_PASSWORD_FIELD)}]);`,
    `define('DB_HOST', ${phpString(`${db.host}:${db.port}`)});`,
    "define('DB_CHARSET', 'utf8mb4');",
    "define('DB_COLLATE', '');",
    ...(db.tls ? ["define('MYSQL_CLIENT_FLAGS', MYSQLI_CLIENT_SSL);"] : []),
    `foreach ([${SALT_NAMES.map(phpString).join(', ')}] as $autostack_name) {`,
    '    define($autostack_name, (string) ($autostack_secrets[$autostack_name] ?? \'\'));',
    '}',
    'unset($autostack_secrets, $autostack_name);',
    "$table_prefix = 'wp_';",
    `define('WP_HOME', ${phpString(url)});`,
    `define('WP_SITEURL', ${phpString(url)});`,
    `define('WP_CONTENT_DIR', ${phpString(layout.contentDir)});`,
    `define('WP_CONTENT_URL', ${phpString(`${url}/wp-content`)});`,
    "define('FORCE_SSL_ADMIN', true);",
    '// The code comes from the image (Debian\'s package): every server of the group runs the same, so nothing is edited or installed from the dashboard.',
    "define('DISALLOW_FILE_EDIT', true);",
    "define('DISALLOW_FILE_MODS', true);",
    "define('AUTOMATIC_UPDATER_DISABLED', true);",
    "define('WP_AUTO_UPDATE_CORE', false);",
    "define('WP_ENVIRONMENT_TYPE', 'production');",
    ...(config.objectCache
      ? [
          '// The object cache drop-in (wp-content/object-cache.php) reads these; its keys start with the salt.',
          `define('WP_REDIS_HOST', ${phpString(config.objectCache.host)});`,
          `define('WP_REDIS_PORT', ${config.objectCache.port});`,
          `define('WP_REDIS_SCHEME', ${phpString(config.objectCache.tls ? 'tls' : 'tcp')});`,
          `define('WP_CACHE_KEY_SALT', ${phpString(cacheKeySalt(config.site))});`,
        ]
      : []),
    '',
  ];
  return lines.join('\n');
}

/**
 * The health endpoint: 200 when the database answers `SELECT 1` within a few seconds, 503
 * otherwise. It says nothing else (no error text, no version) and never loads WordPress.
 */
export function renderHealthCheck(config: WordPressServerConfig, layout: ServerLayout): string {
  checkServerConfig(config);
  checkLayout(layout);
  const db = config.database;
  return [
    '<?php',
    `// AutoStack website ${config.site}: the load balancer's health check (generated).`,
    "header('Content-Type: text/plain');",
    "header('Cache-Control: no-store');",
    `$secrets = json_decode((string) @file_get_contents(${phpString(secretsFile(layout))}), true);`,
    'mysqli_report(MYSQLI_REPORT_OFF);',
    '$db = mysqli_init();',
    '$db->options(MYSQLI_OPT_CONNECT_TIMEOUT, 3);',
    '$db->options(MYSQLI_OPT_READ_TIMEOUT, 3);',
    `$ok = is_array($secrets) && is_string($secrets[${phpString(DB_PASSWORD_FIELD)}] ?? null)`,
    `    && @$db->real_connect(${phpString(db.host)}, ${phpString(db.user)}, $secrets[${phpString(DB_PASSWORD_FIELD)}], ${phpString(db.name)}, ${db.port}, null, ${db.tls ? 'MYSQLI_CLIENT_SSL' : '0'})`,
    "    && $db->query('SELECT 1') !== false;",
    'http_response_code($ok ? 200 : 503);',
    'echo $ok ? "ok\\n" : "database unreachable\\n";',
    '',
  ].join('\n');
}
