import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.ts';
import { inCI, needAll, needCondition, needToolIn, readToolList } from './tools.ts';

/**
 * A PATH that holds everything the real PATH holds (as symlinks, in one folder) except `lacking`:
 * this machine as if those tools were not installed.
 */
async function pathWithout(lacking: string[]): Promise<string> {
  const bin = join(await tempDir('path-without-'), 'bin');
  await mkdir(bin);
  const seen = new Set(lacking);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (seen.has(name)) continue;
      try {
        if (!statSync(join(dir, name)).isFile()) continue;
      } catch {
        continue;
      }
      seen.add(name);
      await symlink(join(dir, name), join(bin, name));
    }
  }
  return bin;
}

const sudo = process.getuid?.() === 0 ? '' : 'sudo ';

describe('needTool: a missing tool skips the test saying so, and fails it under CI', () => {
  it('names the tool, its probe and the one command; skips outside CI and fails under CI (CI=false is not CI)', async () => {
    const PATH = await pathWithout(['shellcheck', 'cloud-init']);
    for (const CI of [undefined, '', 'false']) {
      const need = needToolIn({ env: { PATH, CI } }, 'shellcheck', 'git', 'cloud-init');
      expect(need.present).toBe(false);
      expect(need.outcome).toBe('skip');
      expect(need.reason).toBe(`shellcheck, cloud-init are missing: run \`bash scripts/system-deps.sh\` or \`${sudo}apt-get install -y shellcheck cloud-init\``);
      const notes: (string | undefined)[] = [];
      need.guard({ skip: (note) => void notes.push(note) });
      expect(notes).toEqual([need.reason]);
    }
    const ci = needToolIn({ env: { PATH, CI: 'true' } }, 'cloud-init');
    expect(ci.outcome).toBe('fail');
    expect(() => ci.guard({ skip: () => expect.unreachable('skipped under CI') })).toThrow(`cloud-init is missing: run \`bash scripts/system-deps.sh\` or \`${sudo}apt-get install -y cloud-init\` (CI is set, so a missing tool fails the test instead of skipping it)`);
    // Present: the guard does nothing, in or out of CI.
    const git = needToolIn({ env: { PATH, CI: 'true' } }, 'git');
    expect(git).toMatchObject({ present: true, outcome: 'run', reason: undefined });
    git.guard({ skip: () => expect.unreachable('skipped a present tool') });
  });

  it('looks for absolute probes under SYSTEM_DEPS_PREFIX as the script does, and honours an overridden probe (CHROMIUM_PATH)', async () => {
    const prefix = await tempDir('no-root-');
    const pg = needToolIn({ env: { PATH: process.env.PATH, SYSTEM_DEPS_PREFIX: prefix } }, 'postgres');
    expect(pg.reason).toBe(`postgres (/usr/lib/postgresql/15/bin/postgres) is missing: run \`bash scripts/system-deps.sh\` or \`${sudo}apt-get install -y postgresql-15\``);
    const chromium = needToolIn({ env: { PATH: '', CI: 'true' }, probes: { chromium: join(prefix, 'chromium') } }, 'chromium');
    expect(chromium.outcome).toBe('fail');
    expect(chromium.reason).toContain(`chromium (${join(prefix, 'chromium')}) is missing`);
    expect(chromium.reason).toContain(`apt-get install -y chromium\``);
  });

  it('skips actionlint everywhere, CI included (not packaged in Debian); terraform, which CI images carry, fails under CI', async () => {
    const PATH = await pathWithout(['actionlint', 'terraform']);
    const actionlint = needToolIn({ env: { PATH, CI: 'true' } }, 'actionlint');
    expect(actionlint.outcome).toBe('skip');
    expect(actionlint.reason).toBe('actionlint is missing: install it from https://github.com/rhysd/actionlint (not a Debian package; skipped under CI too)');
    const terraform = needToolIn({ env: { PATH, CI: 'true' } }, 'terraform');
    expect(terraform.outcome).toBe('fail');
    expect(terraform.reason).toBe('terraform is missing: install it from https://developer.hashicorp.com/terraform/install (not a Debian package)');
    expect(needToolIn({ env: { PATH } }, 'terraform').outcome).toBe('skip');
  });

  it('combines needs (tools and root): one reason naming all, failing under CI when any must not be missing', async () => {
    const PATH = await pathWithout(['pgbackrest']);
    const both = needAll(needToolIn({ env: { PATH, CI: 'true' } }, 'pgbackrest'), needCondition(false, 'root', 'run the tests as root', { CI: 'true' }));
    expect(both.outcome).toBe('fail');
    expect(both.reason).toBe(`pgbackrest is missing: run \`bash scripts/system-deps.sh\` or \`${sudo}apt-get install -y pgbackrest\`; root is missing: run the tests as root`);
    expect(needAll(needCondition(true, 'root', 'x', {}), needCondition(false, 'the postgres user', 'y', {})).reason).toBe('the postgres user is missing: y');
    expect(needAll(needCondition(true, 'root', 'x', {})).present).toBe(true);
    expect(inCI({ CI: '1' }) && !inCI({ CI: 'false' }) && !inCI({})).toBe(true);
  });

  it('reads the one list the script installs from, and refuses a tool the list does not name', async () => {
    const list = readToolList();
    const script = await readFile(join(ROOT, 'scripts/system-deps.sh'), 'utf8');
    expect(script).toContain('system-deps.list');
    // Every apt package the list names is one the script prints in its apt-get line on a machine with nothing.
    const { stdout } = await promisify(execFile)('/bin/bash', [join(ROOT, 'scripts/system-deps.sh'), '--print'], { env: { PATH: await pathWithout(list.map((t) => t.probe)), SYSTEM_DEPS_PREFIX: await tempDir('empty-root-'), CI: '' } }).catch((e: { stdout: string }) => e);
    const aptLine = stdout.split('\n').find((l) => l.includes('apt-get install -y'))!;
    for (const pkg of new Set(list.flatMap((t) => (t.pkg ? [t.pkg] : [])))) expect(aptLine.split(' ')).toContain(pkg);
    expect(() => needToolIn({}, 'no-such-tool')).toThrow(/lists no such tool \(add a line there/);
    expect(() => readToolList('shellcheck|apt:shellcheck|sometimes|x')).toThrow(/:1: expected probe\|source\|fail or skip\|what needs it/);
  });
});

/** The repository's own test files, run by vitest in a child process with `env` (CI taken from there only). */
async function vitest(files: string[], env: Record<string, string>): Promise<{ code: number; out: string; stdout: string }> {
  const { CI: _ci, ...parent } = process.env;
  return promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/vitest.config.ts', ...files], {
    cwd: ROOT,
    env: { ...parent, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 240_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr, stdout }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr, stdout: e.stdout }),
  );
}

