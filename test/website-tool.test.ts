import '../synth/node.ts';
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudAccess } from '../synth/core/registry/kinds.ts';
import { shellQuote } from '../synth/core/render/shell.ts';
import { renderNodeEnv, renderSiteDocument } from '../synth/kinds/website/boot/bootstrap.ts';
import { DEBIAN_WORDPRESS, SALT_NAMES } from '../synth/kinds/website/boot/config.ts';
import type { ServerLayout, WordPressServerConfig } from '../synth/kinds/website/boot/config.ts';
import { renderSiteEnv, websiteCloudFile, websiteTool } from '../synth/kinds/website/boot/tool.ts';
import { freePort, processRunner } from './real-process.ts';
import { needAll, needCondition, needTool } from './tools.ts';

/*
 * The website tool's secrets and git deploy on this machine, without nginx, PHP-FPM or a database:
 * a "loopback cloud" whose secret is a file (and whose reads can be made to fail, printing nothing,
 * as the clouds' secret_read does), a bare repository over file://, and a small HTTP server in the
 * test standing in for the site's home page (it answers the status the live release's theme names).
 */

const SITE = `wp-tool-${process.pid}`;
const { sh } = processRunner(120_000);
const NEED = needAll(needTool('git', 'php', 'curl', 'python3', 'flock'), needCondition(process.getuid?.() === 0, 'root', 'run the tests as root (the tool writes root-owned files with the site\'s group)'));
beforeEach(NEED.guard);

let root = '';
let layout: ServerLayout;
let config: WordPressServerConfig;
let secretFile = '';
let server: Server | undefined;
/** The statuses the stand-in home page answered, in order. */
const answered: number[] = [];

function loopbackAccess(): CloudAccess {
  return {
    storage: { protocol: 's3', bucket: 'unused', region: 'us-east-1', endpoint: '127.0.0.1' },
    shellConstants: [`SECRET_FILE=${shellQuote(secretFile)}`, `FAILS=${shellQuote(join(root, 'secret-fails'))}`],
    // A failed read prints nothing and succeeds, as the clouds' secret_read does (`|| true`); FAILS holds how many reads fail next.
    shellFunctions: [
      'secret_read() {',
      '  local n; n="$(cat "$FAILS" 2>/dev/null || echo 0)"',
      '  if [ "$n" -gt 0 ]; then echo $((n - 1)) >"$FAILS"; return 0; fi',
      '  if [ $# -gt 0 ]; then cat "$SECRET_FILE.$1" 2>/dev/null || true; else cat "$SECRET_FILE" 2>/dev/null || true; fi',
      '}',
      'secret_write() { cat >"$SECRET_FILE"; }',
      '',
    ].join('\n'),
  };
}

