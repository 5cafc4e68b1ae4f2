import '../synth/node.ts';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudAccess } from '../synth/core/registry/kinds.ts';
import { shellQuote } from '../synth/core/render/shell.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { configObjectKey, serverConfig, serverScript } from '../synth/kinds/plan/boot/server-script.ts';
import { cloudFunctionsFile, serverTool } from '../synth/kinds/plan/boot/tools.ts';
import { planKind } from '../synth/kinds/plan/index.ts';
import type { PlanModel } from '../synth/kinds/plan/model.ts';
import { plan } from './helpers.ts';
import { freePort, processRunner } from './real-process.ts';
import type { Result } from './real-process.ts';
import { needAll, needCondition, needTool } from './tools.ts';

/*
 * The generated server configuration on a real PostgreSQL 15, pgBackRest and an S3 server
 * (s3rver) over TLS, all on loopback: the tool the first-boot script installs
 * (serverTool), driven by a "loopback cloud" whose config_read / secret_read / secret_write read
 * and write files, and the documents serverConfig renders for the plan. Nothing is
 * re-implemented here: the test only starts s3rver, writes each node's file and calls the tool.
 */

const PG_MAJOR = '15';
const PG_BIN = `/usr/lib/postgresql/${PG_MAJOR}/bin`;
const BUCKET = 'autostack-real';
const started = Date.now();

const SPEC = (extra: { settings?: string; retention?: number } = {}) =>
  [
    'cloud: aws',
    'region: us-east-1',
    'os: { distro: debian, version: "12" }',
    'compute: { size: small }',
    'storage: { sizeGiB: 20 }',
    `postgres: { version: "${PG_MAJOR}", topology: cluster, replicas: 1, maxConnections: 50${extra.settings ? `, settings: { ${extra.settings} }` : ''} }`,
    `backup: { schedule: "0 3 * * *", retentionDays: ${extra.retention ?? 7}, validate: weekly }`,
    'network: { allowedCidrs: [127.0.0.1/32] }',
  ].join('\n');

function modelOf(spec: string): PlanModel {
  const doc = loadDocument('.autostack/realdb.yaml', plan('realdb', spec), resolveSettings(undefined));
  if (!doc.model) throw new Error(doc.diagnostics.map((d) => d.message).join('\n'));
  return doc.model as PlanModel;
}

/** Every process the test started and has not seen end: afterAll stops what a failed step left behind. */
const { sh, ok, running } = processRunner(300_000);

interface Node {
  index: number;
  dir: string;
  port: number;
  env: NodeJS.ProcessEnv;
  pgdata: string;
  socket: string;
}

let root = '';
let s3: ChildProcess | undefined;
let s3Port = 0;
let tool = '';
let objects = '';
let secretFile = '';
const nodes: Node[] = [];
const timings: Record<string, number> = {};

/** The loopback cloud: the plan's bucket is a directory, the secret a file. */
function loopbackAccess(): CloudAccess {
  return {
    storage: { protocol: 's3', bucket: BUCKET, region: 'us-east-1', endpoint: '127.0.0.1' },
    shellConstants: [`OBJECTS=${shellQuote(objects)}`, `SECRET_FILE=${shellQuote(secretFile)}`],
    shellFunctions: [
      'config_read() { cat "$OBJECTS/$1"; }',
      'secret_read() { cat "$SECRET_FILE" 2>/dev/null || true; }',
      'secret_write() { cat >"$SECRET_FILE"; }',
      'instance_value() { cat "$OBJECTS/instance-$1"; }',
      'ensure_cloud_cli() { :; }',
      '',
    ].join('\n'),
  };
}

/** Stores node `index`'s configuration document where config_read finds it (the integrator's bucket object). */
async function publishConfig(model: PlanModel, index: number): Promise<string> {
  const text = serverConfig(model, planKind.infrastructure!.plan(model)[0]!, index, loopbackAccess());
  const file = join(objects, configObjectKey(index));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  return text;
}

/** Mounted loop filesystems, unmounted in afterAll after the servers on them stopped. */
const mounts: string[] = [];

