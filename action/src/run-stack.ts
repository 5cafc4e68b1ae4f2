import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Masker } from './mask.ts';
import { summarizePlan } from './plan-summary.ts';
import type { PlanSummary } from './plan-summary.ts';
import type { Lock } from './pool.ts';
import { failureMessage, terraform } from './terraform.ts';
import type { ExecResult, Step } from './terraform.ts';

export type StackAction = 'apply' | 'destroy';

export interface StackResult extends PlanSummary {
  name: string;
  action: StackAction;
  status: 'applied' | 'destroyed' | 'planned' | 'no-changes' | 'failed' | 'refused' | 'already-deployed';
  error?: string;
  /** Why a stack that did not fail ran nothing (its deployment already succeeded). */
  note?: string;
  /** `terraform show` of the saved plan, redacted (terraform itself hides values marked sensitive). */
  planText: string;
  durationMs: number;
}

export interface StackRun {
  name: string;
  action: StackAction;
  dir: string;
  /**
   * Groups of resource addresses that must change one group at a time, in order (a cluster's
   * replicas first, its primary last): from the deploy manifest.
   */
  rollout?: string[][];
  applyAfterPlan: boolean;
  /** How long terraform waits for a state lock another run holds (`-lock-timeout`), e.g. `5m`. */
  lockTimeout: string;
  env: NodeJS.ProcessEnv;
  masker: Masker;
  initLock: Lock;
  log: (line: string) => void;
}

const PLAN_FILE = 'autostack.tfplan';
const EMPTY: PlanSummary = { add: 0, change: 0, destroy: 0, resources: [], outputs: [] };

/**
 * One stack:
 * 1. terraform init (the backend the stack names; one init at a time, they share a plugin cache)
 * 2. terraform plan -out (a destroy plan for removed stacks), then show -json: counts, resources,
 *    and every sensitive value registered with the masker before the plan output is printed
 * 3. apply of that saved plan, never a fresh one; nothing to apply when the plan is empty
 * The saved plan holds raw values, so it is deleted whatever happens.
 */
export async function runStack(s: StackRun): Promise<StackResult> {
  const started = Date.now();
  const done = (r: Partial<StackResult> & Pick<StackResult, 'status'>): StackResult => ({ ...EMPTY, planText: '', ...r, name: s.name, action: s.action, durationMs: Date.now() - started });
  if (!existsSync(s.dir) || !readdirSync(s.dir).some((f) => f.endsWith('.tf.json') || f.endsWith('.tf'))) {
    return done({ status: 'failed', error: `stacks/${s.name} is not on the deploy branch: check the stack name, or that the workflow checked out the deploy branch.` });
  }
  const prefix = `[${s.name}] `;
  /** Every line of terraform's text carries the stack's name in front (so none can start a workflow command). */
  const say = (text: string) => { for (const l of text.split(/\r\n|\r|\n/)) s.log(prefix + l); };
  const exec = (args: string[], stream: boolean) => terraform(args, { cwd: s.dir, env: s.env, masker: s.masker, ...(stream ? { stream: (l: string) => s.log(prefix + l) } : {}) });
  const fail = (step: Step, r: ExecResult, summary: PlanSummary = EMPTY, planText = '') => done({ ...summary, planText, status: 'failed', error: failureMessage(step, r, s.masker) });
  const lock = `-lock-timeout=${s.lockTimeout}`;
  try {
    const init = await s.initLock.run(() => exec(['init', '-input=false', '-no-color'], true));
    if (init.code !== 0) return fail('init', init);
    const plan = await exec(['plan', '-input=false', '-no-color', lock, '-detailed-exitcode', `-out=${PLAN_FILE}`, ...(s.action === 'destroy' ? ['-destroy'] : [])], false);
    if (plan.code !== 0 && plan.code !== 2) {
      say(s.masker.redact(stripVTControlCharacters(plan.stdout + plan.stderr)).trimEnd());
      return fail('plan', plan);
    }
    const planHash = fileHash(join(s.dir, PLAN_FILE));
    const json = await exec(['show', '-json', PLAN_FILE], false);
    if (json.code !== 0) return fail('show', json);
    const summary = summarizePlan(json.stdout, s.masker);
    // The plan's own output, held back until the masker knows every sensitive value.
    const planText = s.masker.redact(planBody(plan.stdout));
    say(planText);
    if (plan.code === 0) return done({ ...summary, planText, status: 'no-changes' });
    if (!s.applyAfterPlan) return done({ ...summary, planText, status: 'planned' });
    const waves = s.action === 'apply' ? rolloutWaves(s.rollout ?? [], summary) : [];
    if (waves.length > 1) {
      const rolled = await rollOut(s, exec, waves, summary, lock);
      if (rolled) return fail(rolled.step, rolled.result, summary, planText);
      return done({ ...summary, planText, status: 'applied' });
    }
    const tampered = planChanged(join(s.dir, PLAN_FILE), planHash);
    if (tampered) return done({ ...summary, planText, status: 'failed', error: tampered });
    const apply = await exec(['apply', '-input=false', '-no-color', lock, PLAN_FILE], true);
    if (apply.code !== 0) return fail('apply', apply, summary, planText);
    return done({ ...summary, planText, status: s.action === 'destroy' ? 'destroyed' : 'applied' });
  } finally {
    rmSync(join(s.dir, PLAN_FILE), { force: true });
    rmSync(join(s.dir, WAVE_FILE), { force: true });
  }
}

