import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { getPrivateKey } from '@probot/get-private-key';
import { createNodeMiddleware, Probot, ProbotOctokit } from 'probot';
import { autostackApp } from './github-app.ts';
import { loadAppConfig } from './services/config.ts';
import type { AppConfig } from './services/config.ts';

/** GitHub never sends webhook bodies over 25 MB; anything bigger is refused unread. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
export const WEBHOOK_PATH = '/api/github/webhooks';
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Octokit for the App: a timeout on every request, two retries for server errors, and at most
 * one wait on a rate limit, never longer than a minute (no unbounded retry loops).
 */
export const AppOctokit = ProbotOctokit.defaults((o: Record<string, any>) => ({
  ...o,
  request: { ...o.request, timeout: REQUEST_TIMEOUT_MS },
  retry: { retries: 2, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
  throttle: {
    ...o.throttle,
    onRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < 1 && retryAfter <= 60,
    onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < 1 && retryAfter <= 60,
  },
}));

export interface GitHubModeOptions {
  appId: string;
  privateKey: string;
  secret: string;
  baseUrl?: string;
  config?: AppConfig;
  /** Tests replace the Octokit (no write spacing); production uses AppOctokit. */
  Octokit?: typeof ProbotOctokit;
  /** Extra routes (the API and the site) served by the same process. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** The webhook endpoint (signature checked by Probot on the raw body) in front of everything else. */
export async function createGitHubServer(o: GitHubModeOptions): Promise<Server> {
  const probot = new Probot({ appId: o.appId, privateKey: o.privateKey, secret: o.secret, Octokit: o.Octokit ?? AppOctokit, ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}), logLevel: (process.env.LOG_LEVEL as 'info') ?? 'info' });
  const webhooks = await createNodeMiddleware(autostackApp({ config: o.config ?? loadAppConfig(), appId: Number(o.appId) }), { probot, webhooksPath: WEBHOOK_PATH });
  return createServer((req, res) => {
    if (req.url?.split('?')[0] === WEBHOOK_PATH) {
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > MAX_WEBHOOK_BYTES) {
        res.writeHead(413, { 'content-type': 'text/plain' }).end('payload too large\n');
        req.destroy();
        return;
      }
      void webhooks(req, res, () => res.writeHead(404).end());
      return;
    }
    if (o.fallback) o.fallback(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
}

/**
 * GitHub's REST API and web addresses: github.com, or GitHub Enterprise Server at GHE_HOST over
 * GHE_PROTOCOL (https unless set to http), as Probot reads them.
 */
export function gitHubUrlsFromEnv(env: NodeJS.ProcessEnv): { apiUrl: string; webUrl: string } | { error: string } {
  if (!env.GHE_HOST) return { apiUrl: 'https://api.github.com', webUrl: 'https://github.com' };
  const protocol = env.GHE_PROTOCOL || 'https';
  if (protocol !== 'https' && protocol !== 'http') return { error: `GHE_PROTOCOL "${env.GHE_PROTOCOL}" is not https or http (write the scheme alone, without "://").` };
  if (/[/\\\s?#@]/.test(env.GHE_HOST)) return { error: `GHE_HOST "${env.GHE_HOST}" is not a host name: write it alone (github.example.com, or github.example.com:8443), with the scheme in GHE_PROTOCOL.` };
  const webUrl = `${protocol}://${env.GHE_HOST}`;
  return { apiUrl: `${webUrl}/api/v3`, webUrl };
}

export const MIN_WEBHOOK_SECRET = 20;

/** Why a webhook secret is guessable, or undefined when it is long enough and not one repeated character. */
export function weakSecret(secret: string): string | undefined {
  if (secret.trim().length < MIN_WEBHOOK_SECRET) return `${secret.trim().length} character${secret.trim().length === 1 ? '' : 's'}, at least ${MIN_WEBHOOK_SECRET} are needed`;
  if (new Set(secret).size < 4) return 'it repeats one or two characters';
  return undefined;
}

/** Probot's standard variables; refuses to start without a strong webhook secret. */
export function gitHubModeFromEnv(env: NodeJS.ProcessEnv): GitHubModeOptions | { error: string } | undefined {
  if (!env.APP_ID && !env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) return undefined;
  if (!env.APP_ID) return { error: 'APP_ID is not set (the GitHub App id, from its settings page).' };
  let privateKey: string | null = null;
  try {
    privateKey = getPrivateKey({ env });
  } catch (e) {
    return { error: `PRIVATE_KEY/PRIVATE_KEY_PATH could not be read: ${(e as Error).message.split('\n')[0]}` };
  }
  if (!privateKey) return { error: 'PRIVATE_KEY or PRIVATE_KEY_PATH is not set (the App private key, PEM).' };
  if (!env.WEBHOOK_SECRET) return { error: 'WEBHOOK_SECRET is not set: AutoStack refuses to accept unsigned webhooks. Set it to the secret configured on the GitHub App.' };
  const weak = weakSecret(env.WEBHOOK_SECRET);
  if (weak) return { error: `WEBHOOK_SECRET is too weak (${weak}): anyone who guesses it can forge deliveries. Use at least ${MIN_WEBHOOK_SECRET} random characters (e.g. \`openssl rand -hex 32\`), set the same value on the GitHub App's settings page, and restart.` };
  const urls = gitHubUrlsFromEnv(env);
  if ('error' in urls) return urls;
  return { appId: env.APP_ID, privateKey, secret: env.WEBHOOK_SECRET, ...(env.GHE_HOST ? { baseUrl: urls.apiUrl } : {}) };
}
