import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { checkBinding, checkHead, readDeployCommit, remoteHead, selectStacks } from './binding.ts';
import type { SelectedStack } from './binding.ts';
import { ActionGitHub } from './github.ts';
import type { ActionInputs } from './inputs.ts';
import { ensureTerraform } from './install.ts';
import { safeLines } from './log-safe.ts';
import { Masker } from './mask.ts';
import { Lock, runPool } from './pool.ts';
import { COMMENT_BUDGET, renderReport } from './report.ts';
import { runStack } from './run-stack.ts';
import type { StackResult } from './run-stack.ts';

export interface ActionIO {
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  warn: (line: string) => void;
  addPath: (dir: string) => void;
}

export interface ActionOutcome {
  results: StackResult[];
  /** The job summary, redacted. */
  report: string;
  applied: string[];
  failed: string[];
  /** Set when the run as a whole must fail before or instead of any stack. */
  error?: string;
}

/**
 * The deploy:
 * 1. read the checked-out deploy commit and its manifest; pick the stacks
 * 2. refuse everything when that commit was not rendered from the source SHA asked for
 * 3. terraform on PATH (or installed), deployments marked in_progress
 * 4. every stack in parallel up to `parallelism`: init → plan -out → show → apply the saved plan
 * 5. deployment statuses, the report; in plan mode on a pull request, the plan comment
 */
export async function runAction(inputs: ActionInputs, rawIo: ActionIO): Promise<ActionOutcome> {
  // Every line printed is shown, never obeyed as a workflow command (stack output reaches the log).
  const io: ActionIO = { ...rawIo, log: (text) => { for (const l of safeLines(text)) rawIo.log(l); } };
  const env = io.env;
  const masker = new Masker();
  if (inputs.token) masker.add(inputs.token);
  const located = insideWorkspace(env.GITHUB_WORKSPACE ?? process.cwd(), inputs.workingDirectory);
  if ('error' in located) return finish([], inputs, masker, undefined, located.error);
  const dir = located.dir;
  const commit = await readDeployCommit(dir);
  if ('error' in commit) return finish([], inputs, masker, undefined, commit.error);
  const selected = selectStacks(inputs.stacks, inputs.mode, commit.manifest);
  if ('error' in selected) return finish([], inputs, masker, undefined, selected.error);
  const github = inputs.token && env.GITHUB_REPOSITORY ? new ActionGitHub(inputs.token, env.GITHUB_REPOSITORY, env.GITHUB_API_URL ?? 'https://api.github.com') : undefined;
  const runUrl = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  const reportsDeployments = inputs.mode !== 'plan' && github !== undefined;
  const deployments = new Map<string, number>();
  if (reportsDeployments) {
    // A stack refused for its name or absence has no deployment of the App's to find.
    for (const s of selected.filter((x) => !x.problem)) {
      const id = await quietly(io, `finding the deployment of ${s.name}`, () => github!.findDeployment(commit.sha, s.plan, s.name));
      if (id !== undefined) deployments.set(s.name, id);
    }
  }
  // A retried dispatch (a re-run, a redelivered dispatch) of a deployment that already succeeded
  // applies nothing again and leaves that deployment's statuses alone.
  const done = new Set<string>();
  for (const [name, id] of deployments) {
    if (await quietly(io, `reading the statuses of ${name}'s deployment`, () => github!.deploymentSucceeded(id))) done.add(name);
  }
  for (const name of done) deployments.delete(name);
  const todo = selected.filter((s) => !done.has(s.name));
  const alreadyDone = new Map(selected.filter((s) => done.has(s.name)).map((s) => [s.name, alreadyDeployed(s)] as const));
  let refusal = todo.length ? checkBinding(commit, inputs.sourceSha) : undefined;
  if (!refusal && todo.length && inputs.mode !== 'plan') {
    const branch = commit.branch ?? DEFAULT_DEPLOY_BRANCH;
    const head = github ? await quietly(io, `reading the head of ${branch}`, () => github.branchHead(branch)) : await remoteHead(dir, branch);
    refusal = checkHead(commit, branch, head);
  }
  let ran: StackResult[];
  if (refusal) {
    ran = todo.map((s) => refused(s, refusal));
  } else if (todo.length === 0) {
    ran = [];
  } else {
    await ensureTerraform(inputs.terraformVersion, io.addPath, io.log);
    for (const [name, id] of deployments) await quietly(io, `marking ${name} in progress`, () => github!.setStatus(id, 'in_progress', `AutoStack ${inputs.mode} started`, runUrl));
    const tfEnv = terraformEnv(env);
    const initLock = new Lock();
    ran = await runPool(todo, inputs.parallelism, (s) => {
      const problem = s.problem ?? stackDirProblem(dir, s.name);
      if (problem) return Promise.resolve(refused(s, problem));
      return runStack({ name: s.name, action: s.action, ...(s.rollout ? { rollout: s.rollout } : {}), dir: join(dir, 'stacks', s.name), applyAfterPlan: inputs.mode !== 'plan', lockTimeout: inputs.lockTimeout, env: tfEnv, masker, initLock, log: io.log });
    });
  }
  const byName = new Map(ran.map((r, i) => [todo[i]!, r] as const));
  const results = selected.map((s) => alreadyDone.get(s.name) ?? byName.get(s)!);
  for (const r of results) {
    const id = deployments.get(r.name);
    if (id === undefined) continue;
    const ok = r.status !== 'failed' && r.status !== 'refused';
    const recorded = await quietly(io, `reporting ${r.name}`, () => github!.setStatus(id, ok ? 'success' : 'failure', ok ? `${r.status}: +${r.add} ~${r.change} -${r.destroy}` : (r.error ?? r.status), runUrl).then(() => true));
    // The stack ran once and its outcome stands: only GitHub's record of it is missing.
    if (!recorded) io.warn(`The result of ${r.name} (${r.status}) is in this run's log and summary, but GitHub did not record it on deployment ${id}, which may still show "in progress". ${ok ? 'It ran once and is done: there is no need to run the deploy again.' : 'Fix the cause shown above, then run the deploy again.'}`);
  }
  if (inputs.mode === 'plan' && github) {
    const pr = pullRequestNumber(env);
    if (pr !== undefined) await quietly(io, 'posting the plan comment', () => github.upsertPlanComment(pr, masker.redact(renderReport(results, { mode: inputs.mode, ...(inputs.sourceSha ? { sourceSha: inputs.sourceSha } : {}), ...(runUrl ? { runUrl } : {}) }, COMMENT_BUDGET))));
  }
  return finish(results, inputs, masker, runUrl);
}

