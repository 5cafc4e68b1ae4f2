// The Website kind's workload: from a resolved Website, its cloud plan and the cloud's access to the
// first-boot user data and the site's configuration document, on each of the three clouds.
import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { needCondition } from './tools.ts';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { CloudPlan } from '../knowledge-base/cloud-plan.ts';
import { awsAccess } from '../synth/clouds/aws/access.ts';
import { AWS_USER_DATA_LIMIT } from '../synth/clouds/aws/vm.ts';
import { azureAccess } from '../synth/clouds/azure/access.ts';
import { AZURE_CUSTOM_DATA_LIMIT } from '../synth/clouds/azure/vm.ts';
import { gcpAccess } from '../synth/clouds/gcp/access.ts';
import { GCP_METADATA_VALUE_LIMIT } from '../synth/clouds/gcp/vm.ts';
import { kindDefinition } from '../synth/core/registry/kinds.ts';
import type { CloudAccess, Workload } from '../synth/core/registry/kinds.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { WEBSITE_CONFIG_KEY } from '../synth/kinds/website/boot/bootstrap.ts';
import { instanceValue } from '../synth/kinds/website/boot/config.ts';
import { websiteCloudFile, websiteTool } from '../synth/kinds/website/boot/tool.ts';
import type { WebsiteModel } from '../synth/kinds/website/model.ts';
import { websiteServerConfig } from '../synth/kinds/website/workload.ts';
import { stackNames } from '../synth/stack/context.ts';
import type { StackContext } from '../synth/stack/context.ts';
import { cloudConfig } from '../synth/stack/user-data.ts';
import { tempDir } from './helpers.ts';
import { needTool } from './tools.ts';

const run = promisify(execFile);
const NOW = new Date('2026-11-29T12:00:00Z');
const settings = resolveSettings({ apiVersion: 'autostack.dev/v1', kind: 'Settings', spec: { org: 'acme', platform: { domain: 'sites.example.net' } } } as never);
const kind = kindDefinition('Website')!;
const workload = kind.infrastructure!.workload as Workload<WebsiteModel>;

