import '../synth/node.ts';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { ApiOptions } from './api/index.ts';
import { LocalPlatform } from './local/local-platform.ts';
import { LocalGitError } from './local/local-repo.ts';
import { createGitHubServer, gitHubModeFromEnv, gitHubUrlsFromEnv, WEBHOOK_PATH } from './server.ts';
import { createWebApp } from './web.ts';

/** API settings from the environment: PUBLIC_URL, GITHUB_CLIENT_ID/SECRET, SESSION_SECRET, GHE_HOST and GHE_PROTOCOL. */
export function apiOptionsFromEnv(env: NodeJS.ProcessEnv, port: number): ApiOptions | { error: string } {
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${port}`;
  try {
    new URL(publicUrl);
  } catch {
    return { error: `PUBLIC_URL "${publicUrl}" is not a URL (example: https://autostack.example.com).` };
  }
  const urls = gitHubUrlsFromEnv(env);
  if ('error' in urls) return urls;
  const o: ApiOptions = { publicUrl, apiUrl: urls.apiUrl };
  if (env.GITHUB_CLIENT_ID || env.GITHUB_CLIENT_SECRET) {
    if (!env.GITHUB_CLIENT_ID || !env.GITHUB_CLIENT_SECRET) return { error: 'Set both GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the GitHub App\'s client id and a client secret) for sign-in, or neither.' };
    if (!env.SESSION_SECRET || env.SESSION_SECRET.length < 32) return { error: 'SESSION_SECRET must be set to at least 32 random characters when sign-in is configured (it encrypts the session cookie).' };
    o.oauth = { clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET, webUrl: urls.webUrl };
    o.sessionSecret = env.SESSION_SECRET;
  }
  return o;
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<Server> {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StartError(`PORT "${env.PORT}" is not a port number.`);
  const apiOptions = apiOptionsFromEnv(env, port);
  if ('error' in apiOptions) throw new StartError(apiOptions.error);
  const github = gitHubModeFromEnv(env);
  if (github && 'error' in github) throw new StartError(github.error);
  let local: LocalPlatform | undefined;
  if (!github) {
    const repoDir = env.AUTOSTACK_REPO ?? join(env.AUTOSTACK_DATA ?? resolve('.autostack-data'), 'repo');
    try {
      local = await LocalPlatform.open(repoDir);
    } catch (e) {
      throw new StartError(e instanceof LocalGitError ? e.message : `could not open the local repository ${repoDir}: ${(e as Error).message.split('\n')[0]}`);
    }
    apiOptions.local = local;
  }
  const api = getRequestListener(createWebApp(apiOptions).fetch);
  const server = github ? await createGitHubServer({ ...github, fallback: api }) : createServer(api);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Local mode acts on a repository on this machine without sign-in: loopback only unless HOST says otherwise.
    server.listen(port, env.HOST ?? (github ? '0.0.0.0' : '127.0.0.1'), resolve);
  });
  const where = apiOptions.publicUrl;
  if (github) {
    console.log(`AutoStack GitHub App ${github.appId} listening on ${where}`);
    console.log(`  webhooks: ${new URL(WEBHOOK_PATH, where)}`);
    console.log(`  lost deliveries: ${github.redeliverEveryMs ? `looked for every ${github.redeliverEveryMs / 60_000} min and redelivered` : 'not looked for (AUTOSTACK_REDELIVER_MINUTES=0)'}`);
    console.log(`  sign-in:  ${apiOptions.oauth ? 'configured' : 'off (set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, SESSION_SECRET)'}`);
  } else {
    console.log(`AutoStack (local mode) on ${where}`);
    console.log(`  repository: ${local!.git.dir} (${local!.repo}, default branch ${local!.defaultBranch})`);
    console.log(`  deploy folder (the newest rendered Terraform): ${local!.deployDir}`);
    console.log('  no GitHub App configured: set APP_ID, PRIVATE_KEY and WEBHOOK_SECRET to run as the GitHub App');
  }
  return server;
}

export class StartError extends Error {}

if (import.meta.main) {
  start().then((server) => {
    const stop = () => server.close(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }, (e: unknown) => {
    console.error(`autostack: ${e instanceof StartError ? e.message : (e as Error).message.split('\n')[0]}`);
    process.exit(1);
  });
}
