import { DEPLOY_CHECK_NAME } from '../github/check-run.ts';
import type { GitHubClient } from '../github/client.ts';
import { updateDeploySection } from '../github/sticky-comment.ts';
import type { Identity } from '../github/sticky-comment.ts';

export interface StackStatus {
  stack: string;
  state: string;
  url?: string;
}

const TERMINAL = new Set(['success', 'failure', 'error', 'inactive']);

/**
 * A deployment changed state: gather every AutoStack deployment of the same deploy commit, then
 * reflect them on the source commit's "AutoStack deploy" check and in the merged PR's comment.
 */
export async function reflectDeployment(client: GitHubClient, deployCommit: string, sourceSha: string, who: Identity): Promise<StackStatus[]> {
  const deployments = ((await client.list('listDeployments', { sha: deployCommit })) as { id: number; environment: string; payload?: { stack?: string } }[]).filter((d) => d.environment.startsWith('autostack/'));
  const statuses: StackStatus[] = [];
  for (const d of deployments) {
    const latest = ((await client.call('listDeploymentStatuses', { deployment_id: d.id, per_page: 1 })).data as { state: string; log_url?: string; target_url?: string }[])[0];
    statuses.push({ stack: d.payload?.stack ?? d.environment.slice('autostack/'.length), state: latest?.state ?? 'pending', url: latest?.log_url || latest?.target_url || undefined });
  }
  await publishDeployCheck(client, sourceSha, statuses, who);
  const pulls = (await client.call('listPullsForCommit', { commit_sha: sourceSha })).data as { number: number; merged_at?: string | null }[];
  const merged = pulls.find((p) => p.merged_at);
  if (merged) await updateDeploySection(client, merged.number, who, deployTable(statuses));
  return statuses;
}

/** The run failed before reporting any stack (bad credentials, a crash): say so on the source commit. */
export async function reflectFailedRun(client: GitHubClient, sourceSha: string, runUrl: string, conclusion: string, who: Identity): Promise<void> {
  const open = (await deployChecks(client, sourceSha, who))[0];
  if (!open || open.status === 'completed') return;
  await client.call('updateCheckRun', { check_run_id: open.id, status: 'completed', conclusion: 'failure', completed_at: new Date().toISOString(), details_url: runUrl, output: { title: `Deploy workflow ${conclusion}`, summary: `The deploy workflow ended with \`${conclusion}\`: [see the run](${runUrl}).` } });
}

export function deployTable(statuses: StackStatus[]): string {
  const rows = statuses.map((s) => `| \`${s.stack}\` | ${s.state === 'success' ? '✅ deployed' : TERMINAL.has(s.state) ? `❌ failed${s.url ? `: [run](${s.url})` : ''}` : `⏳ ${s.state}${s.url ? ` ([run](${s.url}))` : ''}`} |`);
  return ['#### Deploy', '| Stack | Status |', '|---|---|', ...rows].join('\n');
}

/**
 * The App's deploy checks on the source commit, oldest first: the oldest follows the deploy (a
 * later one is a duplicate from replicas racing on the push, app/services/deploy.ts).
 */
async function deployChecks(client: GitHubClient, sourceSha: string, who: Identity): Promise<{ id: number; status?: string }[]> {
  const runs = (await client.call('listCheckRuns', { ref: sourceSha, check_name: DEPLOY_CHECK_NAME, filter: 'all', ...(who.appId ? { app_id: who.appId } : {}) })).data.check_runs as { id: number; status?: string }[];
  return [...runs].sort((a, b) => a.id - b.id);
}

async function publishDeployCheck(client: GitHubClient, sourceSha: string, statuses: StackStatus[], who: Identity): Promise<void> {
  const runs = await deployChecks(client, sourceSha, who);
  const done = statuses.length > 0 && statuses.every((s) => TERMINAL.has(s.state));
  const failed = statuses.some((s) => s.state === 'failure' || s.state === 'error');
  const output = { title: done ? (failed ? 'Deploy failed' : 'Deployed') : 'Deploying', summary: deployTable(statuses) };
  const fields = done ? { status: 'completed', conclusion: failed ? 'failure' : 'success', completed_at: new Date().toISOString(), output } : { status: 'in_progress', output };
  if (runs[0]) await client.call('updateCheckRun', { check_run_id: runs[0].id, ...fields });
  else await client.call('createCheckRun', { name: DEPLOY_CHECK_NAME, head_sha: sourceSha, ...fields });
}
