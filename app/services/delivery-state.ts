import { isAutostackFile } from '../../synth/core/load/reader.ts';
import { CHECK_NAME, DEPLOY_CHECK_NAME, ourRuns } from '../github/check-run.ts';
import { GitHubClient } from '../github/client.ts';
import { DOWNTIME_LABEL, POLICY_LABEL } from './config.ts';
import type { OctokitLike } from '../github/client.ts';

const REVIEWED = new Set(['opened', 'synchronize', 'reopened', 'ready_for_review']);
const ZERO = /^0+$/;

/**
 * Whether the work a delivery asked for is still missing from GitHub, judged from GitHub's state
 * and never from a process's memory (any replica may ask, after any restart): a reason in words,
 * or undefined when it is done or there is nothing to do.
 *
 * - a pull-request review ends with its "AutoStack" check run completed on the head SHA (the
 *   comment is written before it), at or after the delivery;
 * - a push to the default branch ends with its "AutoStack deploy" check past `queued` (the check
 *   is created queued before the dispatch and moved on once the workflow is dispatched), or with
 *   no check when the push changed nothing under .autostack/;
 * - a comment command is never redelivered: its first act is the 👀 reaction, which makes any
 *   later delivery of the same comment do nothing (the person asks again);
 * - other handled events (onboarding, deploy results) are idempotent but leave no cheap mark:
 *   redelivered once.
 */
export async function workLeft(octokit: OctokitLike, event: string, payload: Record<string, any>, at: { deliveredAt: string; attempts: number; appId: number }): Promise<string | undefined> {
  const repo = payload.repository ? { owner: String(payload.repository.owner?.login), repo: String(payload.repository.name) } : undefined;
  if (event === 'pull_request') {
    const action = String(payload.action);
    const labelled = (action === 'labeled' || action === 'unlabeled') && (payload.label?.name === DOWNTIME_LABEL || payload.label?.name === POLICY_LABEL);
    if (!repo || (!REVIEWED.has(action) && !labelled)) return undefined;
    return reviewLeft(new GitHubClient(octokit, repo), String(payload.pull_request?.head?.sha), at);
  }
  if (event === 'check_run') {
    if (!repo || payload.action !== 'rerequested' || payload.check_run?.name !== CHECK_NAME) return undefined;
    return reviewLeft(new GitHubClient(octokit, repo), String(payload.check_run.head_sha), at);
  }
  if (event === 'push') {
    if (!repo || payload.deleted || payload.ref !== `refs/heads/${payload.repository.default_branch}`) return undefined;
    return deployLeft(new GitHubClient(octokit, repo), String(payload.before), String(payload.after), at.appId);
  }
  if (event === 'issue_comment') return undefined;
  return at.attempts === 1 ? 'its completion leaves no mark on GitHub, and it was attempted once' : undefined;
}

async function reviewLeft(client: GitHubClient, headSha: string, at: { deliveredAt: string; appId: number }): Promise<string | undefined> {
  // The oldest run counts: a later one is a duplicate a racing replica completed at once (publishCheckRun).
  const run = (await ourRuns(client, CHECK_NAME, headSha, at.appId))[0];
  const delivered = Date.parse(at.deliveredAt);
  const done = run?.status === 'completed' && !!run.completed_at && Date.parse(run.completed_at) >= delivered;
  return done ? undefined : `no completed ${CHECK_NAME} check on ${headSha.slice(0, 7)} since it was delivered`;
}

async function deployLeft(client: GitHubClient, before: string, after: string, appId: number): Promise<string | undefined> {
  // The oldest run counts: a later one is a duplicate a racing replica completed at once (ensureDeployCheck).
  const first = (await ourRuns(client, DEPLOY_CHECK_NAME, after, appId))[0];
  if (first && first.status !== 'queued') return undefined;
  if (first) return `the ${DEPLOY_CHECK_NAME} check on ${after.slice(0, 7)} is still queued: the deploy workflow may not have been dispatched`;
  if (!ZERO.test(before)) {
    const cmp = await client.call('compareCommits', { basehead: `${before}...${after}`, per_page: 100 });
    const files = (cmp.data.files ?? []) as { filename: string; previous_filename?: string }[];
    if (!files.some((f) => isAutostackFile(f.filename) || (f.previous_filename && isAutostackFile(f.previous_filename)))) return undefined;
  }
  return `no ${DEPLOY_CHECK_NAME} check on ${after.slice(0, 7)}`;
}
