import { generateKeyPairSync } from 'node:crypto';
import '../synth/node.ts';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';

export const ROOT = new URL('..', import.meta.url).pathname;

/** A plan with four mistakes: an unknown region, a wrong type, an unknown field and a duplicate key (lines 7, 9, 10, 11). */
export const BAD_PLAN = [
  'apiVersion: autostack.dev/v1',
  'kind: Plan',
  'metadata:',
  '  name: orders-db',
  'spec:',
  '  cloud: aws',
  '  region: us-esat-1',
  '  storage:',
  '    sizeGiB: fifty',
  '  computee: { vcpu: 2 }',
  '  cloud: aws',
  '',
].join('\n');

export function plan(name: string, spec: string, extra = ''): string {
  return `apiVersion: autostack.dev/v1\nkind: Plan\nmetadata:\n  name: ${name}\n${extra}spec:\n${spec
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}

export async function tempDir(prefix = 'autostack-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeFiles(root: string, files: Record<string, string | null>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const abs = join(root, path);
    if (text === null) await rm(abs, { force: true });
    else {
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, text);
    }
  }
}

/** A real git repository with one commit per entry of `commits` (null deletes a file). */
export async function gitRepo(commits: Record<string, string | null>[], branchAfterFirst?: string): Promise<string> {
  const root = await tempDir('autostack-git-');
  const git = simpleGit({ baseDir: root });
  await git.init(['-q', '-b', 'main']);
  await git.addConfig('user.email', 'test@example.com').addConfig('user.name', 'Test');
  for (const [i, files] of commits.entries()) {
    if (i === 1 && branchAfterFirst) await git.checkoutLocalBranch(branchAfterFirst);
    await writeFiles(root, files);
    await git.add(['-A']);
    await git.commit(`commit ${i}`);
  }
  return root;
}

/**
 * A private key made for the test, as PEM lines (nothing key-like is committed): PKCS#1 for RSA,
 * SEC1 for EC, PKCS#8 for Ed25519 (each with its own PEM header line).
 */
export function freshPrivateKey(type: 'rsa' | 'ec' | 'ed25519' = 'rsa'): string[] {
  const privateKeyEncoding = { type: type === 'rsa' ? 'pkcs1' : type === 'ec' ? 'sec1' : 'pkcs8', format: 'pem' } as const;
  const options = { ...(type === 'rsa' ? { modulusLength: 1024 } : {}), ...(type === 'ec' ? { namedCurve: 'prime256v1' } : {}), privateKeyEncoding, publicKeyEncoding: { type: 'spki', format: 'pem' } };
  const { privateKey } = generateKeyPairSync(type as 'rsa', options as never) as unknown as { privateKey: string };
  return privateKey.trim().split('\n');
}

/**
 * A Probot-shaped logger that keeps every record as JSON text (errors with their message, own
 * fields and stack), for tests that read what was logged, or check that a secret never was.
 * `level: 'trace'` also reports every level as enabled, so nothing is filtered before it is kept.
 */
export function collectingLog(level: 'info' | 'trace' = 'info'): { records: string[]; log: any } {
  const records: string[] = [];
  const log: Record<string, unknown> = {};
  const write = (name: string) => (...args: unknown[]) => records.push(`${name} ${JSON.stringify(args, (_k, v) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack } : typeof v === 'bigint' ? String(v) : v))}`);
  for (const name of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) log[name] = write(name);
  log.child = () => log;
  log.level = level;
  if (level === 'trace') log.isLevelEnabled = () => true;
  return { records, log };
}

/**
/**
 * The Terraform references of a synthesized stack (`<prefix>_type.name`, `data.…`, `ephemeral.random_…`
 * inside every `${…}` Terraform will read; escaped `$${` is text) that the stack does not declare:
 * a reference to nothing fails only at `terraform plan`.
 */
export function danglingReferences(raw: string, prefix: string): { refs: string[]; dangling: string[] } {
  const json = JSON.parse(raw) as { resource?: Record<string, object>; data?: Record<string, object>; ephemeral?: Record<string, object> };
  const names = (block: Record<string, object> | undefined, at: string) => Object.entries(block ?? {}).flatMap(([t, byName]) => Object.keys(byName).map((n) => `${at}${t}.${n}`));
  const declared = new Set<string>([...names(json.resource, ''), ...names(json.data, 'data.'), ...names(json.ephemeral, 'ephemeral.')]);
  const refs = [...raw.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((m) => m[1]!);
  const pattern = new RegExp(`\\b((?:data\\.|ephemeral\\.)?(?:${prefix}|random)_[a-z0-9_]+\\.[a-z0-9_]+)`, 'g');
  const dangling = [...new Set(refs.flatMap((expr) => [...expr.matchAll(pattern)].map((m) => m[1]!)).filter((ref) => !declared.has(ref)))];
  return { refs, dangling };
}

/**
 * The resource types of a synthesized stack that carry the base tags (org, project, plan,
 * managed-by) as the cloud reads them (`tagsOf`); a taggable resource without them fails the
 * calling test at `<type>.<name>`. Types the cloud lists as untaggable are skipped.
 */
export function taggedTypes(json: Record<string, any>, impl: { untaggable: Record<string, string>; tagsOf: (json: any, type: string, res: any) => Record<string, string> | undefined }, want: Record<string, string>, expectFn: (v: unknown, m: string) => { toMatchObject(o: object): void }): string[] {
  const seen: string[] = [];
  for (const [type, byName] of Object.entries(json.resource as Record<string, Record<string, any>>)) {
    if (impl.untaggable[type]) continue;
    for (const [name, res] of Object.entries(byName)) {
      expectFn(impl.tagsOf(json, type, res), `${type}.${name}`).toMatchObject(want);
      seen.push(type);
    }
  }
  return seen;
}

/** The base tags of the website tests' sites (org acme, default project, site shop). */
export const SHOP_TAGS = { 'autostack-org': 'acme', 'autostack-project': 'default', 'autostack-plan': 'shop', 'managed-by': 'autostack' };

/** A Website file `name` (default shop) with `spec` (YAML lines, indented here) and optional metadata `labels` lines. */
export function websiteFile(spec: string, labels = '', name = 'shop'): string {
  return `apiVersion: autostack.dev/v1\nkind: Website\nmetadata:\n  name: ${name}\n${labels}spec:\n${spec.replace(/^/gm, '  ')}\n`;
}

/** The clouds' website tests' typical shop: custom domains, object cache, HA database, canary updates, an alert e-mail. */
export function typicalShop(databaseSize = 'medium'): string {
  return `region: us-east-1
domains:
  custom: [shop.example.com, www.shop.example.com]
runtime:
  php: "8.2"
  size: medium
  scaling: { min: 2, max: 6, cpuTarget: 55 }
  objectCache: true
database:
  size: ${databaseSize}
  storageGiB: 50
  highAvailability: true
  backup: { schedule: "15 2 * * *", retentionDays: 14 }
updates:
  strategy: canary
  steps: [10, 50, 100]
  pause: 15m
alerts:
  emails: [ops@example.com]`;
}

/** The `autostack` CLI (app/bin/autostack.js) run in `cwd` under this Node: its exit code and output, never a throw. */
export async function runCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'app/bin/autostack.js'), ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
