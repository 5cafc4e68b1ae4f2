import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { getPrivateKey } from '@probot/get-private-key';
import { Probot, ProbotOctokit } from 'probot';
import { autostackApp, HANDLED_EVENTS } from './github-app.ts';
import { AppOctokit } from './github/octokit.ts';
import { Redeliverer, redeliverIntervalFromEnv, scheduleRuns } from './services/redeliver.ts';
import type { RedeliverLimits } from './services/redeliver.ts';
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
  /**
   * Earlier webhook secrets still accepted while the App's secret is being changed
   * (WEBHOOK_SECRET_PREVIOUS): GitHub signs with one secret at a time, so during the switch
   * deliveries signed with either are genuine. Remove it once the App's settings hold the new one.
   */
  previousSecrets?: readonly string[];
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
  /** How often to look for lost webhook deliveries and ask GitHub to redeliver them (docs/operations.md); off when unset or 0. */
  redeliverEveryMs?: number;
  /** Tests shorten the redelivery job's limits (the age before a delivery is judged). */
  redeliverLimits?: Partial<RedeliverLimits>;
  /** How long a delivery may be handled before it is answered 202 (9 s: GitHub waits 10). */
  answerWithinMs?: number;
}

/**
 * The webhook endpoint in front of everything else (exactly WEBHOOK_PATH; any other spelling goes to
 * `fallback`). The method, Content-Type and GitHub's headers are checked before a byte of the body is
 * read; a delivery is read while counting (refused with 413 at 25 MB), its signature checked on the
 * raw bytes before anything is parsed, and only then handed to the App. A refused delivery is logged
 * once, without its payload; an accepted one is logged by id and event only.
 */