function load(spec: string, name = 'shop'): WebsiteModel {
  const d = loadDocument('.autostack/site.yaml', `apiVersion: autostack.dev/v1\nkind: Website\nmetadata:\n  name: ${name}\nspec:\n${spec.replace(/^/gm, '  ')}\n`, settings, { now: NOW });
  expect(d.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  return d.model as WebsiteModel;
}

/** The largest site the schema takes: the longest names, ten extra routes, a hundred custom domains, every option on. */
function largest(): WebsiteModel {
  const n = 'a'.repeat(39);
  const label = (c: string, len = 63) => c.repeat(len);
  const custom = Array.from({ length: 100 }, (_, i) => `s${String(i).padStart(2, '0')}${label('c', 60)}.${label('d')}.${label('e')}.${label('f', 56)}.org`);
  const m = load([
    'region: us-east-1',
    `domains:\n  route: ${label('r')}\n  extraRoutes: [${Array.from({ length: 10 }, (_, i) => `x${i}${label('x', 61)}`).join(', ')}]\n  custom: [${custom.join(', ')}]`,
    'runtime: { size: xlarge, scaling: { min: 2, max: 20 }, objectCache: true, cdn: true }',
    'database: { size: xlarge, highAvailability: true }',
  ].join('\n'), `z${n}`);
  // Only us-east-1 prices every website resource today: a second active region as the model holds it.
  return { ...m, availability: { mode: 'activeActive', regions: ['us-west'] } };
}

/** Each cloud's access for the site, from the cloud's own access module, and what the cloud does with the script. */
function accessOf(model: WebsiteModel, plan: CloudPlan): { access: CloudAccess; userData: (script: string) => string; limit: number } {
  const subject = { name: model.name, project: model.project, org: model.org, labels: model.labels };
  const ctx = { subject, plan, names: stackNames(subject, plan.cloud), workload } as unknown as StackContext;
  switch (plan.cloud) {
    case 'aws': return { access: awsAccess(ctx), userData: cloudConfig, limit: AWS_USER_DATA_LIMIT };
    case 'azure': return { access: azureAccess(ctx), userData: cloudConfig, limit: AZURE_CUSTOM_DATA_LIMIT };
    // GCP passes the script itself as the startup-script metadata value.
    default: return { access: gcpAccess(ctx), userData: (s) => s, limit: GCP_METADATA_VALUE_LIMIT };
  }
}

const plansOf = (m: WebsiteModel) => kind.infrastructure!.plan(m);

/** The tool sets file owners, so it runs as root (.ci/run does); outside CI a non-root run skips saying so. */
const asRoot = needCondition(process.getuid?.() === 0, 'root', 'run the tests as root: the tool sets file owners (.ci/run does)');

describe('Website workload: the server configuration from the site, its plan and its cloud', () => {
  it('takes the names, versions, instance memory, networks and schedule from the site, and apply-time values from instance values', () => {
    const m = load('region: us-east-1\ndomains:\n  extraRoutes: [shop]\n  custom: ["*.example.org", example.com]\nruntime: { size: medium, objectCache: true }\nfileBackup: { schedule: "15 2 * * *" }');
    for (const plan of plansOf(m)) {
      const { access } = accessOf(m, plan);
      const c = websiteServerConfig(m, plan, 0, access);
      expect(c).toMatchObject({
        site: 'shop',
        platformDomain: 'www.shop.acme.www.sites.example.net',
        platformAliases: ['shop.shop.acme.www.sites.example.net'],
        customDomains: ['*.example.org', 'example.com'],
        phpVersion: '8.2',
        source: { type: 'debian', version: '6.1.9' },
        database: { host: instanceValue('db-host'), port: 3306, name: 'wordpress', user: 'wordpress', tls: true },
        sharedStorage: { protocol: 'nfs', source: instanceValue('nfs-export') },
        objectCache: { host: instanceValue('cache-host'), port: 6379, tls: false },
        healthPath: '/healthz',
        backup: { onCalendar: '*-*-* 02:15:00', prefix: 'backups/shop' },
      });
      // medium: 8 GiB on every cloud's chosen type.
      expect(c.memoryMiB, plan.cloud).toBe(8192);
      expect(c.trustedProxies.length, plan.cloud).toBeGreaterThan(0);
      expect(c.sharedStorage!.options, plan.cloud).toMatch(/_netdev/);
      // The cloud sets exactly the values the configuration names.
      expect(workload.instanceValues!(m, plan, 0).map((v) => [v.name, v.resource, v.attribute])).toEqual([['db-host', 'mysql/shop', 'host'], ['db-secret', 'mysql/shop', 'password-secret'], ['nfs-export', 'file-share/shop', 'nfs-export'], ['cache-host', 'cache/shop', 'host']]);
    }
  });

  it('gives the standby group of an active/passive site its own file share and its own region\'s read replica, never the writer across regions', () => {
    const m: WebsiteModel = { ...load('region: us-east-1\nruntime: { objectCache: true }'), availability: { mode: 'activePassive', standbyRegion: 'us-west' } };
    const plan = plansOf(m)[0]!;
    expect(workload.instanceValues!(m, plan, 0).map((v) => v.resource)).toEqual(['mysql/shop', 'mysql/shop', 'file-share/shop', 'cache/shop']);
    expect(workload.instanceValues!(m, plan, 1).map((v) => v.resource)).toEqual(['mysql/shop-replica-1', 'mysql/shop-replica-1', 'file-share/shop-standby-1', 'cache/shop-standby-1']);
    expect(workload.instanceValues!(m, plan, 1)[0]!.description).toMatch(/read replica of the group's region/);
    expect(() => workload.instanceValues!(m, plan, 2)).toThrow(/no instance group 2/);
    // An active region's servers write: the one writer (the cloud connects the regions).
    const active: WebsiteModel = { ...m, availability: { mode: 'activeActive', regions: ['us-west'] } };
    expect(workload.instanceValues!(active, plansOf(active)[0]!, 1).map((v) => v.resource)).toEqual(['mysql/shop', 'mysql/shop', 'file-share/shop-active-1', 'cache/shop-active-1']);
  });

  it('refuses, with the fix, a site with no name to serve', () => {
    const bare = resolveSettings({ apiVersion: 'autostack.dev/v1', kind: 'Settings', spec: { org: 'acme' } } as never);
    const d = loadDocument('.autostack/site.yaml', 'apiVersion: autostack.dev/v1\nkind: Website\nmetadata:\n  name: shop\nspec:\n  region: us-east-1\n', bare, { now: NOW });
    const m = d.model as WebsiteModel;
    const plan = plansOf(m)[0]!;
    expect(() => websiteServerConfig(m, plan, 0, accessOf(m, plan).access)).toThrow(/no name to serve: set spec\.platform\.domain .* or add an exact name to spec\.domains\.custom/);
    // What the servers cannot deploy (a zip, a Bedrock project) is refused with what to write instead; a wp-content repository is deployed.
    const zip = { ...m, source: { type: 'zip', archive: 'site/export.zip' } } as WebsiteModel;
    expect(() => websiteServerConfig(zip, plan, 0, accessOf(m, plan).access)).toThrow(/zip source is not deployed by the web servers yet .*use source: \{ type: blank \} or a git repository of wp-content/);
    const bedrock = { ...m, source: { type: 'git', repository: 'https://github.com/acme/site.git', ref: 'main', layout: 'bedrock' } } as WebsiteModel;
    expect(() => websiteServerConfig(bedrock, plan, 0, accessOf(m, plan).access)).toThrow(/Bedrock project is not deployed .* use layout: wp-content/);
    const git = load('region: us-east-1\nsource: { type: git, repository: "https://github.com/acme/site.git", ref: v1.2, layout: wp-content }');
    expect(websiteServerConfig(git, plansOf(git)[0]!, 0, accessOf(m, plan).access).code).toEqual({ repository: 'https://github.com/acme/site.git', ref: 'v1.2' });
    // A custom domain alone is enough: it leads.
    const c = load('region: us-east-1\ndomains:\n  custom: [blog.example.com]');
    expect(websiteServerConfig({ ...c, names: { ...c.names, platformDomain: undefined } } as WebsiteModel, plan, 0, accessOf(m, plan).access)).toMatchObject({ platformDomain: 'blog.example.com', customDomains: [] });
  });
});

describe('Website workload: user data and the site document on each cloud', () => {
  const big = largest();
  for (const plan of plansOf(big)) {
    it(`${plan.cloud}: the largest schema-valid site's user data is within the limit, valid cloud-config and shellcheck-clean`, async (ctx) => {
      const { access, userData, limit } = accessOf(big, plan);
      const script = workload.bootScript(big, plan, 0, access);
      const data = userData(script);
      expect(Buffer.byteLength(data)).toBeLessThan(limit);
      console.log(`${plan.cloud}: website user data ${Buffer.byteLength(data)} bytes of ${limit}`);
      // The apply-time values are read on the server, never baked in.
      expect(script).toContain("NFS_SOURCE='@@autostack:nfs-export@@'");
      needTool('shellcheck').guard(ctx);
      for (const [what, text] of [['first-boot script', script], ['cloud functions', websiteCloudFile(access)]] as const) {
        const r = await new Promise<{ code: number; out: string }>((resolve) => {
          const child = execFile('shellcheck', ['--shell=bash', '--severity=style', '-'], (err, stdout) => resolve({ code: err ? 1 : 0, out: stdout }));
          child.stdin!.end(text);
        });
        expect(r.out, what).toBe('');
        expect(r.code, what).toBe(0);
      }
      needTool('cloud-init').guard(ctx);
      const dir = await tempDir('autostack-website-ud-');
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      await writeFile(join(dir, 'user-data.yaml'), cloudConfig(script));
      const out = await run('cloud-init', ['schema', '--config-file', join(dir, 'user-data.yaml')]).catch((e) => e as { stdout: string; stderr: string });
      expect(`${out.stdout}${out.stderr}`).toMatch(/^Valid cloud-config: /m);
    });

    it(`${plan.cloud}: the site document at ${WEBSITE_CONFIG_KEY} serves every name of the site and is the same for every group`, () => {
      const { access } = accessOf(big, plan);
      const doc = workload.serverConfig!(big, plan, 0, access);
      expect(doc.key).toBe(WEBSITE_CONFIG_KEY);
      expect(workload.serverConfig!(big, plan, 1, access)).toEqual(doc);
      const files = (JSON.parse(doc.content) as { site: string; files: { path: string; content: string }[] });
      expect(files.site).toBe(big.name);
      const nginx = files.files.find((f) => f.path.startsWith('/etc/nginx/conf.d/'))!.content;
      const names = [`${'r'.repeat(63)}.${big.name}.acme.www.sites.example.net`, ...big.names.extraRoutes.map((r) => `${r}.${big.name}.acme.www.sites.example.net`), ...big.names.custom];
      expect(names).toHaveLength(111);
      const served = nginx.match(/server_name ([^;]*);/g)!.flatMap((l) => l.slice('server_name '.length, -1).split(' '));
      for (const n of names) expect(served, n).toContain(n);
      // WordPress's address: the first custom domain (an exact one).
      const wpConfig = files.files.find((f) => f.path.startsWith('/etc/wordpress/'))!.content;
      expect(wpConfig).toContain(`define('WP_HOME', 'https://${big.names.custom[0]}');`);
    });
  }
});

describe('the website tool fills instance values into the document before writing it', () => {
  async function setup(value: string) {
    const dir = await tempDir('autostack-website-iv-');
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const etc = join(dir, 'etc');
    await mkdir(etc, { recursive: true });
    const siteEnv = join(etc, 'site.env');
    // The cloud's instance_value, answering from the test's table.
    await writeFile(join(dir, 'cloud.sh'), `instance_value() { case "$1" in db-host) printf '%s' ${JSON.stringify(value)} ;; *) return 1 ;; esac; }\n`);
    await writeFile(join(dir, 'node.env'), [`SITE=shop`, `PHP_VERSION=8.2`, `CONFIG_KEY=x`, `CLOUD_FUNCTIONS='${dir}/cloud.sh'`, `SITE_ENV='${siteEnv}'`, `STATE_DIR='${dir}/state'`, `WRITABLE_DIRS='${etc}'`, `RELOAD=''`, ''].join('\n'));
    const env = ['DB_HOST=\'@@autostack:db-host@@\'', 'DB_PORT=3306', 'DB_NAME=wordpress', 'DB_USER=wordpress', 'DB_TLS=yes', `DOCUMENT_ROOT='${dir}/root'`, `CONTENT_DIR='${dir}/content'`, `UPLOADS_DIR='${dir}/content/uploads'`, `SECRETS_FILE='${etc}/secrets.json'`, 'PHP_USER=root', 'PHP_GROUP=root', 'BACKUP_PREFIX=backups/shop', `LOG_DIR='${dir}/log'`, ''].join('\n');
    const doc = { absent: [], files: [{ content: env, group: 'root', mode: '600', owner: 'root', path: siteEnv }], site: 'shop', version: 1 };
    await writeFile(join(dir, 'doc.json'), JSON.stringify(doc));
    await writeFile(join(dir, 'tool.sh'), websiteTool(), { mode: 0o755 });
    const result = await run('bash', [join(dir, 'tool.sh'), 'apply', join(dir, 'doc.json')], { env: { ...process.env, AUTOSTACK_NODE_ENV: join(dir, 'node.env') } }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    return { result, siteEnv };
  }

  it('writes the database address the cloud set on the server', async (ctx) => {
    asRoot.guard(ctx);
    const { result, siteEnv } = await setup('shop-db.abc123.us-east-1.rds.amazonaws.com');
    expect(result.out).toMatch(/applied configuration/);
    expect(result.code).toBe(0);
    expect(await readFile(siteEnv, 'utf8')).toContain("DB_HOST='shop-db.abc123.us-east-1.rds.amazonaws.com'");
  });

  it('refuses a value that is not a host name, and writes nothing', async (ctx) => {
    asRoot.guard(ctx);
    const { result, siteEnv } = await setup("db'; touch /tmp/pwned; '");
    expect(result.code).not.toBe(0);
    expect(result.out).toMatch(/no usable instance value autostack-db-host/);
    await expect(readFile(siteEnv, 'utf8')).rejects.toThrow();
  });
});

describe('the website tool on a standby region\'s read-only shared storage', () => {
  /** Mounting a read-only file system (the stand-in for an EFS replication destination) needs root with CAP_SYS_ADMIN, as .ci/run has. */
  async function readOnlyShared(dir: string): Promise<boolean> {
    const shared = join(dir, 'shared');
    await mkdir(shared, { recursive: true });
    try {
      await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', shared]);
    } catch {
      return false;
    }
    onTestFinished(() => run('umount', [shared]).then(() => undefined, () => undefined));
    // What replication brought over, then read-only as a replica is.
    await mkdir(join(shared, 'uploads', '2026'), { recursive: true });
    await writeFile(join(shared, 'uploads', '2026', 'logo.png'), 'png');
    // Not the mode the tool gives it (the replica keeps the primary's owners and modes, which need not be this server's): it must change something.
    await chmod(join(shared, 'uploads'), 0o700);
    await run('mount', ['-o', 'remount,ro', shared]);
    return true;
  }

  async function prepare(dir: string, uploads: string) {
    const etc = join(dir, 'etc');
    await mkdir(etc, { recursive: true });
    await mkdir(join(dir, 'root', 'wp-content', 'themes'), { recursive: true });
    const siteEnv = join(etc, 'site.env');
    await writeFile(join(dir, 'node.env'), [`SITE=shop`, `PHP_VERSION=8.2`, `CONFIG_KEY=x`, `CLOUD_FUNCTIONS='${dir}/cloud.sh'`, `SITE_ENV='${siteEnv}'`, `STATE_DIR='${dir}/state'`, `WRITABLE_DIRS='${etc}'`, `RELOAD=''`, ''].join('\n'));
    await writeFile(join(dir, 'cloud.sh'), 'instance_value() { return 1; }\n');
    await writeFile(siteEnv, ['DB_HOST=db.example.internal', 'DB_PORT=3306', 'DB_NAME=wordpress', 'DB_USER=wordpress', 'DB_TLS=yes', `DOCUMENT_ROOT='${dir}/root'`, `CONTENT_DIR='${dir}/content'`, `UPLOADS_DIR='${uploads}'`, `SECRETS_FILE='${etc}/secrets.json'`, 'PHP_USER=root', 'PHP_GROUP=root', 'BACKUP_PREFIX=backups/shop', `LOG_DIR='${dir}/log'`, ''].join('\n'));
    await writeFile(join(dir, 'tool.sh'), websiteTool(), { mode: 0o755 });
    return run('bash', [join(dir, 'tool.sh'), 'prepare'], { env: { ...process.env, AUTOSTACK_NODE_ENV: join(dir, 'node.env') } }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
  }

  it('serves the replicated uploads of a read-only replica instead of failing the boot', async (ctx) => {
    asRoot.guard(ctx);
    const dir = await tempDir('autostack-website-ro-');
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    needCondition(await readOnlyShared(dir), 'mount', 'run the tests as root with CAP_SYS_ADMIN (.ci/run does): a read-only file system stands in for the EFS replica').guard(ctx);
    const result = await prepare(dir, join(dir, 'shared', 'uploads'));
    expect(result.out).toMatch(/read-only \(a standby region's replica until failover\)/);
    expect(result.code).toBe(0);
    // WordPress's uploads directory is the replica's: what replication brought over is served.
    expect(await readFile(join(dir, 'content', 'uploads', '2026', 'logo.png'), 'utf8')).toBe('png');
  });
});
