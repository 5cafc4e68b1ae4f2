/**
 * GitHub API failures in plain words: what GitHub answered, to which call, and what to do about
 * it. The text goes into failed checks and logs, so it never carries a token, a header value
 * other than the ones read here, or a response body beyond GitHub's own one-line message.
 */

interface ErrorLike {
  status?: number;
  message?: string;
  request?: { method?: string; url?: string };
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/**
 * Getting an installation token failed. These errors carry no HTTP `status` on purpose: they
 * surface inside another request's auth step, whose own retry and rate-limit handling must not
 * take them for that request's answer (the token request had its own retries and waits).
 */
export class TokenError extends Error {}

/** The installation is gone (uninstalled, suspended, or the repository was removed from it): nothing to report to. */
export class InstallationGoneError extends TokenError {
  /** What GitHub answered to the token request. */
  readonly answered: number;
  constructor(message: string, answered: number) {
    super(message);
    this.answered = answered;
  }
}

/** GitHub refused the App's key, or the installation token twice (the second freshly minted). */
export class CredentialsError extends TokenError {}

/** The GraphQL endpoint answered 200 with `errors` (also after one more try). */
export class GraphQLQueryError extends Error {}

const MESSAGE_LIMIT = 300;

/** "GET /repos/acme/infra/pulls/7/files" without the host, the query string or anything secret. */
export function callName(e: ErrorLike): string {
  const method = e.request?.method ?? '';
  let path = e.request?.url ?? '';
  try {
    path = new URL(path).pathname;
  } catch {
    path = path.split('?')[0] ?? '';
  }
  path = path.replace(/^\/api\/v3(?=\/)/, '');
  return `${method} ${path}`.trim() || 'a GitHub API call';
}

/** GitHub's own message, one line, without HTML (a proxy's 502 page) or its documentation link. */
function gitHubSays(e: ErrorLike): string {
  const data = e.response?.data as { message?: unknown } | string | undefined;
  const raw = typeof data === 'object' && data && typeof data.message === 'string' ? data.message : typeof data === 'string' && !/<[a-z!]/i.test(data) ? data : '';
  return raw.split('\n')[0]!.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MESSAGE_LIMIT);
}

function header(e: ErrorLike, name: string): string | undefined {
  const v = e.response?.headers?.[name];
  return v === undefined ? undefined : String(v);
}

function utc(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(11, 19)} UTC`;
}

/**
 * The permissions GitHub says the call needs (`X-Accepted-GitHub-Permissions: checks=write;
 * contents=read`, alternatives separated by commas), as "checks: write and contents: read".
 */
export function acceptedPermissions(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const sets = value.split(',').map((set) => set.split(';').map((p) => p.trim()).filter((p) => /^[a-z_]+=[a-z]+$/.test(p)).map((p) => p.replace('=', ': ')));
  const readable = sets.filter((s) => s.length).map((s) => s.join(' and '));
  return readable.length ? readable.join(', or ') : undefined;
}

/** One readable sentence (or two) for any error a handler meets; non-GitHub errors keep their first line. */
export function describeError(error: unknown): string {
  if (error instanceof TokenError || error instanceof GraphQLQueryError) return error.message;
  const e = (error ?? {}) as ErrorLike;
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (!status || !e.request) return error instanceof Error ? error.message.split('\n')[0]! : String(error);
  const call = callName(e);
  const says = gitHubSays(e);
  const quoted = says ? ` ("${says}")` : '';
  if (status >= 500) return `GitHub answered ${status}${quoted} to ${call}, also when asked again; GitHub may be having trouble (https://www.githubstatus.com).`;
  if ((status === 403 || status === 429) && /secondary rate limit/i.test(says)) {
    return `GitHub's secondary rate limit stopped ${call} (too many requests at once); AutoStack waited once and stopped rather than keep trying.`;
  }
  if ((status === 403 || status === 429) && header(e, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(e, 'x-ratelimit-reset'));
    const when = Number.isFinite(reset) && reset > 0 ? ` until ${utc(reset)}` : '';
    return `GitHub's API rate limit for this installation of the AutoStack App is used up${when}; AutoStack stopped at ${call} instead of waiting longer. Re-run this check after the reset.`;
  }
  if (status === 403 && /not accessible by integration/i.test(says)) {
    const needs = acceptedPermissions(header(e, 'x-accepted-github-permissions'));
    return `The AutoStack GitHub App is not allowed to do ${call}: GitHub says "Resource not accessible by integration"${needs ? `; it needs the permission ${needs}` : ''}. An owner of the App adds it under the App's settings → Permissions & events, then an owner of this account accepts the new permissions (Settings → GitHub Apps → AutoStack → Review request).`;
  }
  if (status === 401) return `GitHub refused the App's credentials for ${call}${quoted}.`;
  if (status === 404) return `GitHub answered 404 (not found) to ${call}: the repository or what it names is gone, or the App cannot see it.`;
  if (status === 422) return `GitHub refused ${call} as invalid (422)${quoted}.`;
  return `GitHub answered ${status}${quoted} to ${call}.`;
}
