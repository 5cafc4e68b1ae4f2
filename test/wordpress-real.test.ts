import '../synth/node.ts';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudAccess } from '../synth/core/registry/kinds.ts';
import { shellQuote } from '../synth/core/render/shell.ts';
import { renderNodeEnv, renderSiteDocument, siteFiles, WEBSITE_CONFIG_KEY } from '../synth/kinds/website/boot/bootstrap.ts';
import { DEBIAN_WORDPRESS, SALT_NAMES } from '../synth/kinds/website/boot/config.ts';
import type { ServerLayout, WordPressServerConfig } from '../synth/kinds/website/boot/config.ts';
import { OBJECT_CACHE_PHP, objectCachePath } from '../synth/kinds/website/boot/object-cache.ts';
import { websiteCloudFile, websiteTool } from '../synth/kinds/website/boot/tool.ts';
import { freePort, processRunner } from './real-process.ts';
import type { Result } from './real-process.ts';
import { needAll, needCondition, needTool } from './tools.ts';

/*
 * The generated server side of a WordPress site on Debian's real servers, all on loopback: MariaDB
 * (the managed MySQL's stand-in), PHP-FPM 8.2 with the generated pool, nginx with the generated
 * site, Debian's `wordpress` package with the generated wp-config, and s3rver (over TLS) as the
 * backup bucket. The generated tool prepares the content directory, writes the secrets file from a
 * "loopback cloud" secret, backs up and restores. The test only starts servers and speaks HTTP.
 */

const PHP = '8.2';
const BUCKET = 'autostack-wp';
const SITE = `wp-real-${process.pid}`;
const DOMAIN = 'blog.example.test';
const TITLE = `AutoStack real test ${randomBytes(4).toString('hex')}`;
const started = Date.now();
const timings: Record<string, number> = {};

/** Every process the test started and has not seen end: afterAll stops what a failed step left behind. */
const { sh, ok, running } = processRunner(120_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
/**
 * One request to the generated nginx, as the load balancer sends it: from 127.0.0.1 (a trusted
 * proxy) with the site's Host and X-Forwarded-Proto: https, unless told otherwise.
 */
function http(method: string, path: string, opts: { host?: string; from?: string; headers?: Record<string, string>; form?: Record<string, string> } = {}): Promise<Response> {
  const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: webPort,
        method,
        path,
        localAddress: opts.from ?? '127.0.0.1',
        timeout: 60_000,
        headers: {
          Host: opts.host ?? DOMAIN,
          'X-Forwarded-Proto': 'https',
          'X-Forwarded-For': '198.51.100.7',
          ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(body);
  });
}

let root = '';
let webPort = 0;
let dbPort = 0;
let s3Port = 0;
let redisPort = 0;
let dbPassword = '';
let layout: ServerLayout;
let config: WordPressServerConfig;
let toolEnv: NodeJS.ProcessEnv = {};
const servers: Record<string, ChildProcess> = {};
const logs: Record<string, string> = {};

function startServer(name: string, cmd: string, args: string[], as: { uid?: number; gid?: number } = {}): ChildProcess {
  const child = spawn(cmd, args, { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'], ...as });
  logs[name] = '';
  child.stdout!.on('data', (d) => (logs[name] += d));
  child.stderr!.on('data', (d) => (logs[name] += d));
  servers[name] = child;
  return child;
}
async function stopServer(name: string): Promise<void> {
  const child = servers[name];
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(20_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  delete servers[name];
}
async function waitFor(what: string, name: string, test: () => Promise<boolean>, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (await test()) return;
    const child = servers[name];
    if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`${what} exited: ${logs[name]}`);
    await sleep(100);
  }
  throw new Error(`${what} did not start within ${seconds} s: ${logs[name]}`);
}
const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(true));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });

