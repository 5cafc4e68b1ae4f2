import { ProbotOctokit } from 'probot';

export interface AppOctokitOptions {
  /** Seconds to wait on a secondary rate limit answered without `retry-after` (GitHub asks for at least a minute). */
  secondaryFallbackSeconds?: number;
}

/** The longest wait on a rate limit before AutoStack gives up and says when to re-run instead. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 60;

/**
 * Octokit for the App: two retries for server errors (after 1 s and 4 s), and at most one wait on
 * a rate limit, never longer than a minute (no unbounded retry loops). 401, 403 and 404 are
 * answers, not hiccups: never retried here (a 401 gets one fresh token, app/github/installation.ts).
 * Each handler binds every request to its own deadline and a per-request timeout
 * (app/github-app.ts: Octokit has no timeout option of its own).
 */
export function appOctokit(options: AppOctokitOptions = {}): typeof ProbotOctokit {
  return ProbotOctokit.defaults((o: Record<string, any>) => ({
    ...o,
    // 429 is a rate limit: the throttling below decides whether to wait (once), never a blind retry.
    retry: { retries: 2, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
    throttle: {
      ...o.throttle,
      fallbackSecondaryRateRetryAfter: options.secondaryFallbackSeconds ?? MAX_RATE_LIMIT_WAIT_SECONDS,
      onRateLimit: (retryAfter: number, request: RequestOptions, _octokit: unknown, retryCount: number) => mayWait(retryAfter, request, retryCount),
      onSecondaryRateLimit: (retryAfter: number, request: RequestOptions, _octokit: unknown, retryCount: number) => mayWait(retryAfter, request, retryCount),
    },
  })) as typeof ProbotOctokit;
}

interface RequestOptions {
  /** Set by app/github-app.ts: when the handler making the request stops. */
  request?: { deadlineAt?: number };
}

/**
 * One wait per request, at most a minute, and never one that would end after the handler's
 * deadline: then the rate limit is reported at once, with when it resets, instead of a timeout.
 */
function mayWait(retryAfterSeconds: number, options: RequestOptions | undefined, retryCount: number): boolean {
  if (retryCount >= 1 || retryAfterSeconds > MAX_RATE_LIMIT_WAIT_SECONDS) return false;
  const deadlineAt = options?.request?.deadlineAt;
  return deadlineAt === undefined || Date.now() + retryAfterSeconds * 1000 < deadlineAt - 1000;
}

export const AppOctokit = appOctokit();
