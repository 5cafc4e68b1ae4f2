import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.ts';

const SCRIPT = join(ROOT, 'scripts/system-deps.sh');
const COMMANDS = ['shellcheck', 'git', 'pgbackrest', 'cloud-init', 'python3', 'openssl', 'runuser', 'flock', 'systemd-analyze', 'php', 'curl', 'redis-server', 'redis-cli', 'terraform', 'actionlint'];
const WORDPRESS = ['/usr/sbin/mariadbd', '/usr/sbin/php-fpm8.2', '/etc/php/8.2/mods-available/mysqli.ini', '/usr/sbin/nginx', '/usr/share/wordpress/wp-settings.php', '/usr/share/wordpress/wp-content/themes/twentytwentythree/theme.json', '/etc/php/8.2/mods-available/redis.ini'];
const FILES = ['/usr/bin/chromium', '/usr/lib/postgresql/15/bin/postgres', ...WORDPRESS];

/**
 * A machine made up for the script: a PATH holding fake executables for `commands` only (plus `id`
 * and `sed`, which the script itself uses), and a root prefix holding the absolute-path probes in `files`.
 */
async function machine(commands: string[], files: string[]): Promise<{ PATH: string; SYSTEM_DEPS_PREFIX: string }> {
  const dir = await tempDir('system-deps-');
  const bin = join(dir, 'bin');
  await mkdir(bin);
  for (const c of commands) {
    await writeFile(join(bin, c), '#!/bin/sh\nexit 0\n');
    await chmod(join(bin, c), 0o755);
  }
  for (const tool of ['id', 'sed']) await symlink((await promisify(execFile)('sh', ['-c', `command -v ${tool}`])).stdout.trim(), join(bin, tool));
  const prefix = join(dir, 'root');
  for (const f of files) {
    await mkdir(join(prefix, f, '..'), { recursive: true });
    await writeFile(join(prefix, f), '#!/bin/sh\n');
    await chmod(join(prefix, f), 0o755);
  }
  return { PATH: bin, SYSTEM_DEPS_PREFIX: prefix };
}

async function systemDeps(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)('/bin/bash', [SCRIPT, ...args], { env: { CI: '', ...env } });
    return { code: 0, stdout };
  } catch (e) {
    return { code: (e as { code: number }).code, stdout: (e as { stdout: string }).stdout };
  }
}

describe('scripts/system-deps.sh', () => {
  it('prints the one apt-get command naming exactly the missing packages, and installs nothing with --print', async () => {
    const env = await machine(COMMANDS.filter((c) => c !== 'shellcheck' && c !== 'pgbackrest'), FILES.filter((f) => !f.includes('postgresql')));
    const r = await systemDeps(['--print'], env);
    expect(r.code).toBe(1);
    const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
    expect(r.stdout).toContain(`\n  ${sudo}apt-get update && ${sudo}apt-get install -y shellcheck postgresql-15 pgbackrest\n`);
    expect(r.stdout).not.toContain('installing');
    // Each missing package is named with the probe that failed and the tests that need it.
    expect(r.stdout).toContain('  pgbackrest (pgbackrest): test/postgres-real.test.ts');
    expect(r.stdout).toContain('  postgresql-15 (/usr/lib/postgresql/15/bin/postgres): test/postgres-real.test.ts');
    // terraform is on this made-up PATH: nothing said about it.
    expect(r.stdout).not.toMatch(/terraform is not on PATH/);
    expect(r.stdout).not.toMatch(/install -y .*terraform/);
    // Terraform and actionlint are not from apt: explained, never in the command; terraform is required
    // under CI (a CI run without it fails), actionlint is skipped everywhere, saying so.
    const noTerraform = await systemDeps(['--print'], await machine(COMMANDS.filter((c) => c !== 'terraform' && c !== 'actionlint'), FILES));
    expect(noTerraform.stdout).toContain('system-deps: all system packages are present');
    expect(noTerraform.stdout).toMatch(/terraform is not on PATH, so the tests that need it \(test\/action\.test\.ts, test\/synth\.test\.ts .*\) will be skipped and counted as skipped \(under CI they fail\)\. It is not a Debian package: install it from https:\/\/developer\.hashicorp\.com\/terraform\/install/);
    expect(noTerraform.stdout).toMatch(/actionlint is not on PATH, so its check in test\/deploy-workflow\.test\.ts .* is skipped \(under CI too\)/);
    expect(noTerraform.stdout).not.toMatch(/install -y/);
    expect(noTerraform.code).toBe(1);
    const onlyActionlint = await machine(COMMANDS.filter((c) => c !== 'actionlint'), FILES);
    expect((await systemDeps(['--strict'], onlyActionlint)).code).toBe(0);
    expect((await systemDeps([], { ...onlyActionlint, CI: 'true' })).code).toBe(0);
  });

  it('lets a developer without the packages carry on (the tests count the skips), but fails under CI or --strict', async () => {
    // AUTOSTACK_NO_INSTALL keeps the default mode from running apt-get when the test runs as root.
    const env = { ...(await machine(['git', 'python3', 'openssl'], [])), AUTOSTACK_NO_INSTALL: '1' };
    const dev = await systemDeps([], env);
    expect(dev.code).toBe(0);
    expect(dev.stdout).toContain('apt-get install -y shellcheck chromium postgresql-15 pgbackrest cloud-init util-linux systemd mariadb-server php-fpm php-mysql nginx wordpress php-cli curl wordpress-theme-twentytwentythree redis-server redis-tools php-redis\n');
    expect(dev.stdout).toContain('  wordpress (/usr/share/wordpress/wp-settings.php): test/wordpress-real.test.ts');
    expect(dev.stdout).toContain('Carrying on');
    expect(dev.stdout).not.toContain('installing');
    expect((await systemDeps(['--strict'], env)).code).toBe(1);
    const ci = await systemDeps([], { ...env, CI: 'true' });
    expect(ci.code).toBe(1);
    expect(ci.stdout).not.toContain('Carrying on');
  });

  it('says all is present, exit 0, when every probe answers', async () => {
    const r = await systemDeps(['--print'], await machine(COMMANDS, FILES));
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toContain('system-deps: all system packages are present');
  });

  it('counts a package without a program as present by one of its files (not executable)', async () => {
    const env = await machine(COMMANDS, FILES);
    for (const f of WORDPRESS.filter((f) => !f.includes('sbin'))) await chmod(join(env.SYSTEM_DEPS_PREFIX, f), 0o644);
    const r = await systemDeps(['--print'], env);
    expect(r.stdout).toContain('system-deps: all system packages are present');
    expect(r.code).toBe(0);
  });

  it('is the one list: .ci/run and npm test both run it, and .ci/run keeps no list of its own', async () => {
    const ci = await readFile(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/bash scripts\/system-deps\.sh --strict/);
    expect(ci).not.toMatch(/apt-get/);
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.test).toMatch(/^bash scripts\/system-deps\.sh && /);
    // The script keeps no list of its own either: it reads scripts/system-deps.list, as test/tools.ts does.
    const script = await readFile(SCRIPT, 'utf8');
    expect(script).toContain('system-deps.list');
    expect(script).not.toMatch(/shellcheck\|/);
  });
});
