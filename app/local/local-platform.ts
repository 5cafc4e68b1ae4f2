import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AUTOSTACK_DIR, isAutostackFile, SETTINGS_FILE } from '../../synth/core/load/reader.ts';
import { deployBranchDiagnostics } from '../../synth/core/resolve/deploy-branch.ts';
import { loadSettings as loadRepoSettings } from '../../synth/core/resolve/load-settings.ts';
import { renderMarkdown, summaryLine } from '../../synth/core/render/markdown.ts';
import { reviewChange } from '../../synth/core/review/review.ts';
import type { ReviewResult } from '../../synth/core/review/review.ts';
import { MANIFEST_PATH, parseManifest, SOURCE_TRAILER, sourceOf, STACK_NAME } from '../../synth/contract/deploy-manifest.ts';
import { ApiError } from '../api/errors.ts';
import { readPlan } from '../api/repo-plans.ts';
import type { ActivityItem, PlanDeployment, PlanStore } from '../services/plan-store.ts';
import { deployCommitContent, loadSettings, renderChange } from '../services/render-change.ts';
import type { RedeployResult } from '../services/redeploy.ts';
import { LocalGitError, LocalRepo } from './local-repo.ts';
import type { FileChange } from './local-repo.ts';

export interface LocalPull {
  number: number;
  title: string;
  body: string;
  branch: string;
  base: string;
  baseSha: string;
  headSha: string;
  state: 'open' | 'merged' | 'closed';
  createdAt: string;
  files: string[];
  /** The review the App would post on GitHub: markdown, verdict and figures. */
  review: { ok: boolean; summary: string; markdown: string; errors: number; warnings: number; monthlyUsdBefore: number; monthlyUsdAfter: number };
  merged?: { at: string; commit: string; render: RenderReport };
}

/** A merge between its first branch move and its record in pulls.json (`.git/autostack/merging.json`). */
interface MergeIntent {
  version: 1;
  pull: number;
  base: string;
  before: string;
  after: string;
  at: string;
  render: RenderReport;
  deploy?: { branch: string; parent: string | undefined; commit: string };
  /** What the render compares when it is not before → after (a pull request already on the default branch). */
  renderFrom?: { before: string; files: string[] };
}

export type RenderReport =
  | { kind: 'rendered'; branch: string; commit: string; stacks: { name: string; action: string; path: string }[]; howToApply: string; commands?: string[] }
  | { kind: 'nothing'; reason: string }
  | { kind: 'failed'; reason: string };

/** What a merge or a render is doing now, for the page to show while it runs. */
export interface LocalProgress {
  operation: 'merge' | 'render';
  /** The pull request being merged, or the plans being rendered again. */
  pull?: number;
  plans?: string[];
  step: 'merging' | 'reviewing' | 'rendering' | 'writing';
  /** In words, for the page. */
  text: string;
  stack?: { k: number; n: number; name: string };
  startedAt: string;
}

/**
 * The deploy folder: a worktree of the repository beside it (`<repository>-deploy`) holding the
 * newest render of the deploy branch, updated after every render, where terraform runs with the
 * user's own credentials.
 */
export interface DeployFolder {
  branch: string;
  /** The deploy branch's head; undefined before the first render. */
  head?: string;
  dir: string;
  /** current: at the head; behind: at an older commit or with rendered files changed by hand; missing: not there; foreign: the path holds something that is not this repository's worktree. */
  state: 'current' | 'behind' | 'missing' | 'foreign' | 'nothing rendered';
  commit?: string;
  /** Commands to bring the folder to the head (when it is not current). */
  update: string[];
  /** Commands to apply (or destroy) each stack with your own credentials, from any folder. */
  commands: string[];
  stacks: { name: string; plan: string; cloud: string; action: string; renderedAt: string }[];
}

/**
 * The platform on a local git repository, no GitHub needed: pull requests are branches plus a
 * record in the repository's git directory (`.git/autostack/pulls.json`), reviewed exactly as the
 * App reviews them on GitHub; merging renders the Terraform to the local deploy branch. Nothing
 * here claims to deploy to a cloud: it says where the Terraform is and how to apply it.
 */
