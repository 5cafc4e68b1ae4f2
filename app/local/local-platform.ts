import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AUTOSTACK_DIR, isAutostackFile } from '../../synth/core/load/reader.ts';
import { renderMarkdown, summaryLine } from '../../synth/core/render/markdown.ts';
import { reviewChange } from '../../synth/core/review/review.ts';
import type { ReviewResult } from '../../synth/core/review/review.ts';
import { MANIFEST_PATH, parseManifest } from '../../synth/contract/deploy-manifest.ts';
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

export type RenderReport =
  | { kind: 'rendered'; branch: string; commit: string; stacks: { name: string; action: string; path: string }[]; howToApply: string }
  | { kind: 'nothing'; reason: string }
  | { kind: 'failed'; reason: string };

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

  private constructor(git: LocalRepo, defaultBranch: string) {
    this.git = git;
    this.defaultBranch = defaultBranch;
    this.repo = `local/${basename(git.dir).toLowerCase().replace(/[^a-z0-9_.-]/g, '-') || 'repo'}`;
  }

  static async open(dir: string): Promise<LocalPlatform> {
    const git = await LocalRepo.open(dir);
    return new LocalPlatform(git, await git.defaultBranch());
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
      if (stack) out.set(plan, { state: stack.action === 'destroy' ? 'rendered for destroy' : 'rendered', updatedAt: manifest.renderedAt, environment: `autostack/${plan}`, note: `Terraform in stacks/${stack.name}/ on branch ${branch} (${head.slice(0, 7)}); nothing is applied to a cloud in local mode.` });
    }
    return out;
  }

  /** Serialises every write: one pull request, merge or render at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  openPull(p: { branch: string; title: string; commitMessage: string; body: string; files: FileChange[] }): Promise<{ number: number; url: string }> {
    return this.exclusive(async () => {
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

  async listPulls(): Promise<LocalPull[]> {
    return (await this.readPulls()).sort((a, b) => b.number - a.number);
  }

  async getPull(n: number): Promise<LocalPull> {
    const pull = (await this.readPulls()).find((p) => p.number === n);
    if (!pull) throw new ApiError(404, `There is no pull request #${n} in ${this.repo}.`);
    return pull;
  }

  /**
   * Merge, then render:
   * 1. an open pull request only; the review must have passed (as a required check would)
   * 2. fast-forward or merge commit into the default branch
   * 3. the changed plans rendered to the deploy branch, one commit naming the merged commit
   */
  mergePull(n: number): Promise<LocalPull> {
    return this.exclusive(async () => {
      const pulls = await this.readPulls();
      const pull = this.openOne(pulls, n);
      if (!pull.review.ok) throw new ApiError(409, `Pull request #${n} did not pass its AutoStack review (${pull.review.summary}): fix the plan in a new pull request.`);
      let merged: { before: string; after: string };
      try {
        merged = await this.git.merge(pull.base, pull.headSha, `Merge pull request #${n}: ${pull.title}`);
      } catch (e) {
        if (e instanceof LocalGitError) throw new ApiError(409, e.message);
        throw e;
      }
      pull.state = 'merged';
      pull.merged = { at: new Date().toISOString(), commit: merged.after, render: await this.render(merged.before, merged.after) };
      await this.writePulls(pulls);
      return pull;
    });
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

  async activity(): Promise<ActivityItem[]> {
    const items: ActivityItem[] = [];
    for (const p of await this.readPulls()) {
      items.push({ kind: 'pull', title: `#${p.number} ${p.title}`, state: p.state, at: p.merged?.at ?? p.createdAt, url: `/dashboard/#pull-${p.number}` });
      if (p.merged?.render.kind === 'rendered') items.push({ kind: 'deployment', title: `rendered ${p.merged.render.stacks.map((s) => s.name).join(', ')}`, state: 'rendered', at: p.merged.at });
    }
    return items.sort((a, b) => b.at.localeCompare(a.at)).slice(0, 20);
  }

  /** Local "re-deploy": render the plan again from the default branch; applying stays with you. */
  async redeploy(plan: string): Promise<RedeployResult> {
    const { path } = await readPlan(this, plan);
    const head = await this.mustResolve(this.defaultBranch);
    // Only this plan's file: the other stacks stay as they are on the deploy branch.
    const report = await this.exclusive(() => this.render(undefined, head, [path]));
    if (report.kind !== 'rendered') return { ok: false, message: report.reason };
    const stack = report.stacks.find((s) => s.action === 'apply')!;
    return { ok: true, message: `rendered \`${stack.name}\` again on ${report.branch} (${report.commit.slice(0, 7)}). ${report.howToApply}`, stack: stack.name };
  }

  private async render(before: string | undefined, after: string, files?: string[]): Promise<RenderReport> {
    const changed = files ?? (before ? await this.git.changedFiles(before, after, AUTOSTACK_DIR) : []);
    if (changed.filter(isAutostackFile).length === 0) return { kind: 'nothing', reason: 'the merge changed no file under .autostack/.' };
    const r = await renderChange(this.git.reader, before, after, changed.filter(isAutostackFile));
    if (!r.ok) return { kind: 'failed', reason: r.diagnostics.length ? r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`).join('\n') : r.errors.join('\n') };
    const branch = r.settings.deployBranch;
    const parent = await this.git.resolve(`refs/heads/${branch}`);
    const previous = parent ? parseManifest(await this.git.reader.read(parent, MANIFEST_PATH)) : undefined;
    const content = deployCommitContent(previous, after, r.rendered, r.stacks);
    const commit = await this.git.commit(parent, content.files, content.message);
    await this.git.setBranch(branch, commit, parent);
    const first = r.stacks.find((s) => s.action !== 'destroy');
    const howToApply = `Apply with your own cloud credentials: git -C ${quote(this.git.dir)} worktree add ../autostack-deploy ${branch}, then terraform -chdir=../autostack-deploy/stacks/${first?.name ?? '<stack>'} init && terraform -chdir=../autostack-deploy/stacks/${first?.name ?? '<stack>'} apply — or push the repository to GitHub and let the AutoStack Action do it.`;
    return { kind: 'rendered', branch, commit, stacks: r.stacks.map((s) => ({ name: s.name, action: s.action, path: `stacks/${s.name}/cdk.tf.json` })), howToApply };
  }

  private async review(baseSha: string, headSha: string, files: string[]): Promise<LocalPull['review']> {
    const result: ReviewResult = await reviewChange(this.git.reader, baseSha, headSha, files);
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
