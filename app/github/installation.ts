import type { OctokitLike } from './client.ts';
import { CredentialsError, describeError, InstallationGoneError, TokenError } from './errors.ts';
import type { Access } from './routes.ts';

/** What one handler may do: one repository of one installation, with these permissions only. */
export interface Grant {
  installationId: number;
  repositoryId: number;
  /** Shown in messages ("acme/infra"). */
  repository: string;
  permissions: Record<string, Access>;
}

interface Cached {
  token: string;
  /** When to stop using it: five minutes before GitHub's expiry. */
  until: number;
}

const EARLY_MS = 5 * 60_000;
const MAX_CACHED = 2000;

/**
 * Installation tokens narrowed to one repository and the permissions a handler needs
 * (`POST /app/installations/{id}/access_tokens` with `repository_ids` and `permissions`), minted
 * with the App's key through the App's Octokit (retries, rate limits, and the JWT clock-skew
 * correction of @octokit/auth-app), cached until shortly before they expire.
 */
export class InstallationTokens {
  private readonly appOctokit: () => Promise<OctokitLike>;
  private readonly cache = new Map<string, Cached>();
  private readonly minting = new Map<string, Promise<string>>();

  constructor(appOctokit: () => Promise<OctokitLike>) {
    this.appOctokit = appOctokit;
  }

  /** A token for `grant`; `refresh` mints a new one even when a cached token has not expired. */
  async get(grant: Grant, refresh = false, signal?: AbortSignal): Promise<string> {
    const key = `${grant.installationId}:${grant.repositoryId}:${JSON.stringify(Object.entries(grant.permissions).sort())}`;
    const cached = this.cache.get(key);
    if (cached && !refresh && cached.until > Date.now()) return cached.token;
    let pending = this.minting.get(key);
    if (!pending) {
      pending = this.mint(grant, signal).then((c) => {
        this.cache.delete(key);
        this.cache.set(key, c);
        if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
        return c.token;
      }).finally(() => this.minting.delete(key));
      this.minting.set(key, pending);
    }
    return pending;
  }

  private async mint(grant: Grant, signal?: AbortSignal): Promise<Cached> {
    const octokit = await this.appOctokit();
    try {
      const { data } = await octokit.request('POST /app/installations/{installation_id}/access_tokens', {
        installation_id: grant.installationId,
        repository_ids: [grant.repositoryId],
        permissions: grant.permissions,
        ...(signal ? { request: { signal } } : {}),
      });
      const expires = Date.parse(String(data.expires_at));
      return { token: String(data.token), until: (Number.isFinite(expires) ? expires : Date.now() + 60 * 60_000) - EARLY_MS };
    } catch (e) {
      const status = (e as { status?: number }).status;
      const rateLimited = (status === 403 || status === 429) && /rate limit/i.test(String((e as Error).message));
      if (status === 404) throw new InstallationGoneError(`The AutoStack App is no longer installed for ${grant.repository} (installation ${grant.installationId} is gone): nothing was done.`, 404);
      if (!rateLimited && (status === 422 || status === 403)) throw new InstallationGoneError(`The AutoStack App's installation ${grant.installationId} no longer covers ${grant.repository} (the repository was removed from it, or the installation is suspended), or lacks a permission AutoStack needs: nothing was done. ${describeError(e)}`, status);
      if (status === 401) throw new CredentialsError(`GitHub refused the App's own key when AutoStack asked for an installation token (401): check that PRIVATE_KEY is the App's current private key and that this server's clock is right.`);
      // A rate limit (already waited out once) or a server error (already retried), in plain words.
      throw new TokenError(`AutoStack could not get an installation token for ${grant.repository}: ${describeError(e)}`);
    }
  }
}

type Hooked = ((route: any, parameters?: any) => Promise<any>) & { endpoint: any };

/**
 * An Octokit auth strategy that sends the narrowed installation token; a 401 mid-job (the token
 * expired or was revoked, or the server's clock is off) gets one freshly minted token and one
 * more try, and a second 401 is a clear error, not a loop.
 */
export function narrowedAuth(options: { tokens: InstallationTokens; grant: Grant; log?: { warn: (...a: unknown[]) => void } }) {
  const { tokens, grant } = options;
  const auth = async () => ({ type: 'token', tokenType: 'installation', token: await tokens.get(grant) });
  const hook = async (request: Hooked, route: unknown, parameters?: unknown) => {
    const endpoint = request.endpoint.merge(route, parameters);
    const signal = endpoint.request?.signal as AbortSignal | undefined;
    endpoint.headers.authorization = `token ${await tokens.get(grant, false, signal)}`;
    try {
      return await request(endpoint);
    } catch (e) {
      if ((e as { status?: number }).status !== 401) throw e;
      options.log?.warn({ repository: grant.repository, installation: grant.installationId }, 'GitHub answered 401 to an installation token: minting a new one and trying once more');
      endpoint.headers.authorization = `token ${await tokens.get(grant, true, signal)}`;
      try {
        return await request(endpoint);
      } catch (again) {
        if ((again as { status?: number }).status !== 401) throw again;
        throw new CredentialsError(`GitHub refused the App's installation token for ${grant.repository} (401 Bad credentials), also a freshly minted one. Check that this server's clock is right and that the App's private key is current, then re-run this check.`);
      }
    }
  };
  return Object.assign(auth, { hook });
}
