import type { PlanModel } from '../../knowledge-base/model.ts';
import type { Diagnostic } from '../../synth/core/diagnostics.ts';
import { hasErrors } from '../../synth/core/diagnostics.ts';
import { loadDocument } from '../../synth/core/document.ts';
import { isAutostackFile, SETTINGS_FILE } from '../../synth/core/load.ts';
import { resolveSettings } from '../../synth/core/settings.ts';
import type { SettingsModel } from '../../synth/core/settings.ts';
import { MANIFEST_PATH, parseManifest, SOURCE_TRAILER, sourceOf } from '../../synth/deploy-manifest.ts';
import type { DeployManifest, DeployStack } from '../../synth/deploy-manifest.ts';
import { synthesizePlans } from '../../synth/synthesize.ts';
import { DEPLOY_CHECK_NAME, publishCheck } from '../github/check-run.ts';
import type { GitHubClient } from '../github/client.ts';
import { GitHubReader } from '../github/reader.ts';
import { WORKFLOW_FILE, WORKFLOW_PATH } from './config.ts';
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
  | { kind: 'dispatched'; deployCommit: string; stacks: DeployStack[]; deployments: number[] };

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
  const reader = new GitHubReader(client);
  const changed = await changedFiles(client, reader, push);
  if (changed.length === 0) return { kind: 'no-changes' };
  const settings = await loadSettings(reader, push.after);
  const before = ZERO.test(push.before) ? new Map<string, PlanModel>() : await loadModels(reader, push.before, changed, settings.model, []);
  const diagnostics: Diagnostic[] = [...settings.diagnostics];
  const after = await loadModels(reader, push.after, changed, settings.model, diagnostics);
  if (hasErrors(diagnostics)) {
    await publishCheck(client, { name: DEPLOY_CHECK_NAME, headSha: push.after, conclusion: 'failure', title: 'Nothing deployed: the plans have errors', summary: diagnostics.map((d) => `- \`${d.file}:${d.line}:${d.column}\` ${d.message}`).join('\n'), annotations: diagnostics, appId });
    return { kind: 'invalid', diagnostics };
  }
  const synth = synthesizePlans([...after.values()], settings.model);
  if (!synth.ok) {
    await publishCheck(client, { name: DEPLOY_CHECK_NAME, headSha: push.after, conclusion: 'failure', title: 'Nothing deployed: rendering failed', summary: synth.errors.map((e) => `- ${e}`).join('\n'), appId });
    return { kind: 'invalid', diagnostics: [] };
  }
  const stacks: DeployStack[] = synth.stacks.map((s) => ({ name: s.name, plan: s.plan, cloud: s.cloud, action: 'apply' }));
  for (const [file, old] of before) {
    const now = after.get(file);
    if (!now || now.cloud !== old.cloud || now.name !== old.name) stacks.push({ name: `${old.name}-${old.cloud}`, plan: old.name, cloud: old.cloud, action: 'destroy' });
  }
  const deployCommit = await commitToDeployBranch(client, settings.model.deployBranch, push.after, synth.stacks, stacks);
  if (!(await client.maybe('getContent', { path: WORKFLOW_PATH, ref: push.defaultBranch }))) {
    await publishCheck(client, { name: DEPLOY_CHECK_NAME, headSha: push.after, conclusion: 'action_required', title: 'Rendered, not deployed: no deploy workflow', summary: `The Terraform for ${stacks.map((s) => `\`${s.name}\``).join(', ')} is on the \`${settings.model.deployBranch}\` branch (commit ${deployCommit.slice(0, 7)}), but this repository has no \`${WORKFLOW_PATH}\` on its default branch. Merge the AutoStack onboarding pull request to add it.`, appId });
    const onboarding = await openOnboardingPullRequest(client, push.defaultBranch, actionRef);
    return { kind: 'no-workflow', deployCommit, onboarding };
  }
  const deployments: number[] = [];
  for (const s of stacks.filter((x) => x.action !== 'unchanged')) deployments.push(await ensureDeployment(client, deployCommit, s, push.after));
  await client.call('createCheckRun', { name: DEPLOY_CHECK_NAME, head_sha: push.after, status: 'in_progress', started_at: new Date().toISOString(), output: { title: `Deploying ${stacks.length} stack${stacks.length === 1 ? '' : 's'}`, summary: stacks.map((s) => `- \`${s.name}\`: ${s.action}`).join('\n') } });
  await dispatch(client, push.defaultBranch, push.after, stacks.filter((s) => s.action !== 'unchanged').map((s) => s.name));
  return { kind: 'dispatched', deployCommit, stacks, deployments };
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

