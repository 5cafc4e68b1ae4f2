import { createHash, randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { hasErrors } from '../../synth/core/diagnostics.ts';
import { loadDocument } from '../../synth/core/validate/document.ts';
import { AUTOSTACK_DIR, isAutostackFile, SETTINGS_FILE } from '../../synth/core/load/reader.ts';
import { settingsFromText } from '../../synth/core/resolve/load-settings.ts';
import type { SettingsModel } from '../../synth/core/resolve/settings.ts';
import type { GitHubClient } from '../github/client.ts';
import { GitHubReader } from '../github/reader.ts';
import { redeploy } from '../services/redeploy.ts';
import { ApiError } from './errors.ts';
import { evaluateFiles } from '../../synth/core/review/evaluate.ts';
import { MAX_REQUEST_BYTES } from './http.ts';
import type { ActivityItem, PlanDeployment, PlanStore } from '../services/plan-store.ts';

/** What the user may do in a repository, from GitHub's own answer for the user's token. */
export interface RepoAccess {
  defaultBranch: string;
  canWrite: boolean;
}


/**
 * GET /repos/{owner}/{repo} as the user: 404 when the user cannot see it (or the App is not
 * installed there), `permissions.push` decides writes. Nothing is cached: access can be revoked.
 */
export async function checkAccess(client: GitHubClient, write: boolean): Promise<RepoAccess> {
  const repo = await client.maybe('getRepo');
  if (!repo) throw new ApiError(404, `${client.repo.owner}/${client.repo.repo} was not found, or your GitHub account cannot see it, or AutoStack is not installed on it.`);
  const perms = (repo.data.permissions ?? {}) as { push?: boolean; pull?: boolean };
  if (perms.pull === false) throw new ApiError(404, `${client.repo.owner}/${client.repo.repo} was not found, or your GitHub account cannot see it.`);
  if (write && !perms.push) throw new ApiError(403, `You can read ${client.repo.owner}/${client.repo.repo} but not write to it: ask a maintainer for write access.`);
  if (write && repo.data.archived) throw new ApiError(403, `${client.repo.owner}/${client.repo.repo} is archived: nothing can be changed there.`);
  return { defaultBranch: repo.data.default_branch as string, canWrite: Boolean(perms.push) };
}

export interface PlanEntry {
  name: string;
  file: string;
  kind: string;
  cloud?: string;
  region?: string;
  /** How clients reach it once deployed (the review's address: a dedicated IP, a load balancer's address). */
  address?: string;
  monthlyUsd: number | null;
  costComplete: boolean;
  errors: number;
  deployment: PlanDeployment | null;
}

/** Plans on the default branch, each with its estimate and its latest deployment. */
export async function listPlans(store: PlanStore): Promise<{ repo: string; defaultBranch: string; canWrite: boolean; plans: PlanEntry[] }> {
  const texts = await store.readFiles(store.defaultBranch);
  const review = await evaluateFiles(texts);
  const deployments = await store.latestDeployments(review.plans.map((p) => p.name));
  const plans: PlanEntry[] = [];
  for (const p of review.plans) {
    const primary = p.cost.find((c) => c.primary);
    plans.push({
      name: p.name,
      file: p.file,
      kind: p.kind,
      ...(p.cloud ? { cloud: p.cloud } : {}),
      ...(p.region ? { region: p.region } : {}),
      ...(p.address ? { address: p.address } : {}),
      monthlyUsd: primary?.monthlyUsdAfter ?? null,
      costComplete: primary?.complete ?? false,
      errors: review.diagnostics.filter((d) => d.file === p.file && d.severity === 'error').length,
      deployment: deployments.get(p.name) ?? null,
    });
  }
  return { repo: store.repo, defaultBranch: store.defaultBranch, canWrite: store.canWrite, plans };
}

/** The text of one plan on the default branch (for the editor). */
export async function readPlan(store: PlanStore, name: string): Promise<{ name: string; path: string; content: string }> {
  const files = await indexFiles(await store.readFiles(store.defaultBranch));
  const path = files.byName.get(name);
  if (!path) throw new ApiError(404, `There is no plan named "${name}" on ${store.defaultBranch}. Plans there: ${[...files.byName.keys()].sort().join(', ') || 'none'}.`);
  return { name, path, content: files.texts[path]! };
}

interface RepoFiles {
  settings: SettingsModel;
  texts: Record<string, string>;
  /** plan name → file */
  byName: Map<string, string>;
}

async function indexFiles(texts: Record<string, string>): Promise<RepoFiles> {
  const settingsText = texts[SETTINGS_FILE];
  const settings = settingsFromText(settingsText).model;
  const byName = new Map<string, string>();
  for (const [file, text] of Object.entries(texts)) {
    if (file === SETTINGS_FILE) continue;
    const doc = loadDocument(file, text, settings);
    if (doc.name && !doc.foreign) byName.set(doc.name, file);
  }
  return { settings, texts, byName };
}

const PLAN_PATH = /^\.autostack\/[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*\.ya?ml$/;

export type ChangeKind = 'add' | 'update' | 'remove';

export interface PlanChange {
  kind: ChangeKind;
  /** The plan's name (from the URL for update/remove, from the file for add). */
  name?: string;
  content?: string;
  path?: string;
  title?: string;
  /** Who asked, for the PR body. */
  login: string;
}

/**
 * A pull request that adds, changes or removes one plan file:
 * 1. the new content must validate (the same checks as the PR review): errors come back, no PR
 * 2. the store commits it on a new branch from the default branch and opens the pull request,
 *    which is then reviewed like any other
 */
export async function proposePlanChange(store: PlanStore, change: PlanChange): Promise<{ number: number; url: string; branch: string; path: string }> {
  if (change.kind !== 'remove' && typeof change.content !== 'string') throw new ApiError(400, 'Send the plan as {"content": "<YAML>"}.');
  if (change.content !== undefined && change.content.length > MAX_REQUEST_BYTES) throw new ApiError(400, 'The plan is too large.');
  const repoFiles = await indexFiles(await store.readFiles(store.defaultBranch));
  let path: string;
  let name: string;
  if (change.kind === 'add') {
    name = planName(change.content!, change.path ?? '.autostack/new.yaml', repoFiles.settings);
    path = change.path ?? `.autostack/${name}.yaml`;
    if (repoFiles.byName.has(name)) throw new ApiError(409, `A plan named "${name}" already exists in ${repoFiles.byName.get(name)}: open it in the editor and change it there, or pick another metadata.name.`);
    if (path in repoFiles.texts) throw new ApiError(409, `${path} already exists: open it in the editor and change it there, or choose another path.`);
  } else {
    name = change.name ?? '';
    const existing = repoFiles.byName.get(name);
    if (!existing) throw new ApiError(404, `There is no plan named "${name}" on ${store.defaultBranch}. Plans there: ${[...repoFiles.byName.keys()].sort().join(', ') || 'none'}.`);
    path = existing;
  }
  if (!PLAN_PATH.test(path) || path === SETTINGS_FILE || path.includes('..')) throw new ApiError(400, `"${path}" is not a plan file path: use .autostack/<name>.yaml with lowercase letters, digits, dots, dashes and underscores.`);
  if (change.kind !== 'remove') {
    const review = await evaluateFiles({ [path]: change.content! }, withoutFile(repoFiles.texts, path));
    if (hasErrors(review.diagnostics)) throw new ApiError(422, `The plan has ${review.diagnostics.filter((d) => d.severity === 'error').length} error(s); nothing was opened.`, review.diagnostics);
    if (change.kind === 'update' && repoFiles.texts[path] === change.content) throw new ApiError(409, `${path} already has this content: there is nothing to change.`);
  }
  const verb = { add: 'Add', update: 'Change', remove: 'Remove' }[change.kind];
  const title = (change.title?.trim() || `${verb} plan ${name}`).slice(0, 200);
  const branch = `autostack/${change.kind}-${name}-${randomBytes(3).toString('hex')}`;
  const body = [
    `${verb}s \`${path}\` (plan \`${name}\`).`,
    '',
    `Proposed by @${change.login} with AutoStack. The AutoStack review on this pull request shows what changes, what it costs per month on AWS, Azure and GCP, and the budget status. Nothing is deployed until this is merged.`,
  ].join('\n');
  const pr = await store.openPull({ branch, title, body, commitMessage: `${title}\n\nProposed by @${change.login} with AutoStack.`, files: [{ path, content: change.kind === 'remove' ? null : change.content! }] });
  return { ...pr, branch: pr.branch ?? branch, path };
}

const DEPLOYMENT_LOOKUPS_AT_ONCE = 4;

/** PlanStore over GitHub, acting as the signed-in user (PRs are theirs). */
export class GitHubPlanStore implements PlanStore {
  readonly repo: string;
  readonly defaultBranch: string;
  readonly canWrite: boolean;
  private readonly client: GitHubClient;

  constructor(client: GitHubClient, access: RepoAccess) {
    this.client = client;
    this.repo = `${client.repo.owner}/${client.repo.repo}`;
    this.defaultBranch = access.defaultBranch;
    this.canWrite = access.canWrite;
  }

  async readFiles(ref: string): Promise<Record<string, string>> {
    const reader = new GitHubReader(this.client);
    const paths = (await reader.list(ref, AUTOSTACK_DIR)).filter(isAutostackFile);
    const texts: Record<string, string> = {};
    await Promise.all(paths.map(async (p) => {
      const t = await reader.read(ref, p);
      if (t !== undefined) texts[p] = t;
    }));
    return texts;
  }

  /**
   * Two requests per plan, at most four plans at a time (no burst that trips GitHub's secondary
   * rate limit); the next plan starts as soon as one finishes, not when the slowest of four does.
   */
  async latestDeployments(plans: string[]): Promise<Map<string, PlanDeployment | null>> {
    const found = await pLimit(DEPLOYMENT_LOOKUPS_AT_ONCE).map(plans, (p) => this.latestDeployment(p));
    return new Map(plans.map((p, i) => [p, found[i]!]));
  }

  private async latestDeployment(plan: string): Promise<PlanDeployment | null> {
    const environment = `autostack/${plan}`;
    const deployments = (await this.client.call('listDeployments', { environment, per_page: 1 })).data as { id: number; updated_at: string }[];
    const d = deployments[0];
    if (!d) return null;
    const statuses = (await this.client.call('listDeploymentStatuses', { deployment_id: d.id, per_page: 1 })).data as { state: string; updated_at: string; log_url?: string; target_url?: string }[];
    const s = statuses[0];
    const url = s?.log_url || s?.target_url;
    return { state: s?.state ?? 'pending', updatedAt: s?.updated_at ?? d.updated_at, environment, ...(url ? { url } : {}) };
  }

  async openPull(p: { branch: string; title: string; commitMessage: string; body: string; files: { path: string; content: string | null }[] }): Promise<{ number: number; url: string; branch?: string; existing?: boolean }> {
    const same = await this.openPullWithChange(p.files);
    if (same) return { ...same, existing: true };
    const base = (await this.client.call('getRef', { ref: `heads/${this.defaultBranch}` })).data.object.sha as string;
    const baseTree = (await this.client.call('getCommit', { commit_sha: base })).data.tree.sha as string;
    const tree = await this.client.call('createTree', { base_tree: baseTree, tree: p.files.map((f) => (f.content === null ? { path: f.path, mode: '100644', type: 'blob', sha: null } : { path: f.path, mode: '100644', type: 'blob', content: f.content })) });
    const commit = await this.client.call('createCommit', { message: p.commitMessage, tree: tree.data.sha, parents: [base] });
    await this.client.call('createRef', { ref: `refs/heads/${p.branch}`, sha: commit.data.sha });
    const pr = await this.client.call('createPull', { title: p.title, head: p.branch, base: this.defaultBranch, body: p.body, maintainer_can_modify: true });
    return { number: pr.data.number as number, url: pr.data.html_url as string };
  }

  /**
   * An open AutoStack pull request into the default branch that makes exactly this change: the same
   * paths, each removed or holding the same content (git's blob SHA), so asking twice — a double
   * click, a retried request — answers the first pull request instead of opening an identical one.
   */
  private async openPullWithChange(files: { path: string; content: string | null }[]): Promise<{ number: number; url: string; branch: string } | undefined> {
    const pulls = (await this.client.call('listPulls', { state: 'open', base: this.defaultBranch, sort: 'created', direction: 'desc', per_page: 100 })).data as { number: number; html_url: string; head: { ref: string; repo: { full_name: string } | null } }[];
    const want = new Map(files.map((f) => [f.path, f.content === null ? null : gitBlobSha(f.content)]));
    const ours = pulls.filter((p) => p.head.ref.startsWith('autostack/') && p.head.repo?.full_name === this.repo).slice(0, 10);
    for (const pull of ours) {
      const changed = (await this.client.call('listPullFiles', { pull_number: pull.number, per_page: 100 })).data as { filename: string; status: string; sha: string | null }[];
      if (changed.length !== want.size) continue;
      const same = changed.every((f) => want.has(f.filename) && (want.get(f.filename) === null ? f.status === 'removed' : f.status !== 'removed' && f.sha === want.get(f.filename)));
      if (same) return { number: pull.number, url: pull.html_url, branch: pull.head.ref };
    }
    return undefined;
  }

  redeploy(plan: string) {
    return redeploy(this.client, plan);
  }

  /** Pull requests from AutoStack branches and the deployments of autostack/* environments. */
  async activity(): Promise<ActivityItem[]> {
    const pulls = (await this.client.call('listPulls', { state: 'all', sort: 'updated', direction: 'desc', per_page: 30 })).data as { title: string; state: string; merged_at: string | null; updated_at: string; html_url: string; head: { ref: string } }[];
    const deployments = (await this.client.call('listDeployments', { per_page: 10 })).data as { id: number; environment: string; created_at: string; description?: string | null }[];
    const items: ActivityItem[] = pulls.filter((p) => p.head.ref.startsWith('autostack/')).slice(0, 10).map((p) => ({ kind: 'pull', title: p.title, state: p.merged_at ? 'merged' : p.state, at: p.updated_at, url: p.html_url }));
    for (const d of deployments.filter((x) => x.environment.startsWith('autostack/'))) {
      const s = ((await this.client.call('listDeploymentStatuses', { deployment_id: d.id, per_page: 1 })).data as { state: string; created_at: string; log_url?: string }[])[0];
      items.push({ kind: 'deployment', title: `${d.environment.slice('autostack/'.length)}${d.description ? `: ${d.description}` : ''}`, state: s?.state ?? 'pending', at: s?.created_at ?? d.created_at, plans: [d.environment.slice('autostack/'.length)], ...(s?.log_url ? { url: s.log_url } : {}) });
    }
    return items.sort((a, b) => b.at.localeCompare(a.at));
  }
}

function planName(content: string, path: string, settings: SettingsModel): string {
  const doc = loadDocument(path, content, settings);
  if (!doc.name) {
    throw new ApiError(422, 'The plan has no metadata.name: add one (lowercase letters, digits and dashes).', doc.diagnostics.length ? doc.diagnostics : undefined);
  }
  return doc.name;
}

function withoutFile(texts: Record<string, string>, path: string): Record<string, string> {
  const out = { ...texts };
  delete out[path];
  return out;
}

/** The SHA git gives a file's content (what GitHub lists as a changed file's `sha`). */
function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