async function makeNode(index: number, disk?: { image: string }): Promise<Node> {
  const dir = join(root, `node${index}`);
  const mount = join(dir, 'data');
  const node: Node = { index, dir, port: await freePort(), env: {}, pgdata: join(mount, `pg${PG_MAJOR}`), socket: join(dir, 'run') };
  await mkdir(node.socket, { recursive: true });
  await mkdir(mount, { recursive: true });
  if (disk) {
    await ok('mount', ['-o', 'loop', disk.image, mount]);
    mounts.push(mount);
  }
  await mkdir(join(dir, 'state'), { recursive: true });
  await mkdir(join(dir, 'units'), { recursive: true });
  const values: [string, string][] = [
    ['PLAN_NAME', 'realdb'],
    ['ROLE', index === 0 ? 'primary' : 'replica'],
    ['NODE_INDEX', String(index)],
    ['PG_BIN', PG_BIN],
    ['PGDATA', node.pgdata],
    ['PG_PORT', String(node.port)],
    ['PG_LISTEN', '127.0.0.1,::1'],
    ['PG_SOCKET_DIR', node.socket],
    ['PG_SERVICE', ''],
    ['MOUNT', mount],
    ['STATE_DIR', join(dir, 'state')],
    ['PGBACKREST_CONF', join(dir, 'pgbackrest', 'pgbackrest.conf')],
    ['UNITS_DIR', join(dir, 'units')],
    ['RESTORE_PORT', String(await freePort())],
    ['CONFIG_KEY', configObjectKey(index)],
    ['CLOUD_FUNCTIONS', join(root, 'cloud.sh')],
  ];
  await writeFile(join(dir, 'node.env'), values.map(([k, v]) => `${k}=${shellQuote(v)}\n`).join(''));
  await mkdir(join(root, `pgbackrest-lock-${index}`), { recursive: true });
  await ok('chown', ['-R', 'postgres:postgres', node.socket, mount, join(root, `pgbackrest-lock-${index}`)]);
  node.env = {
    AUTOSTACK_ENV: join(dir, 'node.env'),
    // Only what the loopback S3 server needs beyond the generated pgbackrest.conf: its port, its
    // fixed key, path-style URIs and its self-signed certificate. The server inherits them, so
    // archive_command (generated, default config path) finds the node's file.
    PGBACKREST_CONFIG: join(dir, 'pgbackrest', 'pgbackrest.conf'),
    PGBACKREST_REPO1_STORAGE_PORT: String(s3Port),
    PGBACKREST_REPO1_S3_KEY_TYPE: 'shared',
    PGBACKREST_REPO1_S3_KEY: 'S3RVER',
    PGBACKREST_REPO1_S3_KEY_SECRET: 'S3RVER',
    PGBACKREST_REPO1_S3_URI_STYLE: 'path',
    PGBACKREST_REPO1_STORAGE_VERIFY_TLS: 'n',
    PGBACKREST_LOG_PATH: join(root, 'pgbackrest-log'),
    PGBACKREST_LOCK_PATH: join(root, `pgbackrest-lock-${index}`),
    PGBACKREST_LOG_LEVEL_FILE: 'off',
  };
  nodes.push(node);
  return node;
}

/** Skips a step out loud: the reason is printed with the run, not only counted. */
function skipSaying(ctx: { skip: (note?: string) => void }, reason: string): void {
  console.warn(`SKIPPED: ${reason}`);
  timings.skipped = (timings.skipped ?? 0) + 1;
  ctx.skip(reason);
}

/** The generated tool, as root, with the node's file. */
function autostack(node: Node, ...args: string[]): Promise<Result> {
  return sh('bash', [tool, ...args], node.env);
}
async function autostackOk(node: Node, ...args: string[]): Promise<string> {
  const r = await autostack(node, ...args);
  if (r.code !== 0) throw new Error(`autostack ${args.join(' ')} on node ${node.index} exited ${r.code}\n${r.stdout}\n${r.stderr}\n${await readFile(join(node.dir, 'data', 'postgresql.log'), 'utf8').catch(() => '')}`);
  return r.stdout;
}

/** psql over the Unix socket as postgres (peer). */
function admin(node: Node, sql: string, db = 'postgres'): Promise<string> {
  return ok('runuser', ['-u', 'postgres', '--', `${PG_BIN}/psql`, '-X', '-v', 'ON_ERROR_STOP=1', '-Atq', '-h', node.socket, '-p', String(node.port), '-d', db, '-c', sql]).then((s) => s.trim());
}

