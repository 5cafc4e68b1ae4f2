// What the App costs at start-up: `node bench/app-start.bench.ts` (npm run bench:start).
// Starts, in fresh processes, a bare Probot app (the baseline), AutoStack in GitHub App mode (CDKTF
// loaded lazily, on the first merge render) and AutoStack with synthesize imported eagerly (as it
// was before), interleaved, RUNS times each. Prints medians of idle RSS (after a full GC) and of the
// time to listening, each as a ratio to the bare Probot app measured in the same run.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const RUNS = Number(process.env.RUNS ?? 7);
const CHILD = new URL('./app-start.child.ts', import.meta.url).pathname;
const MODES = ['probot', 'app', 'eager'] as const;
const LABEL: Record<(typeof MODES)[number], string> = {
  probot: 'bare Probot app (baseline)',
  app: 'AutoStack, CDKTF lazy',
  eager: 'AutoStack, CDKTF at start (before)',
};

const results: Record<string, { ms: number; rss: number }[]> = Object.fromEntries(MODES.map((m) => [m, []]));
for (let i = 0; i < RUNS; i++) {
  for (const mode of MODES) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', CHILD, mode], { env: { ...process.env, LOG_LEVEL: 'fatal' } });
    results[mode]!.push(JSON.parse(stdout));
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const base = { rss: median(results.probot!.map((r) => r.rss)), ms: median(results.probot!.map((r) => r.ms)) };
console.log(`App start-up, medians of ${RUNS} runs each (fresh process, idle RSS after a full GC)`);
for (const mode of MODES) {
  const rss = median(results[mode]!.map((r) => r.rss));
  const ms = median(results[mode]!.map((r) => r.ms));
  console.log(`  ${LABEL[mode].padEnd(36)} RSS ${(rss / 1024 / 1024).toFixed(1).padStart(6)} MB (${(rss / base.rss).toFixed(2)}x)   start ${ms.toFixed(0).padStart(5)} ms (${(ms / base.ms).toFixed(2)}x)`);
}
