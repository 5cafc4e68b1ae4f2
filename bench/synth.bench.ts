// Synth throughput and cold start: `node bench/synth.bench.ts` (npm run bench:synth).
// Each size runs RUNS times, each in a fresh process so time and peak memory (max RSS) belong to that
// size alone. Baselines measured in the same run: in the same process right after the synth, the
// review of the same plans (the pull-request review with its markdown, which every change pays before
// a synth); for the cold start, a bare Node start interleaved with each command. Prints medians of
// the runs and of the per-run ratios, and the verdicts against the targets (100 plans × 3 clouds in
// < 5 s with imports and < 400 MB; a one-plan synth < 2 s cold).
import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const NODE = process.execPath;
const RUNS = Number(process.env.RUNS ?? 3);

if (process.argv[2] === '--child') {
  const n = Number(process.argv[3]);
  const started = performance.now();
  const { resolveSettings } = await import('../synth/core/resolve/settings.ts');
  const { synthesize } = await import('../synth/stack/synthesize.ts');
  const { loadDocument } = await import('../synth/core/validate/document.ts');
  const loaded = performance.now();
  const settings = resolveSettings(undefined);
  const models = Array.from({ length: n }, (_, i) => loadDocument(`.autostack/db-${i}.yaml`, planText(i), settings).model!);
  const t = performance.now();
  const r = await synthesize(models.map((model) => ({ kind: 'Plan', model })), settings, ['aws', 'azure', 'gcp']);
  const synthMs = performance.now() - t;
  if (!r.ok) throw new Error(r.errors.join('\n'));
  const bytes = r.stacks.reduce((s, x) => s + x.json.length, 0);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  // The baseline: the review of the same plans, as a pull request adding them (with its markdown).
  const { evaluateFiles } = await import('../synth/core/review/evaluate.ts');
  const { renderMarkdown } = await import('../synth/core/render/markdown.ts');
  const files = Object.fromEntries(Array.from({ length: n }, (_, i) => [`.autostack/db-${i}.yaml`, planText(i)]));
  const tr = performance.now();
  const review = await evaluateFiles(files);
  renderMarkdown(review);
  const reviewMs = performance.now() - tr;
  if (review.plans.length !== n) throw new Error(`the review saw ${review.plans.length} plans, not ${n}`);
  process.stdout.write(JSON.stringify({ n, stacks: r.stacks.length, importMs: loaded - started, synthMs, reviewMs, maxRssMb, mb: bytes / 1048576 }));
  process.exit(0);
}

function planText(i: number): string {
  return `apiVersion: autostack.dev/v1
kind: Plan
metadata: { name: db-${i}, project: p${i % 5}, labels: { team: t${i % 3} } }
spec:
  cloud: ${['aws', 'azure', 'gcp'][i % 3]}
  region: us-east
  os: { distro: ubuntu, version: "24.04" }
  compute: { vcpu: 2, memoryGiB: 8 }
  storage: { sizeGiB: 100 }
  postgres: { version: "17", topology: ${i % 4 === 0 ? 'cluster' : 'single'}, maxConnections: 200 }
  network: { allowedCidrs: [10.0.0.0/8], publicIp: ${i % 2 === 0} }
`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function timeCommand(args: string[], cwd: string): Promise<number> {
  const t = performance.now();
  await run(NODE, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return performance.now() - t;
}

interface ChildResult { n: number; stacks: number; importMs: number; synthMs: number; reviewMs: number; maxRssMb: number; mb: number }

console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs (a loaded machine slows every figure; the ratios to the same run's baseline much less)`);
console.log(`medians of ${RUNS} fresh processes per size; review = the review of the same plans in the same process (baseline)`);
console.log('plans | stacks | import ms | synth ms | ms/stack | review ms | synth / review | peak RSS MB | JSON MB');
console.log('----: | -----: | --------: | -------: | -------: | --------: | -------------: | ----------: | ------:');
for (const n of [1, 10, 100]) {
  const rs: ChildResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await run(NODE, [join(ROOT, 'bench/synth.bench.ts'), '--child', String(n)], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    rs.push(JSON.parse(stdout) as ChildResult);
  }
  const m = (f: (r: ChildResult) => number) => median(rs.map(f));
  console.log(`${n} | ${rs[0]!.stacks} | ${m((r) => r.importMs).toFixed(0)} | ${m((r) => r.synthMs).toFixed(0)} | ${m((r) => r.synthMs / r.stacks).toFixed(1)} | ${m((r) => r.reviewMs).toFixed(0)} | ${m((r) => r.synthMs / r.reviewMs).toFixed(2)}x | ${m((r) => r.maxRssMb).toFixed(0)} | ${m((r) => r.mb).toFixed(1)}`);
  if (n === 100) {
    const total = m((r) => r.importMs + r.synthMs) / 1000;
    const peak = m((r) => r.maxRssMb);
    console.log(`\n100 plans × 3 clouds: ${total.toFixed(2)} s with imports (target < 5 s): ${total < 5 ? 'ok' : 'OVER'}; peak ${peak.toFixed(0)} MB (target < 400 MB): ${peak < 400 ? 'ok' : 'OVER'}`);
  }
}

const repo = await mkdtemp(join(tmpdir(), 'autostack-bench-'));
await mkdir(join(repo, '.autostack'), { recursive: true });
await writeFile(join(repo, '.autostack/db-0.yaml'), planText(0));
const cold = { node: [] as number[], synth: [] as number[], validate: [] as number[] };
for (let i = 0; i < 5; i++) {
  // Interleaved: each command's run paired with a bare Node start of the same moment.
  cold.node.push(await timeCommand(['-e', ''], repo));
  cold.synth.push(await timeCommand([join(ROOT, 'app/bin/autostack.js'), 'synth', '--dir', repo, '--out', join(repo, 'out')], repo));
  cold.validate.push(await timeCommand([join(ROOT, 'app/bin/autostack.js'), 'validate', repo], repo));
}
const coldMs = median(cold.synth);
const ratio = (xs: number[]) => median(xs.map((x, i) => x / cold.node[i]!)).toFixed(1);
console.log(`\ncold start, one plan (median of 5): autostack synth ${coldMs.toFixed(0)} ms (target < 2000 ms): ${coldMs < 2000 ? 'ok' : 'OVER'}; autostack validate ${median(cold.validate).toFixed(0)} ms; bare node ${median(cold.node).toFixed(0)} ms; per run, synth = ${ratio(cold.synth)}x and validate = ${ratio(cold.validate)}x a bare Node start`);
