// What the App costs at start-up: `node bench/app-start.bench.ts` (npm run bench:start).
// Starts, in fresh processes, a bare Probot app (the baseline), AutoStack in GitHub App mode (CDKTF
// loaded lazily, on the first merge render) and AutoStack with synthesize imported eagerly (as it
// was before), interleaved, RUNS times each. Each run's idle RSS (after a full GC) and time to
// listening are divided by the bare Probot app's of the same run; prints the medians of those
// ratios (and of the raw figures) and the verdict against the target: idle memory <= 1.5x.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';

const RUNS = Number(process.env.RUNS ?? 7);
const TARGET = 1.5;
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
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs (a loaded machine slows every figure; the ratios to the same run's baseline much less)`);
console.log(`App start-up, medians of ${RUNS} runs each (fresh process, idle RSS after a full GC); ratios are per run, to the bare Probot app of the same run`);
const ratios: Record<string, number> = {};
for (const mode of MODES) {
  const rs = results[mode]!;
  const rss = median(rs.map((r) => r.rss));
  const ms = median(rs.map((r) => r.ms));
  const rssRatio = median(rs.map((r, i) => r.rss / results.probot![i]!.rss));
  const msRatio = median(rs.map((r, i) => r.ms / results.probot![i]!.ms));
  ratios[mode] = rssRatio;
  console.log(`  ${LABEL[mode].padEnd(36)} RSS ${(rss / 1024 / 1024).toFixed(1).padStart(6)} MB (${rssRatio.toFixed(2)}x)   start ${ms.toFixed(0).padStart(5)} ms (${msRatio.toFixed(2)}x)`);
}
console.log(`\nAutoStack idle memory / bare Probot app: ${ratios.app!.toFixed(2)}x (target <= ${TARGET}x): ${ratios.app! <= TARGET ? 'ok' : 'OVER'}`);
