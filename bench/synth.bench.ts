// Synth throughput and cold start: `node bench/synth.bench.ts` (npm run bench:synth).
// Each size runs in a fresh process so time and peak memory (max RSS) belong to that size alone.
// Baselines measured in the same run: a bare Node start, and the review of the same plans.
import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const NODE = process.execPath;

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
  process.stdout.write(JSON.stringify({ n, stacks: r.stacks.length, importMs: loaded - started, synthMs, maxRssMb: process.resourceUsage().maxRSS / 1024, mb: bytes / 1048576 }));
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

async function timeCommand(args: string[], cwd: string, runs = 5): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run(NODE, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b)[Math.floor(out.length / 2)]!;
}

console.log('plans | stacks | import ms | synth ms | ms/stack | peak RSS MB | JSON MB');
console.log('----: | -----: | --------: | -------: | -------: | ----------: | ------:');
for (const n of [1, 10, 100]) {
  const { stdout } = await run(NODE, [join(ROOT, 'bench/synth.bench.ts'), '--child', String(n)], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  const r = JSON.parse(stdout);
  console.log(`${n} | ${r.stacks} | ${r.importMs.toFixed(0)} | ${r.synthMs.toFixed(0)} | ${(r.synthMs / r.stacks).toFixed(1)} | ${r.maxRssMb.toFixed(0)} | ${r.mb.toFixed(1)}`);
  if (n === 100) console.log(`\n100 plans × 3 clouds: ${((r.importMs + r.synthMs) / 1000).toFixed(2)} s with imports (target < 5 s), peak ${r.maxRssMb.toFixed(0)} MB (target < 400 MB)`);
}

const repo = await mkdtemp(join(tmpdir(), 'autostack-bench-'));
await mkdir(join(repo, '.autostack'), { recursive: true });
await writeFile(join(repo, '.autostack/db-0.yaml'), planText(0));
const nodeMs = await timeCommand(['-e', ''], repo);
const coldMs = await timeCommand([join(ROOT, 'app/bin/autostack.js'), 'synth', '--dir', repo, '--out', join(repo, 'out')], repo);
const validateMs = await timeCommand([join(ROOT, 'app/bin/autostack.js'), 'validate', repo], repo);
console.log(`\ncold start, one plan (median of 5): autostack synth ${coldMs.toFixed(0)} ms (target < 2000 ms); autostack validate ${validateMs.toFixed(0)} ms; bare node ${nodeMs.toFixed(0)} ms; synth = ${(coldMs / nodeMs).toFixed(1)}x a bare Node start`);
