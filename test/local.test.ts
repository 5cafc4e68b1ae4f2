import '../synth/node.ts';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { simpleGit } from 'simple-git';
import { afterEach, describe, expect, it } from 'vitest';
import { createApi } from '../app/api/index.ts';
import { LocalPlatform } from '../app/local/local-platform.ts';
import { sourceOf } from '../synth/contract/deploy-manifest.ts';
import { PLAN } from './github/harness.ts';
import { gitRepo, tempDir } from './helpers.ts';

let server: Server | undefined;
afterEach(() => server?.close());

async function serve(dir: string): Promise<{ url: string; local: LocalPlatform; call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response> }> {
  const local = await LocalPlatform.open(dir);
  server = createServer();
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', getRequestListener(createApi({ publicUrl: url, local }).fetch));
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json', origin: url } : {}), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { url, local, call };
}

describe('local mode: the platform on a local git repository', () => {
  it('seeds a new repository, opens a reviewed pull request, merges it and renders the Terraform to the deploy branch', async () => {
    const dir = join(await tempDir('local-'), 'infra');
    const { local, call } = await serve(dir);
    expect(local.repo).toBe('local/infra');
    const git = simpleGit(dir);
    expect((await git.branchLocal()).current).toBe('main');
    const plans = await (await call('GET', '/api/repos/local/infra/plans')).json();
    expect(plans.plans.map((p: { name: string }) => p.name)).toEqual(['example-db']);

    const opened = await call('POST', '/api/repos/local/infra/plans', { content: PLAN('orders-db') });
    expect(opened.status).toBe(201);
    const { pullRequest } = await opened.json();
    expect(pullRequest).toMatchObject({ number: 1, path: '.autostack/orders-db.yaml' });
    // The pull request is a branch: the working tree and main are untouched until the merge.
    expect(existsSync(join(dir, '.autostack/orders-db.yaml'))).toBe(false);
    expect((await git.status()).isClean()).toBe(true);
    expect(await git.raw(['show', `${pullRequest.branch}:.autostack/orders-db.yaml`])).toBe(PLAN('orders-db'));

    const pull = await (await call('GET', '/api/local/pulls/1')).json();
    expect(pull).toMatchObject({ state: 'open', files: ['.autostack/orders-db.yaml'], review: { ok: true, errors: 0 } });
    expect(pull.review.markdown).toContain('orders-db');
    expect(pull.review.markdown).toMatch(/AWS/);
    expect(pull.review.monthlyUsdAfter).toBeGreaterThan(0);

    const merged = await (await call('POST', '/api/local/pulls/1/merge', {})).json();
    expect(merged.state).toBe('merged');
    expect(merged.merged.render).toMatchObject({ kind: 'rendered', branch: 'autostack/deploy', stacks: [{ name: 'orders-db-aws', action: 'apply', path: 'stacks/orders-db-aws/cdk.tf.json' }] });
    expect(merged.merged.render.howToApply).toMatch(/terraform -chdir=.*stacks\/orders-db-aws init/);
    // main moved and the checked-out working tree followed; the deploy commit names the merge.
    expect(existsSync(join(dir, '.autostack/orders-db.yaml'))).toBe(true);
    expect((await git.status()).isClean()).toBe(true);
    const main = (await git.revparse(['main'])).trim();
    expect(merged.merged.commit).toBe(main);
    expect(sourceOf(await git.raw(['log', '-1', '--format=%B', 'autostack/deploy']))).toBe(main);
    const stack = JSON.parse(await git.raw(['show', 'autostack/deploy:stacks/orders-db-aws/cdk.tf.json']));
    expect(Object.keys(stack.resource)).toContain('aws_instance');
    const manifest = JSON.parse(await git.raw(['show', 'autostack/deploy:autostack-deploy.json']));
    expect(manifest.sourceSha).toBe(main);

    const after = await (await call('GET', '/api/repos/local/infra/plans')).json();
    expect(after.plans.find((p: { name: string }) => p.name === 'orders-db').deployment).toMatchObject({ state: 'rendered', environment: 'autostack/orders-db' });
    expect((await call('POST', '/api/local/pulls/1/merge', {})).status).toBe(409);
  }, 60_000);

  it('refuses an invalid plan or one over its budget up front (nothing is created); a pull request whose review failed cannot be merged', async () => {
    const dir = join(await tempDir('local-'), 'repo');
    const { call } = await serve(dir);
    const git = simpleGit(dir);
    const before = await git.raw(['for-each-ref', '--format=%(refname)']);
    const bad = await call('POST', '/api/repos/local/repo/plans', { content: PLAN('orders-db').replace('cloud: aws', 'cloud: mars') });
    expect(bad.status).toBe(422);
    expect((await bad.json()).diagnostics[0]).toMatchObject({ line: 5, severity: 'error' });
    expect(await git.raw(['for-each-ref', '--format=%(refname)'])).toBe(before);

    const over = await call('POST', '/api/repos/local/repo/plans', { content: PLAN('big-db', '  budget: { monthlyUsd: 5 }\n') });
    expect(over.status).toBe(422);
    expect(JSON.stringify(await over.json())).toMatch(/exceeds the budget/);

    // A branch made outside the API (as a person could) still gets the review, and a failed review blocks the merge.
    const local = await LocalPlatform.open(dir);
    const pr = await local.openPull({ branch: 'by-hand', title: 'Too big', body: '', commitMessage: 'Too big', files: [{ path: '.autostack/big-db.yaml', content: PLAN('big-db', '  budget: { monthlyUsd: 5 }\n') }] });
    const pull = await local.getPull(pr.number);
    expect(pull.review).toMatchObject({ ok: false });
    expect(pull.review.markdown).toMatch(/exceeds the budget/);
    await expect(local.mergePull(pr.number)).rejects.toThrow(/did not pass its AutoStack review/);
    expect(await git.raw(['ls-tree', '--name-only', 'main', '.autostack/'])).not.toContain('big-db');
  }, 60_000);

  it('removes a plan through a pull request: the stack is marked for destroy on the deploy branch', async () => {
    const dir = join(await tempDir('local-'), 'repo');
    const { call } = await serve(dir);
    await call('POST', '/api/repos/local/repo/plans', { content: PLAN('orders-db') });
    await call('POST', '/api/local/pulls/1/merge', {});
    const removed = await call('DELETE', '/api/repos/local/repo/plans/orders-db', undefined, { origin: 'http://localhost' });
    expect(removed.status).toBe(403);
    const ok = await fetch(`${(await call('GET', '/api/local')).url.replace('/api/local', '')}/api/repos/local/repo/plans/orders-db`, { method: 'DELETE' });
    expect(ok.status).toBe(201);
    const merged = await (await call('POST', '/api/local/pulls/2/merge', {})).json();
    expect(merged.merged.render.stacks).toEqual([{ name: 'orders-db-aws', action: 'destroy', path: 'stacks/orders-db-aws/cdk.tf.json' }]);
  }, 60_000);

  it('merges two pull requests from the same base with a merge commit', async () => {
    const dir = join(await tempDir('local-'), 'repo');
    const { call } = await serve(dir);
    await call('POST', '/api/repos/local/repo/plans', { content: PLAN('a-db') });
    await call('POST', '/api/repos/local/repo/plans', { content: PLAN('b-db') });
    await call('POST', '/api/local/pulls/1/merge', {});
    const second = await (await call('POST', '/api/local/pulls/2/merge', {})).json();
    const git = simpleGit(dir);
    expect((await git.raw(['log', '-1', '--format=%P', second.merged.commit])).trim().split(' ')).toHaveLength(2);
    expect(second.merged.render.stacks.map((s: { name: string }) => s.name)).toEqual(['b-db-aws']);
    expect(await git.raw(['ls-tree', '--name-only', 'main', '.autostack/'])).toContain('a-db.yaml');

    // "Render again" re-renders that plan only; the other stacks stay unchanged on the deploy branch.
    const again = await call('POST', '/api/repos/local/repo/plans/a-db/deploy', {});
    expect(again.status).toBe(202);
    expect((await again.json()).message).toMatch(/^Rendered a-db-aws again on autostack\/deploy/);
    const manifest = JSON.parse(await git.raw(['show', 'autostack/deploy:autostack-deploy.json']));
    expect(manifest.stacks.map((s: { name: string; action: string }) => `${s.name}:${s.action}`)).toEqual(['a-db-aws:apply', 'b-db-aws:unchanged']);
    expect((await call('POST', '/api/repos/local/repo/plans/ghost-db/deploy', {})).status).toBe(404);
  }, 60_000);

  it('refuses to merge into a checked-out branch with uncommitted changes, and changes nothing', async () => {
    const dir = await gitRepo([{ '.autostack/x-db.yaml': PLAN('x-db') }]);
    const git = simpleGit(dir);
    await git.raw(['branch', '-M', 'main']);
    const { call } = await serve(dir);
    await call('POST', `/api/repos/local/${dir.split('/').pop()!.toLowerCase()}/plans`, { content: PLAN('y-db') });
    await writeFile(join(dir, 'notes.txt'), 'work in progress');
    await git.add('notes.txt');
    const head = (await git.revparse(['main'])).trim();
    const r = await call('POST', '/api/local/pulls/1/merge', {});
    expect(r.status).toBe(409);
    expect((await r.json()).error).toMatch(/uncommitted changes/);
    expect((await git.revparse(['main'])).trim()).toBe(head);
  }, 60_000);

  it('answers only on this machine and only to same-origin writes', async () => {
    const dir = join(await tempDir('local-'), 'repo');
    const { url, call } = await serve(dir);
    expect((await call('POST', '/api/repos/local/repo/plans', { content: PLAN('z-db') }, { origin: 'https://evil.example' })).status).toBe(403);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host.
    const rebinding = await new Promise<number>((resolve, reject) => {
      const u = new URL(url);
      request({ host: u.hostname, port: u.port, path: '/api/local', headers: { host: 'evil.example' } }, (res) => resolve(res.statusCode ?? 0)).on('error', reject).end();
    });
    expect(rebinding).toBe(403);
    expect((await call('GET', '/api/repos/acme/infra/plans')).status).toBe(404);
  });
});
