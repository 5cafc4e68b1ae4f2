// Review pipeline throughput: `npm run bench`.
// For 1, 10, 100 and 1,000 changed plan files, times the whole review (load, parse, validate,
// resolve, cloud plans for three clouds, cost, diff, markdown) and, right after it in the same run,
// bare YAML parsing of the same texts (base and head). Each run gives a pair and its ratio; prints
// the medians of several runs and the verdict against the target: review <= 3x bare parsing at
// 1,000 files.
import '../synth/node.ts';
import { parseDocument } from 'yaml';
import { MemoryReader } from '../synth/core/load/reader.ts';
import { renderMarkdown } from '../synth/core/render/markdown.ts';
import { reviewChange } from '../synth/core/review/review.ts';
import { availableParallelism, loadavg } from 'node:os';

const SIZES = [1, 10, 100, 1000];
const CLOUDS = ['aws', 'azure', 'gcp'];

function planText(i: number, head: boolean): string {
  return `apiVersion: autostack.dev/v1
kind: Plan
metadata:
  name: db-${i}
  project: team-${i % 7}
  labels: { team: t${i % 5}, tier: "${head ? 'gold' : 'silver'}" }
spec:
  cloud: ${CLOUDS[i % 3]}
  region: us-east
  os: { distro: ubuntu, version: "24.04" }
  compute: { vcpu: ${head ? 4 : 2}, memoryGiB: ${head ? 16 : 8} }
  storage: { type: ssd, sizeGiB: ${head ? 200 : 50} }
  postgres: { version: "17", topology: ${i % 4 === 0 ? 'cluster' : 'single'}, maxConnections: 200 }
  backup: { schedule: "0 3 * * *", retentionDays: 14, validate: weekly }
  network: { allowedCidrs: [10.0.0.0/8], publicIp: false }
  budget: { monthlyUsd: 2000 }
`;
}

const TARGET = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function ms(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** `runs` pairs, each the subject then its baseline back to back: medians of each and of the per-run ratios. */
async function paired(subject: () => Promise<unknown>, baseline: () => unknown, runs: number): Promise<{ subject: number; baseline: number; ratio: number }> {
  const xs: number[] = [];
  const bs: number[] = [];
  const rs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const x = await ms(subject);
    const b = await ms(baseline);
    xs.push(x);
    bs.push(b);
    rs.push(x / b);
  }
  return { subject: median(xs), baseline: median(bs), ratio: median(rs) };
}

// Warm up module loading, schema compilation and catalog indexes once.
await reviewChange(new MemoryReader({ b: { '.autostack/w.yaml': planText(0, false) }, h: { '.autostack/w.yaml': planText(0, true) } }), 'b', 'h');

console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs (a loaded machine slows every figure; the ratios to the same run's baseline much less)`);
console.log('files | runs | review ms | parse ms | ratio (median of per-run ratios) | review µs/file | RSS MB');
console.log('----: | ---: | --------: | -------: | ----: | -------------: | -----:');
const rows: { n: number; ratio: number; perFile: number }[] = [];
for (const n of SIZES) {
  const base: Record<string, string> = {};
  const head: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    base[`.autostack/db-${i}.yaml`] = planText(i, false);
    head[`.autostack/db-${i}.yaml`] = planText(i, true);
  }
  const texts = [...Object.values(base), ...Object.values(head)];
  const runs = n >= 1000 ? 7 : n >= 100 ? 9 : 31;
  const reader = new MemoryReader({ base, head });
  const r = await paired(async () => renderMarkdown(await reviewChange(reader, 'base', 'head')), () => texts.forEach((t) => parseDocument(t)), runs);
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  const [reviewMs, parseMs, ratio] = [r.subject, r.baseline, r.ratio];
  rows.push({ n, ratio, perFile: (reviewMs * 1000) / n });
  console.log(`${n} | ${runs} | ${reviewMs.toFixed(2)} | ${parseMs.toFixed(2)} | ${ratio.toFixed(2)}x | ${((reviewMs * 1000) / n).toFixed(0)} | ${rssMb.toFixed(0)}`);
}
const at1000 = rows.at(-1)!;
const growth = at1000.perFile / rows[2]!.perFile;
console.log(`\nreview / bare YAML parsing at 1,000 files: ${at1000.ratio.toFixed(2)}x (target <= ${TARGET}x): ${at1000.ratio <= TARGET ? 'ok' : 'OVER'}`);
console.log(`worst ratio over all sizes: ${Math.max(...rows.map((r) => r.ratio)).toFixed(2)}x; per-file cost 1,000 vs 100 files: ${growth.toFixed(2)}x (1.0 = linear)`);
