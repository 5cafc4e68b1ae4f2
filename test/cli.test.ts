import '../synth/node.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BAD_PLAN, gitRepo, plan, ROOT, runCli, tempDir, writeFiles } from './helpers.ts';


const autostack = runCli;


describe('autostack validate', () => {
  it('prints one positioned diagnostic per mistake and exits 1', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.yaml'), BAD_PLAN);
    const r = await autostack(['validate', 'bad.yaml'], dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['bad.yaml:7:11', 'bad.yaml:9:14', 'bad.yaml:10:3', 'bad.yaml:11:3']);
    expect(lines.every((l) => / error /.test(l))).toBe(true);
    expect(r.stderr).toContain('1 file checked, 4 errors');
  });

  it('refuses a 10 MB file, an alias bomb and binary junk with one line each', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'huge.yaml'), `a: "${'x'.repeat(10 * 1024 * 1024)}"\n`);
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    await writeFile(join(dir, 'bomb.yaml'), bomb);
    await writeFile(join(dir, 'junk.yaml'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    for (const [file, code] of [['huge.yaml', 'file/too-large'], ['bomb.yaml', 'yaml/alias'], ['junk.yaml', 'file/not-text']] as const) {
      const r = await autostack(['validate', file], dir);
      expect(r.code, file).toBe(1);
      expect(r.stdout, file).toContain(`[${code}]`);
      if (code !== 'yaml/alias') expect(r.stdout.trim().split('\n'), file).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('reports a 5 MB file with its real size, and a folder without .autostack/ as an error', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'five.yaml'), `a: "${'x'.repeat(5 * 1024 * 1024)}"\n`);
    const big = await autostack(['validate', 'five.yaml'], dir);
    expect(big.code).toBe(1);
    expect(big.stdout).toMatch(/File is 5\.0 MiB; AutoStack files must be under 256 KiB/);
    const empty = await tempDir();
    await writeFiles(empty, { 'plans/a.yaml': plan('a', 'cloud: aws') });
    for (const args of [['validate'], ['validate', 'plans']]) {
      const r = await autostack(args, empty);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/There is no \.autostack\/ folder in (this folder|plans), so nothing was checked/);
      expect(r.stderr).not.toMatch(/files? checked/);
    }
  });

  it('answers every kind of bad input in a repository with positioned lines, a capped list and no stack trace', async () => {
    const dir = await tempDir();
    const good = plan('orders-db', 'cloud: aws\nregion: us-east-1');
    await writeFiles(dir, {
      '.autostack/empty.yaml': '',
      '.autostack/null.yaml': 'null\n',
      '.autostack/scalar.yaml': 'just text\n',
      '.autostack/list.yaml': '- apiVersion: autostack.dev/v1\n',
      '.autostack/deep.yaml': `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      '.autostack/blocks.yaml': `a:\n  ${'- '.repeat(5000)}1\n`,
      '.autostack/tabs.yaml': 'apiVersion: autostack.dev/v1\nkind: Plan\nmetadata:\n\tname: x\n',
      '.autostack/proto.yaml': good.replace('metadata:\n', 'metadata:\n  __proto__: { admin: true }\n').replace('orders-db', 'proto-db'),
      '.autostack/bom.yaml': `\ufeff${good.replace(/\n/g, '\r\n')}`,
      '.autostack/many.yaml': plan('many-db', `cloud: aws\nnetwork: { allowedCidrs: [${Array(1000).fill('1').join(',')}] }`),
    });
    await writeFile(join(dir, '.autostack/latin1.yaml'), Buffer.concat([Buffer.from('apiVersion: autostack.dev/v1\nkind: Plan\nmetadata: { name: caf'), Buffer.from([0xe9]), Buffer.from(' }\n')]));
    const r = await autostack(['validate'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at |TypeError|RangeError/);
    const lines = r.stdout.trim().split('\n');
    const of = (file: string) => lines.filter((l) => l.startsWith(`.autostack/${file}:`));
    for (const f of ['empty', 'null', 'scalar', 'list']) expect(of(`${f}.yaml`), f).toEqual([expect.stringMatching(/^\S+:1:1 error This file .* an AutoStack file is a YAML mapping .*\[file\/not-a-mapping\]$/)]);
    expect(of('deep.yaml')).toEqual([expect.stringMatching(/:1:65 error .*nested more than 64 levels.*\[yaml\/too-deep\]$/)]);
    expect(of('blocks.yaml')).toEqual([expect.stringMatching(/:2:\d+ error .*\[yaml\/too-deep\]$/)]);
    expect(of('tabs.yaml')).toEqual([expect.stringMatching(/:4:1 error .*spaces.*\[yaml\/tab_as_indent\]$/)]);
    expect(of('proto.yaml')).toEqual([expect.stringMatching(/:4:3 error "__proto__" cannot be used as a key.*\[yaml\/reserved-key\]$/)]);
    expect(of('latin1.yaml')).toEqual([expect.stringMatching(/:3:1 error File is not UTF-8 text.*\[file\/not-text\]$/)]);
    expect(of('bom.yaml')).toEqual([]);
    expect(of('many.yaml')).toHaveLength(101);
    expect(of('many.yaml')[100]).toMatch(/error …and 901 more problems in this file \(901 errors\), not listed: .*\[file\/more-problems\]$/);
    expect(r.stderr).toContain('11 files checked');
  });

  it('validates a whole repository and exits 0 when it is clean', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '.autostack/a.yaml': plan('a', 'cloud: aws'), '.autostack/b.yaml': plan('b', 'cloud: gcp\nregion: eu-west') });
    const r = await autostack(['validate'], dir);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain('2 files checked, 0 errors');
  });

  it('prints the diagnostics as one JSON document with --json, with the same exit codes', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.yaml'), BAD_PLAN);
    const text = await autostack(['validate', 'bad.yaml'], dir);
    const r = await autostack(['validate', '--json', 'bad.yaml'], dir);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['version', 'ok', 'files', 'errors', 'warnings', 'diagnostics']);
    expect(json).toMatchObject({ version: 1, ok: false, files: 1, errors: 4, warnings: 0 });
    // The same diagnostics as the text form, field by field.
    expect(json.diagnostics.map((d: { file: string; line: number; column: number; severity: string; message: string; code: string }) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.message} [${d.code}]`).join('\n')).toBe(text.stdout.trim());
    for (const d of json.diagnostics) expect(Object.keys(d).filter((k) => k !== 'path')).toEqual(['file', 'line', 'column', 'severity', 'code', 'message']);

    await writeFiles(dir, { '.autostack/a.yaml': plan('a', 'cloud: aws') });
    const clean = await autostack(['validate', '.', '--json'], dir);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toEqual({ version: 1, ok: true, files: 1, errors: 0, warnings: 0, diagnostics: [] });

    // No .autostack/ folder: still one JSON document, and exit 1 as without --json.
    const empty = await autostack(['validate', '--json'], await tempDir());
    expect(empty.code).toBe(1);
    expect(JSON.parse(empty.stdout)).toMatchObject({ ok: false, files: 0, diagnostics: [{ code: 'cli/no-autostack-folder', severity: 'error' }] });
    // Usage mistakes stay exit 2 with a message, no JSON.
    const usage = await autostack(['validate', '--json', 'missing.yaml'], dir);
    expect(usage).toMatchObject({ code: 2, stdout: '' });
  });

  it('prints its version with --version and -V', async () => {
    const dir = await tempDir();
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const r = await autostack([flag], dir);
      expect(r, flag).toMatchObject({ code: 0, stdout: `autostack ${version}\n`, stderr: '' });
    }
    expect((await autostack(['--version', 'x'], dir)).code).toBe(2);
  });

  it('explains usage mistakes in one line, without a stack trace', async () => {
    const dir = await tempDir();
    for (const args of [['frobnicate'], ['validate', 'missing.yaml'], ['plan', '--bogus'], ['plan']]) {
      const r = await autostack(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^autostack: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('autostack plan', () => {
  const before = plan('orders-db', 'cloud: aws\nregion: us-east-1\ncompute: { vcpu: 2, memoryGiB: 4 }\nstorage: { sizeGiB: 50 }\npostgres: { version: "17" }');
  const after = plan('orders-db', 'cloud: aws\nregion: us-east-1\ncompute: { vcpu: 4, memoryGiB: 16 }\nstorage: { sizeGiB: 200 }\npostgres: { version: "17" }');

  it('reviews a branch against its merge base as JSON', async () => {
    const dir = await gitRepo([{ '.autostack/orders-db.yaml': before, 'README.md': 'x' }, { '.autostack/orders-db.yaml': after }], 'resize');
    // A new instance type stops the server: refused until acknowledged for this change.
    const refused = await autostack(['plan', '--json'], dir);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).diagnostics.map((d: { code: string }) => d.code)).toEqual(['plan/downtime-unacknowledged']);
    const r = await autostack(['plan', '--json', '--acknowledge-downtime', 'resize in the 02:00 UTC window'], dir);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.diagnostics).toEqual([]);
    const p = json.plans[0];
    expect(p).toMatchObject({ name: 'orders-db', file: '.autostack/orders-db.yaml', cloud: 'aws', region: 'us-east-1', status: 'changed' });
    expect(p.changes).toEqual(['compute 2 vCPU / 4 GiB → 4 vCPU / 16 GiB', 'storage 50 → 200 GiB']);
    const types = p.resources.filter((x: { kind: string }) => x.kind === 'vm').map((x: { cloud: string; type: string }) => `${x.cloud}:${x.type}`);
    expect(types).toEqual(['aws:m6g.xlarge', 'azure:Standard_D4s_v5', 'gcp:e2-standard-4']);
    for (const c of p.cost) {
      expect(c).toMatchObject({ cloud: expect.any(String), region: expect.any(String), monthlyUsdBefore: expect.any(Number), monthlyUsdAfter: expect.any(Number) });
      for (const i of c.items) expect(Object.keys(i)).toEqual(expect.arrayContaining(['resource', 'sku', 'unit', 'quantity', 'unitPriceUsd', 'monthlyUsd', 'priceSource']));
    }
  });

  it('shows a disk growth and a retention change as in-place changes, replacing no server', async () => {
    const grown = plan('orders-db', 'cloud: aws\nregion: us-east-1\ncompute: { vcpu: 2, memoryGiB: 4 }\nstorage: { sizeGiB: 500 }\npostgres: { version: "17" }\nbackup: { retentionDays: 14 }');
    const base = plan('orders-db', 'cloud: aws\nregion: us-east-1\ncompute: { vcpu: 2, memoryGiB: 4 }\nstorage: { sizeGiB: 300 }\npostgres: { version: "17", topology: cluster, replicas: 1 }\nbackup: { retentionDays: 30 }');
    const dir = await gitRepo([{ '.autostack/orders-db.yaml': base }, { '.autostack/orders-db.yaml': grown.replace('postgres: { version: "17" }', 'postgres: { version: "17", topology: cluster, replicas: 1 }') }]);
    const r = await autostack(['plan', '--json', '--base', 'HEAD~1', '--head', 'HEAD'], dir);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout).plans[0];
    expect(p.deployment.filter((d: { action: string }) => d.action === 'replace')).toEqual([]);
    expect(p.resources.filter((x: { kind: string; action: string }) => x.kind === 'vm' && x.action === 'replace')).toEqual([]);
    expect(p.deployment.filter((d: { kind: string }) => d.kind === 'disk').map((d: { reason: string }) => d.reason)).toEqual(['sizeGiB 300 → 500', 'sizeGiB 300 → 500']);
    expect(p.deployment.find((d: { kind: string }) => d.kind === 'bucket')).toMatchObject({ action: 'change', reason: 'retentionDays 30 → 14' });
  });

  it('reports a removed plan with the saving, comparing explicit refs', async () => {
    const dir = await gitRepo([{ '.autostack/orders-db.yaml': before }, { '.autostack/orders-db.yaml': null }]);
    const r = await autostack(['plan', '--json', '--base', 'HEAD~1', '--head', 'HEAD'], dir);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout).plans[0];
    expect(p.status).toBe('removed');
    const own = p.cost.find((c: { primary: boolean }) => c.primary);
    expect(own.monthlyUsdAfter).toBe(0);
    expect(own.deltaUsd).toBeLessThan(0);
  });

  it('includes uncommitted changes and exits 1 on errors', async () => {
    const dir = await gitRepo([{ '.autostack/orders-db.yaml': before }]);
    await writeFiles(dir, { '.autostack/orders-db.yaml': after.replace('sizeGiB: 200', 'sizeGiB: 5') });
    const r = await autostack(['plan'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\.autostack\/orders-db\.yaml:9:\d+ error/);
    const md = await autostack(['plan', '--markdown'], dir);
    expect(md.stdout.split('\n')[0]).toMatch(/^### ❌ AutoStack/);
  });
});