export class LocalPlatform implements PlanStore {
  readonly repo: string;
  readonly canWrite = true;
  readonly git: LocalRepo;
  defaultBranch: string;
  private queue: Promise<unknown> = Promise.resolve();
  private operation?: Pick<LocalProgress, 'operation' | 'pull' | 'plans' | 'startedAt'>;
  private current?: LocalProgress;
  /** Told of every progress step (tests pause a merge here). */
  onProgress?: (p: LocalProgress) => void | Promise<void>;

  private constructor(git: LocalRepo, defaultBranch: string) {
    this.git = git;
    this.defaultBranch = defaultBranch;
    this.repo = `local/${basename(git.dir).toLowerCase().replace(/[^a-z0-9_.-]/g, '-') || 'repo'}`;
  }

  /** Opens the repository and finishes a merge a crash interrupted, if any. */
  static async open(dir: string): Promise<LocalPlatform> {
    const git = await LocalRepo.open(dir);
    const platform = new LocalPlatform(git, await git.defaultBranch());
    await platform.exclusive(async () => {
      await platform.recover();
      await platform.syncDeployFolder();
    });
    return platform;
  }

  async readFiles(ref: string): Promise<Record<string, string>> {
    const paths = (await this.git.reader.list(ref, AUTOSTACK_DIR)).filter(isAutostackFile);
    // Reads issued together go to git in one `cat-file --batch`.
    const texts = await Promise.all(paths.map((p) => this.git.reader.read(ref, p)));
    const out: Record<string, string> = {};
    paths.forEach((p, i) => {
      if (texts[i] !== undefined) out[p] = texts[i]!;
    });
    return out;
  }

  /** One read of the deploy branch's manifest answers for every plan. */
  async latestDeployments(plans: string[]): Promise<Map<string, PlanDeployment | null>> {
    const out = new Map<string, PlanDeployment | null>(plans.map((p) => [p, null]));
    const branch = await this.deployBranch();
    const head = await this.git.resolve(`refs/heads/${branch}`);
    const manifest = head ? parseManifest(await this.git.reader.read(head, MANIFEST_PATH)) : undefined;
    if (!head || !manifest) return out;
    for (const plan of plans) {
      const stack = manifest.stacks.find((s) => s.plan === plan);
      if (stack) out.set(plan, { state: stack.action === 'destroy' ? 'rendered for destroy' : 'rendered', updatedAt: stack.renderedAt ?? manifest.renderedAt, environment: `autostack/${plan}`, note: `Terraform in ${join(this.deployDir, 'stacks', stack.name)} (branch ${branch}, ${head.slice(0, 7)}); nothing is applied to a cloud in local mode.` });
    }
    return out;
  }

  /** Serialises every write: one pull request, merge or render at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A pull request for `files`; idempotent by content: when an open pull request already makes
   * exactly this change (same files, same contents), that one is answered (`existing: true`).
   */
  openPull(p: { branch: string; title: string; commitMessage: string; body: string; files: FileChange[] }): Promise<{ number: number; url: string; branch?: string; existing?: boolean }> {
    return this.exclusive(async () => {
      const same = await this.openPullWithChange(p.files);
      if (same) return { number: same.number, url: `/dashboard#pull-${same.number}`, branch: same.branch, existing: true };
      const baseSha = await this.mustResolve(this.defaultBranch);
      const headSha = await this.git.commit(baseSha, p.files, p.commitMessage);
      await this.git.setBranch(p.branch, headSha, undefined);
      const pulls = await this.readPulls();
      const number = (pulls.reduce((m, x) => Math.max(m, x.number), 0) || 0) + 1;
      const files = p.files.map((f) => f.path).filter(isAutostackFile);
      const pull: LocalPull = { number, title: p.title, body: p.body, branch: p.branch, base: this.defaultBranch, baseSha, headSha, state: 'open', createdAt: new Date().toISOString(), files, review: await this.review(baseSha, headSha, files) };
      await this.writePulls([...pulls, pull]);
      return { number, url: `/dashboard#pull-${number}` };
    });
  }

  private async openPullWithChange(files: FileChange[]): Promise<LocalPull | undefined> {
    const paths = files.map((f) => f.path).sort();
    for (const pull of await this.readPulls()) {
      if (pull.state !== 'open' || pull.files.length !== paths.length || [...pull.files].sort().some((f, i) => f !== paths[i])) continue;
      const texts = await Promise.all(files.map((f) => this.git.reader.read(pull.headSha, f.path)));
      if (files.every((f, i) => (f.content ?? undefined) === texts[i])) return pull;
    }
    return undefined;
  }

