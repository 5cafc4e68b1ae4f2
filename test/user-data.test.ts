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
import { BOOT_SCRIPT_PATH } from '../synth/stack/user-data.ts';
import { synthesize } from '../synth/stack/synthesize.ts';
import { plan, tempDir } from './helpers.ts';

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

  it('is a cloud-config document that Debian\'s cloud-init validates, carrying the script compressed', async () => {
    const which = await run('sh', ['-c', 'command -v cloud-init']).catch(() => undefined);
    expect(which, 'cloud-init is not installed: run .ci/run (it installs Debian\'s cloud-init)').toBeDefined();
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

  it('lists every cloud here', () => {
    // A new cloud must state its user-data limit in this test.
    expect(cloudIds().filter((c) => c !== 'fixture').sort()).toEqual(['aws', 'azure', 'gcp']);
  });
});
