import { AUTOSTACK_DIR, isAutostackFile, SETTINGS_FILE } from '../../synth/core/load/reader.ts';
import { renderMarkdown, summaryLine } from '../../synth/core/render/markdown.ts';
import { reviewChange } from '../../synth/core/review/review.ts';
import type { Quota, ReviewResult } from '../../synth/core/review/review.ts';
import { sortDiagnostics } from '../../synth/core/diagnostics.ts';
import type { Diagnostic } from '../../synth/core/diagnostics.ts';
import { CHECK_NAME, publishCheck, publishCheckRun } from '../github/check-run.ts';
import type { GitHubClient } from '../github/client.ts';
import { GitHubReader } from '../github/reader.ts';
import { upsertReviewComment } from '../github/sticky-comment.ts';
import type { Identity } from '../github/sticky-comment.ts';
import { POLICY_LABEL, POLICY_ROLES } from './config.ts';

export interface PullRequestInput {
  number: number;
  headSha: string;
  baseSha: string;
  /** Set when the pull request carries the downtime label: stopping or replacing servers is accepted. */
  acknowledgedDowntime?: string;
  /** The repository's default branch (the settings may not make it the deploy branch). */
  defaultBranch?: string;
  /** The pull request carries the policy label (who added it is checked only when the review finds a policy change). */
  policyLabel?: boolean;
  /** Who opened the pull request: their own label never accepts their policy change. */
  author?: string;
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
 * 2. run the core review between its base and head, reading only those files (and settings); a
 *    policy change (`settings/policy-change`) fails it unless a maintainer or admin added the
 *    policy label (two more calls, made only then)
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
  const reviewed = await reviewChange(reader, pr.baseSha, pr.headSha, changed, { ...(quota ? { quota } : {}), ...(pr.acknowledgedDowntime ? { acknowledgedDowntime: pr.acknowledgedDowntime } : {}), ...(pr.defaultBranch ? { defaultBranch: pr.defaultBranch } : {}) });
  const approval = await policyApproval(client, pr, reviewed);
  const result: ReviewResult = approval ? { ...reviewed, ok: reviewed.ok && approval.severity !== 'error', diagnostics: sortDiagnostics([...reviewed.diagnostics, approval]) } : reviewed;
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
    title: `${approval?.severity === 'error' ? 'Policy change not accepted: needs the label autostack/policy-ok from a maintainer or admin · ' : ''}${summaryLine(result).replace(/^[✅❌] AutoStack: /, '')}`,
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

/** What is needed, in the words of the comment and the check. */
export const POLICY_NEEDED = `A maintainer or admin of this repository adds the label ${POLICY_LABEL} to accept the policy change`;

/**
 * The verdict on a policy change (a `settings/policy-change` in the review), as a diagnostic at the
 * first change: an error until the label autostack/policy-ok was last added by someone whose role on the
 * repository is admin or maintain (anyone with triage can add a label, so the label alone proves
 * nothing), a note naming who accepted it otherwise. No policy change: undefined, and no call made.
 */
async function policyApproval(client: GitHubClient, pr: PullRequestInput, result: ReviewResult): Promise<Diagnostic | undefined> {
  const first = result.diagnostics.find((d) => d.code === 'settings/policy-change');
  if (!first) return undefined;
  const at = { file: first.file, line: first.line, column: first.column, code: 'settings/policy-approval' };
  const refuse = (why: string): Diagnostic => ({ ...at, severity: 'error', message: `This pull request changes the repository's policy (${first.file}), which needs a maintainer's approval${why}. ${POLICY_NEEDED}; adding or removing the label reviews the pull request again.` });
  if (!pr.policyLabel) return refuse('');
  const events = (await client.list('listIssueEvents', { issue_number: pr.number })) as { id?: number; event?: string; label?: { name?: string }; actor?: { login?: string } | null; created_at?: string }[];
  const added = events
    .filter((e) => e.event === 'labeled' && e.label?.name === POLICY_LABEL)
    .sort((a, b) => Date.parse(a.created_at ?? '') - Date.parse(b.created_at ?? '') || (a.id ?? 0) - (b.id ?? 0))
    .pop();
  // A login is letters, digits and hyphens (a bot's ends in [bot]): anything else is not quoted.
  const login = added?.actor?.login && /^[A-Za-z0-9-]+(\[bot\])?$/.test(added.actor.login) ? added.actor.login : undefined;
  if (!login) return refuse(`: the label ${POLICY_LABEL} is on the pull request, but GitHub does not say who added it, so it does not count`);
  // Four eyes: the author's own label, or an App's or a bot's, accepts nothing (no role lookup needed).
  if (pr.author && login.toLowerCase() === pr.author.toLowerCase()) return refuse(`: the label ${POLICY_LABEL} was added by ${login}, who opened this pull request, and an author cannot accept their own policy change (another maintainer or admin adds it)`);
  if (login.endsWith('[bot]')) return refuse(`: the label ${POLICY_LABEL} was added by ${login}, an app, and only a person who is a maintainer or admin can accept a policy change`);
  let role = 'none';
  try {
    const data = (await client.call('getCollaboratorPermission', { username: login })).data as { permission?: string; role_name?: string };
    role = data.permission === 'admin' ? 'admin' : (data.role_name ?? data.permission ?? 'none');
  } catch (e) {
    // Not a collaborator (a bot, someone removed since): no role.
    if ((e as { status?: number }).status !== 404) throw e;
  }
  if (!(POLICY_ROLES as readonly string[]).includes(role)) return refuse(`: the label ${POLICY_LABEL} was added by ${login}, whose role on this repository is ${role}, and only a maintainer's or admin's label counts (remove it and have one of them add it)`);
  return { ...at, severity: 'info', message: `The policy change is accepted: ${login} (${role} of this repository) added the label ${POLICY_LABEL}.` };
}