async function loadSettings(reader: GitHubReader, ref: string): Promise<{ model: SettingsModel; diagnostics: Diagnostic[] }> {
  const text = await reader.read(ref, SETTINGS_FILE);
  if (text === undefined) return { model: resolveSettings(undefined), diagnostics: [] };
  const doc = loadDocument(SETTINGS_FILE, text, resolveSettings(undefined));
  return { model: resolveSettings(hasErrors(doc.diagnostics) ? undefined : (doc.model as never)), diagnostics: doc.diagnostics.filter((d) => d.severity === 'error') };
}

async function loadModels(reader: GitHubReader, ref: string, files: string[], settings: SettingsModel, diagnostics: Diagnostic[]): Promise<Map<string, PlanModel>> {
  const out = new Map<string, PlanModel>();
  for (const f of files.filter((x) => x !== SETTINGS_FILE)) {
    const text = await reader.read(ref, f);
    if (text === undefined) continue;
    const doc = loadDocument(f, text, settings);
    diagnostics.push(...doc.diagnostics.filter((d) => d.severity === 'error'));
    if (doc.kind === 'Plan' && doc.model) out.set(f, doc.model as PlanModel);
  }
  return out;
}

/** The deploy branch commit for this source commit: reused if a duplicate delivery already made it. */
async function commitToDeployBranch(client: GitHubClient, branch: string, sourceSha: string, rendered: { path: string; json: string }[], stacks: DeployStack[]): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const ref = await client.maybe('getRef', { ref: `heads/${branch}` });
    const parent = ref?.data.object.sha as string | undefined;
    let baseTree: string | undefined;
    let previous: DeployManifest | undefined;
    if (parent) {
      const commit = await client.call('getCommit', { commit_sha: parent });
      if (sourceOf(commit.data.message) === sourceSha) return parent;
      baseTree = commit.data.tree.sha;
      const m = await client.maybe('getContent', { path: MANIFEST_PATH, ref: parent });
      previous = parseManifest(m ? Buffer.from(String(m.data.content), 'base64').toString('utf8') : undefined);
    }
    // Stacks destroyed by the previous deploy leave the branch now; unchanged ones stay as they are.
    const gone = (previous?.stacks ?? []).filter((s) => s.action === 'destroy' && !stacks.some((x) => x.name === s.name));
    const kept = (previous?.stacks ?? []).filter((s) => s.action !== 'destroy' && !stacks.some((x) => x.name === s.name)).map((s) => ({ ...s, action: 'unchanged' as const }));
    const manifest: DeployManifest = { version: 1, sourceSha, renderedAt: new Date().toISOString(), stacks: [...stacks, ...kept].sort((a, b) => a.name.localeCompare(b.name)) };
    const tree = await client.call('createTree', {
      ...(baseTree ? { base_tree: baseTree } : {}),
      tree: [
        ...rendered.map((r) => ({ path: r.path, mode: '100644', type: 'blob', content: r.json })),
        ...gone.map((s) => ({ path: `stacks/${s.name}/cdk.tf.json`, mode: '100644', type: 'blob', sha: null })),
        { path: MANIFEST_PATH, mode: '100644', type: 'blob', content: `${JSON.stringify(manifest, null, 2)}\n` },
      ],
    });
    const names = stacks.map((s) => `${s.name} (${s.action})`).join(', ');
    const commit = await client.call('createCommit', { message: `Render ${sourceSha.slice(0, 7)}: ${names}\n\n${SOURCE_TRAILER}: ${sourceSha}\n`, tree: tree.data.sha, parents: parent ? [parent] : [] });
    try {
      if (parent) await client.call('updateRef', { ref: `heads/${branch}`, sha: commit.data.sha, force: false });
      else await client.call('createRef', { ref: `refs/heads/${branch}`, sha: commit.data.sha });
      return commit.data.sha as string;
    } catch (e) {
      // Another replica moved the branch first: read it again and retry (bounded).
      if ((e as { status?: number }).status !== 422) throw e;
    }
  }
  throw new Error(`the ${branch} branch kept moving; gave up after 3 attempts`);
}

async function ensureDeployment(client: GitHubClient, deployCommit: string, stack: DeployStack, sourceSha: string): Promise<number> {
  const environment = `autostack/${stack.plan}`;
  const existing = (await client.call('listDeployments', { sha: deployCommit, environment, per_page: 10 })).data as { id: number; payload?: { stack?: string } }[];
  const same = existing.find((d) => d.payload?.stack === stack.name);
  if (same) return same.id;
  const created = await client.call('createDeployment', {
    ref: deployCommit,
    environment,
    auto_merge: false,
    required_contexts: [],
    transient_environment: false,
    description: `${stack.action} ${stack.name} from ${sourceSha.slice(0, 7)}`.slice(0, 140),
    payload: { stack: stack.name, action: stack.action, sourceSha },
  });
  return created.data.id as number;
}