/** SQL as MariaDB's root over its socket (unix_socket authentication). */
function sql(statement: string): Promise<string> {
  return ok('mariadb', ['--no-defaults', `--socket=${join(root, 'mysqlrun', 'mysql.sock')}`, '-uroot', '-N', '-B', '-e', statement]).then((s) => s.trim());
}
async function startMariadb(): Promise<void> {
  startServer('mariadb', '/usr/sbin/mariadbd', [
    '--no-defaults', '--user=mysql', `--datadir=${join(root, 'mysql')}`, `--socket=${join(root, 'mysqlrun', 'mysql.sock')}`, `--port=${dbPort}`, '--bind-address=127.0.0.1',
    `--pid-file=${join(root, 'mysqlrun', 'mysql.pid')}`, '--skip-name-resolve', '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M', '--skip-log-bin',
  ]);
  await waitFor('MariaDB', 'mariadb', async () => (await sh('mariadb-admin', ['--no-defaults', `--socket=${join(root, 'mysqlrun', 'mysql.sock')}`, '-uroot', 'ping'])).code === 0);
}
/** Debian's Redis as a normal user (nobody) on loopback: the managed cache's stand-in. */
async function startRedis(): Promise<void> {
  startServer('redis', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', join(root, 'redis')], { uid: 65534, gid: 65534 });
  await waitFor('Redis', 'redis', () => portOpen(redisPort));
}
const redis = (...args: string[]) => ok('redis-cli', ['-h', '127.0.0.1', '-p', String(redisPort), ...args]);
/** The keys of the site's object cache (its prefix, WP_CACHE_KEY_SALT). */
const siteKeys = async () => (await redis('--scan', '--pattern', `${SITE}:*`)).split('\n').filter(Boolean);
const withCache = (): WordPressServerConfig => ({ ...config, objectCache: { host: '127.0.0.1', port: redisPort } });

/** PHP code run by PHP's CLI in the site's WordPress (as WP-CLI or cron would); its output. */
async function wp(code: string): Promise<string> {
  const file = join(root, 'wp-cli.php');
  await writeFile(file, `<?php\nrequire '/usr/share/wordpress/wp-load.php';\n${code}\n`);
  return ok('php', ['-d', 'display_errors=stderr', file], { WORDPRESS_CONFIG: SITE, HTTP_HOST: DOMAIN });
}

/** The first answer once nginx and PHP-FPM have settled after a reload by signal (a closed socket is retried for up to 5 s). */
async function settled(path: string): Promise<Response> {
  for (let i = 0; ; i++) {
    try {
      return await http('GET', path);
    } catch (e) {
      if (i >= 50 || !/socket hang up|ECONNRESET|ECONNREFUSED/.test(String(e))) throw e;
      await sleep(100);
    }
  }
}

function tool(...args: string[]): Promise<Result> {
  return sh(layout.toolPath, args, toolEnv);
}
async function toolOk(...args: string[]): Promise<string> {
  const r = await tool(...args);
  if (r.code !== 0) throw new Error(`autostack-website ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * The loopback cloud: the secret is a file, the stack's configuration objects a directory; the
 * backup bucket is s3rver (the S3 object functions are the generated ones).
 */
function loopbackAccess(secretFile: string, objects: string): CloudAccess {
  return {
    storage: { protocol: 's3', bucket: BUCKET, region: 'us-east-1', endpoint: '127.0.0.1' },
    shellConstants: [`SECRET_FILE=${shellQuote(secretFile)}`, `OBJECTS=${shellQuote(objects)}`],
    shellFunctions: ['config_read() { cat "$OBJECTS/$1"; }', 'secret_read() { if [ $# -gt 0 ]; then cat "$SECRET_FILE.$1" 2>/dev/null || true; else cat "$SECRET_FILE" 2>/dev/null || true; fi; }', 'secret_write() { cat >"$SECRET_FILE"; }', ''].join('\n'),
  };
}

/** Stores the site's configuration document where config_read finds it (the cloud stack's bucket object). */
async function publish(c: WordPressServerConfig): Promise<void> {
  const file = join(root, 'bucket', WEBSITE_CONFIG_KEY);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderSiteDocument(c, layout));
}

/**
 * The packages (scripts/system-deps.list) and root: missing, each test skips naming them and the one
 * command, or fails under CI (beforeEach); beforeAll then sets nothing up.
 */
const REAL_WORDPRESS = needAll(
  needTool('mariadb-server', 'php-fpm', 'php-mysql', 'nginx', 'wordpress', 'wordpress-theme-twentytwentythree', 'curl', 'python3', 'openssl', 'flock', 'redis-server', 'redis-cli', 'php-redis', 'php'),
  needCondition(process.getuid?.() === 0, 'root', 'run the tests as root (the test runs MariaDB, PHP-FPM and nginx masters that switch to their users; .ci/run does)'),
);
beforeEach(REAL_WORDPRESS.guard);

beforeAll(async () => {
  const t0 = Date.now();
  if (!REAL_WORDPRESS.present) return;
  const missing: string[] = [];
  let s3rverBin = '';
  try {
    s3rverBin = join(dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');
  } catch {
    missing.push('the s3rver npm package (npm ci)');
  }
  if (missing.length) throw new Error(`the real-WordPress test needs ${missing.join(', ')}: run .ci/run (scripts/system-deps.sh installs mariadb-server, php-fpm, php-mysql, nginx, wordpress and wordpress-theme-twentytwentythree)`);

  root = await mkdtemp(join(tmpdir(), 'autostack-wp-'));
  await chmod(root, 0o755);
  [webPort, dbPort, s3Port, redisPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  layout = {
    listenPort: webPort,
    phpUser: 'nobody',
    phpGroup: 'nogroup',
    webUser: 'www-data',
    fpmSocket: join(root, 'run', 'php-fpm.sock'),
    configDir: join(root, 'etc'),
    // Debian's wp-config.php reads /etc/wordpress/config-<site>.php: the one path outside the test's directory (removed after).
    wpConfigDir: '/etc/wordpress',
    contentDir: join(root, 'wp-content'),
    sharedMount: join(root, 'shared'),
    logDir: join(root, 'log'),
    stateDir: join(root, 'state'),
    documentRoot: '/usr/share/wordpress',
    nginxSiteFile: join(root, 'nginx', 'site.conf'),
    fpmPoolFile: join(root, 'php', 'pool.conf'),
    // In a directory of its own: the document may write there (the tool travels in it), nowhere else of the test's.
    toolPath: join(root, 'sbin', 'autostack-website'),
    unitsDir: join(root, 'units'),
  };
  const secretFile = join(root, 'secret.json');
  config = {
    site: SITE,
    platformDomain: 'www.blog.acme.www.example.test',
    customDomains: [DOMAIN],
    phpVersion: PHP,
    source: { type: 'debian', version: DEBIAN_WORDPRESS },
    // The shared storage's mount point is a plain directory here: the uploads live there, linked from wp-content.
    sharedStorage: { protocol: 'nfs', source: 'files.example.test:/wordpress' },
    // The password is the whole value of its own secret, as the clouds' stacks write it; the site's secret gets only the salts.
    database: { host: '127.0.0.1', port: dbPort, name: 'wordpress', user: 'wp', tls: false, passwordSecret: 'autostack/acme/blog/wordpress-db' },
    access: loopbackAccess(secretFile, join(root, 'bucket')),
    healthPath: '/healthz',
    memoryMiB: 1024,
    uploadMiB: 8,
    trustedProxies: ['127.0.0.1/32'],
    xmlrpc: false,
    backup: { onCalendar: '*-*-* 03:00:00', prefix: `websites/${SITE}` },
  };
  for (const d of ['run', 'mysql', 'mysqlrun', 'shared', 'state', 'nginx/tmp', 'php', 's3', 'redis']) await mkdir(join(root, d), { recursive: true });
  await ok('chown', ['mysql:mysql', join(root, 'mysql'), join(root, 'mysqlrun')]);

  // MariaDB: a fresh data directory, the site's database and user, the password in the site's secret.
  const installDb = sh('mariadb-install-db', ['--no-defaults', '--user=mysql', `--datadir=${join(root, 'mysql')}`, '--auth-root-authentication-method=socket', '--skip-test-db']);
  // s3rver over TLS (a certificate for 127.0.0.1), the bucket of the backups, meanwhile.
  await ok('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(root, 's3.key'), '-out', join(root, 's3.crt')]);
  startServer('s3rver', process.execPath, [s3rverBin, '-d', join(root, 's3'), '-a', '127.0.0.1', '-p', String(s3Port), '--key', join(root, 's3.key'), '--cert', join(root, 's3.crt'), '--configure-bucket', BUCKET, '--silent']);
  const installed = await installDb;
  if (installed.code !== 0) throw new Error(`mariadb-install-db failed: ${installed.stdout}\n${installed.stderr}`);
  await startMariadb();
  dbPassword = randomBytes(18).toString('base64url');
  await sql(`CREATE DATABASE wordpress CHARACTER SET utf8mb4; CREATE USER 'wp'@'127.0.0.1' IDENTIFIED BY '${dbPassword}'; GRANT ALL ON wordpress.* TO 'wp'@'127.0.0.1';`);
  await mkdir(dirname(`${secretFile}.autostack/acme/blog/wordpress-db`), { recursive: true });
  await writeFile(`${secretFile}.autostack/acme/blog/wordpress-db`, `${dbPassword}\n`);
  await waitFor('s3rver', 's3rver', () =>
    new Promise<boolean>((resolve) => {
      const req = httpsGet({ host: '127.0.0.1', port: s3Port, path: '/', rejectUnauthorized: false, timeout: 1000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
    }),
  );
  toolEnv = {
    AUTOSTACK_NODE_ENV: join(root, 'node.env'),
    // Only what the loopback S3 server needs beyond the generated functions: its address, its fixed key and its certificate.
    AUTOSTACK_S3_URL: `https://127.0.0.1:${s3Port}/${BUCKET}`,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    CURL_CA_BUNDLE: join(root, 's3.crt'),
  };
  timings.setup = Date.now() - t0;
}, 120_000);

