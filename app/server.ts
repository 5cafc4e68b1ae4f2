import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { getPrivateKey } from '@probot/get-private-key';
import { Probot, ProbotOctokit } from 'probot';
import { autostackApp } from './github-app.ts';
import { AppOctokit } from './github/octokit.ts';
import { loadAppConfig } from './services/config.ts';
import type { AppConfig } from './services/config.ts';

/** GitHub never sends webhook bodies over 25 MB; reading stops there, whatever the transfer encoding. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
/** GitHub waits 10 s for an answer: after 9 s a delivery still being handled is answered 202. */
const ANSWER_WITHIN_MS = 9_000;
export const WEBHOOK_PATH = '/api/github/webhooks';

/** The production Octokit (retries and rate limits): app/github/octokit.ts. */
export { AppOctokit } from './github/octokit.ts';

export interface GitHubModeOptions {
  appId: string;
  privateKey: string;
  secret: string;
  baseUrl?: string;
  config?: AppConfig;
  /** Tests replace the Octokit (no write spacing); production uses AppOctokit. */
  Octokit?: typeof ProbotOctokit;
  /** Where Probot logs (tests collect the records); Probot's own logger by default. */
  log?: NonNullable<ConstructorParameters<typeof Probot>[0]>['log'];
  /** How long every webhook handler may take before it stops and reports a failed check (by default 30 s, 2 min for the merge render). */
  handlerDeadlineMs?: number;
  /** Extra routes (the API and the site) served by the same process. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * The webhook endpoint in front of everything else. A delivery is read while counting (refused with
 * 413 at 25 MB), its signature checked on the raw bytes before anything is parsed, and only then
 * handed to the App. A refused delivery is logged once, without its payload.
 */
export async function createGitHubServer(o: GitHubModeOptions): Promise<Server> {
  const probot = new Probot({ appId: o.appId, privateKey: o.privateKey, secret: o.secret, Octokit: o.Octokit ?? AppOctokit, ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}), ...(o.log ? { log: o.log } : {}), logLevel: (process.env.LOG_LEVEL as 'info') ?? 'info' });
  await probot.load(autostackApp({ config: o.config ?? loadAppConfig(), appId: Number(o.appId), ...(o.handlerDeadlineMs ? { handlerDeadlineMs: o.handlerDeadlineMs } : {}) }));
  return createServer((req, res) => {
    if (req.url?.split('?')[0] === WEBHOOK_PATH) {
      void receiveWebhook(probot, o.secret, req, res).catch((e: unknown) => {
        probot.log.error({ message: (e as Error).message?.split('\n')[0] }, 'webhook endpoint failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
      });
      return;
    }
    if (o.fallback) o.fallback(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
}

async function receiveWebhook(probot: Probot, secret: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const header = (name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' ? v.slice(0, 200) : undefined;
  };
  const delivery = header('x-github-delivery');
  const event = header('x-github-event');
  const refuse = (status: number, reason: string, bytes: number) => {
    // Once, without the payload or any header value beyond the delivery id and event name.
    probot.log.warn({ delivery, event, bytes, status, reason }, 'webhook delivery refused');
    const close = status === 413 || !req.complete;
    res.writeHead(status, { 'content-type': 'text/plain', ...(close ? { connection: 'close' } : {}) }).end(`${reason}\n`, () => {
      if (close) req.destroy();
    });
  };
  if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('webhooks are POSTed\n');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_WEBHOOK_BYTES) return refuse(413, `payload larger than GitHub's ${MAX_WEBHOOK_BYTES / 1024 / 1024} MB limit`, declared);
  const body = await readAtMost(req, MAX_WEBHOOK_BYTES);
  if (body.tooLarge) return refuse(413, `payload larger than GitHub's ${MAX_WEBHOOK_BYTES / 1024 / 1024} MB limit`, body.bytes);
  const raw = body.data;
  if (!event || !delivery) return refuse(400, 'x-github-event and x-github-delivery headers are required', raw.length);
  if (!validSignature(secret, raw, header('x-hub-signature-256'))) return refuse(401, 'signature missing or not matching the webhook secret', raw.length);
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch {
    return refuse(400, 'payload is not JSON (set the webhook content type to application/json)', raw.length);
  }
  const handled = probot.receive({ id: delivery, name: event as never, payload: payload as never }).then(() => true, (e: unknown) => {
    probot.log.error({ delivery, event, message: (e as Error).message?.split('\n')[0] }, 'webhook handler failed');
    return false;
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), ANSWER_WITHIN_MS)));
  const outcome = await Promise.race([handled, late]);
  clearTimeout(timer);
  if (outcome === 'late') res.writeHead(202, { 'content-type': 'text/plain' }).end('still processing\n');
  else if (outcome) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  else res.writeHead(500, { 'content-type': 'text/plain' }).end('handler failed\n');
}

/** The body, or how much was read before it passed `max` (then reading stops). */
function readAtMost(req: IncomingMessage, max: number): Promise<{ tooLarge: false; data: Buffer } | { tooLarge: true; bytes: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > max) {
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        resolve({ tooLarge: true, bytes });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve({ tooLarge: false, data: Buffer.concat(chunks) }));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete && bytes <= max) reject(new Error('the client closed the connection before sending the whole delivery'));
    });
  });
}

/** X-Hub-Signature-256 (`sha256=<hex HMAC of the raw body>`), compared in constant time. */
export function validSignature(secret: string, body: Buffer, signature: string | undefined): boolean {
  if (!signature?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
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