/** The deploy branch the onboarding workflow checks out, when the checkout is detached. */
const DEFAULT_DEPLOY_BRANCH = 'autostack/deploy';

/** A path inside another (both already real paths). */
function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * working-directory, resolved against GITHUB_WORKSPACE with every symbolic link followed: it must
 * stay inside the workspace (terraform would otherwise run on whatever the path names).
 */
function insideWorkspace(workspace: string, input: string): { dir: string } | { error: string } {
  const wanted = isAbsolute(input) ? input : resolve(workspace, input);
  let root: string;
  let real: string;
  try {
    root = realpathSync(workspace);
    real = realpathSync(wanted);
  } catch {
    return { error: `working-directory "${input}" does not exist in the workspace: check out the deploy branch (actions/checkout with ref: ${DEFAULT_DEPLOY_BRANCH}) and point working-directory at it.` };
  }
  if (!within(root, real)) return { error: `working-directory "${input}" resolves to ${real}, outside the workspace ${root}: the Action only runs terraform in a checkout inside GITHUB_WORKSPACE. Check the deploy branch out there (actions/checkout with path:) and use that path.` };
  return { dir: real };
}

/** A stack folder that is a symbolic link out of stacks/ is refused (a missing folder is reported by runStack). */
function stackDirProblem(dir: string, name: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(join(dir, 'stacks', name));
  } catch {
    return undefined;
  }
  const stacks = realpathSync(join(dir, 'stacks'));
  return real !== stacks && within(stacks, real) ? undefined : `stacks/${name} leads outside the stacks/ folder of the deploy branch (a symbolic link?): refusing to run terraform there.`;
}

/** The outcome and its report; the entry point turns an error into the one failure message. */
function finish(results: StackResult[], inputs: ActionInputs, masker: Masker, runUrl: string | undefined, error?: string): ActionOutcome {
  const ok = (r: StackResult) => r.status === 'applied' || r.status === 'destroyed' || (inputs.mode !== 'plan' && r.status === 'no-changes');
  // 'already-deployed' is neither: it succeeded in an earlier run and nothing ran now.
  const body = error ? `### AutoStack ${inputs.mode}\n\n⛔ ${error}` : results.length === 0 ? `### AutoStack ${inputs.mode}\n\nNo stack changed in this deploy commit: nothing to do.` : renderReport(results, { mode: inputs.mode, ...(inputs.sourceSha ? { sourceSha: inputs.sourceSha } : {}), ...(runUrl ? { runUrl } : {}) });
  return {
    results,
    report: masker.redact(body),
    applied: inputs.mode === 'plan' ? [] : results.filter(ok).map((r) => r.name),
    failed: results.filter((r) => r.status === 'failed' || r.status === 'refused').map((r) => r.name),
    ...(error ? { error: masker.redact(error) } : {}),
  };
}

function alreadyDeployed(s: SelectedStack): StackResult {
  return { name: s.name, action: s.action, status: 'already-deployed', note: `this deployment already succeeded in an earlier run, so this run (a retried dispatch or a re-run) applies nothing again. To deploy again on purpose, use \`/autostack deploy ${s.plan}\` on a pull request: it makes a new deployment.`, add: 0, change: 0, destroy: 0, resources: [], outputs: [], planText: '', durationMs: 0 };
}

function refused(s: SelectedStack, why: string): StackResult {
  return { name: s.name, action: s.action, status: 'refused', error: why, add: 0, change: 0, destroy: 0, resources: [], outputs: [], planText: '', durationMs: 0 };
}

/** Terraform never prompts, knows it is automated, and shares one provider cache across stacks. */
function terraformEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const cache = env.TF_PLUGIN_CACHE_DIR ?? join(env.RUNNER_TEMP ?? resolve('.terraform-cache'), 'autostack-terraform-plugins');
  mkdirSync(cache, { recursive: true });
  return { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_PLUGIN_CACHE_DIR: cache };
}

function pullRequestNumber(env: NodeJS.ProcessEnv): number | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { number?: number }; issue?: { number?: number; pull_request?: unknown } };
    return event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
  } catch {
    return undefined;
  }
}

/** Reporting to GitHub never decides the deploy: a failed report is a warning, not a failed stack. */
async function quietly<T>(io: ActionIO, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    io.warn(`AutoStack could not finish ${what}: GitHub answered ${(e as { status?: number }).status ?? (e as Error).message.split('\n')[0]}.`);
    return undefined;
  }
}
