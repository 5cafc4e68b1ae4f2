import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/**
 * The lowest version of each runtime dependency that is free of the advisories AutoStack's input
 * handling depends on. Raise a floor when a new advisory is published; never lower one.
 */
const SECURITY_MINIMUMS: Record<string, { version: string; why: string }> = {
  yaml: { version: '2.8.3', why: 'CVE-2026-33532: a stack overflow on deeply nested collections (before 2.8.3)' },
  ajv: { version: '8.18.0', why: 'the minimum of the security checklist (A4)' },
  hono: { version: '4.13.5', why: 'GHSA-9vqf-7f2p-gf9v (bodyLimit bypass with a chunked body, fixed in 4.12.16), CVE-2025-59139, and GHSA-gqvv-2mrq-wpjv, GHSA-g6gw-c38x-mqfc, GHSA-crvj-82cr-hjcx (fixed in 4.13.5)' },
  '@hono/node-server': { version: '1.19.15', why: 'GHSA-92pp-h63x-v22m and GHSA-frvp-7c67-39w9 (serveStatic path handling, fixed in 1.19.13 and 1.19.15)' },
};

type Lock = { packages: Record<string, { version?: string; dev?: boolean }> };

function compare(a: string, b: string): number {
  const pa = a.split(/[.+-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.+-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Every copy of a listed package the lock installs for production (nested copies too), below its minimum. */
function belowMinimum(lock: Lock, minimums = SECURITY_MINIMUMS): string[] {
  const out: string[] = [];
  const found = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.split('node_modules/').pop()!;
    const min = minimums[name];
    if (!min || entry.dev) continue;
    found.add(name);
    if (!entry.version || compare(entry.version, min.version) < 0) out.push(`${path} ${entry.version ?? '(no version)'} < ${min.version}: ${min.why}`);
  }
  for (const name of Object.keys(minimums)) if (!found.has(name)) out.push(`${name} is not in the lock file`);
  return out;
}

/** The lower bound of a package.json range (^x.y.z, ~x.y.z, >=x.y.z or x.y.z). */
function lowerBound(range: string): string {
  return /(\d+\.\d+\.\d+)/.exec(range)?.[1] ?? '0.0.0';
}

describe('dependency minimums (security)', () => {
  it('flags a copy below its minimum, a nested copy too, and a package missing from the lock', () => {
    const lock: Lock = { packages: { 'node_modules/yaml': { version: '2.8.2' }, 'node_modules/x/node_modules/hono': { version: '4.12.15' }, 'node_modules/ajv': { version: '8.18.0' }, 'node_modules/@hono/node-server': { version: '2.0.0' }, 'node_modules/devonly/node_modules/yaml': { version: '1.0.0', dev: true } } };
    const hono = { version: '4.13.5', why: '' };
    expect(belowMinimum(lock, { ...SECURITY_MINIMUMS, hono })).toEqual([expect.stringMatching(/^node_modules\/yaml 2\.8\.2 < 2\.8\.3/), expect.stringMatching(/^node_modules\/x\/node_modules\/hono 4\.12\.15 < 4\.13\.5/)]);
    expect(belowMinimum({ packages: {} })).toHaveLength(Object.keys(SECURITY_MINIMUMS).length);
    expect(compare('4.13.19', '4.13.5')).toBeGreaterThan(0);
  });

  it('package-lock.json installs, and package.json asks for, at least the minimum of yaml, ajv, hono and @hono/node-server', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
    expect(belowMinimum(lock)).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const [name, min] of Object.entries(SECURITY_MINIMUMS)) {
      expect(pkg.dependencies[name], `${name} is a direct dependency`).toBeDefined();
      expect(compare(lowerBound(pkg.dependencies[name]!), min.version), `package.json ${name} ${pkg.dependencies[name]} allows a version below ${min.version}`).toBeGreaterThanOrEqual(0);
    }
    // What is installed is what the lock says.
    for (const name of Object.keys(SECURITY_MINIMUMS)) {
      const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(installed.version, name).toBe(lock.packages[`node_modules/${name}`]!.version);
    }
  });
});