  async listPulls(): Promise<LocalPull[]> {
    return (await this.readPulls()).sort((a, b) => b.number - a.number);
  }

  async getPull(n: number): Promise<LocalPull> {
    const pull = (await this.readPulls()).find((p) => p.number === n);
    if (!pull) throw new ApiError(404, `There is no pull request #${n} in ${this.repo}.`);
    return pull;
  }

  /**
   * Merge and render, all or nothing:
   * 1. an open pull request only; the review must have passed (as a required check would)
   * 2. everything is worked out before anything moves: the merge result (a conflict refuses), the
   *    review of that result against the default branch as it is now (budgets over every plan,
   *    plans both sides changed), the deploy branch's name, the render and its deploy commit
   * 3. the intent is recorded (`.git/autostack/merging.json`), then the default branch and the
   *    deploy branch move in one git ref transaction; the working tree follows and the pull
   *    request is marked merged. A crash after step 3 began is finished on the next start or
   *    merge ({@link recover}): a merge is never left without its render.
   */
  mergePull(n: number): Promise<LocalPull> {
    return this.exclusive(() => this.tracked({ operation: 'merge', pull: n }, async () => {
      await this.recover();
      const pulls = await this.readPulls();
      const pull = this.openOne(pulls, n);
      // A deploy branch the render would refuse is named at its field, before the review's summary.
      await this.checkDeployBranch(pull.headSha);
      if (!pull.review.ok) throw new ApiError(409, `Pull request #${n} did not pass its AutoStack review (${pull.review.summary}): fix the plan in a new pull request.`);
      const main = await this.mustResolve(pull.base);
      const intent = (await this.git.isAncestor(pull.headSha, main)) ? await this.prepareLanded(pull, main) : await this.prepareMerge(pull);
      await this.writeIntent(intent);
      await this.step('intent recorded');
      await this.localGit(() => this.git.moveBranches([{ branch: intent.base, to: intent.after, from: intent.before }, ...(intent.deploy ? [{ branch: intent.deploy.branch, to: intent.deploy.commit, from: intent.deploy.parent }] : [])]));
      await this.step('branches moved');
      const merged = await this.finish(intent);
      if (!merged) throw new ApiError(409, `Pull request #${n} was merged into ${intent.base} (${intent.after.slice(0, 7)}), but ${this.pullsFile} no longer lists it.`);
      return merged;
    }));
  }

  /** What the merge or render running now is doing, if one is. */
  progress(): LocalProgress | undefined {
    return this.current;
  }

  private async tracked<T>(op: Omit<NonNullable<LocalPlatform['operation']>, 'startedAt'>, fn: () => Promise<T>): Promise<T> {
    this.operation = { ...op, startedAt: new Date().toISOString() };
    try {
      return await fn();
    } finally {
      this.operation = undefined;
      this.current = undefined;
    }
  }

  private async say(step: LocalProgress['step'], text: string, stack?: LocalProgress['stack']): Promise<void> {
    if (!this.operation) return;
    this.current = { ...this.operation, step, text, ...(stack ? { stack } : {}) };
    await this.onProgress?.(this.current);
    // Rendering keeps the event loop busy: let a waiting progress request be answered between steps.
    await new Promise((r) => setImmediate(r));
  }

  /**
   * Finishes a merge a crash interrupted (run on start and before every merge): when the default
   * branch already holds the merge, its deploy commit is put on the deploy branch if it is not
   * there yet, the working tree follows and the pull request is marked merged; when the default
   * branch never moved, the intent is dropped and the pull request stays open.
   */
  async recover(): Promise<LocalPull | undefined> {
    const intent = await this.readIntent();
    if (!intent) return undefined;
    const head = await this.git.resolve(`refs/heads/${intent.base}`);
    const landed = head === intent.after || (head !== undefined && head !== intent.before && (await this.git.isAncestor(intent.after, head)));
    if (!landed) {
      await this.removeIntent();
      return undefined;
    }
    if (intent.deploy) {
      const deployHead = await this.git.resolve(`refs/heads/${intent.deploy.branch}`);
      if (deployHead !== intent.deploy.commit && !(await this.deployNames(intent.deploy.branch, intent.after))) {
        if (deployHead !== intent.deploy.parent) {
          // The deploy branch moved meanwhile: render the merge again on top of it.
          const again = await this.renderCommit(intent.renderFrom?.before ?? intent.before, intent.after, intent.renderFrom?.files);
          intent.render = again.report;
          intent.deploy = again.deploy;
        }
        if (intent.deploy) await this.localGit(() => this.git.moveBranches([{ branch: intent.deploy!.branch, to: intent.deploy!.commit, from: intent.deploy!.parent }]));
      }
    }
    return this.finish(intent);
  }

