import { AUTOSTACK_DIR, isAutostackFile, SETTINGS_FILE } from '../../synth/core/load/reader.ts';
import { renderMarkdown, summaryLine } from '../../synth/core/render/markdown.ts';
import { reviewChange } from '../../synth/core/review/review.ts';
import type { Quota, ReviewResult } from '../../synth/core/review/review.ts';
import { CHECK_NAME, publishCheck } from '../github/check-run.ts';
import type { GitHubClient } from '../github/client.ts';
import { GitHubReader } from '../github/reader.ts';
import { upsertReviewComment } from '../github/sticky-comment.ts';
import type { Identity } from '../github/sticky-comment.ts';

export interface PullRequestInput {
  number: number;
  headSha: string;
  baseSha: string;
  /** Set when the pull request carries the downtime label: stopping or replacing servers is accepted. */
  acknowledgedDowntime?: string;
  /** The repository's default branch (the settings may not make it the deploy branch). */
  defaultBranch?: string;
}

export interface ReviewOutcome {
  result?: ReviewResult;
  comment: 'created' | 'updated' | 'stale' | 'none';
  checkRunId: number;
}

/**
 * The review of one pull request:
 * 1. list the files it changes under .autostack/ (renames count at both names)
 * 2. run the core review between its base and head, reading only those files (and settings)
 * 3. publish the AutoStack check run on the head SHA, annotations in batches of 50
 * 4. create or update the one sticky comment, unless a newer run already wrote it
 */
export async function reviewPullRequest(client: GitHubClient, pr: PullRequestInput, who: Identity, quota?: Quota): Promise<ReviewOutcome> {
  const startedAt = new Date().toISOString();
  const files = await client.list('listPullFiles', { pull_number: pr.number });
  const changed = [...new Set(files.flatMap((f: { filename: string; previous_filename?: string }) => [f.filename, f.previous_filename ?? '']))].filter(isAutostackFile).sort();
  if (changed.length === 0) {
    const id = await publishCheck(client, { name: CHECK_NAME, headSha: pr.headSha, conclusion: 'success', title: 'No AutoStack changes', summary: 'This pull request changes no file under `.autostack/`.', appId: who.appId });
    return { comment: 'none', checkRunId: id };
  }
  // One batched read (GraphQL) for what the review needs: settings and the changed files at both
  // refs, and the listing at head (duplicate names); a budget's other plans come in one more.
  const reader = new GitHubReader(client, { batch: true });
  const paths = [...new Set([SETTINGS_FILE, ...changed])];
  reader.prefetch([{ ref: pr.headSha, paths }, { ref: pr.baseSha, paths }], [{ ref: pr.headSha, dir: AUTOSTACK_DIR }]);
  const result = await reviewChange(reader, pr.baseSha, pr.headSha, changed, { ...(quota ? { quota } : {}), ...(pr.acknowledgedDowntime ? { acknowledgedDowntime: pr.acknowledgedDowntime } : {}), ...(pr.defaultBranch ? { defaultBranch: pr.defaultBranch } : {}) });
  const markdown = renderMarkdown(result);
  const checkRunId = await publishCheck(client, {
    name: CHECK_NAME,
    headSha: pr.headSha,
    conclusion: result.ok ? 'success' : 'failure',
    title: summaryLine(result).replace(/^[✅❌] AutoStack: /, ''),
    summary: markdown,
    annotations: result.diagnostics,
    appId: who.appId,
  });
  const current = (await client.call('getPull', { pull_number: pr.number })).data.head.sha as string;
  const comment = await upsertReviewComment(client, pr.number, who, markdown, { headSha: pr.headSha, startedAt, currentHeadSha: current });
  return { result, comment, checkRunId };
}
