import type { Diagnostic } from '../../synth/core/diagnostics.ts';
import { isAutostackFile, SETTINGS_FILE } from '../../synth/core/load/reader.ts';
import { mdCode, mdText } from '../../synth/core/render/escape.ts';
import { MANIFEST_PATH, parseManifest, sourceOf } from '../../synth/contract/deploy-manifest.ts';
import type { DeployManifest, DeployStack } from '../../synth/contract/deploy-manifest.ts';
import { DEPLOY_CHECK_NAME, ourRuns, publishCheck } from '../github/check-run.ts';
import type { GitHubClient } from '../github/client.ts';
import { GitHubReader } from '../github/reader.ts';
import { WORKFLOW_FILE, WORKFLOW_PATH } from './config.ts';
import { deployCommitContent, renderChange } from './render-change.ts';
import { openOnboardingPullRequest } from './onboarding.ts';

export interface PushInput {
  before: string;
  after: string;
  defaultBranch: string;
}

export type DeployOutcome =
  | { kind: 'no-changes' }
  | { kind: 'invalid'; diagnostics: Diagnostic[] }
  | { kind: 'no-workflow'; deployCommit: string; onboarding: string }
  | { kind: 'stale'; deployHead: string; newerSource: string }
  /** Another replica handled this push at the same moment and its deploy check came first: it deploys. */
  | { kind: 'duplicate'; deployCommit: string; checkRun: number }
  | { kind: 'dispatched'; deployCommit: string; stacks: DeployStack[]; deployments: number[]; dispatched: string[] };

const ZERO = /^0+$/;

/**
 * After a push to the default branch:
 * 1. find the .autostack/ files the push changed
 * 2. load them at the pushed commit (errors: a failed deploy check, nothing rendered)
 * 3. synthesize the changed plans; removed plans (and a plan's old cloud) are marked for destroy
 * 4. commit the rendered stacks and the manifest to the deploy branch, one commit per source
 *    commit, with the source SHA in the message (a commit already there is reused)
 * 5. a GitHub Deployment per changed stack (environment autostack/<plan>), then dispatch the
 *    deploy workflow — or, without that workflow, say so and open the onboarding PR
 */
