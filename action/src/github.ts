import { request as octokitRequest } from '@octokit/request';
import { COMMENT_MARKER } from './report.ts';

type Request = typeof octokitRequest;

/** Tries for one deployment status before the run says it could not be recorded. */
export const STATUS_TRIES = 3;

/** The few GitHub calls the Action makes, with the workflow's token and a timeout on each. */
export class ActionGitHub {
  private readonly req: Request;
  private readonly owner: string;
  private readonly repo: string;

  constructor(token: string, repository: string, apiUrl: string) {
    const [owner, repo] = repository.split('/');
    this.owner = owner!;
    this.repo = repo!;
    this.req = octokitRequest.defaults({ baseUrl: apiUrl, headers: { authorization: `token ${token}`, 'user-agent': 'autostack-action', 'x-github-api-version': '2022-11-28' } });
  }

  private call(route: string, params: Record<string, unknown> = {}) {
    return this.req(route, { owner: this.owner, repo: this.repo, ...params, request: { signal: AbortSignal.timeout(15_000) } });
  }

  /** The deployment the App created for this stack at this deploy commit (newest first). */
  async findDeployment(deploySha: string, plan: string, stack: string): Promise<number | undefined> {
    const { data } = await this.call('GET /repos/{owner}/{repo}/deployments', { sha: deploySha, environment: `autostack/${plan}`, per_page: 30 });
    const payloadStack = (p: unknown) => {
      if (typeof p === 'string') {
        try {
          return (JSON.parse(p) as { stack?: string }).stack;
        } catch {
          return undefined;
        }
      }
      return (p as { stack?: string } | null)?.stack;
    };
    return (data as { id: number; payload: unknown }[]).find((d) => payloadStack(d.payload) === stack)?.id;
  }

  /** Whether a deployment already has a success status (an earlier run applied it). */
  async deploymentSucceeded(id: number): Promise<boolean> {
    const { data } = await this.call('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { deployment_id: id, per_page: 100 });
    return (data as { state: string }[]).some((st) => st.state === 'success');
  }

  /** The commit a branch points at on GitHub. */
  async branchHead(branch: string): Promise<string> {
    const { data } = await this.call('GET /repos/{owner}/{repo}/git/ref/{ref}', { ref: `heads/${branch}` });
    return (data as { object: { sha: string } }).object.sha;
  }

  /**
   * A deployment status. GitHub's 5xx or a dropped connection is tried again (after 1 s, then 2 s):
   * a status posted twice is harmless, and it is the only record of an apply already made.
   */
  async setStatus(id: number, state: 'in_progress' | 'success' | 'failure', description: string, logUrl?: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.call('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { deployment_id: id, state, description: description.slice(0, 140), ...(logUrl ? { log_url: logUrl } : {}) });
        return;
      } catch (e) {
        const status = (e as { status?: number }).status ?? 0;
        if ((status !== 0 && status < 500) || attempt >= STATUS_TRIES) throw e;
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  }

  /** One plan comment per PR: found by its marker and written by a bot (a person typing the marker is ignored). */
  async upsertPlanComment(issue: number, body: string): Promise<'created' | 'updated'> {
    const text = `${COMMENT_MARKER}\n${body}`;
    for (let page = 1; page <= 10; page++) {
      const { data } = await this.call('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: issue, per_page: 100, page });
      const mine = (data as { id: number; body?: string; user?: { type?: string } }[]).find((c) => c.body?.startsWith(COMMENT_MARKER) && c.user?.type === 'Bot');
      if (mine) {
        await this.call('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { comment_id: mine.id, body: text });
        return 'updated';
      }
      if ((data as unknown[]).length < 100) break;
    }
    await this.call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: issue, body: text });
    return 'created';
  }
}
