import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CloudAccess } from '../synth/core/registry/kinds.ts';
import { awsAccess } from '../synth/clouds/aws/access.ts';
import { azureAccess } from '../synth/clouds/azure/access.ts';
import { gcpAccess } from '../synth/clouds/gcp/access.ts';
import { stackNames } from '../synth/stack/context.ts';
import type { StackContext } from '../synth/stack/context.ts';
import { renderBootstrap, shellQuote } from '../synth/kinds/plan/boot/bootstrap.ts';
import { cronToOnCalendar } from '../synth/core/validate/cron.ts';
import { tunePostgres } from '../knowledge-base/postgres.ts';

const run = promisify(execFile);
const shellcheck = await run('sh', ['-c', 'command -v shellcheck']).then(() => true, () => false);

/** Each cloud's access for plan `db` of org `acme`, from the cloud's own access module. */
function accessOf(cloud: string, of: (ctx: StackContext) => CloudAccess, region: string): CloudAccess & { cloud: string } {
  const subject = { name: 'db', project: 'default', org: 'acme', labels: {} };
  const ctx = { subject, plan: { cloud, region }, names: stackNames(subject, cloud), workload: { slug: 'postgres', title: 'PostgreSQL' } } as unknown as StackContext;
  return { ...of(ctx), cloud };
}
const ACCESS = [accessOf('aws', awsAccess, 'us-east-1'), accessOf('azure', azureAccess, 'eastus'), accessOf('gcp', gcpAccess, 'us-east1')];
const SOURCES = ['amazon-linux', 'deb', 'rpm'] as const;

function script(access: CloudAccess & { cloud: string }, packaging: (typeof SOURCES)[number], role: 'primary' | 'replica', extra: Record<string, string> = {}): string {
  return renderBootstrap({
    planName: 'db', role, index: role === 'primary' ? 0 : 1, packaging, pgVersion: '17', dataDiskGiB: 100,
    settings: tunePostgres({ memoryGiB: 8, vcpu: 2, maxConnections: 200, replicas: 2, extra }),
    allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'],
    backup: { enabled: true, onCalendar: cronToOnCalendar('0 */6 * * *'), retentionDays: 14, validateOnCalendar: 'Sun *-*-* 05:30:00' },
    access,
  });
}

describe('server bootstrap script', () => {
  for (const access of ACCESS) {
    for (const packaging of SOURCES) {
      for (const role of ['primary', 'replica'] as const) {
        it(`passes shellcheck: ${access.cloud}, ${packaging} packages, ${role}`, async (ctx) => {
          if (!shellcheck) return ctx.skip('shellcheck is not installed (apt-get install shellcheck)');
          const text = script(access, packaging, role);
          const r = await new Promise<{ code: number; out: string }>((resolve) => {
            const child = execFile('shellcheck', ['--shell=bash', '--severity=style', '-'], (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout }));
            child.stdin!.end(text);
          });
          expect(r.out).toBe('');
          expect(r.code).toBe(0);
        });
      }
    }
  }

  it('puts plan values only in single-quoted constants, so nothing in them is ever expanded', async () => {
    const evil = `$(touch /tmp/pwned) \`id\` ' "; rm -rf / #\n${'${HOME}'}`;
    const text = script(ACCESS[0]!, 'deb', 'primary', { application_name: evil });
    const line = text.split('\n').find((l) => l.startsWith('CONF_LINES='))!;
    // Evaluate the assignment in a real bash and read the array back: exactly the text we wrote.
    const { stdout } = await run('bash', ['-c', `${line}\nprintf '%s\\n' "\${CONF_LINES[@]}"`]);
    expect(stdout).toContain(`application_name = '$(touch /tmp/pwned) \`id\` '' "; rm -rf / # \${HOME}'`);
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('converts cron schedules to systemd calendar expressions that systemd accepts', async (ctx) => {
    const analyze = await run('sh', ['-c', 'command -v systemd-analyze']).then(() => true, () => false);
    const cases: [string, string][] = [['0 3 * * *', '*-*-* 03:00:00'], ['0 * * * *', '*-*-* *:00:00'], ['*/15 */6 * * 1-5', 'Mon,Tue,Wed,Thu,Fri *-*-* 00/6:00/15:00'], ['30 2 1 * *', '*-*-01 02:30:00'], ['@weekly', 'Sun *-*-* 00:00:00'], ['0 1-10/3 * * 7', 'Sun *-*-* 01,04,07,10:00:00']];
    for (const [cron, want] of cases) expect(cronToOnCalendar(cron)).toBe(want);
    if (!analyze) return ctx.skip('systemd-analyze is not available');
    for (const [, cal] of cases) await run('systemd-analyze', ['calendar', cal]);
  });
});
