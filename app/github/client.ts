import { ROUTES } from './routes.ts';
import type { RouteName } from './routes.ts';

/** The one thing the App needs from an Octokit: `request(route, params)`. */
export interface OctokitLike {
  request(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: any; headers: Record<string, unknown> }>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

const MAX_PAGES = 30;

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
    const r = await this.octokit.request(ROUTES[name].route, { ...this.repo, ...params });
    return { status: r.status, data: r.data };
  }

  /** A list endpoint, page by page (at most 30 pages of 100). */
  async list(name: RouteName, params: Record<string, unknown> = {}, pick?: (data: any) => any[]): Promise<any[]> {
    const out: any[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { data } = await this.call(name, { ...params, per_page: 100, page });
      const items = pick ? pick(data) : (data as any[]);
      out.push(...items);
      if (items.length < 100) break;
    }
    return out;
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
