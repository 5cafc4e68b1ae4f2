import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CloudAccess } from '../synth/core/registry/kinds.ts';
import { awsAccess } from '../synth/clouds/aws/access.ts';
import { azureAccess } from '../synth/clouds/azure/access.ts';
import { gcpAccess } from '../synth/clouds/gcp/access.ts';
import { stackNames } from '../synth/stack/context.ts';
import type { StackContext } from '../synth/stack/context.ts';
import { renderBootstrap, shellQuote } from '../synth/kinds/plan/boot/bootstrap.ts';
import { configObjectKey, serverConfig, serverScript } from '../synth/kinds/plan/boot/server-script.ts';
import { cloudFunctionsFile, serverTool } from '../synth/kinds/plan/boot/tools.ts';
import { planKind } from '../synth/kinds/plan/index.ts';
import type { PlanModel } from '../synth/kinds/plan/model.ts';
import { cronToOnCalendar } from '../synth/core/validate/cron.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { plan } from './helpers.ts';
import { needTool } from './tools.ts';

const run = promisify(execFile);
const shellcheck = needTool('shellcheck');

/** Each cloud's access for plan `db` of org `acme`, from the cloud's own access module. */
function accessOf(cloud: string, of: (ctx: StackContext) => CloudAccess, region: string): CloudAccess & { cloud: string } {
  const subject = { name: 'db', project: 'default', org: 'acme', labels: {} };
  const ctx = { subject, plan: { cloud, region, resources: [] }, names: stackNames(subject, cloud), workload: { slug: 'postgres', title: 'PostgreSQL' } } as unknown as StackContext;
  return { ...of(ctx), cloud };
}
const ACCESS = [accessOf('aws', awsAccess, 'us-east-1'), accessOf('azure', azureAccess, 'eastus'), accessOf('gcp', gcpAccess, 'us-east1')];
const SOURCES = ['amazon-linux', 'deb', 'rpm'] as const;
type Egress = 'nat' | 'public-ip' | 'none';

function script(access: CloudAccess & { cloud: string }, packaging: (typeof SOURCES)[number], role: 'primary' | 'replica', egress: Egress = 'nat', planName = 'db'): string {
  return renderBootstrap({ planName, role, index: role === 'primary' ? 0 : 1, packaging, pgVersion: '17', egress, access });
}

async function check(text: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile('shellcheck', ['--shell=bash', '--severity=style', '-'], (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout }));
    child.stdin!.end(text);
  });
}

function modelOf(spec: string): PlanModel {
  const doc = loadDocument('.autostack/db.yaml', plan('db', spec), resolveSettings(undefined));
  if (!doc.model) throw new Error(doc.diagnostics.map((d) => d.message).join('\n'));
  return doc.model as PlanModel;
}

