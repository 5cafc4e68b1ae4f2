import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { awsAccess } from '../synth/clouds/aws/access.ts';
import { AWS_USER_DATA_LIMIT } from '../synth/clouds/aws/vm.ts';
import { azureAccess } from '../synth/clouds/azure/access.ts';
import { AZURE_CUSTOM_DATA_LIMIT } from '../synth/clouds/azure/vm.ts';
import { gcpAccess } from '../synth/clouds/gcp/access.ts';
import { GCP_METADATA_VALUE_LIMIT } from '../synth/clouds/gcp/vm.ts';
import type { CloudAccess } from '../synth/core/registry/kinds.ts';
import { bootFiles, renderSiteDocument, renderWordPressBootstrap, siteFiles, writableDirs } from '../synth/kinds/website/boot/bootstrap.ts';
import { checkServerConfig, DEBIAN_WORDPRESS, fpmSizing, serverLayout } from '../synth/kinds/website/boot/config.ts';
import type { WordPressServerConfig } from '../synth/kinds/website/boot/config.ts';
import { renderNginxSite } from '../synth/kinds/website/boot/nginx.ts';
import { OBJECT_CACHE_PHP } from '../synth/kinds/website/boot/object-cache.ts';
import { phpString, renderFpmPool, renderWpConfig } from '../synth/kinds/website/boot/php.ts';
import { websiteCloudFile, websiteTool } from '../synth/kinds/website/boot/tool.ts';
import { stackNames } from '../synth/stack/context.ts';
import type { StackContext } from '../synth/stack/context.ts';
import { BOOT_SCRIPT_PATH, cloudConfig } from '../synth/stack/user-data.ts';
import { tempDir } from './helpers.ts';
import { needAll, needCondition, needTool } from './tools.ts';

const run = promisify(execFile);
const shellcheck = needTool('shellcheck');
const debianApt = needCondition(existsSync('/usr/bin/apt-cache') && /Candidate: \d/.test((await run('apt-cache', ['policy', 'wordpress']).catch(() => ({ stdout: '' }))).stdout), "apt with Debian's wordpress package", 'run on Debian 12 after `apt-get update`');
const nginxFpm = needAll(needTool('nginx', 'php-fpm'), needCondition(process.getuid?.() === 0, 'root', 'run as root: php-fpm checks the pool user only as root (.ci/run does)'));
const php = needTool('php');

/** Each cloud's access for website `blog` of org `acme`, from the cloud's own access module. */
function accessOf(cloud: string, of: (ctx: StackContext) => CloudAccess, region: string): CloudAccess & { cloud: string; limit: number } {
  const subject = { name: 'blog', project: 'default', org: 'acme', labels: {} };
  // A website's plan: its backups bucket holds them under a prefix (Azure gives them a container of their own).
  const ctx = { subject, plan: { cloud, region, resources: [{ kind: 'bucket', key: 'bucket/blog-backups', type: 'STANDARD', attrs: { prefix: 'backups' } }] }, names: stackNames(subject, cloud), workload: { slug: 'wordpress', title: 'WordPress' } } as unknown as StackContext;
  const limit = { aws: AWS_USER_DATA_LIMIT, azure: AZURE_CUSTOM_DATA_LIMIT, gcp: GCP_METADATA_VALUE_LIMIT }[cloud]!;
  return { ...of(ctx), cloud, limit };
}
const ACCESS = [accessOf('aws', awsAccess, 'us-east-1'), accessOf('azure', azureAccess, 'eastus'), accessOf('gcp', gcpAccess, 'us-east1')];