/** A TCP client, as a nobody user, with a password: what an application does. */
function client(conninfo: string, password: string, sql = 'select 1'): Promise<Result> {
  return sh('runuser', ['-u', 'nobody', '--', `${PG_BIN}/psql`, '-X', '-Atq', conninfo, '-c', sql], { PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' });
}

async function secret(): Promise<{ postgres: string; replicator: string }> {
  return JSON.parse(await readFile(secretFile, 'utf8'));
}

/**
 * The tools (scripts/system-deps.list) and root: missing, each test skips naming them and the one
 * command, or fails under CI (beforeEach); beforeAll then sets nothing up.
 */
const REAL_POSTGRES = needAll(
  needTool('postgres', 'pgbackrest', 'runuser', 'openssl', 'python3', 'flock'),
  needCondition(process.getuid?.() === 0, 'root', 'run the tests as root (the test runs PostgreSQL as the postgres user; .ci/run does)'),
);
beforeEach(REAL_POSTGRES.guard);

beforeAll(async () => {
  const t0 = Date.now();
  if (!REAL_POSTGRES.present) return;
  const missing: string[] = [];
  for (const bin of [`${PG_BIN}/postgres`, `${PG_BIN}/initdb`, `${PG_BIN}/pg_basebackup`, `${PG_BIN}/psql`]) if (!existsSync(bin)) missing.push(bin);
  if ((await sh('id', ['postgres'])).code !== 0) missing.push('the postgres user');
  let s3rverBin = '';
  try {
    s3rverBin = join(dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');
  } catch {
    missing.push('the s3rver npm package (npm ci)');
  }
  if (missing.length) throw new Error(`the real-PostgreSQL test needs ${missing.join(', ')}: run .ci/run (it installs postgresql-${PG_MAJOR}, pgbackrest and cloud-init)`);

  root = await mkdtemp(join(tmpdir(), 'autostack-pg-'));
  await chmod(root, 0o755);
  objects = join(root, 'bucket');
  secretFile = join(root, 'secret.json');
  await mkdir(objects, { recursive: true });
  await mkdir(join(root, 'pgbackrest-log'), { recursive: true });
  await ok('chown', ['postgres:postgres', join(root, 'pgbackrest-log')]);
  tool = join(root, 'autostack');
  await writeFile(tool, serverTool(), { mode: 0o755 });
  await writeFile(join(root, 'cloud.sh'), cloudFunctionsFile(loopbackAccess()), { mode: 0o644 });

  // s3rver over TLS with a self-signed certificate, on a free loopback port.
  const s3dir = join(root, 's3');
  await mkdir(s3dir);
  await ok('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(root, 's3.key'), '-out', join(root, 's3.crt')]);
  s3Port = await freePort();
  s3 = spawn(process.execPath, [s3rverBin, '-d', s3dir, '-a', '127.0.0.1', '-p', String(s3Port), '--key', join(root, 's3.key'), '--cert', join(root, 's3.crt'), '--configure-bucket', BUCKET, '--silent'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let s3err = '';
  s3.stderr!.on('data', (d) => (s3err += d));
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const req = httpsGet({ host: '127.0.0.1', port: s3Port, path: '/', rejectUnauthorized: false, timeout: 1000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100 || s3.exitCode !== null) throw new Error(`s3rver did not start: ${s3err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  timings.setup = Date.now() - t0;
}, 120_000);

afterAll(async () => {
  for (const child of [...running]) child.kill();
  for (const node of nodes) {
    await sh('runuser', ['-u', 'postgres', '--', `${PG_BIN}/pg_ctl`, '-D', node.pgdata, '-m', 'immediate', '-w', 'stop']);
  }
  for (const mount of mounts) await sh('umount', ['-d', mount]);
  s3?.kill();
  if (root && !process.env.AUTOSTACK_KEEP_PG_TEST) await rm(root, { recursive: true, force: true });
  timings.total = Date.now() - started;
  console.log(`real PostgreSQL test timings (ms): ${JSON.stringify(timings)}`);
}, 120_000);

// Each step starts, backs up or restores real servers: minutes on a loaded machine, not the default 60 s.
describe('the generated server configuration on a real PostgreSQL', { timeout: 240_000 }, () => {
  const model = modelOf(SPEC());
  let primary: Node;

  it('starts the primary with the generated conf.d and pg_hba.conf, TLS on, through the first-boot identity only', async () => {
    const t0 = Date.now();
    // The first-boot script for this plan names the node's identity and key, nothing day-2.
    const boot = serverScript(model, planKind.infrastructure!.plan(model)[0]!, 0, loopbackAccess());
    expect(boot).toContain(`CONFIG_KEY='${configObjectKey(0)}'`);
    expect(boot).not.toContain('max_connections = 50');
    expect(boot).not.toContain('127.0.0.1/32');
    const doc = JSON.parse(await publishConfig(model, 0));
    primary = await makeNode(0);
    await autostackOk(primary, 'init-primary');
    const out = await autostackOk(primary, 'agent');
    expect(out).toMatch(/applied configuration [0-9a-f]{12}: changed .*postgresql\.conf.*pg_hba\.conf.*pgbackrest\.conf.*; PostgreSQL started/);
    expect(await readFile(join(primary.pgdata, 'conf.d', 'autostack.conf'), 'utf8')).toBe(doc.postgresql.join('\n') + '\n');
    expect(await readFile(join(primary.pgdata, 'pg_hba.conf'), 'utf8')).toBe(doc.pgHba.join('\n') + '\n');
    expect(await admin(primary, 'show ssl')).toBe('on');
    expect(await admin(primary, 'show max_connections')).toBe('50');
    expect(await admin(primary, 'show archive_mode')).toBe('on');
    expect(await admin(primary, "select count(*) from pg_file_settings where error is not null")).toBe('0');
    // The stanza was created by the agent with the generated pgbackrest.conf, against s3rver over TLS.
    const conf = await readFile(join(primary.dir, 'pgbackrest', 'pgbackrest.conf'), 'utf8');
    expect(conf).toContain(`repo1-s3-bucket=${BUCKET}`);
    expect(conf).toContain('repo1-retention-full=7');
    expect(await readFile(join(primary.dir, 'units', 'autostack-backup.timer'), 'utf8')).toContain('OnCalendar=*-*-* 03:00:00');
    expect(await readFile(join(primary.dir, 'units', 'autostack-restore-check.timer'), 'utf8')).toContain('OnCalendar=Sun *-*-* 05:30:00');
    await autostackOk(primary, 'set-passwords');
    const pw = await secret();
    expect(pw.postgres).toMatch(/^[A-Za-z0-9]{30,}$/);
    expect(await admin(primary, "select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = 'postgres'")).toBe('t');
    timings.primary = Date.now() - t0;
  });

  it('lets a client with the generated password in over TLS with SCRAM from an allowed address only', async () => {
    const t0 = Date.now();
    const { postgres: password } = await secret();
    const base = `port=${primary.port} user=postgres dbname=postgres`;
    const allowed = await client(`host=127.0.0.1 ${base} sslmode=require`, password, 'select ssl from pg_stat_ssl where pid = pg_backend_pid()');
    expect(allowed.stderr).toBe('');
    expect(allowed.stdout.trim()).toBe('t');
    // The connection authenticated with SCRAM: the role's password is a SCRAM verifier and the matching rule says scram-sha-256.
    expect(await admin(primary, "select auth_method from pg_hba_file_rules where type = 'hostssl' and '127.0.0.1/32' = any (array[address || '/32'])")).toBe('scram-sha-256');
    const wrong = await client(`host=127.0.0.1 ${base} sslmode=require`, `${password}x`);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('password authentication failed');
    const plain = await client(`host=127.0.0.1 ${base} sslmode=disable`, password);
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/no pg_hba\.conf entry for host "127\.0\.0\.1".*no encryption/);
    const other = await client(`host=::1 ${base} sslmode=require`, password);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/no pg_hba\.conf entry for host "::1"/);
    timings.clients = Date.now() - t0;
  });

  it('backs up to S3 over TLS with the generated pgbackrest.conf and restores it in the generated restore check', async () => {
    const t0 = Date.now();
    await admin(primary, "create table marker (note text); insert into marker values ('written before the backup')");
    const backup = await autostackOk(primary, 'backup');
    expect(backup).toContain('full backup done');
    const info = JSON.parse(await ok('runuser', ['-u', 'postgres', '--', 'pgbackrest', '--stanza=main', 'info', '--output=json'], primary.env));
    expect(info[0].backup.map((b: { type: string }) => b.type)).toEqual(['full']);
    await admin(primary, "insert into marker values ('written after the backup')");
    timings.backup = Date.now() - t0;
    const t1 = Date.now();
    const check = await autostackOk(primary, 'restore-check', 'postgres', 'select note from marker order by note');
    expect(check).toContain('written before the backup');
    expect(check).not.toContain('written after the backup');
    expect(check).toContain('restore check ok');
    expect(JSON.parse(await readFile(join(primary.dir, 'state', 'restore-check.json'), 'utf8')).result).toBe('ok');
    // The scratch cluster is gone and the primary never stopped.
    expect((await sh('sh', ['-c', `ls -d ${shellQuote(join(primary.dir, 'data'))}/restore-check.* 2>/dev/null`])).stdout).toBe('');
    timings.restoreCheck = Date.now() - t1;
  });

  it('sets up a replica with the generated replica commands; it streams from the primary', async () => {
    const t0 = Date.now();
    await publishConfig(model, 1);
    const replica = await makeNode(1);
    await autostackOk(replica, 'replica-setup', '127.0.0.1', String(primary.port));
    const out = await autostackOk(replica, 'agent');
    expect(out).toContain('PostgreSQL started');
    expect(await admin(replica, 'select pg_is_in_recovery()')).toBe('t');
    expect(await admin(replica, 'show archive_mode')).toBe('off');
    expect(await admin(primary, "select s.ssl from pg_stat_replication r join pg_stat_ssl s using (pid) where r.application_name = 'replica_1'")).toBe('t');
    await admin(primary, "insert into marker values ('written on the primary after the replica started')");
    let seen = '';
    for (let i = 0; i < 100 && !seen; i++) {
      seen = await admin(replica, "select note from marker where note like '%after the replica started'");
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe('written on the primary after the replica started');
    timings.replica = Date.now() - t0;
  });

  it('applies a changed document in place without restarting, and a second run changes nothing', async () => {
    const t0 = Date.now();
    const startedAt = await admin(primary, 'select pg_postmaster_start_time()');
    const changed = modelOf(SPEC({ settings: 'log_min_duration_statement: 250', retention: 14 }));
    const doc = JSON.parse(await publishConfig(changed, 0));
    expect(doc.postgresql).toContain('log_min_duration_statement = 250');
    const out = await autostackOk(primary, 'agent');
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(/changed postgresql\.conf pgbackrest\.conf stanza; PostgreSQL reloaded$/m);
    expect(await admin(primary, 'show log_min_duration_statement')).toBe('250ms');
    expect(await readFile(join(primary.dir, 'pgbackrest', 'pgbackrest.conf'), 'utf8')).toContain('repo1-retention-full=14');
    expect(await admin(primary, 'select pg_postmaster_start_time()')).toBe(startedAt);

    const files = [join(primary.pgdata, 'conf.d', 'autostack.conf'), join(primary.pgdata, 'pg_hba.conf'), join(primary.dir, 'pgbackrest', 'pgbackrest.conf'), join(primary.dir, 'units', 'autostack-backup.timer'), join(primary.dir, 'state', 'config.sha256')];
    const before = await Promise.all(files.map((f) => stat(f).then((s) => s.mtimeMs)));
    const again = await autostackOk(primary, 'agent');
    expect(again).toBe('');
    expect(await Promise.all(files.map((f) => stat(f).then((s) => s.mtimeMs)))).toEqual(before);
    expect(await admin(primary, 'select pg_postmaster_start_time()')).toBe(startedAt);

    // A setting that needs a restart is applied with one, and said so.
    await publishConfig(modelOf(SPEC({ settings: 'log_min_duration_statement: 250, max_locks_per_transaction: 128', retention: 14 })), 0);
    const restart = await autostackOk(primary, 'agent');
    expect(restart).toMatch(/PostgreSQL restarted for max_locks_per_transaction$/m);
    expect(await admin(primary, 'show max_locks_per_transaction')).toBe('128');
    expect(await admin(primary, 'select pg_postmaster_start_time()')).not.toBe(startedAt);
    timings.agent = Date.now() - t0;
  });

  it('keeps the previous files when PostgreSQL rejects a document, and fails loudly', async () => {
    const text = await readFile(join(objects, configObjectKey(0)), 'utf8');
    const doc = JSON.parse(text);
    doc.postgresql.push('work_mem = lots');
    await writeFile(join(objects, configObjectKey(0)), JSON.stringify(doc));
    const before = await readFile(join(primary.pgdata, 'conf.d', 'autostack.conf'), 'utf8');
    const r = await autostack(primary, 'agent');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/rejected by PostgreSQL, previous files kept: work_mem/);
    expect(await readFile(join(primary.pgdata, 'conf.d', 'autostack.conf'), 'utf8')).toBe(before);
    expect(await admin(primary, 'select count(*) from pg_file_settings where error is not null')).toBe('0');
    await writeFile(join(objects, configObjectKey(0)), text);
  });

  it('updates its own tool from a newer release\'s document, once, and refuses one that does not parse', async () => {
    const text = await readFile(join(objects, configObjectKey(0)), 'utf8');
    const doc = JSON.parse(text);
    expect(doc.tool).toBe(serverTool());
    await writeFile(join(objects, configObjectKey(0)), JSON.stringify({ ...doc, tool: `${serverTool()}\n# the next release\n` }));
    const out = await autostackOk(primary, 'agent');
    expect(out).toMatch(/updated the AutoStack tool from the configuration document\n.*applied configuration [0-9a-f]{12}: changed nothing; PostgreSQL unchanged\n$/);
    expect(await readFile(tool, 'utf8')).toContain('# the next release');
    expect(await autostackOk(primary, 'agent')).toBe('');
    await writeFile(join(objects, configObjectKey(0)), JSON.stringify({ ...doc, tool: '#!/bin/bash\nif then fi\n' }));
    const broken = await autostack(primary, 'agent');
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain('does not parse: keeping this one');
    expect(await readFile(tool, 'utf8')).toContain('# the next release');
    await writeFile(tool, serverTool(), { mode: 0o755 });
    await writeFile(join(objects, configObjectKey(0)), text);
    await autostackOk(primary, 'agent');
  });

  it('grows the data filesystem online when the cloud grew the disk', async (ctx) => {
    const t0 = Date.now();
    // The data disk as a loop device: an ext4 filesystem labelled pgdata, as the first-boot script makes it.
    const image = join(root, 'disk2.img');
    await ok('truncate', ['-s', '256M', image]);
    await ok('mkfs.ext4', ['-q', '-L', 'pgdata', image]);
    const probe = join(root, 'probe-mount');
    await mkdir(probe);
    const canMount = await sh('mount', ['-o', 'loop', image, probe]);
    if (canMount.code !== 0) return skipSaying(ctx, `this machine cannot mount a loop device (${canMount.stderr.trim()}): the online growth of the data filesystem is not checked here`);
    await ok('umount', ['-d', probe]);
    // A replica's server-start settings must not be below the primary's (max_locks_per_transaction was raised above).
    const spec2 = SPEC({ settings: 'log_min_duration_statement: 250, max_locks_per_transaction: 128', retention: 14 }).replace('replicas: 1', 'replicas: 2');
    await publishConfig(modelOf(spec2), 2);
    const node = await makeNode(2, { image });
    await autostackOk(node, 'replica-setup', '127.0.0.1', String(primary.port));
    expect(await autostackOk(node, 'agent')).toContain('PostgreSQL started');
    const size = async () => Number((await ok('df', ['--output=size', '-B1', join(node.dir, 'data')])).trim().split('\n')[1]);
    const before = await size();
    // The cloud grows the disk (here: the image and the loop device); the agent notices on its next run,
    // document changed or not.
    await ok('truncate', ['-s', '512M', image]);
    const loop = (await ok('findmnt', ['-no', 'SOURCE', join(node.dir, 'data')])).trim();
    await ok('losetup', ['-c', loop]);
    const startedAt = await admin(node, 'select pg_postmaster_start_time()');
    const grown = await autostack(node, 'agent');
    const refused = /could not grow the data filesystem on \S+ to 512 MiB: .*(Permission denied|Operation not permitted)/.exec(grown.stderr);
    if (grown.code !== 0 && refused) {
      return skipSaying(ctx, `the agent found the grown disk and ran resize2fs, but this machine forbids online resizing ("${refused[1]}", a container without CAP_SYS_RESOURCE): the growth itself is checked on VMs only`);
    }
    expect(grown.stderr).toBe('');
    expect(grown.stdout).toMatch(/grew the data filesystem from 2\d\d to 5\d\d MiB/);
    expect(await size()).toBeGreaterThan(before + 200 * 1024 * 1024);
    expect(await admin(node, 'select pg_postmaster_start_time()')).toBe(startedAt);
    // The plan's new size reaches the document; nothing else to do.
    await publishConfig(modelOf(spec2.replace('sizeGiB: 20', 'sizeGiB: 21')), 2);
    expect(await autostackOk(node, 'agent')).toMatch(/changed nothing; PostgreSQL unchanged$/m);
    expect(await autostackOk(node, 'agent')).toBe('');
    timings.diskGrowth = Date.now() - t0;
  });
});
