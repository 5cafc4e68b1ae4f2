// The Action's overhead over bare terraform: `node bench/action.bench.ts` (npm run bench:action).
// Ten stacks of built-in terraform_data resources with local state (offline). Measured in one run:
//   bare    — per stack, one after another: terraform init, plan -out, apply <plan>
//   action  — node action/dist/index.js on the same stacks, parallelism 1 (same serial work, plus
//             show -json, show, git, reporting) and parallelism 4 (the default)
// Each variant gets fresh copies of the stacks, so every apply creates the same resources. Each round
// runs the three back to back; the Action's times are divided by the bare time of the same round, and
// the medians of those ratios are printed (no target is set for this one: it shows the overhead).
import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const STACKS = 10;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SOURCE = '5'.repeat(40);
const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

async function template(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-action-'));
  const names = Array.from({ length: STACKS }, (_, i) => `db-${i}-aws`);
  for (const n of names) {
    await mkdir(join(dir, 'stacks', n), { recursive: true });
    const resources = Object.fromEntries(Array.from({ length: 5 }, (_, j) => [`r${j}`, { input: `${n}-${j}` }]));
    await writeFile(join(dir, 'stacks', n, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'terraform.tfstate' } } }, resource: { terraform_data: resources } }));
  }
  await writeFile(join(dir, 'autostack-deploy.json'), JSON.stringify({ version: 1, sourceSha: SOURCE, renderedAt: new Date().toISOString(), stacks: names.map((n) => ({ name: n, plan: n.slice(0, -4), cloud: 'aws', action: 'apply' })) }));
  await run('git', ['init', '-q', '-b', 'autostack/deploy'], { cwd: dir });
  await run('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=b', 'add', '.'], { cwd: dir });
  await run('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=b', 'commit', '-qm', `Render\n\nAutoStack-Source: ${SOURCE}`], { cwd: dir });
  return dir;
}

/** A clone, as the runner's checkout is: the Action confirms with its origin that it applies the branch's head. */
async function fresh(from: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-action-run-'));
  await run('git', ['clone', '-q', '-b', 'autostack/deploy', from, dir]);
  return dir;
}

async function bare(dir: string): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < STACKS; i++) {
    const cwd = join(dir, 'stacks', `db-${i}-aws`);
    await run('terraform', ['init', '-input=false', '-no-color'], { cwd, env });
    await run('terraform', ['plan', '-input=false', '-no-color', '-out=p.tfplan'], { cwd, env });
    await run('terraform', ['apply', '-input=false', '-no-color', 'p.tfplan'], { cwd, env });
  }
  return performance.now() - t;
}

async function action(dir: string, parallelism: number): Promise<number> {
  await writeFile(join(dir, 'summary.md'), '');
  await writeFile(join(dir, 'out.txt'), '');
  const t = performance.now();
  await run(process.execPath, [join(ROOT, 'action/dist/index.js')], {
    cwd: dir,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...env, RUNNER_TEMP: dir, GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'out.txt'), INPUT_MODE: 'apply', INPUT_STACKS: 'changed', 'INPUT_SOURCE-SHA': SOURCE, 'INPUT_WORKING-DIRECTORY': dir, INPUT_PARALLELISM: String(parallelism), 'INPUT_TERRAFORM-VERSION': '1.11.4' },
  }).catch((e: { stdout?: string; stderr?: string }) => {
    throw new Error(`the Action failed in the benchmark:\n${(e.stdout ?? '').slice(-2000)}${e.stderr ?? ''}`);
  });
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = await template();
const times = { bare: [] as number[], p1: [] as number[], p4: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  // Interleaved, so machine noise spreads over all three.
  for (const [k, f] of [['bare', (d: string) => bare(d)], ['p1', (d: string) => action(d, 1)], ['p4', (d: string) => action(d, 4)]] as const) {
    const d = await fresh(base);
    times[k].push(await f(d));
    await rm(d, { recursive: true, force: true });
  }
}
await rm(base, { recursive: true, force: true });
const b = median(times.bare);
const p1 = median(times.p1);
const p4 = median(times.p4);
const ratio = (xs: number[]) => median(xs.map((x, i) => x / times.bare[i]!));
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs`);
console.log(`Action overhead, ${STACKS} stacks × 5 terraform_data resources, median of ${ROUNDS} rounds (terraform ${(await run('terraform', ['version', '-json'], { env })).stdout.match(/"terraform_version":\s*"([^"]+)"/)?.[1]})`);
console.log(`  bare terraform (init, plan -out, apply, serial) ${(b / 1000).toFixed(2)} s`);
console.log(`  action, parallelism 1                          ${(p1 / 1000).toFixed(2)} s   ratio ${ratio(times.p1).toFixed(2)}x (median of per-round ratios)`);
console.log(`  action, parallelism 4                          ${(p4 / 1000).toFixed(2)} s   ratio ${ratio(times.p4).toFixed(2)}x`);