function site(access: CloudAccess, extra: Partial<WordPressServerConfig> = {}): WordPressServerConfig {
  return {
    site: 'blog',
    platformDomain: 'www.blog.acme.www.example.com',
    customDomains: ['blog.example.org', 'www.example.org'],
    phpVersion: '8.2',
    source: { type: 'debian', version: DEBIAN_WORDPRESS },
    sharedStorage: { protocol: 'nfs', source: 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com:/' },
    database: { host: 'blog-db.internal.example', port: 3306, name: 'wordpress', user: 'wordpress', tls: true },
    access,
    objectCache: { host: 'blog-cache.internal.example', port: 6379 },
    healthPath: '/healthz',
    memoryMiB: 4096,
    uploadMiB: 64,
    trustedProxies: ['10.0.0.0/16', '10.1.0.0/16'],
    xmlrpc: false,
    backup: { onCalendar: '*-*-* 03:00:00', prefix: 'websites/blog' },
    ...extra,
  };
}

/** The largest site the server side takes: the longest names, a hundred custom domains, both options on. */
function largest(access: CloudAccess): WordPressServerConfig {
  const label = (c: string) => c.repeat(63);
  return site(access, {
    site: 'a'.repeat(40),
    platformDomain: `www.${'a'.repeat(40)}.${'o'.repeat(40)}.www.example.com`,
    // The longest name DNS allows (253 characters), then a hundred more.
    customDomains: [`${label('a')}.${label('b')}.${label('c')}.${'d'.repeat(57)}.org`, ...Array.from({ length: 100 }, (_, i) => `s${i}.${label('c')}.${label('d')}.example.org`)],
    trustedProxies: Array.from({ length: 20 }, (_, i) => `10.${i}.0.0/16`),
    xmlrpc: true,
  });
}

/** The first-boot script as the clouds pass it (the cloud's VM resource wraps a kind's script with cloudConfig). */
const wordpressUserData = (config: WordPressServerConfig) => cloudConfig(renderWordPressBootstrap(config));

async function check(text: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile('shellcheck', ['--shell=bash', '--severity=style', '-'], (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout }));
    child.stdin!.end(text);
  });
}

