import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cloudIds } from '../knowledge-base/clouds/registry.ts';
import { AWS_USER_DATA_LIMIT } from '../synth/clouds/aws/vm.ts';
import { AZURE_CUSTOM_DATA_LIMIT } from '../synth/clouds/azure/vm.ts';
import { GCP_METADATA_VALUE_LIMIT } from '../synth/clouds/gcp/vm.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import type { PlanModel } from '../synth/kinds/plan/model.ts';
import { BOOT_SCRIPT_PATH, cloudConfig } from '../synth/stack/user-data.ts';
import { renderBootstrap } from '../synth/kinds/plan/boot/bootstrap.ts';
import { hasErrors } from '../synth/core/diagnostics.ts';
import { synthesize } from '../synth/stack/synthesize.ts';
import { freshPrivateKey, plan, tempDir } from './helpers.ts';
import { needTool } from './tools.ts';

const run = promisify(execFile);
const settings = resolveSettings(undefined);

/** The largest plan the schema allows: 100 settings of 1,000 characters, 50 CIDRs, five replicas, the longest name. */
function largestPlan(cloud: string): PlanModel {
  const settingsLines = Array.from({ length: 100 }, (_, i) => `    p${String(i).padStart(2, '0')}_${'x'.repeat(58)}: "${'v'.repeat(1000)}"`).join('\n');
  const cidrs = Array.from({ length: 50 }, (_, i) => `10.${i}.0.0/16`).join(', ');
  const text = plan('a'.repeat(40), `cloud: ${cloud}\nregion: us-east\ncompute: { vcpu: 16, memoryGiB: 64 }\npostgres:\n  version: "17"\n  topology: cluster\n  replicas: 5\n  maxConnections: 5000\n  settings:\n${settingsLines.replace(/^ {4}/gm, '    ')}\nnetwork: { allowedCidrs: [${cidrs}] }`, `  labels: { ${Array.from({ length: 20 }, (_, i) => `l${i}: "${'y'.repeat(63)}"`).join(', ')} }\n`);
  const doc = loadDocument('.autostack/big.yaml', text, settings);
  expect(doc.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return doc.model as PlanModel;
}

/** Each server's first-boot document as the cloud receives it, and its limit. */
function userData(cloud: string, json: Record<string, any>): { docs: string[]; limit: number; cloudInit: boolean } {
  const r = json.resource;
  if (cloud === 'aws') return { docs: Object.values(r.aws_instance).map((i: any) => i.user_data.replace(/\$\$\{/g, '${')), limit: AWS_USER_DATA_LIMIT, cloudInit: true };
  if (cloud === 'azure') return { docs: Object.values(r.azurerm_linux_virtual_machine).map((v: any) => Buffer.from(v.custom_data, 'base64').toString('utf8')), limit: AZURE_CUSTOM_DATA_LIMIT, cloudInit: true };
  return { docs: Object.values(r.google_compute_instance).map((v: any) => v.metadata_startup_script.replace(/\$\$\{/g, '${')), limit: GCP_METADATA_VALUE_LIMIT, cloudInit: false };
}

describe('first-boot user data', () => {
  for (const cloud of ['aws', 'azure', 'gcp']) {
    it(`stays under ${cloud}'s limit for the largest schema-valid plan`, async () => {
      const r = await synthesize([{ kind: 'Plan', model: largestPlan(cloud) }], settings);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const { docs, limit } = userData(cloud, JSON.parse(r.stacks[0]!.json));
      expect(docs).toHaveLength(6);
      for (const d of docs) expect(Buffer.byteLength(d)).toBeLessThan(limit);
      // Measured for the closing note: the largest document against its limit.
      console.log(`${cloud}: largest first-boot document ${Math.max(...docs.map((d) => Buffer.byteLength(d)))} bytes of ${limit}`);
    });
  }

  it('is a cloud-config document that Debian\'s cloud-init validates, carrying the script compressed', async (ctx) => {
    needTool('cloud-init').guard(ctx);
    const dir = await tempDir('autostack-cloud-init-');
    for (const cloud of ['aws', 'azure']) {
      for (const spec of ['', '\npostgres: { version: "17", topology: cluster, replicas: 1 }', cloud === 'aws' ? '\nnetwork: { egress: public-ip }' : '\nnetwork: { egress: none }']) {
        const doc = loadDocument('.autostack/x.yaml', plan('x', `cloud: ${cloud}\nregion: us-east${spec}`), settings);
        const r = await synthesize([{ kind: 'Plan', model: doc.model }], settings);
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        const json = JSON.parse(r.stacks[0]!.json);
        for (const [i, d] of userData(cloud, json).docs.entries()) {
          const file = join(dir, `${cloud}-${i}.yaml`);
          await writeFile(file, d);
          const out = await run('cloud-init', ['schema', '--config-file', file]).catch((e) => e as { stdout: string; stderr: string; code: number });
          expect(`${out.stdout}${out.stderr}`, `cloud-init schema on ${cloud} server ${i}`).toMatch(/^Valid cloud-config: /m);
          const parsed = parse(d) as { write_files: { path: string; encoding: string; content: string }[]; runcmd: string[][] };
          expect(parsed.write_files[0]).toMatchObject({ path: BOOT_SCRIPT_PATH, encoding: 'gz+b64' });
          expect(parsed.runcmd).toEqual([[BOOT_SCRIPT_PATH]]);
          const script = gunzipSync(Buffer.from(parsed.write_files[0]!.content, 'base64')).toString('utf8');
          expect(script.startsWith('#!/bin/bash')).toBe(true);
        }
      }
    }
  });

  /** Text that would add a cloud-config key, end the block scalar, or make the document a jinja template. */
  const HOSTILE = [
    'x\nruncmd:\n - touch /var/pwned',
    "x'\nbootcmd: [[sh, -c, 'touch /var/pwned']]\n#",
    '|\n  content: x\nwrite_files: []',
    '## template: jinja\n{{ ds.meta_data }}',
    '{{ ds.meta_data.public_keys }} {% if true %}x{% endif %}',
    '#cloud-config\nusers: [{name: pwned}]',
    '#include https://evil.example/x',
  ];

  /** Each hostile text as a label key and value and a PostgreSQL setting (validation skipped: the synth must hold on its own). */
  function hostileModel(cloud: string): PlanModel {
    const base = loadDocument('.autostack/x.yaml', plan('x', `cloud: ${cloud}\nregion: us-east\npostgres: { version: "17", topology: cluster, replicas: 1 }`), settings).model as PlanModel;
    const labels = Object.fromEntries(HOSTILE.flatMap((h, i) => [[`v${i}`, h], [`${h}-k${i}`, 'x']]));
    const extra = Object.fromEntries(HOSTILE.map((h, i) => [`autostack_probe_${i}`, h]));
    return { ...base, labels, postgres: { ...base.postgres, settings: { ...base.postgres.settings, application_name: HOSTILE[0]!, ...extra } } };
  }

  /** The document's shape: its lines with the compressed script's lines taken out. */
  const skeleton = (doc: string) => doc.split('\n').filter((l) => !/^ {6}[A-Za-z0-9+/=]+$/.test(l)).join('\n');

  /** What cloud-init sees: first line, top-level keys, the one file and the one command. */
  function expectOnlyTheBootScript(doc: string, where: string): string {
    expect(doc.split('\n')[0], where).toBe('#cloud-config');
    // No jinja: cloud-init renders a part only when its first line is "## template: jinja"; and no {{ or {% at all.
    expect(doc, where).not.toMatch(/\{\{|\{%|## template/);
    const parsed = parse(doc) as Record<string, unknown>;
    expect(Object.keys(parsed), where).toEqual(['write_files', 'runcmd']);
    expect(parsed.runcmd, where).toEqual([[BOOT_SCRIPT_PATH]]);
    const files = parsed.write_files as Record<string, string>[];
    expect(files.map((f) => Object.keys(f)), where).toEqual([['path', 'permissions', 'owner', 'encoding', 'content']]);
    expect(files[0], where).toMatchObject({ path: BOOT_SCRIPT_PATH, permissions: '0700', owner: 'root:root', encoding: 'gz+b64' });
    // The document is exactly the serializer's output for its script: nothing else was written into it.
    const script = gunzipSync(Buffer.from(files[0]!.content!, 'base64')).toString('utf8');
    expect(doc, where).toBe(cloudConfig(script));
    return script;
  }

  for (const cloud of ['aws', 'azure', 'gcp']) {
    it(`keeps hostile labels and settings out of the first-boot document's structure on ${cloud}: no new cloud-config key, no jinja`, async () => {
      const benign = await synthesize([{ kind: 'Plan', model: loadDocument('.autostack/x.yaml', plan('x', `cloud: ${cloud}\nregion: us-east\npostgres: { version: "17", topology: cluster, replicas: 1 }`), settings).model }], settings);
      const r = await synthesize([{ kind: 'Plan', model: hostileModel(cloud) }], settings);
      expect(r.ok && benign.ok).toBe(true);
      if (!r.ok || !benign.ok) return;
      const json = JSON.parse(r.stacks[0]!.json);
      const { docs } = userData(cloud, json);
      const benignDocs = userData(cloud, JSON.parse(benign.stacks[0]!.json)).docs;
      expect(docs).toHaveLength(2);
      for (const [i, d] of docs.entries()) {
        // Labels and settings never enter the first-boot text: it is the same as for a plan without them.
        expect(d, `server ${i}`).toBe(benignDocs[i]);
        for (const h of HOSTILE) expect(d).not.toContain(h);
        if (cloud === 'gcp') {
          // GCP runs the startup script itself (no cloud-init user-data key is written).
          expect(d.split('\n')[0]).toBe('#!/bin/bash');
          expect(Object.keys(json.resource.google_compute_instance[`server_${i}`].metadata)).not.toContain('user-data');
          continue;
        }
        expect(skeleton(d)).toBe(skeleton(benignDocs[i]!));
        expectOnlyTheBootScript(d, `${cloud} server ${i}`);
      }
    });
  }

  it('keeps a hostile plan name inside the compressed script as a quoted shell constant, the cloud-config unchanged (names are DNS-safe, this is the serializer alone)', async () => {
    const access = { storage: { protocol: 's3' as const, bucket: 'b', region: 'us-east-1', endpoint: 's3.us-east-1.amazonaws.com' }, shellConstants: [], shellFunctions: '' };
    const boot = (planName: string) => renderBootstrap({ planName, role: 'primary', index: 0, packaging: 'deb', pgVersion: '17', egress: 'nat', access });
    const plain = cloudConfig(boot('x'));
    for (const h of HOSTILE) {
      const doc = cloudConfig(boot(h));
      const script = expectOnlyTheBootScript(doc, JSON.stringify(h));
      expect(script).toContain(`PLAN_NAME='${h.replace(/'/g, "'\\''")}'`);
      expect(skeleton(doc)).toBe(skeleton(plain));
    }
    // The schema refuses such names before any of this.
    for (const h of HOSTILE) expect(hasErrors(loadDocument('.autostack/x.yaml', plan(h, 'cloud: aws'), settings).diagnostics), JSON.stringify(h)).toBe(true);
  });

  it('validates with cloud-init when labels and settings are hostile', async (ctx) => {
    needTool('cloud-init').guard(ctx);
    const r = await synthesize([{ kind: 'Plan', model: hostileModel('aws') }], settings);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const file = join(await tempDir('autostack-cloud-init-hostile-'), 'aws.yaml');
    await writeFile(file, userData('aws', JSON.parse(r.stacks[0]!.json)).docs[0]!);
    const out = await run('cloud-init', ['schema', '--config-file', file]).catch((e) => e as { stdout: string; stderr: string });
    expect(`${out.stdout}${out.stderr}`).toMatch(/^Valid cloud-config: /m);
  });

  it('lists every cloud here', () => {
    // A new cloud must state its user-data limit in this test.
    expect(cloudIds().filter((c) => c !== 'fixture').sort()).toEqual(['aws', 'azure', 'gcp']);
  });
});

describe('secrets never reach user data, tags or terraform outputs', () => {
  /** Values shaped like credentials, each with the words the refusal names it by. */
  const CREDENTIALS: [string, string][] = [
    ['a private key', freshPrivateKey('rsa').slice(0, 2).join(' ').slice(0, 52)],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['an AWS access key id', 'ASIAIOSFODNN7EXAMPLE'],
    ['an AWS secret access key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['a URL with a password in it', 'postgres://app:hunter2@db.internal:5432/app'],
    ['a GitHub token', `ghp_${'a1B2'.repeat(9)}`],
  ];
  const values = CREDENTIALS.map(([, v]) => v);

  /** Every tag or label of every resource (AWS default tags included). */
  function allTags(json: Record<string, any>): string[] {
    const out: string[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (k === 'tags' || k === 'labels' || k === 'default_tags') && x && typeof x === 'object' ? out.push(...Object.entries(x).flatMap(([a, b]) => [a, typeof b === 'string' ? b : JSON.stringify(b)])) : walk(x, k);
    };
    walk(json);
    return out;
  }

  for (const cloud of ['aws', 'azure', 'gcp']) {
    it(`refuses credential-looking labels and settings before synthesis, and writes no secret into user data, tags or outputs on ${cloud}`, async () => {
      for (const [what, value] of CREDENTIALS) {
        const text = plan('x', `cloud: ${cloud}\nregion: us-east\npostgres: { settings: { application_name: ${JSON.stringify(value)} } }`, `  labels: { note: ${JSON.stringify(value)} }\n`);
        const found = loadDocument('.autostack/x.yaml', text, settings).diagnostics.filter((d) => d.code === 'plan/plaintext-secret');
        // One finding for the label, one for the setting, both errors: a plan with them is never rendered.
        expect(found.map((d) => [d.severity, d.message.includes(what)]), what).toEqual([['error', true], ['error', true]]);
      }
      expect(loadDocument('.autostack/x.yaml', plan('x', `cloud: ${cloud}\npostgres: { settings: { password: hunter2 } }`, '  labels: { api_token: abc }\n'), settings).diagnostics.filter((d) => d.code === 'plan/plaintext-secret')).toHaveLength(2);

      // A valid cluster: no secret exists at synth time (the servers make their passwords), so none can leak.
      const model = loadDocument('.autostack/x.yaml', plan('x', `cloud: ${cloud}\nregion: us-east\npostgres: { version: "17", topology: cluster, replicas: 1 }`), settings).model as PlanModel;
      // Even past validation, settings stay out of the user data (they travel in the configuration document).
      const withSecrets = { ...model, postgres: { ...model.postgres, settings: Object.fromEntries(values.map((v, i) => [`autostack_probe_${i}`, v])) } };
      const r = await synthesize([{ kind: 'Plan', model: withSecrets }], settings);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const json = JSON.parse(r.stacks[0]!.json);
      const text = JSON.stringify(json);
      expect(text).not.toMatch(/"(random_password|tls_private_key|random_string)"|secret_string|admin_password|"password"\s*:/);
      const { docs } = userData(cloud, json);
      const scripts = cloud === 'gcp' ? docs : docs.map((d) => gunzipSync(Buffer.from((parse(d) as { write_files: { content: string }[] }).write_files[0]!.content, 'base64')).toString('utf8'));
      for (const place of [...docs, ...scripts, ...allTags(json)]) for (const v of values) expect(place).not.toContain(v);
      // Outputs: none holds a secret value; one that ever refers to secret material must be marked sensitive.
      for (const [name, o] of Object.entries((json.output ?? {}) as Record<string, { value: unknown; sensitive?: boolean }>)) {
        const value = JSON.stringify(o.value);
        for (const v of values) expect(value).not.toContain(v);
        if (/password|secret_string|private_key|\.result\b|access_key|connection_string|\bsecret_value\b/.test(value)) expect(o.sensitive, `output ${name} = ${value}`).toBe(true);
      }
      expect(allTags(json).length).toBeGreaterThan(4);
    });
  }
});
