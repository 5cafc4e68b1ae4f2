import { request as octokitRequest } from '@octokit/request';
import type { OctokitLike } from '../github/client.ts';

const REQUEST_TIMEOUT_MS = 15_000;

/** An Octokit-shaped request function acting as the signed-in user, with a timeout on every call. */
export function userOctokit(token: string, apiUrl: string): OctokitLike {
  const timed: typeof fetch = (input, init) => globalThis.fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const request = octokitRequest.defaults({ baseUrl: apiUrl, headers: { authorization: `token ${token}`, 'user-agent': 'autostack', 'x-github-api-version': '2022-11-28' }, request: { fetch: timed } });
  return { request: request as unknown as OctokitLike['request'] };
}