describe('WordPress server: generated scripts pass shellcheck', () => {
  for (const access of ACCESS) {
    for (const [what, extra] of [['shared storage, object cache, backup timer', {}], ['local uploads, no cache, no timer', { sharedStorage: undefined, objectCache: undefined, backup: { onCalendar: '', prefix: 'websites/blog' } }]] as const) {
      it(`the first-boot script: ${access.cloud}, ${what}`, async (ctx) => {
        shellcheck.guard(ctx);
        const r = await check(renderWordPressBootstrap(site(access, extra)));
        expect(r.out).toBe('');
        expect(r.code).toBe(0);
      });
    }
    it(`${access.cloud}'s functions file with the object functions of its storage`, async (ctx) => {
      shellcheck.guard(ctx);
      const text = websiteCloudFile(access);
      for (const fn of ['secret_read', 'secret_write', 'object_put', 'object_get']) expect(text).toMatch(new RegExp(`^${fn}\\(\\) \\{`, 'm'));
      // Credentials reach curl on stdin, never on its command line.
      expect(text).not.toMatch(/--user |-u "\$|Authorization: Bearer \$\(/);
      const r = await check(text);
      expect(r.out).toBe('');
      expect(r.code).toBe(0);
    });
  }
  it('the day-2 tool (prepare, secrets, backup, restore)', async (ctx) => {
    shellcheck.guard(ctx);
    const r = await check(websiteTool());
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('WordPress server: the first-boot document', () => {
  for (const access of ACCESS) {
    it(`stays under ${access.cloud}'s user-data limit for the largest site`, () => {
      const doc = wordpressUserData(largest(access));
      expect(Buffer.byteLength(doc)).toBeLessThan(access.limit);
      console.log(`${access.cloud}: WordPress first-boot document ${Buffer.byteLength(doc)} bytes of ${access.limit}`);
    });
  }

  for (const access of ACCESS) {
    it(`makes sure ${access.cloud}'s command-line tool is there (the image may lack it) before it reads the document or a secret with it`, () => {
      const script = renderWordPressBootstrap(site(access));
      const main = script.slice(script.indexOf('\nmain() {'));
      const ensure = main.indexOf('ensure_cloud_cli ');
      expect(ensure).toBeGreaterThan(main.indexOf('write_files'));
      expect(ensure).toBeLessThan(main.indexOf('install_tool\n'));
      expect(ensure).toBeLessThan(main.indexOf('"$TOOL" agent'));
    });
  }

  it('is a cloud-config document Debian\'s cloud-init validates; the script writes the tool, cloud functions and node file byte for byte', async (ctx) => {
    needTool('cloud-init').guard(ctx);
    const dir = await tempDir('autostack-wp-cloud-init-');
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const config = site(ACCESS[0]!);
    const doc = wordpressUserData(config);
    await writeFile(join(dir, 'user-data.yaml'), doc);
    const out = await run('cloud-init', ['schema', '--config-file', join(dir, 'user-data.yaml')]).catch((e) => e as { stdout: string; stderr: string });
    expect(`${out.stdout}${out.stderr}`).toMatch(/^Valid cloud-config: /m);
    const parsed = parse(doc) as { write_files: { path: string; content: string }[]; runcmd: string[][] };
    expect(parsed.runcmd).toEqual([[BOOT_SCRIPT_PATH]]);
    const script = gunzipSync(Buffer.from(parsed.write_files[0]!.content, 'base64')).toString('utf8');
    expect(script).toBe(renderWordPressBootstrap(config));
    // Each file's here-document holds exactly the generated text.
    for (const file of bootFiles(config)) {
      const m = new RegExp(`cat >'${file.path.replace(/[.]/g, '\\.')}\\.autostack-new' <<'(AUTOSTACK_FILE_\\d+)'\\n([\\s\\S]*?)\\n\\1\\n`).exec(script);
      expect(m, file.path).not.toBeNull();
      expect(`${m![2]}\n`, file.path).toBe(file.content.endsWith('\n') ? file.content : `${file.content}\n`);
      expect(script, file.path).toContain(`chmod ${file.mode} '${file.path}.autostack-new'`);
    }
    // Only Debian's pinned WordPress, after nginx and PHP-FPM (so Apache is never pulled in).
    expect(script).toContain(`WP_VERSION='${DEBIAN_WORDPRESS}'`);
    expect(script.indexOf('apt-get install -y -q nginx')).toBeLessThan(script.indexOf('"wordpress=$WP_VERSION+*"'));
  });
});

describe('WordPress server: the packages', () => {
  it('installs WordPress without Apache: apt, asked the script\'s WordPress step on a machine with its first step done, takes no Apache package', async (ctx) => {
    debianApt.guard(ctx);
    const script = renderWordPressBootstrap(site(ACCESS[0]!));
    const step = /apt-get install -y -q --no-install-recommends (.*wordpress-theme-twentytwentythree);/.exec(script);
    expect(step).not.toBeNull();
    const packages = step![1]!.split(' ').map((p) => p.replace(/"/g, '').replace('$PHP_VERSION', '8.2').replace('$WP_VERSION', DEBIAN_WORDPRESS));
    expect(packages).toContain(`wordpress=${DEBIAN_WORDPRESS}+*`);
    // This machine's dpkg status without Apache, PHP's metapackages and WordPress: what the first step leaves on a fresh server.
    const { readFile: read } = await import('node:fs/promises');
    const status = (await read('/var/lib/dpkg/status', 'utf8')).trim().split('\n\n');
    const gone = /^Package: (apache2.*|libapache2-mod-php.*|php|php8\.2|wordpress.*)$/m;
    const dir = await tempDir('autostack-wp-apt-');
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'status'), `${status.filter((b) => !gone.test(b)).join('\n\n')}\n`);
    for (const needed of ['nginx', 'php8.2-fpm', 'php8.2-mysql']) expect(status.some((b) => b.startsWith(`Package: ${needed}\n`)), `${needed} is installed here`).toBe(true);
    const sim = await run('apt-get', ['-s', '-o', `Dir::State::status=${join(dir, 'status')}`, 'install', '--no-install-recommends', ...packages]);
    const installs = sim.stdout.split('\n').filter((l) => l.startsWith('Inst ')).map((l) => l.split(' ')[1]);
    expect(installs).toContain('wordpress');
    expect(installs.filter((p) => /apache/.test(p!))).toEqual([]);
  });
});

describe('WordPress server: nginx and PHP-FPM accept the generated configuration', () => {
  for (const [what, config] of [['a typical site', site(ACCESS[0]!)], ['the largest site, XML-RPC on', largest(ACCESS[0]!)], ['no trusted proxy', site(ACCESS[0]!, { trustedProxies: [] })]] as const) {
    it(`nginx -t and php-fpm8.2 -t: ${what}`, async (ctx) => {
      nginxFpm.guard(ctx);
      const dir = await tempDir('autostack-wp-conf-');
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      // The real layout; only the log directory and the pool's user are this machine's.
      const layout = { ...serverLayout(config), logDir: join(dir, 'log'), phpUser: 'nobody', phpGroup: 'nogroup' };
      await mkdir(join(dir, 'log', 'php'), { recursive: true });
      await mkdir(join(dir, 'tmp'), { recursive: true });
      await writeFile(join(dir, 'site.conf'), renderNginxSite(config, layout));
      await writeFile(
        join(dir, 'nginx.conf'),
        `pid ${dir}/nginx.pid;\nerror_log ${dir}/log/main.log;\nevents {}\nhttp {\n  client_body_temp_path ${dir}/tmp;\n  fastcgi_temp_path ${dir}/tmp;\n  proxy_temp_path ${dir}/tmp;\n  uwsgi_temp_path ${dir}/tmp;\n  scgi_temp_path ${dir}/tmp;\n  include ${dir}/site.conf;\n}\n`,
      );
      const n = await run('/usr/sbin/nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')]).catch((e) => e as { stderr: string; code: number });
      expect(n.stderr).toContain('test is successful');
      await writeFile(join(dir, 'pool.conf'), renderFpmPool(config, layout));
      await writeFile(join(dir, 'php-fpm.conf'), `[global]\npid = ${dir}/fpm.pid\nerror_log = ${dir}/log/fpm.log\ninclude = ${dir}/pool.conf\n`);
      const p = await run('/usr/sbin/php-fpm8.2', ['-t', '-y', join(dir, 'php-fpm.conf')]).catch((e) => e as { stderr: string; code: number });
      expect(p.stderr).toContain('test is successful');
    });
  }
});

describe('WordPress server: what the generators refuse and produce', () => {
  const base = () => site(ACCESS[0]!);
  const HOSTILE_NAMES = [
    'blog.example.org; include /etc/shadow',
    'blog.example.org\nserver_name evil.example',
    'blog.example.org}',
    '*.*.example.org',
    '*example.org',
    'a.*.example.org',
    '*.org',
    'Blog.Example.org',
    'blog..example.org',
    '-blog.example.org',
    'localhost',
    '203.0.113.7',
    `${'a'.repeat(64)}.example.org`,
    "blog.example.org'",
    'blog.example.org$host',
  ];
  it('serves a one-label wildcard custom domain, and never calls it home', () => {
    const config = { ...base(), customDomains: ['*.example.org', 'shop.example.org'] };
    expect(() => checkServerConfig(config)).not.toThrow();
    expect(renderNginxSite(config, serverLayout(config))).toMatch(/server_name [^;]* \*\.example\.org shop\.example\.org;/);
    expect(renderWpConfig(config, serverLayout(config))).toContain("define('WP_HOME', 'https://shop.example.org');");
  });
  for (const name of HOSTILE_NAMES) {
    it(`refuses the custom domain ${JSON.stringify(name)} before it reaches nginx or PHP`, () => {
      const config = { ...base(), customDomains: [name] };
      expect(() => checkServerConfig(config)).toThrow(/customDomains\[0\]: .*(not a host name|an address|longer than)/);
      expect(() => renderNginxSite(config, serverLayout(base()))).toThrow(/customDomains\[0\]/);
      expect(() => renderWpConfig(config, serverLayout(base()))).toThrow(/customDomains\[0\]/);
    });
  }

  it('refuses every other field that lands in a configuration file, naming the field', () => {
    const cases: [Partial<WordPressServerConfig>, RegExp][] = [
      [{ site: 'Blog' }, /^site: /],
      [{ site: 'a/../b' }, /^site: /],
      [{ customDomains: ['blog.example.org', 'blog.example.org'] }, /listed twice/],
      [{ platformDomain: 'evil.example;' }, /^platformDomain: /],
      [{ phpVersion: '7.4' }, /^phpVersion: PHP "7.4" is not supported; supported: 8\.2/],
      [{ source: { type: 'debian', version: '6.1.9; rm -rf /' } }, /^source\.version: /],
      [{ database: { host: "db'; DROP", port: 3306, name: 'wordpress', user: 'wordpress', tls: true } }, /^database\.host: /],
      [{ database: { host: 'db', port: 70000, name: 'wordpress', user: 'wordpress', tls: true } }, /^database\.port: /],
      [{ database: { host: 'db', port: 3306, name: 'word`press', user: 'wordpress', tls: true } }, /^database\.name: /],
      [{ database: { host: 'db', port: 3306, name: 'wordpress', user: "wp'", tls: true } }, /^database\.user: /],
      [{ healthPath: '/wp-login.php' }, /^healthPath: /],
      [{ healthPath: '/health;' }, /^healthPath: /],
      [{ memoryMiB: 256 }, /^memoryMiB: /],
      [{ uploadMiB: 0 }, /^uploadMiB: /],
      [{ trustedProxies: ['10.0.0.0/16; allow all'] }, /^trustedProxies: /],
      [{ sharedStorage: { protocol: 'nfs', source: 'fs:/; rm -rf /' } }, /^sharedStorage: /],
      [{ sharedStorage: { protocol: 'nfs', source: 'fs:/', options: 'rw\nexec' } }, /^sharedStorage: /],
      [{ backup: { onCalendar: 'daily\nExecStart=/bin/sh', prefix: 'websites/blog' } }, /^backup\.onCalendar: /],
      [{ backup: { onCalendar: 'daily', prefix: 'websites/../other' } }, /^backup\.prefix: /],
      [{ objectCache: { host: 'cache;', port: 6379 } }, /^objectCache: /],
    ];
    for (const [extra, message] of cases) expect(() => checkServerConfig({ ...base(), ...extra }), JSON.stringify(extra)).toThrow(message);
    expect(() => checkServerConfig(base())).not.toThrow();
  });

  it('sizes PHP-FPM from memory: more memory, more workers, within bounds', () => {
    expect(fpmSizing(1024)).toMatchObject({ maxChildren: 8, memoryLimitMiB: 128 });
    expect(fpmSizing(2048)).toMatchObject({ maxChildren: 19, memoryLimitMiB: 256 });
    expect(fpmSizing(4096)).toMatchObject({ maxChildren: 38 });
    expect(fpmSizing(512).maxChildren).toBe(2);
    expect(fpmSizing(1024 * 1024).maxChildren).toBe(200);
    let last = 0;
    for (let mib = 512; mib <= 65536; mib += 256) {
      const s = fpmSizing(mib);
      expect(s.maxChildren).toBeGreaterThanOrEqual(last);
      expect(s.minSpare).toBeLessThanOrEqual(s.maxSpare);
      expect(s.maxSpare).toBeLessThanOrEqual(Math.max(s.maxChildren, 2));
      // Workers at 80 MiB each never take more than three quarters of the memory (the floor of 2 aside).
      if (s.maxChildren > 2) expect(s.maxChildren * 80).toBeLessThanOrEqual(mib * 0.75 + 1);
      last = s.maxChildren;
    }
    expect(renderFpmPool(site(ACCESS[0]!, { memoryMiB: 2048 }), serverLayout(base()))).toContain('pm.max_children = 19\n');
  });

  it('puts the site\'s files in its configuration document, sorted and stable, and nothing of them in the first-boot script', () => {
    const config = base();
    const doc = JSON.parse(renderSiteDocument(config));
    expect(Object.keys(doc)).toEqual(['absent', 'files', 'site', 'version']);
    expect(doc.files.map((f: { path: string }) => f.path)).toEqual(siteFiles(config).map((f) => f.path));
    expect(doc.absent).toEqual([]);
    expect(renderSiteDocument(config)).toBe(renderSiteDocument(structuredClone({ ...config, access: ACCESS[0]! })));
    // A site without a schedule removes the backup timer a previous document installed.
    expect(JSON.parse(renderSiteDocument({ ...config, backup: { onCalendar: '', prefix: 'websites/blog' } })).absent).toEqual(['/etc/systemd/system/autostack-website-backup.timer']);
    const script = renderWordPressBootstrap(config);
    expect(script).not.toContain('server_name');
    expect(script).not.toContain('pm.max_children');
    expect(script).toContain("CONFIG_KEY='autostack/config/website.json'");
  });

  it('writes no secret into any generated file: wp-config and the health check read them from the secrets file', () => {
    const config = base();
    const files = siteFiles(config);
    const wp = files.find((f) => f.path === '/etc/wordpress/config-blog.php')!;
    expect(wp.content).toContain("file_get_contents('/etc/autostack/website/secrets.json')");
    expect(wp.content).toMatch(/define\('DB_PASSWORD', \$autostack_secrets\['DB_PASSWORD'\]\);/);
    expect(wp.content).not.toMatch(/define\('(AUTH|SECURE_AUTH|LOGGED_IN|NONCE)_(KEY|SALT)', '/);
    expect(wp.content).toContain("define('WP_HOME', 'https://blog.example.org');");
    expect(wp).toMatchObject({ mode: '640', owner: 'root', group: 'wordpress' });
    const health = files.find((f) => f.path === '/etc/autostack/website/health.php')!;
    expect(health.content).toContain("$secrets['DB_PASSWORD']");
    // The secrets file itself is not among the generated files: the server writes it from the secret store.
    expect(files.map((f) => f.path)).not.toContain('/etc/autostack/website/secrets.json');
  });

  it('writes the object cache drop-in into wp-content only with an object cache, and lists it as absent without one', async (ctx) => {
    const dropIn = '/var/lib/autostack/wordpress/wp-content/object-cache.php';
    const on = JSON.parse(renderSiteDocument(base()));
    const file = on.files.find((f: { path: string }) => f.path === dropIn);
    expect(file).toEqual({ path: dropIn, content: OBJECT_CACHE_PHP, owner: 'root', group: 'wordpress', mode: '640' });
    expect(on.absent).not.toContain(dropIn);
    // The tool may write there (and nowhere else under wp-content would the document need to).
    expect(writableDirs(serverLayout(base()))).toContain('/var/lib/autostack/wordpress/wp-content');
    const wpConfig = renderWpConfig(base(), serverLayout(base()));
    expect(wpConfig).toContain("define('WP_REDIS_HOST', 'blog-cache.internal.example');");
    expect(wpConfig).toContain("define('WP_REDIS_PORT', 6379);");
    expect(wpConfig).toContain("define('WP_REDIS_SCHEME', 'tcp');");
    expect(wpConfig).toContain("define('WP_CACHE_KEY_SALT', 'blog:');");
    expect(renderWpConfig(site(ACCESS[0]!, { objectCache: { host: 'cache.example', port: 6380, tls: true } }), serverLayout(base()))).toContain("define('WP_REDIS_SCHEME', 'tls');");

    const off = JSON.parse(renderSiteDocument({ ...base(), objectCache: undefined }));
    expect(off.files.map((f: { path: string }) => f.path)).not.toContain(dropIn);
    expect(off.absent).toEqual([dropIn]);
    expect(off.files.map((f: { content: string }) => f.content).join('\n')).not.toMatch(/WP_REDIS_|WP_CACHE_KEY_SALT/);

    // PHP 8.2 accepts it; it defines every function of WordPress 6.1's cache API.
    php.guard(ctx);
    const dir = await tempDir('autostack-wp-object-cache-');
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'object-cache.php'), file.content);
    const lint = await run('php', ['-l', join(dir, 'object-cache.php')]);
    expect(lint.stdout).toContain('No syntax errors detected');
    const API = ['wp_cache_init', 'wp_cache_add', 'wp_cache_add_multiple', 'wp_cache_replace', 'wp_cache_set', 'wp_cache_set_multiple', 'wp_cache_get', 'wp_cache_get_multiple', 'wp_cache_delete', 'wp_cache_delete_multiple', 'wp_cache_incr', 'wp_cache_decr', 'wp_cache_flush', 'wp_cache_flush_runtime', 'wp_cache_flush_group', 'wp_cache_supports', 'wp_cache_close', 'wp_cache_add_global_groups', 'wp_cache_add_non_persistent_groups', 'wp_cache_switch_to_blog', 'wp_cache_reset'];
    const defined = await run('php', ['-r', `define('ABSPATH', '/'); require ${phpString(join(dir, 'object-cache.php'))}; $api = [${API.map(phpString).join(', ')}]; echo json_encode(array_combine($api, array_map('function_exists', $api)));`]);
    expect(JSON.parse(defined.stdout)).toEqual(Object.fromEntries(API.map((f) => [f, true])));
    // WordPress's own list, where this machine has Debian's WordPress: no function of it is missing.
    const core = await readFile('/usr/share/wordpress/wp-includes/cache.php', 'utf8').catch(() => '');
    for (const [, name] of core.matchAll(/^function (wp_cache_\w+)\(/gm)) expect(API, `wp-includes/cache.php defines ${name}`).toContain(name);
  });

  it('phpString makes a PHP literal of any text', async (ctx) => {
    php.guard(ctx);
    const text = "it's a \\ back\\'slash\n and $dollar {$x} \\\\";
    const out = await run('php', ['-r', `echo ${phpString(text)};`]);
    expect(out.stdout).toBe(text);
  });
});
