import { AUTOSTACK_DIR, isAutostackFile, SETTINGS_FILE } from '../../synth/core/load/reader.ts';
import { renderMarkdown, summaryLine } from '../../synth/core/render/markdown.ts';
import { reviewChange } from '../../synth/core/review/review.ts';
import type { Quota, ReviewResult } from '../../synth/core/review/review.ts';
import { CHECK_NAME, publishCheck, publishCheckRun } from '../github/check-run.ts';
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
  /**
   * `closed`: the pull request was closed while it was being reviewed, so no comment was written.
   * `duplicate`: another replica reviewed the same head at the same moment and its check run came
   * first; the comment this one created was deleted again.
   */
  comment: 'created' | 'updated' | 'stale' | 'closed' | 'none' | 'duplicate';
  checkRunId: number;
}

/**
 * The review of one pull request:
 * 1. list the files it changes under .autostack/ (renames count at both names)
 * 2. run the core review between its base and head, reading only those files (and settings)
 * 3. read the pull request as it is now: closed (not merged) meanwhile, no comment is written and
 *    the check says so (neutral); otherwise create or update the one sticky comment, unless a newer run
 *    already wrote it
 * 4. publish the AutoStack check run on the head SHA, annotations in batches of 50 — last, so a
 *    completed check means the whole review was published (docs/operations.md: a delivery
 *    accepted before a crash is redelivered until this check exists)
 * 5. when replicas raced on this head, the check run created first counts (publishCheckRun): a
 *    handler whose run came later marks it a duplicate and deletes the comment it created, so
 *    one check run and one comment remain
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
  const current = (await client.call('getPull', { pull_number: pr.number })).data as { state?: string; merged_at?: string | null; head: { sha: string } };
  if (current.state === 'closed' && !current.merged_at) {
    // Closed (not merged) while the review ran: no comment on a closed pull request, and a neutral check instead of a verdict nobody asked for any more.
    const checkRunId = await publishCheck(client, { name: CHECK_NAME, headSha: pr.headSha, conclusion: 'neutral', title: 'Not reviewed: the pull request was closed', summary: `The pull request was closed while AutoStack was reviewing ${pr.headSha.slice(0, 7)}, so no review was posted. Reopen it to review it again.`, appId: who.appId });
    return { result, comment: 'closed', checkRunId };
  }
  const written = await upsertReviewComment(client, pr.number, who, markdown, { headSha: pr.headSha, startedAt, currentHeadSha: current.head.sha });
  const published = await publishCheckRun(client, {
    name: CHECK_NAME,
    headSha: pr.headSha,
    conclusion: result.ok ? 'success' : 'failure',
    title: summaryLine(result).replace(/^[✅❌] AutoStack: /, ''),
    summary: markdown,
    annotations: result.diagnostics,
    appId: who.appId,
  });
  if (published.duplicate && written.created !== undefined) {
    // The replica whose check run came first wrote the head's comment too (before its check).
    await client.maybe('deleteComment', { comment_id: written.created });
    return { result, comment: 'duplicate', checkRunId: published.id };
  }
  return { result, comment: written.outcome, checkRunId: published.id };
}
