import { composePaginateRest } from '@octokit/plugin-paginate-rest';
import type { OctokitLike } from '../github/client.ts';
import { workLeft } from './delivery-state.ts';

/**
 * GitHub's record of the App's webhook deliveries (authenticated as the App, with its JWT). These
 * operations need no repository permission, so they are not in app/github/routes.ts.
 */
export const HOOK_ROUTES = {
  listDeliveries: 'GET /app/hook/deliveries',
  getDelivery: 'GET /app/hook/deliveries/{delivery_id}',
  redeliver: 'POST /app/hook/deliveries/{delivery_id}/attempts',
} as const;

/** One attempt as GitHub lists it (a redelivery is another attempt with the same guid). */
export interface HookDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
}

export interface RedeliverLimits {
  /** Deliveries older than this are left alone (GitHub keeps them for 3 days). */
  windowMs: number;
  /**
   * An attempt younger than this is not judged yet: the handler may still be running (its deadline
   * is 2 min at most), or GitHub may not have listed a redelivery another replica asked for.
   */
  minAgeMs: number;
  /** Redeliveries asked per run, at most. */
  maxPerRun: number;
  /** Attempts per delivery (the first one included) after which it is given up and logged. */
  maxAttempts: number;
  /** Pages of 100 deliveries read per run, at most. */
  maxPages: number;
}

export const DEFAULT_LIMITS: RedeliverLimits = { windowMs: 6 * 3600_000, minAgeMs: 5 * 60_000, maxPerRun: 20, maxAttempts: 3, maxPages: 10 };

/** `failed`: the last attempt got no 2xx answer; `accepted`: it was answered 202 (work maybe unfinished). */
export type Verdict = 'failed' | 'accepted';

export interface Candidate {
  /** The latest attempt of the delivery: the one redelivered, and whose state is judged. */
  latest: HookDelivery;
  attempts: number;
  verdict: Verdict;
}

/**
 * Which deliveries may need another attempt, from GitHub's list alone: the latest attempt of each
 * guid, inside the window and old enough to judge, of an event the App handles, that either failed
 * (no answer, or not 2xx: GitHub does not retry) or was answered 202 (accepted while still being
 * handled: only GitHub's state can tell whether the work finished). 200 means the handler finished.
 */
export function pickCandidates(list: HookDelivery[], now: number, handled: readonly string[], limits: RedeliverLimits = DEFAULT_LIMITS): { candidates: Candidate[]; givenUp: HookDelivery[] } {
  const byGuid = new Map<string, HookDelivery[]>();
  for (const d of list) byGuid.set(d.guid, [...(byGuid.get(d.guid) ?? []), d]);
  const candidates: Candidate[] = [];
  const givenUp: HookDelivery[] = [];
  for (const attempts of byGuid.values()) {
    const latest = attempts.reduce((a, b) => (Date.parse(b.delivered_at) > Date.parse(a.delivered_at) || (b.delivered_at === a.delivered_at && b.id > a.id) ? b : a));
    const age = now - Date.parse(latest.delivered_at);
    if (!handled.includes(latest.event) || age > limits.windowMs || age < limits.minAgeMs) continue;
    const code = latest.status_code;
    const verdict: Verdict | undefined = code === 202 ? 'accepted' : code >= 200 && code < 300 ? undefined : 'failed';
    if (!verdict) continue;
    if (attempts.length >= limits.maxAttempts) {
      givenUp.push(latest);
      continue;
    }
    candidates.push({ latest, attempts: attempts.length, verdict });
  }
  // Oldest first: what has waited longest is recovered first when a run is bounded.
  candidates.sort((a, b) => Date.parse(a.latest.delivered_at) - Date.parse(b.latest.delivered_at));
  return { candidates, givenUp };
}

export interface RedeliverLog {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
}

export interface RedelivererOptions {
  appId: number;
  /** An Octokit authenticated as the App (no id: its JWT) or as one installation. */
  auth(installationId?: number): Promise<OctokitLike>;
  handledEvents: readonly string[];
  log: RedeliverLog;
  limits?: Partial<RedeliverLimits>;
  now?: () => number;
}

export interface RunReport {
  listed: number;
  redelivered: { id: number; guid: string; event: string; action: string | null; reason: string }[];
  skipped?: 'overlap';
}

/**
 * Recovers deliveries a crash or an outage lost, without a database: GitHub's list of deliveries
 * says which failed or were only accepted, GitHub's state (check runs, the deploy check) says
 * whether accepted work finished, and the handlers are idempotent by content, so a redelivery of
 * finished work changes nothing. See docs/operations.md.
 */
export class Redeliverer {
  private running = false;
  /** guid → when this process last asked for it: at most once per delivery per `minAgeMs`, even before GitHub lists the attempt. */
  private readonly asked = new Map<string, number>();
  private readonly limits: RedeliverLimits;
  private readonly now: () => number;
  private readonly o: RedelivererOptions;

  constructor(options: RedelivererOptions) {
    this.o = options;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
  }

  /** One pass; a pass already running makes this one return at once (runs never overlap). */
  async runOnce(): Promise<RunReport> {
    if (this.running) return { listed: 0, redelivered: [], skipped: 'overlap' };
    this.running = true;
    try {
      return await this.pass();
    } finally {
      this.running = false;
    }
  }

