// One validation worker thread of app/api/validate-pool.ts: reviews the files it is sent with the same
// evaluateFiles the API used on the main thread, and answers with the response body as JSON text (so
// the main thread neither walks nor copies the result object). Loaded as a .ts file: Node 24 strips the
// types, as it does for app/main.ts.
import '../../synth/node.ts';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { evaluateFiles } from '../../synth/core/review/evaluate.ts';

// A lower priority for this thread only (on Linux a thread is its own scheduling entity, and pid 0
// names the calling thread): when CPUs are short, the main thread's requests run first.
try {
  setPriority(0, 10);
} catch {
  // Not allowed here (or not supported): the thread runs at the process's priority.
}

export interface ValidateJob {
  id: number;
  files: Record<string, string>;
}

export type ValidateAnswer = { id: number; json: string } | { id: number; error: string };

parentPort!.on('message', async ({ id, files }: ValidateJob) => {
  try {
    const review = await evaluateFiles(files);
    const json = JSON.stringify({ ok: review.ok, diagnostics: review.diagnostics, plans: review.plans, budgets: review.budgets, totals: review.totals });
    parentPort!.postMessage({ id, json } satisfies ValidateAnswer);
  } catch (e) {
    parentPort!.postMessage({ id, error: (e instanceof Error ? e.message : String(e)).split('\n')[0]! } satisfies ValidateAnswer);
  }
});
// Loaded: the pool starts each request's deadline from here, not from the thread's start-up.
parentPort!.postMessage({ ready: true });
