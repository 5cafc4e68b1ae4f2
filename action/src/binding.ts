import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MANIFEST_PATH, parseManifest, SOURCE_TRAILER, sourceOf, STACK_NAME } from '../../synth/contract/deploy-manifest.ts';
import type { DeployManifest } from '../../synth/contract/deploy-manifest.ts';
import type { Mode } from './inputs.ts';
import type { StackAction } from './run-stack.ts';

const run = promisify(execFile);

export interface DeployCommit {
  sha: string;
  /** The local branch checked out (actions/checkout with `ref: <deploy branch>` makes one); none when detached. */
  branch?: string;
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
    const branch = (await run('git', ['-C', dir, 'symbolic-ref', '--short', '-q', 'HEAD']).catch(() => ({ stdout: '' }))).stdout.trim();
    return { sha, ...(branch ? { branch } : {}), ...(source ? { source } : {}), ...(manifest ? { manifest } : {}) };
  } catch {
    return { error: `working-directory "${dir}" is not a git checkout: check out the deploy branch (actions/checkout with ref: autostack/deploy) before this step.` };
  }
}

/** Apply is bound to the reviewed commit: the deploy commit must name exactly the source SHA asked for. */
export function checkBinding(commit: DeployCommit, sourceSha: string | undefined): string | undefined {
  if (!sourceSha) return undefined;
  if (!commit.source) return `the deploy commit ${commit.sha.slice(0, 7)} names no source commit (no "${SOURCE_TRAILER}:" trailer): only commits the AutoStack App rendered can be applied.`;
  // Full SHAs on both sides (the input and the trailer are checked to be 40 hex): equal, never a prefix.
  const same = (a: string, b: string) => a === b;
  if (!same(commit.source, sourceSha)) return `the deploy commit ${commit.sha.slice(0, 7)} was rendered from ${commit.source.slice(0, 12)}, not from ${sourceSha.slice(0, 12)}: refusing to apply Terraform that was not reviewed for that commit. Re-run the deploy for the latest merge instead.`;
  if (commit.manifest && !same(String(commit.manifest.sourceSha), sourceSha)) return `${MANIFEST_PATH} was rendered from ${String(commit.manifest.sourceSha).slice(0, 12)}, not from ${sourceSha.slice(0, 12)}: refusing to apply.`;
  return undefined;
}

/** The deploy branch's head as the checkout's origin has it (when there is no token to ask GitHub). */
export async function remoteHead(dir: string, branch: string): Promise<string | undefined> {
  try {
    const out = (await run('git', ['-C', dir, 'ls-remote', '--exit-code', 'origin', `refs/heads/${branch}`], { timeout: 30_000 })).stdout;
    return /^([0-9a-f]{40})\s/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Apply only the newest render: the deploy commit must be the deploy branch's head on GitHub. An
 * older deploy commit (a late or re-run dispatch, a checkout of an older SHA) would roll the
 * stacks back to configuration a newer merge replaced.
 */
export function checkHead(commit: DeployCommit, branch: string, head: string | undefined): string | undefined {
  if (head === undefined) return `could not confirm that the deploy commit ${commit.sha.slice(0, 7)} is the head of the ${branch} branch (pass github-token with contents: read, or keep the checkout's origin): refusing to apply what may be an older render.`;
  if (head !== commit.sha) return `the deploy commit ${commit.sha.slice(0, 7)} is not the head of the ${branch} branch (${head.slice(0, 7)}): a newer render exists, and applying this one would roll the stacks back. Run the deploy for the latest merge instead.`;
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
    return manifest.stacks.filter((s) => s.action !== 'unchanged').map((s) => {
      const action: StackAction = mode === 'destroy' || s.action === 'destroy' ? 'destroy' : 'apply';
      const bad = badEntry(s);
      if (bad) return { name: displayName(s.name), plan: displayName(s.plan), action, problem: bad };
      return { name: s.name, plan: s.plan, action, ...(rolloutOf(s.rollout) ? { rollout: rolloutOf(s.rollout)! } : {}) };
    });
  }
  return requested.map((name) => {
    const entry = manifest?.stacks.find((s) => s.name === name);
    const action: StackAction = mode === 'destroy' || entry?.action === 'destroy' ? 'destroy' : 'apply';
    if (manifest && !entry) return { name, plan: name, action, problem: `${name} is not in ${MANIFEST_PATH}; stacks there: ${manifest.stacks.filter((s) => !badEntry(s)).map((s) => s.name).join(', ') || 'none'}.` };
    const bad = entry && badEntry(entry);
    if (bad) return { name, plan: name, action, problem: bad };
    const rollout = rolloutOf(entry?.rollout);
    return { name, plan: entry?.plan ?? name, action, ...(rollout ? { rollout } : {}) };
  });
}

/**
 * Why a manifest entry cannot be run: its stack name becomes the folder terraform runs in
 * (`stacks/<name>`) and its plan name the deployment's environment, so both must follow the
 * render's naming rule; a name such as `../../escape` would run terraform outside the checkout.
 */
function badEntry(s: { name: unknown; plan: unknown }): string | undefined {
  if (typeof s.name !== 'string' || !STACK_NAME.test(s.name)) return `${MANIFEST_PATH} names a stack ${JSON.stringify(displayName(s.name))}, which is not a stack name (lowercase letters, digits and dashes, like orders-db-aws): refusing to run terraform for it. Only the AutoStack App's render writes that file; render the deploy branch again.`;
  if (typeof s.plan !== 'string' || !STACK_NAME.test(s.plan)) return `${MANIFEST_PATH} gives stack ${s.name} the plan ${JSON.stringify(displayName(s.plan))}, which is not a plan name (lowercase letters, digits and dashes): refusing to run terraform for it.`;
  return undefined;
}

/** A name safe to show in the log and the report: printable, short. */
function displayName(n: unknown): string {
  return String(n).replace(/[^\x21-\x7e]/g, '?').slice(0, 80);
}

/** A well-formed rollout from the manifest (groups of Terraform addresses), or nothing. */
function rolloutOf(r: unknown): string[][] | undefined {
  const address = /^[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*$/;
  if (!Array.isArray(r) || !r.every((g) => Array.isArray(g) && g.length > 0 && g.every((a) => typeof a === 'string' && address.test(a)))) return undefined;
  return r as string[][];
}
