import { loadDocument } from '../../synth/core/validate/document.ts';
import { SETTINGS_FILE } from '../../synth/core/load/reader.ts';
import { resolveSettings } from '../../synth/core/resolve/settings.ts';
import { MANIFEST_PATH, parseManifest, sourceOf } from '../../synth/contract/deploy-manifest.ts';
import type { GitHubClient } from '../github/client.ts';
import { GitHubReader } from '../github/reader.ts';
import { WORKFLOW_PATH } from './config.ts';
import { dispatch } from './deploy.ts';

export interface RedeployResult {
  ok: boolean;
  message: string;
  deployment?: number;
  stack?: string;
}

/** `/autostack deploy <plan>`: a new deployment of what the deploy branch holds for that plan, and a dispatch. */
export async function redeploy(c: GitHubClient, plan: string): Promise<RedeployResult> {
  const repo = (await c.call('getRepo')).data;
  const reader = new GitHubReader(c);
  const settingsText = await reader.read(repo.default_branch, SETTINGS_FILE);
  const settings = resolveSettings(settingsText ? (loadDocument(SETTINGS_FILE, settingsText, resolveSettings(undefined)).model as never) : undefined);
  const ref = await c.maybe('getRef', { ref: `heads/${settings.deployBranch}` });
  if (!ref) return { ok: false, message: `nothing has been rendered yet: merge a change under \`.autostack/\` first.` };
  const head = ref.data.object.sha as string;
  const commit = (await c.call('getCommit', { commit_sha: head })).data;
  const file = await c.maybe('getContent', { path: MANIFEST_PATH, ref: head });
  const manifest = parseManifest(file ? Buffer.from(String(file.data.content), 'base64').toString('utf8') : undefined);
  const stack = manifest?.stacks.find((s) => s.plan === plan && s.action !== 'destroy');
  const source = sourceOf(commit.message);
  if (!stack || !source) return { ok: false, message: `there is no rendered plan named \`${plan}\` on \`${settings.deployBranch}\`. Plans there: ${manifest?.stacks.filter((s) => s.action !== 'destroy').map((s) => `\`${s.plan}\``).join(', ') || 'none'}.` };
  if (!(await c.maybe('getContent', { path: WORKFLOW_PATH, ref: repo.default_branch }))) return { ok: false, message: `this repository has no \`${WORKFLOW_PATH}\`; merge the onboarding pull request first.` };
  const deployment = await c.call('createDeployment', { ref: head, environment: `autostack/${plan}`, auto_merge: false, required_contexts: [], description: `redeploy ${stack.name} from ${source.slice(0, 7)}`, payload: { stack: stack.name, action: 'apply', sourceSha: source } });
  await dispatch(c, repo.default_branch, source, [stack.name]);
  return { ok: true, message: `deploying \`${stack.name}\` again from ${source.slice(0, 7)} (deployment ${deployment.data.id}).`, deployment: deployment.data.id as number, stack: stack.name };
}
