import { COMMENT_LIMIT } from '../../synth/core/render/markdown.ts';
import type { GitHubClient } from './client.ts';

export const MARKER = '<!-- autostack:review -->';
const DEPLOY_START = '<!-- autostack:deploy -->';
const DEPLOY_END = '<!-- /autostack:deploy -->';

export interface Identity {
  appId?: number;
  /** The App's bot login, e.g. autostack[bot]. */
  botLogin?: string;
}

interface Comment {
  id: number;
  body?: string;
  user?: { login?: string; type?: string } | null;
  performed_via_github_app?: { id?: number } | null;
}

function meta(body: string): { head?: string; at?: string } {
  const m = /<!-- autostack:meta head=([0-9a-f]*) at=(\S*) -->/.exec(body);
  return m ? { head: m[1], at: m[2] } : {};
}

/** Ours means the marker *and* our App as author: a marker a person typed is ignored. */
function isOurs(c: Comment, who: Identity): boolean {
  if (!c.body?.includes(MARKER)) return false;
  if (who.appId !== undefined && c.performed_via_github_app?.id === who.appId) return true;
  return who.botLogin !== undefined && c.user?.login === who.botLogin && c.user?.type === 'Bot';
}

/** Our comments on the pull request, oldest first: the oldest is the one, any other a leftover of a race between replicas. */
async function ourComments(client: GitHubClient, issue: number, who: Identity): Promise<Comment[]> {
  const comments = (await client.list('listComments', { issue_number: issue })) as Comment[];
  return comments.filter((c) => isOurs(c, who)).sort((a, b) => a.id - b.id);
}

export async function findStickyComment(client: GitHubClient, issue: number, who: Identity): Promise<Comment | undefined> {
  return (await ourComments(client, issue, who))[0];
}

export interface Upserted {
  outcome: 'created' | 'updated' | 'stale';
  /** The comment this call created (a replica that lost the race for the head's check deletes it again). */
  created?: number;
}

/**
 * Creates the pull request's one AutoStack comment or updates it in place. A run for an older
 * head than the one already shown, or that started before the last write, changes nothing.
 */
export async function upsertReviewComment(client: GitHubClient, issue: number, who: Identity, review: string, run: { headSha: string; startedAt: string; currentHeadSha?: string }): Promise<Upserted> {
  if (run.currentHeadSha && run.currentHeadSha !== run.headSha) return { outcome: 'stale' };
  const [existing, ...leftovers] = await ourComments(client, issue, who);
  // Two replicas reviewing two heads of one pull request at the same moment, before it had a
  // comment, can each create one: the next review keeps the oldest and deletes the others.
  for (const extra of leftovers) await client.maybe('deleteComment', { comment_id: extra.id });
  const previous = existing?.body ? meta(existing.body) : {};
  if (previous.at && previous.at > run.startedAt && previous.head !== run.headSha) return { outcome: 'stale' };
  const deploy = existing?.body ? deploySection(existing.body) : '';
  return shorterOnce((limit) => compose(review, deploy, run.headSha, run.startedAt, limit), async (body): Promise<Upserted> => {
    if (existing) {
      await client.call('updateComment', { comment_id: existing.id, body });
      return { outcome: 'updated' };
    }
    const created = await client.call('createComment', { issue_number: issue, body });
    return { outcome: 'created', created: created.data.id as number };
  });
}

/** GitHub's 422 for a body over its limit ("Body is too long", "… is too long (maximum is 65536 characters)"). */
export function tooLong(e: unknown): boolean {
  return (e as { status?: number }).status === 422 && /too long|maximum is|characters are allowed/i.test(String((e as Error).message));
}

/**
 * Posts `make(COMMENT_LIMIT)`; when GitHub still finds it too long (it may count differently,
 * e.g. bytes), posts it once more cut to half that size. Any other failure, or a second 422, is thrown.
 */
async function shorterOnce<T>(make: (limit: number) => string, post: (body: string) => Promise<T>): Promise<T> {
  const body = make(COMMENT_LIMIT);
  try {
    return await post(body);
  } catch (e) {
    if (!tooLong(e)) throw e;
    return post(make(Math.min(COMMENT_LIMIT, body.length) >> 1));
  }
}

/** Replaces the deploy-status section of our comment (after merge), keeping the review. */
export async function updateDeploySection(client: GitHubClient, issue: number, who: Identity, section: string): Promise<boolean> {
  const existing = await findStickyComment(client, issue, who);
  if (!existing?.body) return false;
  const m = meta(existing.body);
  const review = existing.body.slice(existing.body.indexOf('\n') + 1).replace(new RegExp(`\\n?${DEPLOY_START}[\\s\\S]*${DEPLOY_END}\\n?`), '').replace(/\n<!-- autostack:meta [^>]*-->\s*$/, '');
  await shorterOnce((limit) => compose(review, section, m.head ?? '', m.at ?? new Date().toISOString(), limit), (body) => client.call('updateComment', { comment_id: existing.id, body }));
  return true;
}

function deploySection(body: string): string {
  const start = body.indexOf(DEPLOY_START);
  const end = body.indexOf(DEPLOY_END);
  return start >= 0 && end > start ? body.slice(start + DEPLOY_START.length, end).trim() : '';
}

function compose(review: string, deploy: string, head: string, at: string, limit = COMMENT_LIMIT): string {
  const tail = `\n<!-- autostack:meta head=${head} at=${at} -->`;
  const deployPart = deploy ? `\n${DEPLOY_START}\n${deploy}\n${DEPLOY_END}\n` : '';
  const room = Math.max(0, limit - MARKER.length - tail.length - deployPart.length - 200);
  const body = review.length > room ? `${review.slice(0, room)}\n\n_…truncated to fit GitHub's comment limit; the check run has every diagnostic._\n` : review;
  return `${MARKER}\n${body}${deployPart}${tail}`;
}