const tool = (...args: string[]) => sh(layout.toolPath, args, { AUTOSTACK_NODE_ENV: join(layout.configDir, 'node.env') });
const git = async (...args: string[]) => {
  const r = await sh('git', args);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
async function writeSiteEnv(c: WordPressServerConfig): Promise<void> {
  await writeFile(join(layout.configDir, 'site.env'), renderSiteEnv(c, layout), { mode: 0o600 });
}

beforeAll(async () => {
  if (!NEED.present) return;
  root = await mkdtemp(join(tmpdir(), 'autostack-wptool-'));
  await chmod(root, 0o755);
  secretFile = join(root, 'secret.json');
  layout = {
    listenPort: await freePort(),
    phpUser: 'nobody',
    phpGroup: 'nogroup',
    webUser: 'www-data',
    fpmSocket: join(root, 'run', 'php-fpm.sock'),
    configDir: join(root, 'etc'),
    wpConfigDir: join(root, 'wordpress'),
    contentDir: join(root, 'wp-content'),
    sharedMount: join(root, 'shared'),
    logDir: join(root, 'log'),
    stateDir: join(root, 'state'),
    documentRoot: join(root, 'docroot'),
    nginxSiteFile: join(root, 'nginx', 'site.conf'),
    fpmPoolFile: join(root, 'php', 'pool.conf'),
    toolPath: join(root, 'sbin', 'autostack-website'),
    unitsDir: join(root, 'units'),
  };
  config = {
    site: SITE,
    platformDomain: 'www.blog.acme.www.example.test',
    customDomains: [],
    phpVersion: '8.2',
    source: { type: 'debian', version: DEBIAN_WORDPRESS },
    database: { host: '127.0.0.1', port: 3306, name: 'wordpress', user: 'wp', tls: false, passwordSecret: 'db-pass' },
    access: loopbackAccess(),
    healthPath: '/healthz',
    memoryMiB: 1024,
    uploadMiB: 8,
    trustedProxies: ['127.0.0.1/32'],
    xmlrpc: false,
    backup: { onCalendar: '', prefix: `websites/${SITE}` },
  };
  for (const d of [layout.configDir, layout.stateDir, dirname(layout.toolPath), layout.contentDir]) await mkdir(d, { recursive: true });
  await writeFile(layout.toolPath, websiteTool(), { mode: 0o755 });
  await writeFile(join(layout.configDir, 'cloud.sh'), websiteCloudFile(config.access), { mode: 0o600 });
  await writeFile(join(layout.configDir, 'node.env'), renderNodeEnv(config, layout, { mode: 'none' }), { mode: 0o600 });
  await writeSiteEnv(config);
  await writeFile(`${secretFile}.db-pass`, 'pw-from-the-stack\n');
  // The home page: the status the live release's theme names in its file `status` (200 without one).
  server = createServer((_req, res) => {
    let status = 200;
    try {
      status = Number(readFileSync(join(layout.stateDir, 'code', 'current', 'themes', 't', 'status'), 'utf8').trim()) || 200;
    } catch {
      /* no release or no status file */
    }
    answered.push(status);
    res.writeHead(status).end('home');
  });
  await new Promise<void>((r) => server!.listen(layout.listenPort, '127.0.0.1', r));
});

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the website tool\'s secrets: a failed read of the secret store is never taken for an empty secret', () => {
  const saltsOf = (doc: Record<string, string>) => Object.fromEntries(SALT_NAMES.map((n) => [n, doc[n]]));

  it('keeps the salts and the other fields of the secret when a server that has its secrets file cannot read the secret', async () => {
    await writeFile(secretFile, JSON.stringify({ GIT_TOKEN: 'token-kept-by-the-customer' }));
    const first = await tool('secrets');
    expect(first.code, first.stderr).toBe(0);
    const stored = await readFile(secretFile, 'utf8');
    expect(JSON.parse(stored).GIT_TOKEN).toBe('token-kept-by-the-customer');
    const file = await readFile(join(layout.configDir, 'secrets.json'), 'utf8');
    // The store does not answer (a throttled or timed-out read prints nothing).
    await writeFile(join(root, 'secret-fails'), '1000');
    const failed = await tool('secrets');
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('cannot read the site\'s secret');
    expect(await readFile(secretFile, 'utf8')).toBe(stored);
    expect(await readFile(join(layout.configDir, 'secrets.json'), 'utf8')).toBe(file);
    await writeFile(join(root, 'secret-fails'), '0');
  });

  it('a new server whose first read fails reads again before it makes salts: the stored ones stay', async () => {
    const stored = JSON.parse(await readFile(secretFile, 'utf8'));
    await rm(join(layout.configDir, 'secrets.json'));
    await writeFile(join(root, 'secret-fails'), '1');
    const r = await tool('secrets');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(await readFile(secretFile, 'utf8'))).toEqual(stored);
    const written = JSON.parse(await readFile(join(layout.configDir, 'secrets.json'), 'utf8'));
    expect(saltsOf(written)).toEqual(saltsOf(stored));
    expect(written.DB_PASSWORD).toBe('pw-from-the-stack');
  });
});

