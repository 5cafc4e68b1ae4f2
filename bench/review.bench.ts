// Review pipeline throughput: `npm run bench`.
// For 1, 10, 100 and 1,000 changed plan files, times the whole review (load, parse, validate,
// resolve, cloud plans for three clouds, cost, diff, markdown) and, in the same run, bare YAML
// parsing of the same texts (base and head). Prints medians, per-file cost and the ratio.
import '../synth/node.ts';
import { parseDocument } from 'yaml';
import { MemoryReader } from '../synth/core/load/reader.ts';
import { renderMarkdown } from '../synth/core/render/markdown.ts';
import { reviewChange } from '../synth/core/review/review.ts';

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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown> | unknown, runs: number): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

// Warm up module loading, schema compilation and catalog indexes once.
await reviewChange(new MemoryReader({ b: { '.autostack/w.yaml': planText(0, false) }, h: { '.autostack/w.yaml': planText(0, true) } }), 'b', 'h');

console.log('files | review ms | parse ms | ratio | review µs/file | RSS MB');
console.log('----: | --------: | -------: | ----: | -------------: | -----:');
const rows: { n: number; ratio: number; perFile: number }[] = [];
for (const n of SIZES) {
  const base: Record<string, string> = {};
  const head: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    base[`.autostack/db-${i}.yaml`] = planText(i, false);
    head[`.autostack/db-${i}.yaml`] = planText(i, true);
  }
  const texts = [...Object.values(base), ...Object.values(head)];
  const runs = n >= 1000 ? 5 : n >= 100 ? 9 : 31;
  const reader = new MemoryReader({ base, head });
  const reviewMs = await time(async () => renderMarkdown(await reviewChange(reader, 'base', 'head')), runs);
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  const parseMs = await time(() => texts.forEach((t) => parseDocument(t)), runs);
  const ratio = reviewMs / parseMs;
  rows.push({ n, ratio, perFile: (reviewMs * 1000) / n });
  console.log(`${n} | ${reviewMs.toFixed(2)} | ${parseMs.toFixed(2)} | ${ratio.toFixed(2)}x | ${((reviewMs * 1000) / n).toFixed(0)} | ${rssMb.toFixed(0)}`);
}
const worst = Math.max(...rows.map((r) => r.ratio));
const growth = rows.at(-1)!.perFile / rows[2]!.perFile;
console.log(`\nworst ratio review/parse: ${worst.toFixed(2)}x (target ≤ 5x)`);
console.log(`per-file cost 1,000 vs 100 files: ${growth.toFixed(2)}x (1.0 = linear)`);