afterAll(async () => {
  for (const child of [...running]) child.kill();
  for (const name of ['nginx', 'php-fpm', 'mariadb', 's3rver', 'redis']) await stopServer(name);
  if (config) await rm(join('/etc/wordpress', `config-${SITE}.php`), { force: true });
  if (root && !process.env.AUTOSTACK_KEEP_WP_TEST) await rm(root, { recursive: true, force: true });
  timings.total = Date.now() - started;
  console.log(`real WordPress test timings (ms): ${JSON.stringify(timings)}`);
}, 60_000);

describe('the generated WordPress server on Debian\'s nginx, PHP-FPM, MariaDB and WordPress', { timeout: 120_000 }, () => {
  it('installs the generated files; the tool prepares wp-content and writes the secrets file from the secret store', async () => {
    const t0 = Date.now();
    // The pinned version is the one Debian ships.
    expect((await ok('dpkg-query', ['-W', '-f=${Version}', 'wordpress'])).startsWith(`${DEBIAN_WORDPRESS}+`)).toBe(true);
    await writeFile(join(root, 'php', 'php-fpm.conf'), `[global]\npid = ${join(root, 'php', 'fpm.pid')}\nerror_log = ${join(root, 'log', 'php-fpm.log')}\ninclude = ${layout.fpmPoolFile}\n`);
    await writeFile(
      join(root, 'nginx', 'nginx.conf'),
      [
        'user www-data;',
        'worker_processes 1;',
        `pid ${join(root, 'nginx', 'nginx.pid')};`,
        `error_log ${join(root, 'log', 'nginx-main.log')};`,
        'daemon off;',
        'events { worker_connections 128; }',
        'http {',
        '  include /etc/nginx/mime.types;',
        ...['client_body', 'fastcgi', 'proxy', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(root, 'nginx', 'tmp', t)};`),
        `  include ${layout.nginxSiteFile};`,
        '}',
        '',
      ].join('\n'),
    );
    // What the first-boot script writes (tool, cloud functions, node file), then the agent applies the site's document.
    await mkdir(dirname(layout.toolPath), { recursive: true });
    await writeFile(layout.toolPath, websiteTool(), { mode: 0o755 });
    await mkdir(layout.configDir, { recursive: true });
    await writeFile(join(layout.configDir, 'cloud.sh'), websiteCloudFile(config.access), { mode: 0o600 });
    // nginx and PHP-FPM run from the test's own main files: the tool checks its changes with them and reloads by signal.
    const reload = { mode: 'signal', nginxPrefix: join(root, 'nginx'), nginxConf: join(root, 'nginx', 'nginx.conf'), nginxPid: join(root, 'nginx', 'nginx.pid'), fpmConf: join(root, 'php', 'php-fpm.conf'), fpmPid: join(root, 'php', 'fpm.pid') } as const;
    await writeFile(join(root, 'node.env'), renderNodeEnv(config, layout, reload), { mode: 0o600 });
    await publish(config);
    const applied = await toolOk('agent');
    expect(applied).toMatch(/applied configuration [0-9a-f]{12}: changed site\.conf pool\.conf config-wp-real-\d+\.php health\.php site\.env autostack-website-secrets\.service/);
    for (const f of siteFiles(config, layout)) {
      expect(await readFile(f.path, 'utf8'), f.path).toBe(f.content);
      expect((await ok('stat', ['-c', '%U:%G %a', f.path])).trim(), f.path).toBe(`${f.owner}:${f.group} ${f.mode}`);
    }
    // A directory the document made is readable by others (nginx), whatever the tool's own umask.
    expect((await ok('stat', ['-c', '%a', layout.unitsDir])).trim()).toBe('755');
    expect(await toolOk('agent')).toBe('');
    // The agent prepared the content directory: the packaged theme linked in.
    expect(await readFile(join(layout.contentDir, 'themes', 'twentytwentythree', 'theme.json'), 'utf8')).toContain('"version"');
    const secrets = await toolOk('secrets');
    expect(secrets).toContain('made WordPress\'s keys and salts');
    // The salts went back to the store (for the other servers) and into the file PHP reads; the file is root's, group nogroup, 0640.
    const stored = JSON.parse(await readFile(join(root, 'secret.json'), 'utf8'));
    const file = JSON.parse(await readFile(join(layout.configDir, 'secrets.json'), 'utf8'));
    for (const name of SALT_NAMES) {
      expect(stored[name]).toMatch(/^.{64}$/);
      expect(file[name]).toBe(stored[name]);
    }
    expect(file.DB_PASSWORD).toBe(dbPassword);
    // The database password stays in its own secret: the servers never copy it into the one they write.
    expect(stored).not.toHaveProperty('DB_PASSWORD');
    expect((await ok('stat', ['-c', '%U:%G %a', join(layout.configDir, 'secrets.json')])).trim()).toBe('root:nogroup 640');
    // Nothing secret in the generated files.
    for (const f of siteFiles(config, layout)) expect(f.content).not.toContain(dbPassword);
    expect(await toolOk('secrets')).toContain('secrets unchanged');
    timings.files = Date.now() - t0;
  });

  it('starts PHP-FPM with the generated pool and nginx with the generated site (both pass their own config tests)', async () => {
    const t0 = Date.now();
    await ok(`/usr/sbin/php-fpm${PHP}`, ['-t', '-y', join(root, 'php', 'php-fpm.conf')]);
    await ok('/usr/sbin/nginx', ['-t', '-q', '-p', join(root, 'nginx'), '-c', join(root, 'nginx', 'nginx.conf')]);
    startServer('php-fpm', `/usr/sbin/php-fpm${PHP}`, ['-F', '-y', join(root, 'php', 'php-fpm.conf')]);
    startServer('nginx', '/usr/sbin/nginx', ['-p', join(root, 'nginx'), '-c', join(root, 'nginx', 'nginx.conf')]);
    await waitFor('PHP-FPM', 'php-fpm', async () => existsSync(layout.fpmSocket));
    await waitFor('nginx', 'nginx', () => portOpen(webPort));
    // The pool's workers run as the pool's user, not root and not nginx's user.
    const users = (await ok('ps', ['-o', 'user=', '--ppid', String(servers['php-fpm']!.pid)])).trim().split('\n');
    expect(new Set(users)).toEqual(new Set(['nobody']));
    timings.start = Date.now() - t0;
  });

  it('completes the WordPress installer over HTTP and serves the home page with the site title', async () => {
    const t0 = Date.now();
    const before = await settled('/');
    expect(before.status).toBe(302);
    expect(before.headers.location).toBe(`https://${DOMAIN}/wp-admin/install.php`);
    const install = await http('POST', '/wp-admin/install.php?step=2', {
      form: { weblog_title: TITLE, user_name: 'admin', admin_password: 'Correct-Horse-42-Battery', admin_password2: 'Correct-Horse-42-Battery', pw_weak: '1', admin_email: 'admin@example.test', blog_public: '0', language: '' },
    });
    expect(install.status, install.body.slice(0, 2000)).toBe(200);
    expect(install.body).toContain('Success!');
    const home = await settled('/');
    expect(home.status).toBe(200);
    expect(home.body).toContain(TITLE);
    // Links use the canonical https address (WP_SITEURL) whatever the load balancer spoke to the server.
    expect(home.body).toContain(`https://${DOMAIN}/wp-includes/`);
    expect(home.body).toContain("'/wp-content/themes/twentytwentythree/assets/fonts/");
    expect(home.headers['x-powered-by']).toBeUndefined();
    expect(home.headers['x-content-type-options']).toBe('nosniff');
    // The theme's stylesheet comes from wp-content (the linked packaged theme) through the generated alias.
    const css = await http('GET', '/wp-content/themes/twentytwentythree/style.css');
    expect(css.status).toBe(200);
    expect(css.body).toContain('Theme Name: Twenty Twenty-Three');
    timings.install = Date.now() - t0;
  });

  it('answers the health path with 200, and 503 while MariaDB is down; by address too (the load balancer\'s check)', async () => {
    const t0 = Date.now();
    expect(await settled('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect(await http('GET', '/healthz', { host: '127.0.0.1' })).toMatchObject({ status: 200, body: 'ok\n' });
    await stopServer('mariadb');
    const down = await http('GET', '/healthz', { host: '127.0.0.1' });
    expect(down).toMatchObject({ status: 503, body: 'database unreachable\n' });
    expect(down.headers['cache-control']).toBe('no-store');
    await startMariadb();
    expect(await settled('/healthz')).toMatchObject({ status: 200 });
    timings.health = Date.now() - t0;
  });

  it('refuses what must never be served or run: other hosts, the config, dot files, PHP in uploads, XML-RPC; rate-limits logins', async () => {
    // Any other Host: the default server closes the connection without an answer.
    await expect(http('GET', '/', { host: 'evil.example' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await http('GET', '/wp-config.php')).status).toBe(404);
    expect((await http('GET', '/.htaccess')).status).toBe(404);
    expect((await http('GET', '/readme.html')).status).toBe(404);
    expect((await http('GET', '/xmlrpc.php')).status).toBe(403);
    await writeFile(join(layout.sharedMount, 'uploads', 'shell.php'), '<?php echo "ran" . "-php";');
    await writeFile(join(layout.sharedMount, 'uploads', '.env'), 'SECRET=1');
    expect((await http('GET', '/wp-content/uploads/.env')).status).toBe(404);
    const upload = await http('GET', '/wp-content/uploads/shell.php');
    expect(upload.status).toBe(404);
    expect(upload.body).not.toContain('ran-php');
    // X-Forwarded-Proto from an address that is not the load balancer is ignored: PHP sees plain http,
    // and the login page (FORCE_SSL_ADMIN) sends the client to https. From the load balancer it is served.
    const direct = await http('GET', '/wp-login.php', { from: '127.0.0.2' });
    expect(direct.status).toBe(302);
    expect(direct.headers.location).toBe(`https://${DOMAIN}/wp-login.php`);
    // Logins are rate-limited per client: the client address comes from the trusted proxy's X-Forwarded-For.
    // 10 a minute with a burst of 10: the first 11 pass; then 429 (on a slow machine a token or two refills first).
    const statuses: number[] = [];
    while (statuses.length < 40 && !statuses.includes(429)) statuses.push((await http('GET', '/wp-login.php')).status);
    expect(statuses.slice(0, 11)).toEqual(Array(11).fill(200));
    expect(statuses).toContain(429);
    expect((await http('GET', '/wp-login.php', { headers: { 'X-Forwarded-For': '198.51.100.8' } })).status).toBe(200);
  });

  it('with the object cache on: WordPress keeps its objects in Redis under the site\'s prefix, reads them back, and serves without Redis (fail open)', async () => {
    const t0 = Date.now();
    const prefix = `${SITE}:`;
    await startRedis();
    // Another site's key in the same Redis: the site never touches it.
    await redis('set', 'other-site:1:options:alloptions', 'theirs');

    await publish(withCache());
    expect(await toolOk('agent')).toMatch(/changed config-wp-real-\d+\.php object-cache\.php site\.env\n$/);
    const dropIn = objectCachePath(layout);
    expect(await readFile(dropIn, 'utf8')).toBe(OBJECT_CACHE_PHP);
    expect((await ok('stat', ['-c', '%U:%G %a', dropIn])).trim()).toBe('root:nogroup 640');
    expect(await readFile(join(layout.wpConfigDir, `config-${SITE}.php`), 'utf8')).toContain(`define('WP_REDIS_PORT', ${redisPort});`);

    // PHP-FPM and nginx were reloaded by signal: the first request may meet the old master's last moments.
    const home = await settled('/');
    expect(home.status).toBe(200);
    expect(home.body).toContain(TITLE);
    const keys = await siteKeys();
    expect(keys).toContain(`${prefix}1:options:alloptions`);
    expect(keys.length).toBeGreaterThan(5);
    // The options WordPress loaded, PHP-serialized in Redis.
    expect(await redis('get', `${prefix}1:options:alloptions`)).toContain(TITLE);

    // WordPress reads Redis, not the database: a title changed behind WordPress's back stays hidden until the cache is flushed.
    await sql("UPDATE wordpress.wp_options SET option_value = 'Changed behind the cache' WHERE option_name = 'blogname'");
    expect((await settled('/')).body).toContain(TITLE);

    // PHP's CLI bootstrapping the site (as WP-CLI or cron would): a value set there is read back from Redis by the next process.
    const value = `set through WordPress ${randomBytes(4).toString('hex')}`;
    expect(await wp(`var_export(wp_using_ext_object_cache()); echo ' '; var_export(wp_cache_set('probe', ${JSON.stringify(value)}, 'autostack-test'));`)).toBe('true true');
    expect(await redis('get', `${prefix}1:autostack-test:probe`)).toBe(`s:${Buffer.byteLength(value)}:"${value}";\n`);
    expect(await wp("$v = wp_cache_get('probe', 'autostack-test', false, $found); echo json_encode([$v, $found]);")).toBe(JSON.stringify([value, true]));
    // wp_cache_flush empties the site's keys only; WordPress then sees the database's title.
    expect(await wp('var_export(wp_cache_flush());')).toBe('true');
    expect(await siteKeys()).toEqual([]);
    expect(await redis('get', 'other-site:1:options:alloptions')).toBe('theirs\n');
    expect((await settled('/')).body).toContain('Changed behind the cache');
    await sql(`UPDATE wordpress.wp_options SET option_value = '${TITLE}' WHERE option_name = 'blogname'`);
    expect(await wp('var_export(wp_cache_flush());')).toBe('true');

    // Fail open: Redis stopped, the site still answers (from the database), and says so once per request in PHP's log.
    const errorLog = join(layout.logDir, 'php', 'error.log');
    const logged = async () => (await readFile(errorLog, 'utf8').catch(() => '')).split('\n').filter((l) => l.includes('AutoStack object cache:')).length;
    await stopServer('redis');
    const before = await logged();
    const down = await settled('/');
    expect(down.status).toBe(200);
    expect(down.body).toContain(TITLE);
    expect(await logged()).toBe(before + 1);
    expect(await readFile(errorLog, 'utf8')).toContain(`AutoStack object cache: 127.0.0.1:${redisPort} is unreachable`);
    expect(await settled('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });

    // Redis back: the site uses it again (the backup and restore below run with the cache on).
    await startRedis();
    expect((await settled('/')).status).toBe(200);
    expect(await siteKeys()).toContain(`${prefix}1:options:alloptions`);
    timings.objectCache = Date.now() - t0;
  });

  it('backs up to S3 with the generated job, and the restore job brings back the dropped database and the uploads', async () => {
    const t0 = Date.now();
    const marker = `Restored post ${randomBytes(4).toString('hex')}`;
    // Through WordPress (the object cache is on: a row written behind its back would stay hidden behind the cached queries).
    expect(await wp(`echo wp_insert_post(['post_author' => 1, 'post_title' => '${marker}', 'post_content' => 'Written before the backup.', 'post_status' => 'publish', 'post_name' => 'restored-post']) > 0 ? 'ok' : 'failed';`)).toBe('ok');
    await mkdir(join(layout.sharedMount, 'uploads', '2026', '11'), { recursive: true });
    await writeFile(join(layout.sharedMount, 'uploads', '2026', '11', 'photo.txt'), 'an uploaded file');
    expect((await settled('/')).body).toContain(marker);
    expect((await http('GET', '/wp-content/uploads/2026/11/photo.txt')).body).toBe('an uploaded file');

    const backup = await toolOk('backup');
    const stamp = /backup (\d{8}T\d{6}Z) done/.exec(backup)?.[1];
    expect(stamp, backup).toBeDefined();
    // The objects are in the bucket; a second run with --if-older finds the backup fresh.
    expect(await toolOk('backup', '--if-older', '60')).toContain(`the latest backup (${stamp}) is 0 minutes old`);
    timings.backup = Date.now() - t0;

    const t1 = Date.now();
    await sql('DROP DATABASE wordpress');
    await writeFile(join(layout.sharedMount, 'uploads', 'after-backup.txt'), 'written after the backup');
    expect((await settled('/healthz')).status).toBe(503);
    // WordPress cached the home page's objects before the drop: the restore empties the site's keys, no others.
    expect((await siteKeys()).length).toBeGreaterThan(5);
    await redis('set', 'other-site:1:default:k', 'theirs');
    const restore = await toolOk('restore');
    expect(restore).toContain(`restored backup ${stamp}`);
    expect(restore).toMatch(/emptied the object cache of this site's keys \(\d+ deleted\)/);
    expect(await siteKeys()).toEqual([]);
    expect(await redis('get', 'other-site:1:default:k')).toBe('theirs\n');
    expect((await settled('/healthz')).status).toBe(200);
    const home = await settled('/');
    expect(home.status).toBe(200);
    expect(home.body).toContain(TITLE);
    expect(home.body).toContain(marker);
    expect((await http('GET', '/wp-content/uploads/2026/11/photo.txt')).body).toBe('an uploaded file');
    expect(existsSync(join(layout.sharedMount, 'uploads', 'after-backup.txt'))).toBe(false);
    expect((await ok('stat', ['-c', '%U', join(layout.sharedMount, 'uploads', '2026', '11', 'photo.txt')])).trim()).toBe('nobody');

    // A damaged archive in the bucket (s3rver keeps each object in a file) is refused before anything is touched.
    // The drop-in is the document's, not the backup's: the wp-content archive leaves it out.
    const archive = await ok('tar', ['-tzf', join(root, 's3', BUCKET, 'websites', SITE, stamp!, 'wp-content.tar.gz._S3rver_object')]);
    expect(archive).toContain('./themes/');
    expect(archive).not.toContain('object-cache.php');
    const stored = join(root, 's3', BUCKET, 'websites', SITE, stamp!, 'db.sql.gz._S3rver_object');
    expect(existsSync(stored), stored).toBe(true);
    await writeFile(stored, 'not the dump');
    await sql("UPDATE wordpress.wp_options SET option_value = 'changed after the backup' WHERE option_name = 'blogdescription'");
    const bad = await tool('restore', stamp!);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(`backup ${stamp}: db.sql.gz does not match its checksum: not restoring`);
    expect(await sql("SELECT option_value FROM wordpress.wp_options WHERE option_name = 'blogdescription'")).toBe('changed after the backup');
    // open_basedir lets WordPress reach everything it needs: no PHP warning about it in the whole run.
    expect(await readFile(join(layout.logDir, 'php', 'error.log'), 'utf8').catch(() => '')).not.toContain('open_basedir');
    timings.restore = Date.now() - t1;
  });

  it('the object cache turned off: the document removes the drop-in (it would point at a deleted cache) and the Redis settings', async () => {
    const dropIn = objectCachePath(layout);
    expect(existsSync(dropIn)).toBe(true);
    await publish(config);
    expect(await toolOk('agent')).toMatch(/changed config-wp-real-\d+\.php site\.env object-cache\.php\n$/);
    expect(existsSync(dropIn)).toBe(false);
    expect(await readFile(join(layout.wpConfigDir, `config-${SITE}.php`), 'utf8')).not.toContain('WP_REDIS_HOST');
    await stopServer('redis');
    const errorLog = join(layout.logDir, 'php', 'error.log');
    const before = await readFile(errorLog, 'utf8');
    const home = await settled('/');
    expect(home.status).toBe(200);
    expect(home.body).toContain(TITLE);
    // WordPress no longer looks for Redis: nothing new about it in PHP's log.
    expect(await readFile(errorLog, 'utf8')).toBe(before);
  });

  it('applies a changed document on running servers (a new domain is served after the reload); refuses a document for another site or another path', async () => {
    const t0 = Date.now();
    await expect(http('GET', '/', { host: 'shop.example.test' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    const changed = { ...config, customDomains: [DOMAIN, 'shop.example.test'], uploadMiB: 16 };
    await publish(changed);
    const out = await toolOk('agent');
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(/changed site\.conf pool\.conf\n$/);
    let moved: Response | undefined;
    for (let i = 0; i < 50 && !moved; i++) {
      moved = await http('GET', '/', { host: 'shop.example.test' }).catch(() => undefined);
      if (!moved) await sleep(100);
    }
    // The new name reaches WordPress (its links still name the canonical address).
    expect(moved?.status).toBe(200);
    expect(moved?.body).toContain(TITLE);
    expect(moved?.body).toContain(`https://${DOMAIN}/wp-includes/`);
    expect(await toolOk('agent')).toBe('');

    const doc = JSON.parse(renderSiteDocument(changed, layout));
    const objectFile = join(root, 'bucket', WEBSITE_CONFIG_KEY);
    // A document nginx refuses: the previous files stay, the site keeps serving, the agent fails loudly.
    const siteConf = await readFile(layout.nginxSiteFile, 'utf8');
    const broken = doc.files.map((f: { path: string; content: string }) => (f.path === layout.nginxSiteFile ? { ...f, content: `${f.content}no_such_directive on;\n` } : f));
    await writeFile(objectFile, JSON.stringify({ ...doc, files: broken }));
    const refused = await tool('agent');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/the new configuration was refused, previous files kept: .*unknown directive "no_such_directive"/);
    expect(await readFile(layout.nginxSiteFile, 'utf8')).toBe(siteConf);
    expect((await settled('/healthz')).status).toBe(200);
    await writeFile(objectFile, JSON.stringify({ ...doc, site: 'other-site', absent: ['/tmp/x'] }));
    const other = await tool('agent');
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain(`the configuration document is for site 'other-site', this server is '${SITE}'`);
    const escape = join(root, 'escaped');
    await writeFile(objectFile, JSON.stringify({ ...doc, files: [...doc.files, { path: escape, content: 'x', owner: 'root', group: 'root', mode: '644' }] }));
    const outside = await tool('agent');
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toContain(`refusing '${escape}': the configuration document may only write under`);
    expect(existsSync(escape)).toBe(false);
    timings.day2 = Date.now() - t0;
  });

  it('deploys the site\'s wp-content from git: the repository\'s theme is served, a commit that does not parse is refused and the live one stays, the next commit goes live', async () => {
    const t0 = Date.now();
    const bare = join(root, 'site.git');
    const work = join(root, 'site-work');
    await ok('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    await ok('git', ['init', '-q', '-b', 'main', work]);
    const theme = join(work, 'themes', 'autostack-git');
    await mkdir(theme, { recursive: true });
    const commit = async (marker: string, php = `<?php echo 'theme says ${marker}';\n`) => {
      await writeFile(join(theme, 'style.css'), '/*\nTheme Name: AutoStack Git\n*/\n');
      await writeFile(join(theme, 'index.php'), php);
      await ok('git', ['-C', work, 'add', '-A']);
      await ok('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@example.test', 'commit', '-q', '-m', marker]);
      await ok('git', ['-C', work, 'push', '-q', bare, 'main']);
      return (await ok('git', ['-C', work, 'rev-parse', 'HEAD'])).trim();
    };
    const first = await commit('v1');
    const withCode = { ...config, code: { repository: `file://${bare}`, ref: 'main' } };
    await publish(withCode);
    expect(await toolOk('agent')).toContain(`deployed commit ${first.slice(0, 12)} of file://${bare} (main)`);
    await sql("UPDATE wordpress.wp_options SET option_value = 'autostack-git' WHERE option_name IN ('template', 'stylesheet')");
    expect((await settled('/')).body).toContain('theme says v1');
    // The release is root's and read-only to PHP; the content directory links into it.
    expect((await ok('stat', ['-c', '%U %a', join(layout.stateDir, 'code', first, 'themes', 'autostack-git', 'index.php')])).trim()).toBe('root 644');
    expect(await ok('readlink', [join(layout.contentDir, 'themes', 'autostack-git')])).toContain(join(layout.stateDir, 'code', 'current'));
    // Nothing new: the agent says nothing.
    expect(await toolOk('agent')).toBe('');

    const broken = await commit('broken', "<?php echo 'unterminated;\n");
    const refused = await tool('agent');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`commit ${broken.slice(0, 12)} of file://${bare} does not parse, so the site stays on ${first.slice(0, 12)}`);
    expect((await settled('/')).body).toContain('theme says v1');

    const second = await commit('v2');
    expect(await toolOk('agent')).toContain(`deployed commit ${second.slice(0, 12)}`);
    expect((await settled('/')).body).toContain('theme says v2');
    expect(await ok('readlink', [join(layout.stateDir, 'code', 'current')])).toContain(second);
    // A commit that parses but fails at run time: the home page answers 500, so the live release comes back.
    const fatal = await commit('fatal', "<?php autostack_no_such_function();\n");
    const rolled = await tool('agent');
    expect(rolled.code).not.toBe(0);
    expect(rolled.stderr).toContain(`commit ${fatal.slice(0, 12)} answered the home page with a server error: rolled back to ${second.slice(0, 12)}`);
    expect((await settled('/')).body).toContain('theme says v2');
    expect(await ok('readlink', [join(layout.stateDir, 'code', 'current')])).toContain(second);
    timings.git = Date.now() - t0;
  });
});