export async function createGitHubServer(o: GitHubModeOptions): Promise<Server> {
  const probot = new Probot({ appId: o.appId, privateKey: o.privateKey, secret: o.secret, Octokit: o.Octokit ?? AppOctokit, ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}), ...(o.log ? { log: o.log } : {}), logLevel: (process.env.LOG_LEVEL as 'info') ?? 'info' });
  await probot.load(autostackApp({ config: o.config ?? loadAppConfig(), appId: Number(o.appId), ...(o.handlerDeadlineMs ? { handlerDeadlineMs: o.handlerDeadlineMs } : {}) }));
  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] === WEBHOOK_PATH) {
      void receiveWebhook(probot, [o.secret, ...(o.previousSecrets ?? [])], req, res, o.answerWithinMs ?? ANSWER_WITHIN_MS).catch((e: unknown) => {
        probot.log.error({ message: (e as Error).message?.split('\n')[0] }, 'webhook endpoint failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
      });
      return;
    }
    if (o.fallback) o.fallback(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  if (o.redeliverEveryMs) {
    // Recovers deliveries a crash or an outage lost (GitHub never redelivers by itself).
    const redeliverer = new Redeliverer({ appId: Number(o.appId), auth: (id) => probot.auth(id) as never, handledEvents: HANDLED_EVENTS, log: probot.log, ...(o.redeliverLimits ? { limits: o.redeliverLimits } : {}) });
    const schedule = scheduleRuns(() => redeliverer.runOnce(), o.redeliverEveryMs, probot.log);
    server.on('close', () => schedule.stop());
  }
  return server;
}

async function receiveWebhook(probot: Probot, secrets: readonly string[], req: IncomingMessage, res: ServerResponse, answerWithinMs: number): Promise<void> {
  const header = (name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' ? v.slice(0, 200) : undefined;
  };
  const delivery = header('x-github-delivery');
  const event = header('x-github-event');
  const refuse = (status: number, reason: string, bytes: number, headers: Record<string, string> = {}) => {
    // Once, without the payload or any header value beyond the delivery id and event name.
    probot.log.warn({ delivery, event, bytes, status, reason }, 'webhook delivery refused');
    // A body still on its way is not read: the connection is closed after the answer.
    const close = status === 413 || !req.complete;
    res.writeHead(status, { 'content-type': 'text/plain', ...headers, ...(close ? { connection: 'close' } : {}) }).end(`${reason}\n`, () => {
      if (close) req.destroy();
    });
  };
  const declared = Number(req.headers['content-length'] ?? 0);
  // Everything that can be refused from the request line and headers is, before a byte of the body is read.
  if (req.method !== 'POST') return refuse(405, `webhooks are POSTed to ${WEBHOOK_PATH}, not sent with ${String(req.method).slice(0, 10)}`, declared, { allow: 'POST' });
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return refuse(415, 'webhook deliveries must be sent as application/json (set the webhook content type to application/json on the GitHub App)', declared);
  if (!event || !delivery) return refuse(400, 'x-github-event and x-github-delivery headers are required', declared);
  const signature = req.headers['x-hub-signature-256'];
  if (signature === undefined) return refuse(401, 'x-hub-signature-256 header missing: deliveries must be signed with SHA-256 (a SHA-1 x-hub-signature alone is not accepted)', declared);
  if (declared > MAX_WEBHOOK_BYTES) return refuse(413, `payload larger than GitHub's ${MAX_WEBHOOK_BYTES / 1024 / 1024} MB limit`, declared);
  const body = await readAtMost(req, MAX_WEBHOOK_BYTES);
  if (body.tooLarge) return refuse(413, `payload larger than GitHub's ${MAX_WEBHOOK_BYTES / 1024 / 1024} MB limit`, body.bytes);
  const raw = body.data;
  if (!validSignature(secrets, raw, typeof signature === 'string' ? signature : undefined)) return refuse(401, 'x-hub-signature-256 does not match the webhook secret (expected sha256= and the 64-digit hex HMAC of the body as sent)', raw.length);
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch {
    return refuse(400, 'payload is not JSON (set the webhook content type to application/json)', raw.length);
  }
  // Not probot.receive(): it logs the whole event, payload included, at debug level.
  probot.log.debug({ delivery, event, bytes: raw.length }, 'webhook delivery received');
  const handled = probot.ready().then(() => probot.webhooks.receive({ id: delivery, name: event as never, payload: payload as never })).then(() => true, (e: unknown) => {
    probot.log.error({ delivery, event, message: (e as Error).message?.split('\n')[0] }, 'webhook handler failed');
    return false;
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), answerWithinMs)));
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

/**
 * X-Hub-Signature-256 (`sha256=<hex HMAC of the raw body>`) against each accepted secret, compared in
 * constant time (`timingSafeEqual`; a length mismatch answers false at once, which tells nothing
 * about the secret). Only SHA-256 is accepted; anything else (empty, SHA-1, not hex, another
 * length, a header sent twice and joined with ", ") is not equal to any expected value.
 */
export function validSignature(secrets: string | readonly string[], body: Buffer, signature: string | undefined): boolean {
  if (typeof signature !== 'string' || !signature.startsWith('sha256=')) return false;
  const given = Buffer.from(signature);
  let valid = false;
  // Every secret is tried (no early return): which one matched takes the same time.
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    if (!secret) continue;
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  return valid;
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
  const previous = env.WEBHOOK_SECRET_PREVIOUS;
  if (previous) {
    const weakPrevious = weakSecret(previous);
    if (weakPrevious) return { error: `WEBHOOK_SECRET_PREVIOUS is too weak (${weakPrevious}): while it is set, deliveries signed with it are accepted. Unset it, or finish the rotation and remove it.` };
  }
  const redeliverEveryMs = redeliverIntervalFromEnv(env);
  if (typeof redeliverEveryMs === 'object') return redeliverEveryMs;
  return { appId: env.APP_ID, privateKey, secret: env.WEBHOOK_SECRET, redeliverEveryMs, ...(previous ? { previousSecrets: [previous] } : {}), ...(env.GHE_HOST ? { baseUrl: urls.apiUrl } : {}) };
}