  /** Test hook: called at each step boundary of a merge; a throw there stands for a crash. */
  onStep?: (step: string) => void | Promise<void>;

  private async step(name: string): Promise<void> {
    await this.onStep?.(name);
  }

  private async finish(intent: MergeIntent): Promise<LocalPull | undefined> {
    await this.git.followCheckout(intent.base, intent.before, intent.after);
    await this.step('working tree updated');
    const pulls = await this.readPulls();
    const pull = pulls.find((p) => p.number === intent.pull);
    if (!pull) {
      // pulls.json was moved away meanwhile: the branches are right, there is nothing to record.
      await this.removeIntent();
      await this.syncDeployFolder();
      return undefined;
    }
    if (pull.state !== 'merged') {
      pull.state = 'merged';
      pull.merged = { at: intent.at, commit: intent.after, render: intent.render };
      await this.writePulls(pulls);
    }
    await this.step('pull request recorded');
    await this.removeIntent();
    await this.syncDeployFolder();
    return pull;
  }

  /** Everything a merge does, worked out without moving a branch; refusals are 409/422 with what to do. */
  private async prepareMerge(pull: LocalPull): Promise<MergeIntent> {
    await this.say('merging', `Merging ${pull.branch} into ${pull.base}`);
    const { before, after } = await this.localGit(async () => {
      await this.git.assertCleanIfCheckedOut(pull.base);
      return this.git.prepareMerge(pull.base, pull.headSha, `Merge pull request #${pull.number}: ${pull.title}`);
    });
    const changed = (await this.git.changedFiles(before, after, AUTOSTACK_DIR)).filter(isAutostackFile);
    if (changed.length > 0) {
      await this.checkDeployBranch(after);
      await this.say('reviewing', `Reviewing the merge result against ${pull.base} as it is now (budgets over every plan)`);
      const review = await reviewChange(this.git.reader, before, after, changed, { defaultBranch: this.defaultBranch });
      if (!review.ok) {
        const errors = review.diagnostics.filter((d) => d.severity === 'error');
        const budgets = review.budgets.filter((b) => b.exceeded && b.scope !== 'plan').map((b) => `the ${b.scope} budget "${b.name}" of $${b.limitUsd.toFixed(2)}/month would be exceeded ($${b.estimateUsd.toFixed(2)}/month)`);
        const lines = [...errors.map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`), ...budgets];
        throw new ApiError(409, `Pull request #${pull.number} passed its review on its own, but not merged with ${pull.base} as it is now (${summaryLine(review).replace(/^[✅❌] AutoStack: /, '')}):\n${lines.join('\n')}\nUpdate the pull request (close it and propose the change again from the plans as they are now on ${pull.base}). Nothing was merged.`, errors);
      }
    }
    const { report, deploy } = await this.renderCommit(before, after);
    if (report.kind === 'failed') throw new ApiError(409, `Pull request #${pull.number} cannot be rendered once merged, so it was not merged:\n${report.reason}`);
    return { version: 1, pull: pull.number, base: pull.base, before, after, at: new Date().toISOString(), render: report, ...(deploy ? { deploy } : {}) };
  }

  /**
   * A pull request whose commit is already on the default branch (merged by hand, or by an
   * earlier version interrupted before its render): it is recorded as merged, and its plans are
   * rendered from the default branch unless the deploy branch already names a commit holding it.
   */
  private async prepareLanded(pull: LocalPull, main: string): Promise<MergeIntent> {
    const at = new Date().toISOString();
    const branch = await this.deployBranch();
    const deployHead = await this.git.resolve(`refs/heads/${branch}`);
    const source = deployHead ? sourceOf(await this.git.message(deployHead)) : undefined;
    if (source && (await this.git.resolve(source)) && (await this.git.isAncestor(pull.headSha, source))) {
      return { version: 1, pull: pull.number, base: pull.base, before: main, after: main, at, render: { kind: 'nothing', reason: `the change is already on ${pull.base} and rendered on ${branch} (${deployHead!.slice(0, 7)}).` } };
    }
    const { report, deploy } = await this.renderCommit(pull.baseSha, main, pull.files);
    if (report.kind === 'failed') throw new ApiError(409, `Pull request #${pull.number} is already on ${pull.base}, but its plans cannot be rendered from there:\n${report.reason}`);
    return { version: 1, pull: pull.number, base: pull.base, before: main, after: main, at, render: report, renderFrom: { before: pull.baseSha, files: pull.files }, ...(deploy ? { deploy } : {}) };
  }

  /** The deploy commit for a merge (an object only: no branch moves); a bad deploy branch name refuses with a diagnostic. */
  private async renderCommit(before: string | undefined, after: string, files?: string[]): Promise<{ report: RenderReport; deploy?: MergeIntent['deploy'] }> {
    const changed = (files ?? (before ? await this.git.changedFiles(before, after, AUTOSTACK_DIR) : [])).filter(isAutostackFile);
    if (changed.length === 0) return { report: { kind: 'nothing', reason: 'the merge changed no file under .autostack/.' } };
    await this.checkDeployBranch(after);
    await this.say('rendering', 'Rendering the Terraform: loading the renderer (the first render after a start takes longest)');
    const r = await renderChange(this.git.reader, before, after, changed, { defaultBranch: this.defaultBranch, onStack: (k, n, name) => this.say('rendering', `Rendering stack ${k} of ${n} (${name})`, { k, n, name }) });
    if (!r.ok) return { report: { kind: 'failed', reason: r.diagnostics.length ? r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`).join('\n') : r.errors.join('\n') } };
    const branch = r.settings.deployBranch;
    await this.say('writing', `Writing the deploy branch ${branch}`);
    const parent = await this.git.resolve(`refs/heads/${branch}`);
    const previous = parent ? parseManifest(await this.git.reader.read(parent, MANIFEST_PATH)) : undefined;
    const content = deployCommitContent(previous, after, r.rendered, r.stacks);
    const commit = await this.git.commit(parent, content.files, content.message);
    const commands = this.applyCommands(r.stacks);
    const howToApply = `Apply with your own cloud credentials in ${this.deployDir}, a folder AutoStack keeps at the newest render of ${branch}: ${commands.join(' && ')} — or push the repository to GitHub and let the AutoStack Action do it.`;
    return { report: { kind: 'rendered', branch, commit, stacks: r.stacks.map((s) => ({ name: s.name, action: s.action, path: `stacks/${s.name}/cdk.tf.json` })), howToApply, commands }, deploy: { branch, parent, commit } };
  }

  /** The deploy folder: a worktree beside the repository, kept at the deploy branch's newest render. */
  get deployDir(): string {
    return `${this.git.dir}-deploy`;
  }

  /** Shell commands that apply (or destroy) these stacks from any folder: cd to the deploy folder, then terraform per stack. */
  private applyCommands(stacks: { name: string; action: string }[]): string[] {
    const out = [`cd ${quote(this.deployDir)}`];
    for (const s of stacks.filter((x) => STACK_NAME.test(x.name))) {
      out.push(`terraform -chdir=stacks/${s.name} init`, `terraform -chdir=stacks/${s.name} ${s.action === 'destroy' ? 'destroy' : 'apply'}`);
    }
    return out;
  }

  /**
   * Brings the deploy folder to the deploy branch's head (created on the first render). Never
   * forced: when it cannot (a rendered file changed by hand there, the path taken by something
   * else), {@link deployFolder} says so and how to update it.
   */
  private async syncDeployFolder(): Promise<void> {
    try {
      const head = await this.git.resolve(`refs/heads/${await this.deployBranch()}`);
      if (!head) return;
      await this.say('writing', `Updating the deploy folder ${this.deployDir}`);
      await this.git.checkoutWorktree(this.deployDir, head);
    } catch {
      // Reported by deployFolder(): behind, with the command to update it.
    }
  }

  /** Where the rendered Terraform is on this machine, whether that folder is current, and how to apply it. */
  async deployFolder(): Promise<DeployFolder> {
    const branch = await this.deployBranch();
    const dir = this.deployDir;
    const head = await this.git.resolve(`refs/heads/${branch}`);
    if (!head) return { branch, dir, state: 'nothing rendered', update: [], commands: [], stacks: [] };
    const manifest = parseManifest(await this.git.reader.read(head, MANIFEST_PATH));
    const stacks = (manifest?.stacks ?? []).map((s) => ({ name: s.name, plan: s.plan, cloud: s.cloud, action: s.action, renderedAt: s.renderedAt ?? manifest!.renderedAt }));
    const commit = existsSync(dir) ? await this.git.worktreeHead(dir) : undefined;
    const state: DeployFolder['state'] = !existsSync(dir) ? 'missing' : !commit ? 'foreign' : commit === head && !(await this.git.worktreeChanged(dir)) ? 'current' : 'behind';
    const update = state === 'missing' ? [`git -C ${quote(this.git.dir)} worktree add --detach ${quote(dir)} ${quote(branch)}`]
      : state === 'behind' ? [`git -C ${quote(dir)} checkout --detach ${quote(branch)}`]
      : state === 'foreign' ? [`git -C ${quote(this.git.dir)} worktree add --detach <another folder> ${quote(branch)}`] : [];
    return { branch, head, dir, state, ...(commit ? { commit } : {}), update, commands: this.applyCommands(stacks), stacks };
  }

  /**
   * The settings' deployBranch at `ref` must be a branch name git accepts and not the default
   * branch (renders would land on the plans): the same check as the review and the App's render
   * (synth/core/resolve/deploy-branch.ts). 422 with a diagnostic at the field otherwise.
   */
  private async checkDeployBranch(ref: string): Promise<void> {
    const settings = await loadRepoSettings(this.git.reader, ref);
    const [refused] = deployBranchDiagnostics(settings.doc?.parsed, this.defaultBranch);
    if (!refused) return;
    throw new ApiError(422, `${SETTINGS_FILE}:${refused.line}:${refused.column} ${refused.message} Nothing was merged or rendered.`, [refused]);
  }

  /** Whether the deploy branch already has a commit rendered from `source` (its `AutoStack-Source` trailer). */
  private async deployNames(branch: string, source: string): Promise<boolean> {
    const head = await this.git.resolve(`refs/heads/${branch}`);
    if (!head) return false;
    const log = await this.git.git.raw(['log', '-50', `--format=%(trailers:key=${SOURCE_TRAILER},valueonly)`, head]);
    return log.split('\n').some((l) => l.trim() === source);
  }

  private async localGit<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof LocalGitError) throw new ApiError(409, e.message);
      throw e;
    }
  }

  private get intentFile(): string {
    return join(this.git.gitDir, 'autostack', 'merging.json');
  }

  private async readIntent(): Promise<MergeIntent | undefined> {
    try {
      return JSON.parse(await readFile(this.intentFile, 'utf8')) as MergeIntent;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ApiError(409, `${this.intentFile} (a merge in progress) is not readable JSON: check that the default branch and the deploy branch look right, then remove it.`);
    }
  }

  private async writeIntent(intent: MergeIntent): Promise<void> {
    await mkdir(join(this.git.gitDir, 'autostack'), { recursive: true });
    const tmp = `${this.intentFile}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(intent, null, 2)}\n`);
    await rename(tmp, this.intentFile);
  }

  private async removeIntent(): Promise<void> {
    await rm(this.intentFile, { force: true });
  }

  closePull(n: number): Promise<LocalPull> {
    return this.exclusive(async () => {
      const pulls = await this.readPulls();
      const pull = this.openOne(pulls, n);
      pull.state = 'closed';
      await this.writePulls(pulls);
      return pull;
    });
  }

  /** Pull requests, and every render on the deploy branch (of a merge, or of "Render again"), newest first. */
  async activity(): Promise<ActivityItem[]> {
    const items: ActivityItem[] = (await this.readPulls()).map((p) => ({ kind: 'pull' as const, title: `#${p.number} ${p.title}`, state: p.state, at: p.merged?.at ?? p.createdAt, url: `/dashboard/#pull-${p.number}` }));
    items.push(...(await this.renders(20)));
    return items.sort((a, b) => b.at.localeCompare(a.at)).slice(0, 20);
  }

  /** Each commit on the deploy branch is one render; its manifest says which stacks it changed (reads go to git in one batch). */
  private async renders(max: number): Promise<ActivityItem[]> {
    const branch = await this.deployBranch();
    const head = await this.git.resolve(`refs/heads/${branch}`);
    if (!head) return [];
    const commits = await this.git.log(head, max);
    const manifests = await Promise.all(commits.map((c) => this.git.reader.read(c.sha, MANIFEST_PATH)));
    return commits.flatMap((c, i): ActivityItem[] => {
      const m = parseManifest(manifests[i]);
      if (!m) return [];
      const changed = m.stacks.filter((s) => s.action !== 'unchanged');
      const source = sourceOf(c.message);
      const names = changed.map((s) => (s.action === 'destroy' ? `${s.name} (to destroy)` : s.name)).join(', ') || 'no stack';
      return [{ kind: 'deployment', title: `rendered ${names}${source ? ` from ${source.slice(0, 7)}` : ''} on ${branch}`, state: 'rendered', at: m.renderedAt || c.at, plans: [...new Set(changed.filter((s) => s.action === 'apply').map((s) => s.plan))] }];
    });
  }

  /** Local "re-deploy": render the plan again from the default branch; applying stays with you. */
  async redeploy(plan: string): Promise<RedeployResult> {
    const { path } = await readPlan(this, plan);
    const head = await this.mustResolve(this.defaultBranch);
    // Only this plan's file: the other stacks stay as they are on the deploy branch.
    const report = await this.exclusive(() => this.tracked({ operation: 'render', plans: [plan] }, async () => {
      await this.recover();
      const { report, deploy } = await this.renderCommit(undefined, head, [path]);
      if (deploy) await this.localGit(() => this.git.moveBranches([{ branch: deploy.branch, to: deploy.commit, from: deploy.parent }]));
      await this.syncDeployFolder();
      return report;
    }));
    if (report.kind !== 'rendered') return { ok: false, message: report.reason };
    const stack = report.stacks.find((s) => s.action === 'apply')!;
    return { ok: true, message: `Rendered ${stack.name} again on ${report.branch} (${report.commit.slice(0, 7)}). ${report.howToApply}`, stack: stack.name };
  }

  private async review(baseSha: string, headSha: string, files: string[]): Promise<LocalPull['review']> {
    const result: ReviewResult = await reviewChange(this.git.reader, baseSha, headSha, files, { defaultBranch: this.defaultBranch });
    return {
      ok: result.ok,
      summary: summaryLine(result).replace(/^[✅❌] AutoStack: /, ''),
      markdown: renderMarkdown(result),
      errors: result.diagnostics.filter((d) => d.severity === 'error').length,
      warnings: result.diagnostics.filter((d) => d.severity === 'warning').length,
      monthlyUsdBefore: result.totals.monthlyUsdBefore,
      monthlyUsdAfter: result.totals.monthlyUsdAfter,
    };
  }

  private openOne(pulls: LocalPull[], n: number): LocalPull {
    const pull = pulls.find((p) => p.number === n);
    if (!pull) throw new ApiError(404, `There is no pull request #${n} in ${this.repo}.`);
    if (pull.state !== 'open') throw new ApiError(409, `Pull request #${n} is already ${pull.state}.`);
    return pull;
  }

  private async deployBranch(): Promise<string> {
    const head = await this.git.resolve(this.defaultBranch);
    return head ? (await loadSettings(this.git.reader, head)).model.deployBranch : 'autostack/deploy';
  }

  private async mustResolve(ref: string): Promise<string> {
    const sha = await this.git.resolve(ref);
    if (!sha) throw new ApiError(409, `${this.repo} has no ${ref} branch.`);
    return sha;
  }

  private get pullsFile(): string {
    return join(this.git.gitDir, 'autostack', 'pulls.json');
  }

  private async readPulls(): Promise<LocalPull[]> {
    try {
      return JSON.parse(await readFile(this.pullsFile, 'utf8')) as LocalPull[];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new ApiError(409, `${this.pullsFile} is not readable JSON: move it away to start the pull-request list afresh.`);
    }
  }

  /** Written to a temporary file and renamed: a crash never leaves half a file. */
  private async writePulls(pulls: LocalPull[]): Promise<void> {
    await mkdir(join(this.git.gitDir, 'autostack'), { recursive: true });
    const tmp = `${this.pullsFile}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(pulls, null, 2)}\n`);
    await rename(tmp, this.pullsFile);
  }
}

function quote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
