import { existsSync, readdirSync, rmSync } from 'node:fs';
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
  status: 'applied' | 'destroyed' | 'planned' | 'no-changes' | 'failed' | 'refused';
  error?: string;
  /** `terraform show` of the saved plan, redacted (terraform itself hides values marked sensitive). */
  planText: string;
  durationMs: number;
}

export interface StackRun {
  name: string;
  action: StackAction;
  dir: string;
  applyAfterPlan: boolean;
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
  const exec = (args: string[], stream: boolean) => terraform(args, { cwd: s.dir, env: s.env, masker: s.masker, ...(stream ? { stream: (l: string) => s.log(prefix + l) } : {}) });
  const fail = (step: Step, r: ExecResult, summary: PlanSummary = EMPTY, planText = '') => done({ ...summary, planText, status: 'failed', error: failureMessage(step, r, s.masker) });
  try {
    const init = await s.initLock.run(() => exec(['init', '-input=false', '-no-color'], true));
    if (init.code !== 0) return fail('init', init);
    const plan = await exec(['plan', '-input=false', '-no-color', '-lock-timeout=5m', '-detailed-exitcode', `-out=${PLAN_FILE}`, ...(s.action === 'destroy' ? ['-destroy'] : [])], false);
    if (plan.code !== 0 && plan.code !== 2) {
      s.log(prefix + s.masker.redact(stripVTControlCharacters(plan.stdout + plan.stderr)).trimEnd());
      return fail('plan', plan);
    }
    const json = await exec(['show', '-json', PLAN_FILE], false);
    if (json.code !== 0) return fail('show', json);
    const summary = summarizePlan(json.stdout, s.masker);
    // The plan's own output, held back until the masker knows every sensitive value.
    const planText = s.masker.redact(planBody(plan.stdout));
    s.log(prefix + planText.split('\n').join(`\n${prefix}`));
    if (plan.code === 0) return done({ ...summary, planText, status: 'no-changes' });
    if (!s.applyAfterPlan) return done({ ...summary, planText, status: 'planned' });
    const apply = await exec(['apply', '-input=false', '-no-color', '-lock-timeout=5m', PLAN_FILE], true);
    if (apply.code !== 0) return fail('apply', apply, summary, planText);
    return done({ ...summary, planText, status: s.action === 'destroy' ? 'destroyed' : 'applied' });
  } finally {
    rmSync(join(s.dir, PLAN_FILE), { force: true });
  }
}

/** Plan output without terraform's refresh chatter and "Saved the plan to…" footer. */
export function planBody(stdout: string): string {
  const lines = stripVTControlCharacters(stdout).split('\n');
  const start = lines.findIndex((l) => /^(Terraform used the selected providers|No changes\.|Terraform will perform|Changes to Outputs)/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^─{10,}/.test(l));
  return lines.slice(Math.max(0, start), end === -1 ? undefined : end).join('\n').trim();
}