describe('the website tool\'s git deploy', { timeout: 120_000 }, () => {
  const bare = () => join(root, 'site.git');
  const work = () => join(root, 'site-work');
  const codeDir = () => join(layout.stateDir, 'code');
  const commit = async (marker: string, files: Record<string, string>, links: Record<string, string> = {}) => {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(work(), path)), { recursive: true });
      await writeFile(join(work(), path), text);
    }
    for (const [path, target] of Object.entries(links)) {
      await mkdir(dirname(join(work(), path)), { recursive: true });
      await symlink(target, join(work(), path));
    }
    await git('-C', work(), 'add', '-A');
    await git('-C', work(), '-c', 'user.name=t', '-c', 'user.email=t@example.test', 'commit', '-q', '-m', marker);
    await git('-C', work(), 'push', '-q', bare(), 'main');
    return git('-C', work(), 'rev-parse', 'HEAD');
  };
  const live = async () => readlink(join(codeDir(), 'current'));
  const theme = (marker: string, status = 200) => ({ 'themes/t/style.css': '/*\nTheme Name: T\n*/\n', 'themes/t/index.php': `<?php echo '${marker}';\n`, 'themes/t/status': `${status}\n`, 'plugins/p/p.php': `<?php // plugin ${marker}\n` });
  let first = '';

  beforeAll(async () => {
    if (!NEED.present) return;
    await git('init', '-q', '--bare', '-b', 'main', bare());
    await git('init', '-q', '-b', 'main', work());
    await writeSiteEnv({ ...config, code: { repository: `file://${bare()}`, ref: 'main' } });
  });

  it('keeps the links of themes and plugins a new release still has (never removed and made again under running requests)', async () => {
    first = await commit('a', theme('a'));
    const a = await tool('deploy');
    expect(a.code, a.stderr).toBe(0);
    const link = join(layout.contentDir, 'plugins', 'p');
    expect(await readlink(link)).toBe(join(codeDir(), 'current', 'plugins', 'p'));
    const before = (await lstat(link)).ino;
    const second = await commit('b', theme('b'));
    const b = await tool('deploy');
    expect(b.code, b.stderr).toBe(0);
    expect(await live()).toBe(second);
    expect((await lstat(link)).ino).toBe(before);
  });

  it('a commit rolled back for a server error is not put live again at the next run while the ref still names it', async () => {
    const good = await live();
    const bad = await commit('c', theme('c', 500));
    const r = await tool('deploy');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`commit ${bad.slice(0, 12)} answered the home page with a server error: rolled back to ${good.slice(0, 12)}`);
    expect(await live()).toBe(good);
    const errors = answered.filter((s) => s === 500).length;
    expect(errors).toBeGreaterThan(0);
    const again = await tool('deploy');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`commit ${bad.slice(0, 12)}`);
    expect(again.stderr).toContain('failed on this server');
    // The visitors saw no second round of server errors.
    expect(answered.filter((s) => s === 500).length).toBe(errors);
    expect(await live()).toBe(good);
  });

  it('never prunes the live release: a ref moved back to an old commit keeps it', async () => {
    const bad = await commit('d', theme('d', 500));
    expect((await tool('deploy')).code).not.toBe(0);
    expect(await live()).not.toBe(bad);
    await writeSiteEnv({ ...config, code: { repository: `file://${bare()}`, ref: first } });
    const r = await tool('deploy');
    expect(r.code, r.stderr).toBe(0);
    expect(await live()).toBe(first);
    expect(existsSync(join(codeDir(), first, 'themes', 't', 'index.php'))).toBe(true);
    expect(existsSync(join(layout.contentDir, 'themes', 't', 'index.php'))).toBe(true);
    await writeSiteEnv({ ...config, code: { repository: `file://${bare()}`, ref: 'main' } });
  });

  it('refuses a commit whose links point outside the release (the server\'s files must not be served as a theme or plugin)', async () => {
    const before = await live();
    const leak = await commit('e', theme('e'), { 'plugins/leak': '../../../../../../../../../../etc', 'themes/t/passwd': '/etc/passwd' });
    const r = await tool('deploy');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`commit ${leak.slice(0, 12)} of file://${bare()} has links that point outside it`);
    expect(await live()).toBe(before);
    expect(existsSync(join(layout.contentDir, 'plugins', 'leak'))).toBe(false);
    expect(existsSync(join(codeDir(), leak))).toBe(false);
  });
});

