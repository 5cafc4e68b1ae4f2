// Is the server responsive while the worst plan under the size cap is validated?
// `node bench/validate-latency.bench.ts` (npm run bench:latency).
// The server runs in a child process (so a blocked server cannot also block the client that times
// it), in two modes:
//   pool:   the API as it ships, POST /api/validate checked on a worker thread (app/api/validate-pool.ts)
//   inline: the same API with POST /api/validate checked on the main thread, as before (the baseline)
// Each run, per mode: 60 GET /api/templates on the idle server (the baseline: their median and the
// slowest), then the worst plan (test/attack-inputs.ts) is POSTed and GETs are sent one after
// another until it is answered (their median and the slowest). Prints medians over RUNS runs, the
// per-run ratios to the same run's idle figures, and the verdict against the target: < 100 ms.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';

const RUNS = Number(process.env.RUNS ?? 5);
const TARGET_MS = 100;

if (process.argv[2] === '--server') {
  await import('../synth/node.ts');
  const { getRequestListener } = await import('@hono/node-server');
  const { Hono } = await import('hono');
  const { createApi } = await import('../app/api/index.ts');
  const { readFiles } = await import('../app/api/http.ts');
  const { evaluateFiles } = await import('../synth/core/review/evaluate.ts');
  const app = new Hono();
  if (process.argv[3] === 'inline') {
    app.post('/api/validate', async (c) => {
      const review = await evaluateFiles(await readFiles(c));
      return c.json({ ok: review.ok, diagnostics: review.diagnostics, plans: review.plans, budgets: review.budgets, totals: review.totals });
    });
  }
  app.route('/', createApi({ publicUrl: 'http://127.0.0.1' }));
  const server = createServer(getRequestListener(app.fetch));
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
} else {
  const { worstFlowMap } = await import('../test/attack-inputs.ts');
  const { PLAN } = await import('../test/github/harness.ts');
  const worst = worstFlowMap();
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };

  async function startServer(mode: string): Promise<{ url: string; stop: () => void }> {
    const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--server', mode], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'fatal' } });
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child.once('exit', (code) => reject(new Error(`the ${mode} server exited with ${code}`)));
    });
    return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
  }

  async function get(url: string): Promise<number> {
    const t = performance.now();
    const r = await fetch(`${url}/api/templates`);
    await r.text();
    if (r.status !== 200) throw new Error(`GET answered ${r.status}`);
    return performance.now() - t;
  }

  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

  async function run(url: string): Promise<{ idle: number; idleP95: number; idleSlowest: number; slowest: number; p95: number; typical: number; gets: number; validateMs: number }> {
    // The baseline: as many GETs as fit in about the same time on the idle server (at most 60).
    const idle: number[] = [];
    for (let i = 0; i < 60; i++) idle.push(await get(url));
    let done = false;
    const t0 = performance.now();
    const posted = fetch(`${url}/api/validate`, { method: 'POST', body: worst, headers: { 'content-type': 'application/yaml' } }).then(async (r) => {
      const body = (await r.json()) as { ok: boolean };
      if (r.status !== 200 || body.ok !== false) throw new Error(`the worst plan answered ${r.status}`);
      done = true;
      return performance.now() - t0;
    });
    const during: number[] = [];
    while (!done) during.push(await get(url));
    return { idle: median(idle), idleP95: pct(idle, 0.95), idleSlowest: Math.max(...idle), slowest: Math.max(...during), p95: pct(during, 0.95), typical: median(during), gets: during.length, validateMs: await posted };
  }

  const modes = ['inline', 'pool'] as const;
  const servers = Object.fromEntries(await Promise.all(modes.map(async (m) => [m, await startServer(m)] as const)));
  // Warm both: templates loaded, the pool's thread started, the review's modules compiled.
  for (const m of modes) {
    await get(servers[m]!.url);
    await fetch(`${servers[m]!.url}/api/validate`, { method: 'POST', body: PLAN('warm-db'), headers: { 'content-type': 'application/yaml' } }).then((r) => r.text());
  }
  const results: Record<string, Awaited<ReturnType<typeof run>>[]> = { inline: [], pool: [] };
  for (let i = 0; i < RUNS; i++) for (const m of modes) results[m]!.push(await run(servers[m]!.url));
  for (const m of modes) servers[m]!.stop();

  console.log(`GET /api/templates while the worst plan (${(worst.length / 1024).toFixed(0)} KB, one flow map) is validated; medians of ${RUNS} runs`);
  console.log(`(load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs: on a shared machine the slowest GET waits for a CPU, not for the validation)`);
  console.log('mode | validate ms | GETs during | GET ms: median, p95, slowest | idle GET ms (60): median, p95, slowest | median / idle | p95 / idle p95');
  console.log('---- | ----------: | ----------: | ---------------------------: | --------------------------------: | ------------: | ------------:');
  for (const m of modes) {
    const r = results[m]!;
    const f = (g: (x: (typeof r)[number]) => number) => median(r.map(g)).toFixed(1);
    console.log(`${m === 'pool' ? 'worker pool (now)' : 'main thread (before)'} | ${f((x) => x.validateMs)} | ${median(r.map((x) => x.gets))} | ${f((x) => x.typical)}, ${f((x) => x.p95)}, ${f((x) => x.slowest)} | ${f((x) => x.idle)}, ${f((x) => x.idleP95)}, ${f((x) => x.idleSlowest)} | ${median(r.map((x) => x.typical / x.idle)).toFixed(2)}x | ${median(r.map((x) => x.p95 / x.idleP95)).toFixed(2)}x`);
  }
  const pool = results.pool!;
  const p95 = median(pool.map((x) => x.p95));
  console.log(`\nconcurrent GET with the worker pool: median ${median(pool.map((x) => x.typical)).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (target < ${TARGET_MS} ms): ${p95 < TARGET_MS ? 'ok' : 'OVER'}; slowest ${median(pool.map((x) => x.slowest)).toFixed(1)} ms (idle server's slowest of 60: ${median(pool.map((x) => x.idleSlowest)).toFixed(1)} ms)`);
}
