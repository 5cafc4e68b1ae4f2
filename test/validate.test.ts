import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import { loadDocument } from '../synth/core/validate/document.ts';
import { MemoryReader } from '../synth/core/load/reader.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { validateTree } from '../synth/core/validate/validate-tree.ts';
import { BAD_PLAN, plan } from './helpers.ts';
import { MAX_DIAGNOSTICS_PER_FILE } from '../synth/core/diagnostics.ts';
import { MAX_ITEMS_PER_LIST } from '../synth/core/parse/parse.ts';

const settings = resolveSettings(undefined);
const load = (text: string, file = '.autostack/db.yaml', now?: Date) => loadDocument(file, text, settings, now ? { now } : {});
const codes = (text: string) => load(text).diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`);

describe('Plan validation', () => {
  it('reports a wrong type, an unknown field, an unknown region and a duplicate key, each at its line and column', () => {
    const text = BAD_PLAN;
    const diags = load(text).diagnostics;
    expect(diags.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['7:11 plan/unknown-region', '9:14 schema/type', '10:3 schema/unknown-field', '11:3 yaml/duplicate_key']);
    const fixed = text.replace('    sizeGiB: fifty', '    sizeGiB: 50').replace('  computee: { vcpu: 2 }\n  cloud: aws\n', '');
    expect(codes(fixed)).toEqual(['7:11 plan/unknown-region']);
    expect(load(fixed).diagnostics[0]!.message).toContain('Did you mean "us-east-1"?');
  });

  it('suggests the intended field and enum value', () => {
    const d = load(plan('x', 'cloud: aw\nregion: us-east')).diagnostics;
    expect(d[0]).toMatchObject({ code: 'schema/value', line: 6, column: 10 });
    expect(d[0]!.message).toContain('Did you mean "aws"?');
    const u = load(plan('x', 'storag: {}')).diagnostics[0]!;
    expect(u.message).toContain('Did you mean "storage"?');
  });

  it('rejects names that are not DNS-safe', () => {
    const d = load(plan('Orders_DB', 'cloud: aws')).diagnostics;
    expect(d[0]).toMatchObject({ code: 'schema/format', line: 4, path: 'metadata.name' });
    expect(d[0]!.message).toContain('lowercase letters, digits');
  });

  it('checks that an instance type exists and is offered in the region', () => {
    expect(codes(plan('x', 'cloud: aws\nregion: us-east-1\ncompute: { instanceType: { aws: m6i.larg } }'))).toEqual(['8:35 plan/unknown-instance-type']);
    expect(load(plan('x', 'cloud: aws\nregion: us-east-1\ncompute: { instanceType: { aws: m6i.larg } }')).diagnostics[0]!.message).toContain('Did you mean "m6i.large"?');
    // Offered regions price every catalog type today, so type-not-offered cannot be shown with the
    // shipped data; a region that is listed but not fully priced is refused before types are checked.
    expect(codes(plan('x', 'cloud: azure\nregion: eastus2\ncompute: { instanceType: { azure: Standard_E2s_v5 } }'))).toEqual(['7:11 plan/unknown-region']);
    expect(load(plan('x', 'cloud: azure\nregion: eastus2')).diagnostics[0]!.message).toContain('not offered on Azure');
  });

  it('checks memory against maxConnections with a concrete fix', () => {
    const d = load(plan('x', 'compute: { vcpu: 2, memoryGiB: 2 }\npostgres: { maxConnections: 500 }')).diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'plan/memory-too-small', line: 7 });
    expect(d[0]!.message).toMatch(/raise compute.memoryGiB to 6 or lower maxConnections to 1\d\d/);
  });

  it('refuses postgres.settings that AutoStack manages, at the setting, saying what to do instead', () => {
    const managed = ['hba_file', 'data_directory', 'config_file', 'ident_file', 'include', 'include_dir', 'include_if_exists', 'ssl', 'ssl_cert_file', 'ssl_key_file', 'archive_command', 'archive_mode', 'port', 'listen_addresses', 'unix_socket_directories', 'primary_conninfo', 'restore_command', 'max_connections', 'wal_level', 'dynamic_library_path'];
    for (const name of managed) {
      const d = load(plan('x', `postgres:\n  settings:\n    work_mem: 64MB\n    ${name}: "/tmp/x"`)).diagnostics;
      expect(d.map((x) => `${x.line}:${x.column} ${x.code} ${x.severity}`), name).toEqual([`9:7 plan/managed-setting error`]);
      expect(d[0]!.message, name).toContain(`AutoStack manages ${name}`);
      expect(d[0]!.path).toBe(`spec.postgres.settings.${name}`);
    }
    expect(load(plan('x', 'postgres: { settings: { max_connections: 500 } }')).diagnostics[0]!.message).toContain('spec.postgres.maxConnections');
    expect(load(plan('x', 'postgres: { settings: { log_min_duration_statement: 500, work_mem: 64MB } }')).diagnostics).toEqual([]);
  });

  it('refuses control, bidi and invisible characters and lone surrogates in labels and setting values (they reach cloud tags and postgresql.conf)', () => {
    for (const bad of ['\\u202eevil', 'a\\0b', 'x\\ud800', 'tab\\there', 'zero\\u200bwidth', 'line\\u2028break', '\\ufeffbom']) {
      const d = load(plan('x', 'cloud: aws', `  labels: { team: "${bad}" }\n`)).diagnostics;
      expect(d.map((x) => `${x.line}:${x.column} ${x.code}`), bad).toEqual(['5:19 plan/label-characters']);
      expect(d[0]!.message).toContain('label team');
      expect(d[0]!.message).not.toMatch(/[\u0000-\u001f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]/);
      const s = load(plan('x', `postgres: { settings: { application_name: "${bad}" } }`)).diagnostics;
      expect(s.map((x) => x.code), bad).toEqual(['plan/setting-characters']);
    }
    expect(load(plan('x', 'cloud: aws', '  labels: { team: "Données équipe 数据" }\n')).diagnostics).toEqual([]);
  });

  it('finds plaintext secrets by key and by value', () => {
    const d = load(plan('x', 'postgres: { settings: { password: hunter2 } }', '  labels: { note: "postgres://app:s3cret@db:5432/app" }\n')).diagnostics;
    expect(d.map((x) => x.code)).toEqual(['plan/plaintext-secret', 'plan/plaintext-secret']);
  });

  it('validates schedules, CIDRs, versions and flags risky settings as warnings', () => {
    const d = load(plan('x', 'postgres: { version: 14 }\nbackup: { schedule: "0 3 * *", validate: never }\nnetwork: { allowedCidrs: [10.0.0.1/8, 0.0.0.0/0, nonsense] }'), undefined, new Date('2027-01-01T00:00:00Z')).diagnostics;
    const byCode = Object.fromEntries(d.map((x) => [x.code, x.severity]));
    expect(byCode).toMatchObject({ 'plan/postgres-eol': 'error', 'plan/backup-schedule': 'error', 'plan/restore-untested': 'warning', 'plan/cidr': 'error', 'plan/open-to-internet': 'warning' });
    expect(d.filter((x) => x.code === 'plan/cidr')).toHaveLength(2);
  });

  it('reports a PostgreSQL version past its end of life from the review date, not the wall clock', () => {
    // PostgreSQL 14 reaches end of life on 2026-11-12 (knowledge-base/data/postgres.json).
    const text = plan('x', 'postgres: { version: "14" }');
    const eol = (now: string) => load(text, undefined, new Date(now)).diagnostics.filter((d) => d.code === 'plan/postgres-eol');
    expect(eol('2026-06-01T12:00:00Z')).toEqual([]);
    expect(eol('2026-11-12T23:59:59Z')).toEqual([]);
    expect(eol('2026-11-13T00:00:00Z')).toMatchObject([{ severity: 'error', line: 6, message: expect.stringContaining('PostgreSQL 14 reached end of life on 2026-11-12') }]);
    expect(eol('2030-01-01T00:00:00Z')).toHaveLength(1);
    // The versions offered instead of an unknown one leave out those past their end of life on that date.
    const unsupported = (now: string) => load(plan('x', 'postgres: { version: "13" }'), undefined, new Date(now)).diagnostics.find((d) => d.code === 'plan/postgres-version')?.message;
    expect(unsupported('2026-06-01T00:00:00Z')).toContain('use one of 14, 15, 16, 17, 18.');
    expect(unsupported('2028-01-01T00:00:00Z')).toContain('use one of 16, 17, 18.');
  });

  it('refuses PostgreSQL versions the OS does not package, and substitutes distributions with a warning', () => {
    expect(codes(plan('x', 'cloud: aws\nos: { distro: amazon-linux }\npostgres: { version: "18" }'))).toEqual(['8:24 plan/postgres-package']);
    const sub = load(plan('x', 'cloud: gcp\nos: { distro: amazon-linux }\npostgres: { version: "17" }')).diagnostics;
    expect(sub).toMatchObject([{ code: 'plan/os-substituted', severity: 'warning' }]);
  });

  it('treats files without an AutoStack apiVersion as not ours, and unknown kinds as errors', () => {
    expect(load('name: something else\n').diagnostics).toMatchObject([{ severity: 'warning', code: 'file/not-autostack' }]);
    expect(load('apiVersion: autostack.dev/v1\nkind: Plna\n').diagnostics[0]!.message).toContain('Did you mean "Plan"?');
  });

  it('reports duplicate names across files', async () => {
    const reader = new MemoryReader({ w: { '.autostack/a.yaml': plan('db', 'cloud: aws'), '.autostack/b.yaml': plan('db', 'cloud: gcp') } });
    const { diagnostics } = await validateTree(reader, 'w');
    expect(diagnostics).toMatchObject([{ file: '.autostack/b.yaml', line: 4, code: 'plan/duplicate-name' }]);
  });

  it('validates the settings file and uses its defaults', async () => {
    const reader = new MemoryReader({
      w: {
        '.autostack/autostack.yaml': 'apiVersion: autostack.dev/v1\nkind: Settings\nspec:\n  org: acme\n  defaults: { cloud: gcp, region: eu-west }\n',
        '.autostack/db.yaml': plan('db', 'storage: { sizeGiB: 20 }'),
      },
    });
    expect((await validateTree(reader, 'w')).diagnostics).toEqual([]);
    const bad = new MemoryReader({ w: { '.autostack/autostack.yaml': 'apiVersion: autostack.dev/v1\nkind: Settings\nspec:\n  orgg: acme\n' } });
    expect((await validateTree(bad, 'w')).diagnostics).toMatchObject([{ code: 'schema/unknown-field', line: 4 }]);
  });
});

describe('bad input, through validation', () => {
  const GOOD = plan('orders-db', 'cloud: aws\nregion: us-east-1\nnetwork: { publicIp: false }');

  it('refuses a single harmless alias in a plan', () => {
    const text = plan('orders-db', 'cloud: &c aws\nmigration: { from: *c }');
    expect(load(text).diagnostics).toMatchObject([{ code: 'yaml/alias', line: 7, column: 22, severity: 'error' }]);
    expect(load(text).model).toBeUndefined();
  });

  it('answers no, on, yes and off in a boolean field with a type error that says to write true or false, and keeps NO, on and off as text in text fields', () => {
    for (const word of ['no', 'on', 'yes', 'off', 'NO', 'y']) {
      const d = load(GOOD.replace('publicIp: false', `publicIp: ${word}`)).diagnostics;
      expect(d, word).toMatchObject([{ code: 'schema/type', path: 'spec.network.publicIp', line: 8, column: 24 }]);
      expect(d[0]!.message).toContain(`"${word}" is text`);
      expect(d[0]!.message).toContain('write true or false');
    }
    expect(load(GOOD.replace('publicIp: false', 'publicIp: 1')).diagnostics[0]!.message).not.toContain('is text');
    const text = plan('orders-db', 'cloud: aws\nregion: us-east-1\npostgres: { settings: { synchronous_commit: off, jit: on } }', '  labels: { country: NO, enabled: yes }\n');
    const doc = load(text);
    expect(doc.diagnostics).toEqual([]);
    const model = doc.model as { labels: Record<string, unknown>; postgres: { settings: Record<string, unknown> } };
    expect(model.labels).toEqual({ country: 'NO', enabled: 'yes' });
    expect(model.postgres.settings).toEqual({ synchronous_commit: 'off', jit: 'on' });
  });

  it('refuses __proto__, constructor and prototype keys in a plan and in the settings file, at the key', async () => {
    expect(load(GOOD.replace('metadata:\n', 'metadata:\n  __proto__: { admin: true }\n')).diagnostics).toMatchObject([{ code: 'yaml/reserved-key', line: 4, column: 3 }]);
    expect(load(GOOD.replace('network: {', 'network: { constructor: 1,')).diagnostics).toMatchObject([{ code: 'yaml/reserved-key', line: 8, column: 14 }]);
    const reader = new MemoryReader({ w: { '.autostack/autostack.yaml': 'apiVersion: autostack.dev/v1\nkind: Settings\nspec:\n  budgets:\n    projects: { prototype: 5 }\n', '.autostack/db.yaml': GOOD } });
    const r = await validateTree(reader, 'w');
    expect(r.diagnostics).toMatchObject([{ file: '.autostack/autostack.yaml', code: 'yaml/reserved-key', line: 5, column: 17 }]);
    expect(r.settings.budgets.projects).toEqual({});
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('resolves settings defaults without touching Object.prototype, whatever keys the data holds', () => {
    // JSON.parse makes "__proto__" an own property, as a YAML library without the check would.
    const data = JSON.parse('{"spec": {"__proto__": {"org": "evil"}, "budgets": {"__proto__": {"monthlyUsd": 1}, "projects": {"__proto__": {"polluted": 1}}}, "network": {"__proto__": {"polluted": 1}}, "accounts": {"constructor": {"prototype": {"polluted": 1}}}}}');
    const model = resolveSettings(data);
    expect(Object.getPrototypeOf(model)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(model.budgets)).toBe(Object.prototype);
    expect(model.org).toBe('default');
    expect(model.budgets.monthlyUsd).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(resolveSettings(undefined).network)).toBe(Object.prototype);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('answers an empty file, null, a scalar and a top-level list with a not-a-mapping error at line 1, and no TypeError', async () => {
    const cases: [string, RegExp][] = [['', /is empty/], ['null\n', /single value/], ['"just text"\n', /single value/], ['42\n', /single value/], ['- apiVersion: autostack.dev/v1\n- kind: Plan\n', /a list/]];
    for (const [text, what] of cases) {
      const d = load(text).diagnostics;
      expect(d, JSON.stringify(text)).toMatchObject([{ code: 'file/not-a-mapping', severity: 'error', line: 1, column: 1 }]);
      expect(d[0]!.message).toMatch(what);
      expect(d[0]!.message).toContain('a YAML mapping starting with apiVersion: autostack.dev/v1');
    }
    // The settings file too: an error, and the defaults apply.
    for (const text of ['', '[]\n', 'null\n']) {
      const r = await validateTree(new MemoryReader({ w: { '.autostack/autostack.yaml': text, '.autostack/db.yaml': GOOD } }), 'w');
      expect(r.diagnostics, JSON.stringify(text)).toMatchObject([{ file: '.autostack/autostack.yaml', code: 'file/not-a-mapping' }]);
      expect(r.settings.org).toBe('default');
    }
  });

  it('validates a plan with a byte order mark and CRLF line endings, with positions as an editor shows them', () => {
    const crlf = (t: string) => `\ufeff${t.replace(/\n/g, '\r\n')}`;
    expect(load(crlf(GOOD)).diagnostics).toEqual([]);
    expect(load(crlf(GOOD)).model).toMatchObject({ name: 'orders-db', region: 'us-east-1' });
    const bad = crlf(GOOD.replace('publicIp: false', 'publicIp: maybe'));
    expect(load(bad).diagnostics).toMatchObject([{ code: 'schema/type', line: 8, column: 24 }]);
    // An error on line 1, right after the byte order mark.
    const line1 = '{apiVersion: autostack.dev/v1, kind: Plan, metadata: {name: Bad_Name}, spec: {cloud: aws}}';
    expect(load(crlf(`${line1}\n`)).diagnostics).toMatchObject([{ code: 'schema/format', line: 1, column: line1.indexOf('Bad_Name') + 1 }]);
  });

  it('caps a file\'s diagnostics at the first 100 and counts the rest (a list of 1,000 invalid items), and refuses a 50,000-item list at the parser', async () => {
    const list = (n: number) => Array.from({ length: n }, () => '1').join(',');
    const huge = load(plan('orders-db', `cloud: aws\nnetwork: { allowedCidrs: [${list(50_000)}] }`)).diagnostics;
    expect(huge).toMatchObject([{ code: 'yaml/too-many-items', line: 7, column: 29 + 2 * MAX_ITEMS_PER_LIST }]);
    expect(huge[0]!.message).toContain('50000 items');
    const text = plan('orders-db', `cloud: aws\nnetwork: { allowedCidrs: [${list(MAX_ITEMS_PER_LIST)}] }`);
    const d = load(text).diagnostics;
    expect(d).toHaveLength(MAX_DIAGNOSTICS_PER_FILE + 1);
    expect(d.slice(0, MAX_DIAGNOSTICS_PER_FILE).every((x) => x.severity === 'error' && x.code.startsWith('schema/'))).toBe(true);
    expect(d[MAX_DIAGNOSTICS_PER_FILE]).toMatchObject({ code: 'file/more-problems', severity: 'error', line: 7 });
    // maxItems and one type error per item: 1,001 in all, 100 shown.
    expect(d[MAX_DIAGNOSTICS_PER_FILE]!.message).toBe(`…and ${MAX_ITEMS_PER_LIST + 1 - MAX_DIAGNOSTICS_PER_FILE} more problems in this file (${MAX_ITEMS_PER_LIST + 1 - MAX_DIAGNOSTICS_PER_FILE} errors), not listed: fix the ones above first, then check again.`);
    // The repository view caps per file as well: two such files, 202 lines.
    const tree = await validateTree(new MemoryReader({ w: { '.autostack/a.yaml': text, '.autostack/b.yaml': text.replace('orders-db', 'other-db') } }), 'w');
    expect(tree.diagnostics).toHaveLength(2 * (MAX_DIAGNOSTICS_PER_FILE + 1));
  });
});