export async function renderAndDeploy(client: GitHubClient, push: PushInput, actionRef: string, appId?: number): Promise<DeployOutcome> {
  const reader = new GitHubReader(client, { batch: true });
  const changed = await changedFiles(client, reader, push);
  if (changed.length === 0) return { kind: 'no-changes' };
  // The render reads settings and the changed files at both commits: one batched read (GraphQL).
  const paths = [...new Set([SETTINGS_FILE, ...changed])];
  reader.prefetch([{ ref: push.after, paths }, ...(ZERO.test(push.before) ? [] : [{ ref: push.before, paths }])]);
  const render = await renderChange(reader, ZERO.test(push.before) ? undefined : push.before, push.after, changed, { defaultBranch: push.defaultBranch });
  if (!render.ok && render.diagnostics.length) {
    await publishCheck(client, { name: DEPLOY_CHECK_NAME, headSha: push.after, conclusion: 'failure', title: 'Nothing deployed: the plans have errors', summary: render.diagnostics.map((d) => `- ${mdCode(`${d.file}:${d.line}:${d.column}`)} ${mdText(d.message)}`).join('\n'), annotations: render.diagnostics, appId });
    return { kind: 'invalid', diagnostics: render.diagnostics };
  }
  if (!render.ok) {
    await publishCheck(client, { name: DEPLOY_CHECK_NAME, headSha: push.after, conclusion: 'failure', title: 'Nothing deployed: rendering failed', summary: render.errors.map((e) => `- ${mdText(e)}`).join('\n'), appId });
    return { kind: 'invalid', diagnostics: [] };
  }
  const { stacks, settings } = render;
  const committed = await commitToDeployBranch(client, settings.deployBranch, push.after, render.rendered, stacks);
  if ('newerSource' in committed) {
    // A late or replayed push: the deploy branch already holds a newer render that includes it.
    await publishCheck(client, { name: DEPLOY_CHECK_NAME, headSha: push.after, conclusion: 'neutral', title: 'Not deployed: a newer commit is already deployed', summary: `The \`${settings.deployBranch}\` branch already holds the render of ${committed.newerSource.slice(0, 7)}, which comes after this commit (${push.after.slice(0, 7)}). Rendering this commit again would roll the stacks back to older configuration, so nothing was rendered, deployed or dispatched. To go back to this configuration, revert to it in a new commit.`, appId });
    return { kind: 'stale', deployHead: committed.deployHead, newerSource: committed.newerSource };
  }
  const deployCommit = committed.sha;
  if (!(await client.maybe('getContent', { path: WORKFLOW_PATH, ref: push.defaultBranch }))) {
    await publishCheck(client, { name: DEPLOY_CHECK_NAME, headSha: push.after, conclusion: 'action_required', title: 'Rendered, not deployed: no deploy workflow', summary: `The Terraform for ${stacks.map((s) => `\`${s.name}\``).join(', ')} is on the \`${settings.deployBranch}\` branch (commit ${deployCommit.slice(0, 7)}), but this repository has no \`${WORKFLOW_PATH}\` on its default branch. Merge the AutoStack onboarding pull request to add it.`, appId });
    const onboarding = await openOnboardingPullRequest(client, push.defaultBranch, actionRef);
    return { kind: 'no-workflow', deployCommit, onboarding };
  }
  // Idempotent by content: one deploy check per source commit, one deployment per stack of the
  // deploy commit, one dispatch per deployment (recorded as its first status), whatever the
  // number of deliveries or restarts. The check comes first and settles a race between replicas
  // (ensureDeployCheck): only the handler whose check counts creates deployments and dispatches.
  const check = await ensureDeployCheck(client, push.after, stacks, appId);
  if ('duplicateOf' in check) return { kind: 'duplicate', deployCommit, checkRun: check.duplicateOf };
  const toDeploy = stacks.filter((x) => x.action !== 'unchanged');
  const ensured: { stack: DeployStack; id: number; dispatched: boolean }[] = [];
  for (const s of toDeploy) ensured.push({ stack: s, ...(await ensureDeployment(client, deployCommit, s, push.after)) });
  const pending = ensured.filter((d) => !d.dispatched);
  if (pending.length) {
    await dispatch(client, push.defaultBranch, push.after, pending.map((d) => d.stack.name));
    for (const d of pending) await client.call('createDeploymentStatus', { deployment_id: d.id, state: 'queued', description: `AutoStack dispatched the deploy workflow for ${push.after.slice(0, 7)}` });
  }
  // Last: the check leaves `queued` only once every deployment is dispatched, so a crash before
  // that shows on GitHub (docs/operations.md: such a push is redelivered and finished).
  if (check.status === 'queued') await client.call('updateCheckRun', { check_run_id: check.id, status: 'in_progress' });
  return { kind: 'dispatched', deployCommit, stacks, deployments: ensured.map((d) => d.id), dispatched: pending.map((d) => d.stack.name) };
}

/**
 * The source commit's "AutoStack deploy" check: created once, `queued` until the workflow is
 * dispatched; a later delivery finds it (and the deployment statuses take it from there).
 *
 * It is also the claim on the push: two replicas handling it at the same moment both create one,
 * then list again; GitHub numbers runs in creation order, so all but the first see an older run.
 * Such a handler completes its own as a neutral duplicate and stops before any deployment or
 * dispatch. The first one's handler deploys; a crash there leaves its check queued, which the
 * redelivery job finishes (docs/operations.md).
 */
async function ensureDeployCheck(client: GitHubClient, sourceSha: string, stacks: DeployStack[], appId?: number): Promise<{ id: number; status: string } | { duplicateOf: number }> {
  const found = (await ourRuns(client, DEPLOY_CHECK_NAME, sourceSha, appId))[0];
  if (found) return { id: found.id, status: found.status ?? 'in_progress' };
  const created = await client.call('createCheckRun', { name: DEPLOY_CHECK_NAME, head_sha: sourceSha, status: 'queued', output: { title: `Deploying ${stacks.length} stack${stacks.length === 1 ? '' : 's'}`, summary: stacks.map((s) => `- \`${s.name}\`: ${s.action}`).join('\n') } });
  const id = created.data.id as number;
  const first = (await ourRuns(client, DEPLOY_CHECK_NAME, sourceSha, appId))[0];
  if (first && first.id < id) {
    await client.call('updateCheckRun', { check_run_id: id, status: 'completed', conclusion: 'neutral', completed_at: new Date().toISOString(), output: { title: `Duplicate of check run ${first.id}`, summary: `Two AutoStack servers handled this push at the same moment and each created this check. Check run ${first.id} is the one that follows the deploy; this one did nothing.` } });
    return { duplicateOf: first.id };
  }
  return { id, status: 'queued' };
}

