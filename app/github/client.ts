import { composePaginateRest } from '@octokit/plugin-paginate-rest';
import { GraphQLQueryError } from './errors.ts';
import { ROUTES } from './routes.ts';
import type { RouteName } from './routes.ts';

/** The one thing the App needs from an Octokit: its `request` (with `request.endpoint`, which pagination starts from). */
export interface OctokitLike {
  request: {
    (route: string, params?: Record<string, unknown>): Promise<{ status: number; data: any; headers: Record<string, unknown> }>;
    endpoint(route: string, params?: Record<string, unknown>): unknown;
  };
}

export interface RepoRef {
  owner: string;
  repo: string;
}

const MAX_PAGES = 30;

/**
 * Every item of a GitHub list (octokit.paginate: 100 a page, following the Link headers; lists
 * GitHub wraps in an object, such as check runs or repositories, come back as the bare items),
 * at most 30 pages.
 */
export async function paginate(octokit: OctokitLike, route: string, params: Record<string, unknown> = {}): Promise<any[]> {
  const out: any[] = [];
  let pages = 0;
  for await (const { data } of composePaginateRest.iterator(octokit as never, route as never, { ...params, per_page: 100 } as never)) {
    out.push(...(data as any[]));
    if (++pages >= MAX_PAGES) break;
  }
  return out;
}

type Lookup = ((client: GitHubClient, params: Record<string, any>) => Promise<unknown>) | undefined;

/**
 * The creating POSTs, each with how to find what it would have created (undefined: nothing to
 * find, so an uncertain failure is reported rather than repeated).
 */
const CREATES: Partial<Record<RouteName, Lookup>> = {
  createComment: async (c, p) => ((await c.list('listComments', { issue_number: p.issue_number })) as { body?: string; user?: { type?: string } | null }[]).find((x) => x.body === p.body && x.user?.type === 'Bot'),
  createCheckRun: async (c, p) => ((await c.call('listCheckRuns', { ref: p.head_sha, check_name: p.name, filter: 'latest' })).data.check_runs as { head_sha: string }[]).find((r) => r.head_sha === p.head_sha),
  createDeployment: async (c, p) => ((await c.call('listDeployments', { sha: p.ref, environment: p.environment, per_page: 30 })).data as { payload?: { stack?: string } }[]).find((d) => d.payload?.stack === p.payload?.stack),
  dispatchWorkflow: undefined,
};

/**
 * A narrow GitHub client over one repository: every call names its route in ROUTES, so the
 * permissions the App asks for are exactly the ones its code uses.
 */
export class GitHubClient {
  readonly octokit: OctokitLike;
  readonly repo: RepoRef;

  constructor(octokit: OctokitLike, repo: RepoRef) {
    this.octokit = octokit;
    this.repo = repo;
  }

  async call(name: RouteName, params: Record<string, unknown> = {}): Promise<{ status: number; data: any }> {
    if (!(name in CREATES)) return this.send(name, params);
    // A POST that creates something is never retried blindly: a 502 or a timeout may hide a
    // success, and a second POST would make a second comment, check run or deployment.
    const once = { ...params, request: { ...(params.request as object | undefined), retries: 0 } };
    try {
      return await this.send(name, once);
    } catch (e) {
      const status = (e as { status?: number }).status;
      const lookup = CREATES[name as keyof typeof CREATES];
      if ((status !== undefined && status < 500) || !lookup) throw e;
      // Look first: if the first POST took effect, that is the answer; only otherwise try once more.
      const found = await lookup(this, params).catch(() => undefined);
      if (found) return { status: 200, data: found };
      return this.send(name, once);
    }
  }

  private async send(name: RouteName, params: Record<string, unknown>): Promise<{ status: number; data: any }> {
    const r = await this.octokit.request(ROUTES[name].route, { ...this.repo, ...params });
    return { status: r.status, data: r.data };
  }

  /**
   * One GraphQL query (with `$owner` and `$repo` bound to this repository). GitHub answers 200
   * with an `errors` list (and possibly part of the data) when a query fails: partial data is
   * never used. "Something went wrong while executing your query" is retried by the Octokit like
   * a 500 (two more tries in production); any other `errors` answer is asked once more. A query
   * that still fails, or a 5xx left after the Octokit's retries, is a GraphQLQueryError (the
   * reader then reads through REST).
   */
  async graphql(query: string, variables: Record<string, unknown> = {}): Promise<any> {
    // GitHub Enterprise Server serves REST under /api/v3 and GraphQL at /api/graphql.
    const rest = (this.octokit.request.endpoint as { DEFAULTS?: { baseUrl?: string } }).DEFAULTS?.baseUrl;
    const base = rest && /\/api\/v3\/?$/.test(rest) ? { baseUrl: rest.replace(/\/api\/v3\/?$/, '/api') } : {};
    let first = '';
    let more = 0;
    for (let attempt = 0; attempt < 2; attempt++) {
      let body: { data?: any; errors?: { message?: string }[] };
      try {
        body = (await this.octokit.request(ROUTES.graphql.route, { ...base, query, variables: { owner: this.repo.owner, repo: this.repo.repo, ...variables } })).data;
      } catch (e) {
        if (((e as { status?: number }).status ?? 0) < 500) throw e;
        first ||= (e as Error).message;
        break;
      }
      if (!body.errors?.length) return body.data;
      first ||= String(body.errors[0]?.message ?? 'unknown error');
      more = body.errors.length - 1;
    }
    throw new GraphQLQueryError(`GitHub's GraphQL API failed on AutoStack's read of ${this.repo.owner}/${this.repo.repo}, also when asked again: "${first.split('\n')[0]!.slice(0, 200)}"${more ? ` (and ${more} more)` : ''}.`);
  }

  /** Every item of a list endpoint (see `paginate`). */
  async list(name: RouteName, params: Record<string, unknown> = {}): Promise<any[]> {
    return paginate(this.octokit, ROUTES[name].route, { ...this.repo, ...params });
  }

  /** `undefined` for a 404 instead of an error: "no such file" is an answer, not a failure. */
  async maybe(name: RouteName, params: Record<string, unknown> = {}): Promise<{ status: number; data: any } | undefined> {
    try {
      return await this.call(name, params);
    } catch (e) {
      if ((e as { status?: number }).status === 404) return undefined;
      throw e;
    }
  }
}