/** The summary reporter's closing block: its `skipped N tests: reason` lines and the count line. */
function summaryBlock(out: string): string {
  const lines = out.trimEnd().split('\n');
  let i = lines.length - 1;
  expect(lines[i]).toMatch(/^\d+ passed, \d+ failed, \d+ skipped$/);
  while (i > 0 && lines[i - 1]!.startsWith('skipped ')) i--;
  return `${lines.slice(i).join('\n')}\n`;
}

describe('the tool-dependent test files, on a machine without their tools', () => {
  // cloud-init (user-data), systemd-analyze (cron) and Chromium (a browser test) missing.
  const FILES = ['test/user-data.test.ts', 'test/cron.test.ts', 'test/site-github-delete.browser.test.ts'];

  it('outside CI: each test that needs a missing tool is skipped, the summary gives each reason once with its count, and the run passes', async () => {
    const PATH = await pathWithout(['cloud-init', 'systemd-analyze']);
    const r = await vitest(FILES, { PATH, CHROMIUM_PATH: '/nonexistent/chromium' });
    const summary = summaryBlock(r.stdout);
    const cloudInit = `cloud-init is missing: run \`bash scripts/system-deps.sh\` or \`${sudo}apt-get install -y cloud-init\``;
    const systemd = `systemd-analyze is missing: run \`bash scripts/system-deps.sh\` or \`${sudo}apt-get install -y systemd\``;
    const chromium = `chromium (/nonexistent/chromium) is missing: run \`bash scripts/system-deps.sh\` or \`${sudo}apt-get install -y chromium\``;
    expect(summary, r.out).toContain(`skipped 2 tests: ${cloudInit}\n`);
    expect(summary).toContain(`skipped 1 test: ${systemd}\n`);
    expect(summary).toMatch(new RegExp(`skipped [1-9][0-9]* tests?: ${chromium.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    for (const reason of [cloudInit, systemd, chromium]) expect(summary.split(reason).length - 1, reason).toBe(1);
    const [, passed, failed, skipped] = /(\d+) passed, (\d+) failed, (\d+) skipped\n$/.exec(summary)!.map(Number);
    const counted = [...summary.matchAll(/^skipped (\d+) tests?:/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect({ failed, skipped }).toEqual({ failed: 0, skipped: counted });
    expect(passed).toBeGreaterThan(0);
    expect(r.code, r.out).toBe(0);
  }, 240_000);

  it('under CI: the same tests fail, naming the tool, and nothing is skipped in silence', async () => {
    const PATH = await pathWithout(['cloud-init', 'systemd-analyze']);
    const r = await vitest(FILES, { PATH, CHROMIUM_PATH: '/nonexistent/chromium', CI: 'true' });
    expect(r.code, r.out).toBe(1);
    const [, , failed, skipped] = /(\d+) passed, (\d+) failed, (\d+) skipped\n$/.exec(summaryBlock(r.stdout))!.map(Number);
    expect(skipped, r.out).toBe(0);
    expect(failed).toBeGreaterThanOrEqual(4);
    expect(r.out).toContain('cloud-init is missing: run `bash scripts/system-deps.sh`');
    expect(r.out).toContain('systemd-analyze is missing');
    expect(r.out).toContain('chromium (/nonexistent/chromium) is missing');
    expect(r.out).toContain('(CI is set, so a missing tool fails the test instead of skipping it)');
  }, 240_000);
});

describe('the test files', () => {
  it('decide about a missing tool through needTool only: no skipIf/runIf, no literal skip reason, no onPath probe of their own', async () => {
    const files = readdirSync(join(ROOT, 'test'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !/^tools(\.test)?\.ts$/.test(f));
    const offences: string[] = [];
    for (const f of files) {
      const text = await readFile(join(ROOT, 'test', f), 'utf8');
      text.split('\n').forEach((line, i) => {
        if (/\b(?:it|test|describe)\.(?:skipIf|runIf)\(|\bctx\.skip\(\s*['"`]|\bonPath\(|command -v [^']*'\]\)\.(?:then|catch)\(/.test(line)) offences.push(`test/${f}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offences).toEqual([]);
    // And the files that need a listed tool do use the helper.
    for (const f of ['action.test.ts', 'synth.test.ts', 'deploy-workflow.test.ts', 'bootstrap.test.ts', 'cron.test.ts', 'user-data.test.ts', 'postgres-real.test.ts', 'browser.ts']) {
      expect(await readFile(join(ROOT, 'test', f), 'utf8'), f).toMatch(/\bneedTool(?:In)?\(/);
    }
    for (const f of files.filter((x) => x.endsWith('.browser.test.ts'))) expect(await readFile(join(ROOT, 'test', f), 'utf8'), f).toContain('beforeEach(CHROMIUM_NEED.guard)');
  });
});
