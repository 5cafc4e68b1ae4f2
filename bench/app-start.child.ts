// One start-up measured by bench/app-start.bench.ts, in its own process: `node bench/app-start.child.ts <mode>`.
//   probot:  a bare Probot app (no handlers) behind a node:http server, the baseline
//   app:     AutoStack in GitHub App mode as app/main.ts starts it (the webhook server, the App loaded
//            into Probot, the API and the site as fallback), CDKTF loaded on the first render
//   eager:   the same with synthesize (CDKTF and the three providers) imported at start, as before
// Prints { ms, rss } as JSON: time to listening, and resident memory once idle (after a full GC).
// synth/node.ts (which app/main.ts imports first) is loaded only for the AutoStack modes: the baseline is bare.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';

const mode = process.argv[2];
const t0 = performance.now();
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const keyMs = performance.now() - t0;
process.env.LOG_LEVEL = 'fatal';
let server: Server;
if (mode === 'probot') {
  const { Probot } = await import('probot');
  const probot = new Probot({ appId: '1', privateKey, secret: 'a-webhook-secret-of-length', logLevel: 'fatal' });
  await probot.load(() => {});
  server = createServer((_req, res) => res.writeHead(404).end());
} else {
  await import('../synth/node.ts');
  if (mode === 'eager') await import('../synth/stack/synthesize.ts');
  const { getRequestListener } = await import('@hono/node-server');
  const { createGitHubServer } = await import('../app/server.ts');
  const { createWebApp } = await import('../app/web.ts');
  const { loadAppConfig } = await import('../app/services/config.ts');
  const api = getRequestListener(createWebApp({ publicUrl: 'http://127.0.0.1', apiUrl: 'https://api.github.com' }).fetch);
  server = await createGitHubServer({ appId: '1', privateKey, secret: 'a-webhook-secret-of-length', config: loadAppConfig({}), fallback: api });
}
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const ms = performance.now() - t0 - keyMs;
await new Promise((r) => setTimeout(r, 300));
for (let i = 0; i < 3; i++) globalThis.gc?.();
await new Promise((r) => setTimeout(r, 100));
const rss = process.memoryUsage().rss;
server.close();
process.stdout.write(JSON.stringify({ ms, rss }));