describe('server bootstrap script', () => {
  for (const access of ACCESS) {
    for (const packaging of SOURCES) {
      for (const role of ['primary', 'replica'] as const) {
        it(`passes shellcheck: ${access.cloud}, ${packaging} packages, ${role}`, async (ctx) => {
          shellcheck.guard(ctx);
          const r = await check(script(access, packaging, role, role === 'replica' && packaging === 'deb' ? 'none' : 'nat'));
          expect(r.out).toBe('');
          expect(r.code).toBe(0);
        });
      }
    }
    it(`passes shellcheck: ${access.cloud}'s functions file (config_read, secret_read, ...)`, async (ctx) => {
      shellcheck.guard(ctx);
      const text = cloudFunctionsFile(access);
      for (const fn of ['config_read', 'secret_read', 'secret_write', 'instance_value', 'ensure_cloud_cli']) expect(text).toMatch(new RegExp(`^${fn}\\(\\) \\{`, 'm'));
      const r = await check(text);
      expect(r.out).toBe('');
      expect(r.code).toBe(0);
    });
  }

  it('passes shellcheck: the server tool (agent, backup, restore check, replica setup)', async (ctx) => {
    shellcheck.guard(ctx);
    const r = await check(serverTool());
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('installs exactly the server tool and the cloud functions file the tests run', () => {
    for (const access of ACCESS) {
      const text = script(access, 'deb', 'primary');
      expect(text).toContain(`cat >/usr/local/sbin/autostack <<'AUTOSTACK_TOOL'\n${serverTool()}AUTOSTACK_TOOL\n`);
      expect(text).toContain(`cat >/etc/autostack/cloud.sh <<'AUTOSTACK_CLOUD'\n${cloudFunctionsFile(access)}AUTOSTACK_CLOUD\n`);
      expect(text).toContain(`CONFIG_KEY='${configObjectKey(0)}'`);
    }
    expect(configObjectKey(2)).toBe('autostack/config/server-2.json');
  });

  it('fits the 16 KiB of AWS user data once gzipped (cloud-init reads gzip user data)', () => {
    for (const access of ACCESS) expect(gzipSync(script(access, 'amazon-linux', 'replica')).length).toBeLessThan(16 * 1024);
  });

  it('puts identity values only in single-quoted constants, so nothing in them is ever expanded', async () => {
    const evil = `$(touch /tmp/pwned) \`id\` ' "; rm -rf / #\n${'${HOME}'}`;
    const text = script(ACCESS[0]!, 'deb', 'primary', 'nat', evil);
    const line = text.slice(text.indexOf('\nPLAN_NAME=') + 1, text.indexOf('\nROLE='));
    const { stdout } = await run('bash', ['-c', `${line}\nprintf '%s' "$PLAN_NAME"`]);
    expect(stdout).toBe(evil);
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('with egress none downloads nothing and fails fast, in one line, naming what the image must hold', async () => {
    for (const access of ACCESS) {
      // Only the function definitions and constants: no main, no log redirection, nothing written.
      const text = renderBootstrap({ planName: 'db', role: 'primary', index: 0, packaging: 'deb', pgVersion: '99', egress: 'none', access })
        .split('\n')
        .filter((l) => l !== 'main "$@"' && !l.startsWith('exec >') && !l.startsWith('mkdir -p'))
        .join('\n');
      const cloud = cloudFunctionsFile(access);
      const r = await run('bash', ['-c', `${text}\n${cloud}\napt-get() { echo "apt-get called" >&2; return 99; }\ncurl() { echo "curl called" >&2; return 99; }\npackage_paths\nrequire_preinstalled`]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain("egress is 'none'");
      expect(r.stderr).toContain('PostgreSQL 99 server (/usr/lib/postgresql/99/bin/postgres)');
      expect(r.stderr).not.toContain('called');
    }
    const text = script(ACCESS[0]!, 'deb', 'primary', 'none');
    expect(text).toContain(`EGRESS='none'`);
    expect(text).toMatch(/if \[ "\$EGRESS" = none \]; then require_preinstalled; else install_packages; fi/);
  });

  it('finds the data disk by its label, else as the one blank non-root disk, never by its size', async () => {
    // The script's own functions, on a simulated machine: root nvme0n1, data candidates nvme1n1 and
    // nvme3n1 (EBS, any size), instance storage nvme2n1.
    const defs = script(ACCESS[0]!, 'deb', 'primary')
      .split('\n')
      .filter((l) => l !== 'main "$@"' && !l.startsWith('exec >') && !l.startsWith('mkdir -p'))
      .join('\n');
    const machine = String.raw`
lsblk() {
  case "$*" in
    '-no PKNAME /dev/nvme0n1p1') echo nvme0n1 ;;
    '-dpno NAME,TYPE') printf '/dev/nvme0n1 disk\n/dev/nvme1n1 disk\n/dev/nvme2n1 disk\n/dev/nvme3n1 disk\n/dev/loop0 loop\n' ;;
    '-no NAME /dev/nvme0n1') printf 'nvme0n1\nnvme0n1p1\n' ;;
    '-no NAME '*) basename "$3" ;;
    '-dno MODEL /dev/nvme2n1') echo 'Amazon EC2 NVMe Instance Storage' ;;
    '-dno MODEL '*) echo 'Amazon Elastic Block Store' ;;
  esac
}
findmnt() { echo /dev/nvme0n1p1; }
blkid() {
  if [ "$1" = -L ]; then if [ -n "$LABELLED" ]; then echo "$LABELLED"; return 0; fi; return 2; fi
  case " $FORMATTED " in *" $2 "*) return 0 ;; esac
  return 2
}
sleep() { :; }
`;
    const find = (env: Record<string, string>) =>
      run('bash', ['-c', `${defs}\n${machine}\nfind_data_disk`], { env: { ...process.env, LABELLED: '', FORMATTED: '', ...env } }).then(
        (r) => ({ code: 0, out: r.stdout.trim(), err: r.stderr.trim() }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout.trim(), err: e.stderr.trim() }),
      );
    // A rebuilt server: the labelled disk, whatever else is attached.
    expect(await find({ LABELLED: '/dev/nvme3n1' })).toMatchObject({ code: 0, out: '/dev/nvme3n1' });
    // First boot: the one blank disk that is neither the root disk nor instance storage.
    expect(await find({ FORMATTED: '/dev/nvme3n1' })).toMatchObject({ code: 0, out: '/dev/nvme1n1' });
    // Two blank candidates: no guessing.
    const two = await find({});
    expect(two.code).toBe(1);
    expect(two.err).toContain('several blank disks (/dev/nvme1n1 /dev/nvme3n1) and none labelled pgdata');
    // None attached (yet): gives up after its retries with a clear message.
    const none = await find({ FORMATTED: '/dev/nvme1n1 /dev/nvme3n1' });
    expect(none.code).toBe(1);
    expect(none.err).toContain('no data disk (label pgdata, or a blank non-root disk) attached after 5 minutes');
    expect(defs).not.toMatch(/DATA_DISK_GIB|sizeGiB/);
  });

  it('keeps day-2 values out of the first-boot script: they change the configuration document only', () => {
    const before = modelOf('cloud: aws\ncompute: { size: medium }\nstorage: { sizeGiB: 50 }\npostgres: { version: "17", topology: cluster, replicas: 1 }\nbackup: { schedule: "0 3 * * *", retentionDays: 7 }\nnetwork: { allowedCidrs: [10.0.0.0/8] }');
    const after = modelOf('cloud: aws\ncompute: { size: medium }\nstorage: { sizeGiB: 200 }\npostgres: { version: "17", topology: cluster, replicas: 1, maxConnections: 300, settings: { log_min_duration_statement: 500 } }\nbackup: { schedule: "0 */6 * * *", retentionDays: 30, validate: daily }\nnetwork: { allowedCidrs: [10.1.0.0/16] }');
    const access = ACCESS[0]!;
    const planOf = (m: PlanModel) => planKind.infrastructure!.plan(m)[0]!;
    for (const index of [0, 1]) {
      expect(serverScript(after, planOf(after), index, access)).toBe(serverScript(before, planOf(before), index, access));
      expect(serverConfig(after, planOf(after), index, access)).not.toBe(serverConfig(before, planOf(before), index, access));
    }
    const doc = JSON.parse(serverConfig(after, planOf(after), 0, access));
    expect(doc).toMatchObject({ version: 1, plan: 'db', role: 'primary', index: 0, dataDiskGiB: 200, backupOnCalendar: cronToOnCalendar('0 */6 * * *'), restoreCheckOnCalendar: '*-*-* 05:30:00' });
    expect(doc.postgresql).toContain('log_min_duration_statement = 500');
    expect(doc.postgresql).toContain('max_connections = 300');
    expect(doc.postgresql).toContain(`archive_command = 'pgbackrest --stanza=main archive-push %p'`);
    expect(doc.pgHba).toContain('hostssl all all 10.1.0.0/16 scram-sha-256');
    expect(doc.pgbackrest).toContain('repo1-retention-full=30');
    const replica = JSON.parse(serverConfig(after, planOf(after), 1, access));
    expect(replica).toMatchObject({ role: 'replica', index: 1, pgbackrest: [], backupOnCalendar: '', restoreCheckOnCalendar: '' });
    expect(replica.postgresql.join('\n')).not.toContain('archive');
    // Deterministic text: keys sorted, the same model gives the same bytes.
    const text = serverConfig(after, planOf(after), 0, access);
    expect(text).toBe(serverConfig(after, planOf(after), 0, access));
    expect(Object.keys(JSON.parse(text))).toEqual([...Object.keys(JSON.parse(text))].sort());
    // A changed PostgreSQL major or egress does change the first-boot script.
    const egress = { ...after, network: { ...after.network, egress: 'none' } } as PlanModel;
    expect(serverScript(egress, planOf(after), 0, access)).toContain(`EGRESS='none'`);
    expect(serverScript(after, planOf(after), 0, access)).toContain(`EGRESS='nat'`);
  });

  it('converts cron schedules to systemd calendar expressions that systemd accepts', async (ctx) => {
    const analyze = needTool('systemd-analyze');
    const cases: [string, string][] = [['0 3 * * *', '*-*-* 03:00:00'], ['0 * * * *', '*-*-* *:00:00'], ['*/15 */6 * * 1-5', 'Mon,Tue,Wed,Thu,Fri *-*-* 00/6:00/15:00'], ['30 2 1 * *', '*-*-01 02:30:00'], ['@weekly', 'Sun *-*-* 00:00:00'], ['0 1-10/3 * * 7', 'Sun *-*-* 01,04,07,10:00:00']];
    for (const [cron, want] of cases) expect(cronToOnCalendar(cron)).toBe(want);
    analyze.guard(ctx);
    for (const [, cal] of cases) await run('systemd-analyze', ['calendar', cal]);
  });
});