const WAVE_FILE = 'autostack-wave.tfplan';

/** The rollout groups the reviewed plan updates or replaces, in rollout order. */
export function rolloutWaves(rollout: string[][], reviewed: PlanSummary): string[][] {
  const touched = new Set(reviewed.resources.filter((r) => r.action === 'update' || r.action === 'replace' || r.action === 'delete').map((r) => r.address));
  return rollout.filter((group) => group.some((a) => touched.has(a)));
}

/**
 * A change to several servers of a cluster, one server at a time: each wave is a plan targeted at
 * one group (replicas first, the primary last), checked to hold nothing the reviewed plan did not,
 * then applied; a last plan takes the rest. A wave that fails stops the rollout, so at most one
 * server is ever down.
 */
async function rollOut(s: StackRun, exec: (args: string[], stream: boolean) => Promise<ExecResult>, waves: string[][], reviewed: PlanSummary, lock: string): Promise<{ step: Step; result: ExecResult } | undefined> {
  const prefix = `[${s.name}] `;
  const allowed = new Map(reviewed.resources.map((r) => [r.address, r.action]));
  const step = async (targets: string[], label: string): Promise<{ step: Step; result: ExecResult } | undefined> => {
    s.log(`${prefix}rollout: ${label}`);
    const plan = await exec(['plan', '-input=false', '-no-color', lock, '-detailed-exitcode', `-out=${WAVE_FILE}`, ...targets.map((t) => `-target=${t}`)], false);
    if (plan.code === 0) return undefined;
    if (plan.code !== 2) return { step: 'plan', result: plan };
    const waveHash = fileHash(join(s.dir, WAVE_FILE));
    const json = await exec(['show', '-json', WAVE_FILE], false);
    if (json.code !== 0) return { step: 'show', result: json };
    const extra = summarizePlan(json.stdout, s.masker).resources.filter((r) => r.action !== 'read' && allowed.get(r.address) !== r.action);
    if (extra.length) {
      return { step: 'plan', result: { code: 1, stdout: '', stderr: `the rollout plan changes what the reviewed plan did not (${extra.map((r) => `${r.action} ${r.address}`).join(', ')}): stopping; re-run the deploy.` } };
    }
    const tampered = planChanged(join(s.dir, WAVE_FILE), waveHash);
    if (tampered) return { step: 'apply', result: { code: 1, stdout: '', stderr: tampered } };
    const apply = await exec(['apply', '-input=false', '-no-color', lock, WAVE_FILE], true);
    return apply.code === 0 ? undefined : { step: 'apply', result: apply };
  };
  for (const [i, wave] of waves.entries()) {
    const failed = await step(wave, `server group ${i + 1} of ${waves.length}: ${wave.join(', ')}`);
    if (failed) return failed;
  }
  return step([], 'the rest of the reviewed plan');
}

/** SHA-256 of a saved plan as terraform wrote it (undefined when there is none). */
function fileHash(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/** Why a saved plan must not be applied: it is gone, or its bytes are not the ones terraform wrote and showed. */
function planChanged(path: string, expected: string | undefined): string | undefined {
  const now = fileHash(path);
  if (expected !== undefined && now === expected) return undefined;
  return `the saved plan ${path.split('/').pop()} ${now === undefined ? 'is gone' : 'was modified'} between terraform plan and apply (its SHA-256 is not the one it had when terraform wrote it): refusing to apply it, so nothing was applied. Something else in this job writes to the stack's folder; remove that step and run the deploy again.`;
}

/** Plan output without terraform's refresh chatter and "Saved the plan to…" footer. */
export function planBody(stdout: string): string {
  const lines = stripVTControlCharacters(stdout).split('\n');
  const start = lines.findIndex((l) => /^(Terraform used the selected providers|No changes\.|Terraform will perform|Changes to Outputs)/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^─{10,}/.test(l));
  return lines.slice(Math.max(0, start), end === -1 ? undefined : end).join('\n').trim();
}