describe('the website tool under systemd: a timer the document removes', () => {
  it('stops it and takes it out of timers.target (systemctl cannot disable a unit whose file is already gone)', async () => {
    // Stand-ins on PATH: nginx and PHP-FPM accept any configuration; systemctl keeps a log and does
    // what systemd does with enable (a link in timers.target.wants) and with disable (refused once the unit file is gone).
    const bin = join(root, 'fake-bin');
    const log = join(root, 'systemctl.log');
    await mkdir(bin, { recursive: true });
    for (const name of ['nginx', 'php-fpm8.2']) await writeFile(join(bin, name), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const wants = join(layout.unitsDir, 'timers.target.wants');
    await writeFile(join(bin, 'systemctl'), [
      '#!/bin/bash',
      `echo "$*" >>${shellQuote(log)}`,
      'if [ "$1" = enable ] || [ "$1" = disable ]; then',
      '  verb="$1"; shift; [ "$1" = --now ] && shift',
      `  [ -f ${shellQuote(layout.unitsDir)}/"$1" ] || { echo "Failed to $verb unit: Unit file $1 does not exist." >&2; exit 1; }`,
      `  mkdir -p ${shellQuote(wants)}`,
      `  if [ "$verb" = enable ]; then ln -sfn ${shellQuote(layout.unitsDir)}/"$1" ${shellQuote(wants)}/"$1"; else rm -f ${shellQuote(wants)}/"$1"; fi`,
      'fi',
      'exit 0',
      '',
    ].join('\n'), { mode: 0o755 });
    const nodeEnv = join(layout.configDir, 'node-systemd.env');
    await writeFile(nodeEnv, renderNodeEnv(config, layout, { mode: 'systemd' }), { mode: 0o600 });
    const env = { AUTOSTACK_NODE_ENV: nodeEnv, PATH: `${bin}:${process.env.PATH}` };
    const apply = async (c: WordPressServerConfig) => {
      const file = join(root, 'document.json');
      await writeFile(file, renderSiteDocument(c, layout));
      const r = await sh(layout.toolPath, ['apply', file], env);
      expect(r.code, r.stderr).toBe(0);
    };
    const timer = 'autostack-website-backup.timer';
    await apply({ ...config, backup: { ...config.backup, onCalendar: '*-*-* 03:00:00' } });
    expect(existsSync(join(wants, timer))).toBe(true);
    await apply(config);
    expect(existsSync(join(layout.unitsDir, timer))).toBe(false);
    expect(await readFile(log, 'utf8')).toContain(`stop ${timer}`);
    // Not enabled any more: nothing starts it at the next boot.
    expect(existsSync(join(wants, timer))).toBe(false);
    await lstat(join(wants, timer)).then(() => expect.unreachable('the dangling link is left'), () => undefined);
  });
});

describe('the website tool on a standby region\'s read-only shared storage: the backup', () => {
  it('backs up the replicated uploads as they are (it does not try to create their directory on the read-only replica)', async (ctx) => {
    const shared = join(root, 'ro-shared');
    await mkdir(join(shared), { recursive: true });
    const mounted = await sh('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', shared]);
    needCondition(mounted.code === 0, 'mount', 'run the tests as root with CAP_SYS_ADMIN (.ci/run does): a read-only file system stands in for the EFS replica').guard(ctx);
    try {
      await mkdir(join(shared, 'uploads', '2026'), { recursive: true });
      await writeFile(join(shared, 'uploads', '2026', 'logo.png'), 'png');
      // The replica keeps the primary's modes, not the ones the tool would give.
      await chmod(join(shared, 'uploads'), 0o750);
      expect((await sh('mount', ['-o', 'remount,ro', shared])).code).toBe(0);
      const standby = { ...layout, sharedMount: shared };
      const c: WordPressServerConfig = { ...config, sharedStorage: { protocol: 'nfs', source: 'files.example.test:/wordpress' } };
      // The objects are a directory; mysqldump a stand-in (the replica's dump is not what is tested here).
      const objects = join(root, 'objects');
      const bin = join(root, 'backup-bin');
      await mkdir(bin, { recursive: true });
      await writeFile(join(bin, 'mysqldump'), '#!/bin/sh\necho "-- dump"\n', { mode: 0o755 });
      const cloud = join(root, 'backup-cloud.sh');
      await writeFile(cloud, `OBJECTS=${shellQuote(objects)}\nobject_put() { mkdir -p "$(dirname "$OBJECTS/$1")"; cp "$2" "$OBJECTS/$1"; }\nobject_get() { cp "$OBJECTS/$1" "$2"; }\n`);
      const siteEnv = join(root, 'backup-site.env');
      await writeFile(siteEnv, renderSiteEnv(c, standby));
      const nodeEnv = join(root, 'backup-node.env');
      await writeFile(nodeEnv, renderNodeEnv(c, standby, { mode: 'none' }).replace(/^CLOUD_FUNCTIONS=.*$/m, `CLOUD_FUNCTIONS=${shellQuote(cloud)}`).replace(/^SITE_ENV=.*$/m, `SITE_ENV=${shellQuote(siteEnv)}`));
      await writeFile(join(layout.configDir, 'secrets.json'), JSON.stringify({ DB_PASSWORD: 'x' }));
      const r = await sh(layout.toolPath, ['backup'], { AUTOSTACK_NODE_ENV: nodeEnv, PATH: `${bin}:${process.env.PATH}` });
      expect(r.code, r.stderr).toBe(0);
      const stamp = (await readFile(join(objects, c.backup.prefix, 'latest'), 'utf8')).trim();
      const list = await sh('tar', ['-tzf', join(objects, c.backup.prefix, stamp, 'uploads.tar.gz')]);
      expect(list.stdout).toContain('./2026/logo.png');
    } finally {
      await sh('umount', [shared]);
    }
  });
});