  private async pass(): Promise<RunReport> {
    const app = await this.o.auth();
    const now = this.now();
    const list = await this.list(app, now);
    const { candidates, givenUp } = pickCandidates(list, now, this.o.handledEvents, this.limits);
    for (const d of givenUp) this.o.log.warn({ delivery: d.guid, id: d.id, event: d.event, action: d.action, status: d.status_code }, `webhook delivery not recovered after ${this.limits.maxAttempts} attempts: redeliver it by hand from the App's advanced settings once the cause is fixed`);
    const report: RunReport = { listed: list.length, redelivered: [] };
    for (const [guid, at] of this.asked) if (now - at > this.limits.windowMs) this.asked.delete(guid);
    for (const c of candidates) {
      if (report.redelivered.length >= this.limits.maxPerRun) break;
      const d = c.latest;
      const asked = this.asked.get(d.guid);
      if (asked !== undefined && now - asked < this.limits.minAgeMs) continue;
      try {
        const reason = await this.reason(app, c);
        if (!reason) continue;
        await app.request(HOOK_ROUTES.redeliver, { delivery_id: d.id });
        this.asked.set(d.guid, now);
        report.redelivered.push({ id: d.id, guid: d.guid, event: d.event, action: d.action, reason });
        this.o.log.info({ delivery: d.guid, id: d.id, event: d.event, action: d.action, reason }, 'webhook delivery redelivered');
      } catch (e) {
        // One delivery's trouble never stops the others; the message only (no headers, no token).
        this.o.log.warn({ delivery: d.guid, id: d.id, event: d.event, status: (e as { status?: number }).status, message: (e as Error).message?.split('\n')[0] }, 'could not judge or redeliver a webhook delivery');
      }
    }
    return report;
  }

  /** Why the delivery needs another attempt, or undefined when it does not. */
  private async reason(app: OctokitLike, c: Candidate): Promise<string | undefined> {
    const d = c.latest;
    if (c.verdict === 'failed') return `the last attempt failed (${d.status_code || 'no answer'}: ${d.status})`;
    const detail = await app.request(HOOK_ROUTES.getDelivery, { delivery_id: d.id });
    const payload = (detail.data as { request?: { payload?: unknown } }).request?.payload;
    if (!payload || typeof payload !== 'object' || d.installation_id === null) return undefined;
    let client: OctokitLike;
    try {
      client = await this.o.auth(d.installation_id);
    } catch (e) {
      if (installationGone(e)) return undefined;
      throw e;
    }
    const left = await workLeft(client, d.event, payload as Record<string, any>, { deliveredAt: d.delivered_at, attempts: c.attempts, appId: this.o.appId }).catch((e: unknown) => {
      // The installation was removed, or the repository is no longer in it: nothing can be done there.
      if (installationGone(e)) return undefined;
      throw e;
    });
    return left ? `accepted (202) but ${left}` : undefined;
  }

  /** Newest first, page by page (GitHub's cursor in the Link header), until past the window. */
  private async list(app: OctokitLike, now: number): Promise<HookDelivery[]> {
    const out: HookDelivery[] = [];
    let pages = 0;
    for await (const { data } of composePaginateRest.iterator(app as never, HOOK_ROUTES.listDeliveries as never, { per_page: 100 } as never)) {
      const page = data as HookDelivery[];
      out.push(...page);
      const oldest = page.at(-1);
      if (++pages >= this.limits.maxPages || !oldest || now - Date.parse(oldest.delivered_at) > this.limits.windowMs) break;
    }
    return out;
  }
}

/** A 401/403/404 on the installation's token or its repository: the App was uninstalled, suspended, or lost the repository. */
export function installationGone(e: unknown): boolean {
  const status = (e as { status?: number }).status;
  return status === 401 || status === 403 || status === 404;
}

export interface Schedule {
  stop(): void;
}

/**
 * Runs `run` every `intervalMs` ± `jitter` (a fraction): replicas started together drift apart, so
 * one usually sees what another already asked for. The next run is planned only when the previous
 * one has ended (never two at once); a failing run is logged and the schedule goes on.
 */
export function scheduleRuns(run: () => Promise<unknown>, intervalMs: number, log: RedeliverLog, jitter = 0.2, random = Math.random): Schedule {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const next = () => {
    if (stopped) return;
    timer = setTimeout(tick, Math.round(intervalMs * (1 - jitter + 2 * jitter * random())));
    timer.unref?.();
  };
  const tick = () => {
    run().catch((e: unknown) => log.warn({ status: (e as { status?: number }).status, message: (e as Error).message?.split('\n')[0] }, 'webhook redelivery run failed')).finally(next);
  };
  next();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** AUTOSTACK_REDELIVER_MINUTES: how often to look for lost deliveries (10 by default; 0 turns it off). */
export function redeliverIntervalFromEnv(env: NodeJS.ProcessEnv): number | { error: string } {
  const raw = env.AUTOSTACK_REDELIVER_MINUTES;
  if (raw === undefined || raw === '') return 10 * 60_000;
  const minutes = Number(raw);
  if (!Number.isFinite(minutes) || minutes < 0 || (minutes > 0 && minutes < 1) || minutes > 24 * 60) return { error: `AUTOSTACK_REDELIVER_MINUTES "${raw}" is not a number of minutes between 1 and 1440 (0 turns the redelivery of lost webhook deliveries off).` };
  return minutes * 60_000;
}
