import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ValidateAnswer, ValidateJob } from './validate-worker.ts';

/**
 * Reviews of files sent to the public API, off the main thread: parsing and validating the worst
 * file under the size cap costs about half a second of CPU, and on the main thread every other
 * request (webhooks, pages, sign-in) would wait for it.
 *
 * - at most `workers` threads (app/api/validate-worker.ts), started when first needed and stopped
 *   after `idleMs` without work, so an idle server holds none;
 * - at most `queue` requests waiting for a thread: beyond that `validate` throws PoolFull, which the
 *   route answers 503 with Retry-After (a flood costs bounded memory and never stalls the server);
 * - a review running longer than `deadlineMs`, or a thread exceeding `maxMemoryMb`, ends its thread
 *   (a fresh one takes the next job) and the request is refused with ValidationRefused.
 */
export interface PoolOptions {
  workers?: number;
  queue?: number;
  deadlineMs?: number;
  idleMs?: number;
  maxMemoryMb?: number;
}

export class PoolFull extends Error {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super(`The server is checking too many files right now; try again in ${retryAfterSeconds} s.`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The files took too long or too much memory to check: sending them again would do the same. */
export class ValidationRefused extends Error {}

interface Job {
  id: number;
  files: Record<string, string>;
  resolve: (json: string) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  deadline?: NodeJS.Timeout;
  idle?: NodeJS.Timeout;
}

const WORKER = new URL('./validate-worker.ts', import.meta.url);

export class ValidationPool {
  readonly size: number;
  readonly maxQueue: number;
  deadlineMs: number;
  readonly idleMs: number;
  readonly maxMemoryMb: number;
  private slots: Slot[] = [];
  private waiting: Job[] = [];
  private nextId = 1;

  constructor(o: PoolOptions = {}) {
    this.size = Math.max(1, o.workers ?? Math.min(2, availableParallelism() - 1));
    this.maxQueue = Math.max(0, o.queue ?? 16);
    this.deadlineMs = o.deadlineMs ?? 10_000;
    this.idleMs = o.idleMs ?? 60_000;
    this.maxMemoryMb = o.maxMemoryMb ?? 512;
  }

  /** Reviews running on a thread now, and requests waiting for one. */
  stats(): { running: number; waiting: number; threads: number } {
    return { running: this.slots.filter((s) => s.job).length, waiting: this.waiting.length, threads: this.slots.length };
  }

  /** The review of `files` as the JSON text of the API's answer. */
  validate(files: Record<string, string>): Promise<string> {
    const busy = this.slots.filter((s) => s.job).length;
    // Requests waiting for a thread that is still starting count against the queue too.
    if (busy + this.waiting.length >= this.size + this.maxQueue) {
      throw new PoolFull(Math.max(1, Math.ceil(((this.waiting.length / this.size) * Math.min(this.deadlineMs, 2_000)) / 1000)));
    }
    return new Promise<string>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, files, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every thread; waiting and running requests are refused. */
  async close(): Promise<void> {
    for (const job of this.waiting.splice(0)) job.reject(new ValidationRefused('The server is shutting down.'));
    await Promise.all(this.slots.splice(0).map((s) => this.stop(s, new ValidationRefused('The server is shutting down.'))));
  }

  private dispatch(): void {
    while (this.waiting.length) {
      const free = this.slots.find((s) => s.ready && !s.job);
      if (!free) {
        // Start threads while there is room and more work waits than threads are starting.
        let starting = this.slots.filter((s) => !s.ready).length;
        while (this.slots.length < this.size && starting < this.waiting.length) {
          this.spawn();
          starting++;
        }
        return;
      }
      const job = this.waiting.shift()!;
      clearTimeout(free.idle);
      free.job = job;
      free.deadline = setTimeout(() => {
        void this.stop(free, new ValidationRefused(`Checking these files took longer than ${this.deadlineMs / 1000} s, so it was stopped. Split them into smaller files, or use fewer keys in one mapping.`));
      }, this.deadlineMs);
      free.worker.postMessage({ id: job.id, files: job.files } satisfies ValidateJob);
    }
  }

  private spawn(): void {
    const worker = new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: this.maxMemoryMb } });
    worker.unref(); // an idle pool never keeps the process alive
    const slot: Slot = { worker, ready: false };
    this.slots.push(slot);
    worker.on('message', (m: ValidateAnswer | { ready: true }) => {
      if ('ready' in m) {
        slot.ready = true;
        this.dispatch();
        this.idleTimer(slot);
        return;
      }
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      clearTimeout(slot.deadline);
      slot.job = undefined;
      if ('json' in m) job.resolve(m.json);
      else job.reject(new Error(m.error));
      this.dispatch();
      this.idleTimer(slot);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const why = e.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new ValidationRefused(`Checking these files needed more than ${this.maxMemoryMb} MB of memory, so it was stopped. Split them into smaller files.`)
        : new Error(`the validation worker failed: ${e.message.split('\n')[0]}`);
      this.drop(slot, why);
    });
    worker.on('exit', () => this.drop(slot, new Error('the validation worker stopped')));
  }

  private idleTimer(slot: Slot): void {
    if (slot.job) return;
    clearTimeout(slot.idle);
    slot.idle = setTimeout(() => void this.stop(slot), this.idleMs);
    slot.idle.unref();
  }

  /** Ends a thread: its job (if any) is refused with `why`; the next waiting job gets a fresh thread. */
  private async stop(slot: Slot, why?: Error): Promise<void> {
    this.drop(slot, why ?? new Error('the validation worker stopped'));
    await slot.worker.terminate();
  }

  private drop(slot: Slot, why: Error): void {
    const i = this.slots.indexOf(slot);
    if (i === -1) return;
    this.slots.splice(i, 1);
    clearTimeout(slot.deadline);
    clearTimeout(slot.idle);
    const job = slot.job;
    slot.job = undefined;
    job?.reject(why);
    // A thread that failed before it was ready would fail again: refuse what waits rather than loop.
    if (!slot.ready && this.slots.length === 0) for (const w of this.waiting.splice(0)) w.reject(why);
    this.dispatch();
  }
}
