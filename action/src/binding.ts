import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MANIFEST_PATH, parseManifest, SOURCE_TRAILER, sourceOf } from '../../synth/contract/deploy-manifest.ts';
import type { DeployManifest } from '../../synth/contract/deploy-manifest.ts';
import type { Mode } from './inputs.ts';
import type { StackAction } from './run-stack.ts';

const run = promisify(execFile);

export interface DeployCommit {
  sha: string;
  source?: string;
  manifest?: DeployManifest;
}

/** The checked-out deploy commit: its SHA, the source it names, and the manifest beside the stacks. */
export async function readDeployCommit(dir: string): Promise<DeployCommit | { error: string }> {
  try {
    const sha = (await run('git', ['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim();
    const message = (await run('git', ['-C', dir, 'log', '-1', '--format=%B', 'HEAD'])).stdout;
    let manifest: DeployManifest | undefined;
    try {
      manifest = parseManifest(readFileSync(join(dir, MANIFEST_PATH), 'utf8'));
    } catch {
      manifest = undefined;
    }
    const source = sourceOf(message);
    return { sha, ...(source ? { source } : {}), ...(manifest ? { manifest } : {}) };
  } catch {
    return { error: `working-directory "${dir}" is not a git checkout: check out the deploy branch (actions/checkout with ref: autostack/deploy) before this step.` };
  }
}

/** Apply is bound to the reviewed commit: the deploy commit must name exactly the source SHA asked for. */
export function checkBinding(commit: DeployCommit, sourceSha: string | undefined): string | undefined {
  if (!sourceSha) return undefined;
  if (!commit.source) return `the deploy commit ${commit.sha.slice(0, 7)} names no source commit (no "${SOURCE_TRAILER}:" trailer): only commits the AutoStack App rendered can be applied.`;
  const same = (a: string, b: string) => (a.length >= b.length ? a.startsWith(b) : b.startsWith(a));
  if (!same(commit.source, sourceSha)) return `the deploy commit ${commit.sha.slice(0, 7)} was rendered from ${commit.source.slice(0, 12)}, not from ${sourceSha.slice(0, 12)}: refusing to apply Terraform that was not reviewed for that commit. Re-run the deploy for the latest merge instead.`;
  if (commit.manifest && !same(commit.manifest.sourceSha, sourceSha)) return `${MANIFEST_PATH} was rendered from ${commit.manifest.sourceSha.slice(0, 12)}, not from ${sourceSha.slice(0, 12)}: refusing to apply.`;
  return undefined;
}

export interface SelectedStack {
  name: string;
  plan: string;
  action: StackAction;
  /** Server groups to change one at a time (from the manifest). */
  rollout?: string[][];
  problem?: string;
}

/** Which stacks run, and how: the manifest says whether a stack is applied or destroyed. */
export function selectStacks(requested: string[] | 'changed', mode: Mode, manifest: DeployManifest | undefined): SelectedStack[] | { error: string } {
  if (requested === 'changed') {
    if (!manifest) return { error: `stacks: changed needs ${MANIFEST_PATH} in working-directory (the deploy branch); name the stacks instead.` };
    return manifest.stacks.filter((s) => s.action !== 'unchanged').map((s) => ({ name: s.name, plan: s.plan, action: mode === 'destroy' || s.action === 'destroy' ? 'destroy' : 'apply', ...(rolloutOf(s.rollout) ? { rollout: rolloutOf(s.rollout)! } : {}) }));
  }
  return requested.map((name) => {
    const entry = manifest?.stacks.find((s) => s.name === name);
    const action: StackAction = mode === 'destroy' || entry?.action === 'destroy' ? 'destroy' : 'apply';
    if (manifest && !entry) return { name, plan: name, action, problem: `${name} is not in ${MANIFEST_PATH}; stacks there: ${manifest.stacks.map((s) => s.name).join(', ') || 'none'}.` };
    const rollout = rolloutOf(entry?.rollout);
    return { name, plan: entry?.plan ?? name, action, ...(rollout ? { rollout } : {}) };
  });
}

/** A well-formed rollout from the manifest (groups of Terraform addresses), or nothing. */
function rolloutOf(r: unknown): string[][] | undefined {
  const address = /^[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*$/;
  if (!Array.isArray(r) || !r.every((g) => Array.isArray(g) && g.length > 0 && g.every((a) => typeof a === 'string' && address.test(a)))) return undefined;
  return r as string[][];
}