/** Whether `commit` is `descendant` or one of its ancestors (GitHub's compare: the head is "behind" the base). */
async function isAncestorOrSame(client: GitHubClient, commit: string, descendant: string): Promise<boolean> {
  if (commit === descendant) return true;
  const cmp = await client.maybe('compareCommits', { basehead: `${descendant}...${commit}`, per_page: 1 });
  const status = cmp?.data.status as string | undefined;
  return status === 'behind' || status === 'identical';
}

export async function dispatch(client: GitHubClient, defaultBranch: string, sourceSha: string, stacks: string[]): Promise<void> {
  await client.call('dispatchWorkflow', { workflow_id: WORKFLOW_FILE, ref: defaultBranch, inputs: { source_sha: sourceSha, stacks: JSON.stringify(stacks), mode: 'apply' } });
}

async function changedFiles(client: GitHubClient, reader: GitHubReader, push: PushInput): Promise<string[]> {
  if (ZERO.test(push.before)) return (await reader.list(push.after, '.autostack')).filter(isAutostackFile);
  const cmp = await client.call('compareCommits', { basehead: `${push.before}...${push.after}` });
  const files = (cmp.data.files ?? []) as { filename: string; previous_filename?: string }[];
  return [...new Set(files.flatMap((f) => [f.filename, f.previous_filename ?? '']))].filter(isAutostackFile).sort();
}

/**
 * The deploy branch commit for this source commit: reused if a duplicate delivery already made it;
 * none when the branch already holds the render of a later commit (this push is late or replayed).
 */
async function commitToDeployBranch(client: GitHubClient, branch: string, sourceSha: string, rendered: { path: string; json: string }[], stacks: DeployStack[]): Promise<{ sha: string } | { deployHead: string; newerSource: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const ref = await client.maybe('getRef', { ref: `heads/${branch}` });
    const parent = ref?.data.object.sha as string | undefined;
    let baseTree: string | undefined;
    let previous: DeployManifest | undefined;
    if (parent) {
      const commit = await client.call('getCommit', { commit_sha: parent });
      const source = sourceOf(commit.data.message);
      if (source === sourceSha) return { sha: parent };
      if (source && (await isAncestorOrSame(client, sourceSha, source))) return { deployHead: parent, newerSource: source };
      baseTree = commit.data.tree.sha;
      const m = await client.maybe('getContent', { path: MANIFEST_PATH, ref: parent });
      previous = parseManifest(m ? Buffer.from(String(m.data.content), 'base64').toString('utf8') : undefined);
    }
    const content = deployCommitContent(previous, sourceSha, rendered, stacks);
    const tree = await client.call('createTree', {
      ...(baseTree ? { base_tree: baseTree } : {}),
      tree: content.files.map((f) => (f.content === null ? { path: f.path, mode: '100644', type: 'blob', sha: null } : { path: f.path, mode: '100644', type: 'blob', content: f.content })),
    });
    const commit = await client.call('createCommit', { message: content.message, tree: tree.data.sha, parents: parent ? [parent] : [] });
    try {
      if (parent) await client.call('updateRef', { ref: `heads/${branch}`, sha: commit.data.sha, force: false });
      else await client.call('createRef', { ref: `refs/heads/${branch}`, sha: commit.data.sha });
      return { sha: commit.data.sha as string };
    } catch (e) {
      // Another replica moved the branch first: read it again and retry (bounded).
      if ((e as { status?: number }).status !== 422) throw e;
    }
  }
  throw new Error(`the ${branch} branch kept moving; gave up after 3 attempts`);
}

/** The stack's deployment of this deploy commit (reused), and whether the workflow was already dispatched for it (it has a status). */
async function ensureDeployment(client: GitHubClient, deployCommit: string, stack: DeployStack, sourceSha: string): Promise<{ id: number; dispatched: boolean }> {
  const environment = `autostack/${stack.plan}`;
  const existing = (await client.call('listDeployments', { sha: deployCommit, environment, per_page: 10 })).data as { id: number; payload?: { stack?: string } }[];
  const same = existing.find((d) => d.payload?.stack === stack.name);
  if (same) {
    const statuses = (await client.call('listDeploymentStatuses', { deployment_id: same.id, per_page: 1 })).data as unknown[];
    return { id: same.id, dispatched: statuses.length > 0 };
  }
  const created = await client.call('createDeployment', {
    ref: deployCommit,
    environment,
    auto_merge: false,
    required_contexts: [],
    transient_environment: false,
    description: `${stack.action} ${stack.name} from ${sourceSha.slice(0, 7)}`.slice(0, 140),
    payload: { stack: stack.name, action: stack.action, sourceSha },
  });
  return { id: created.data.id as number, dispatched: false };
}
