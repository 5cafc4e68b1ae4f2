import '../synth/node.ts';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { proposePlanChange } from '../app/api/repo-plans.ts';
import { LocalPlatform } from '../app/local/local-platform.ts';
import { sourceOf } from '../synth/contract/deploy-manifest.ts';
import { settingsFile } from '../app/services/onboarding.ts';
import { PLAN } from './github/harness.ts';
import { gitRepo } from './helpers.ts';

/** A repository whose main holds the settings (optionally changed) and the given plans. */
async function repo(plans: Record<string, string>, settings = (s: string) => s): Promise<{ dir: string; local: LocalPlatform; git: ReturnType<typeof simpleGit> }> {
  const dir = await gitRepo([{ '.autostack/autostack.yaml': settings(settingsFile('local')), ...plans }]);
  return { dir, local: await LocalPlatform.open(dir), git: simpleGit(dir) };
}

async function refs(git: ReturnType<typeof simpleGit>): Promise<string> {
  return git.raw(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/']);
}

const change = (local: LocalPlatform, branch: string, path: string, content: string | null) => local.openPull({ branch, title: branch, body: '', commitMessage: branch, files: [{ path, content }] });

describe('local merges: conflicts, re-review against main, crash safety, deploy branch names', () => {
  it('refuses a conflicting merge with the files, and changes neither main, the deploy branch nor the working tree', async () => {
    const { dir, local, git } = await repo({ '.autostack/orders-db.yaml': PLAN('orders-db') });
    const a = await change(local, 'bigger', '.autostack/orders-db.yaml', PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 100'));
    const b = await change(local, 'biggest', '.autostack/orders-db.yaml', PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 200'));
    await local.mergePull(a.number);
    const before = await refs(git);
    const text = await readFile(join(dir, '.autostack/orders-db.yaml'), 'utf8');
    await expect(local.mergePull(b.number)).rejects.toThrow(/conflicts with main in \.autostack\/orders-db\.yaml: update its branch/);
    expect(await refs(git)).toBe(before);
    expect(await git.raw(['show', 'main:.autostack/orders-db.yaml'])).not.toContain('<<<<<<<');
    expect(await readFile(join(dir, '.autostack/orders-db.yaml'), 'utf8')).toBe(text);
    expect((await git.status()).isClean()).toBe(true);
    expect((await local.getPull(b.number)).state).toBe('open');
  }, 60_000);

  it('reviews the merge result against main as it is now: two plans under the repository budget each, over it together', async () => {
    // Measure one plan's monthly cost, then set the repository budget to 1.5 times that.
    const probe = await repo({});
    const p = await change(probe.local, 'probe', '.autostack/a-db.yaml', PLAN('a-db'));
    const cost = (await probe.local.getPull(p.number)).review.monthlyUsdAfter;
    expect(cost).toBeGreaterThan(0);
    const limit = Math.round(cost * 1.5);
    const { local, git } = await repo({}, (s) => s.replace('  deployBranch:', `  budgets: { monthlyUsd: ${limit} }\n  deployBranch:`));
    const a = await change(local, 'add-a', '.autostack/a-db.yaml', PLAN('a-db'));
    const b = await change(local, 'add-b', '.autostack/b-db.yaml', PLAN('b-db'));
    expect((await local.getPull(a.number)).review.ok).toBe(true);
    expect((await local.getPull(b.number)).review.ok).toBe(true);
    await local.mergePull(a.number);
    const before = await refs(git);
    const refused = await local.mergePull(b.number).then(() => undefined, (e: Error & { status?: number }) => e);
    expect(refused?.status).toBe(409);
    expect(refused?.message).toMatch(/passed its review on its own, but not merged with main/);
    expect(refused?.message).toMatch(new RegExp(`repository budget "all plans" of \\$${limit}\\.00/month would be exceeded`));
    expect(refused?.message).toMatch(/Nothing was merged/);
    expect(await refs(git)).toBe(before);
    expect((await local.getPull(b.number)).state).toBe('open');
  }, 60_000);

  it('reviews the merge result: a clean textual merge that makes an invalid plan is refused with the diagnostic', async () => {
    const { local, git } = await repo({ '.autostack/orders-db.yaml': PLAN('orders-db') });
    const small = await change(local, 'small', '.autostack/orders-db.yaml', PLAN('orders-db').replace('memoryGiB: 8', 'memoryGiB: 2'));
    const busy = await change(local, 'busy', '.autostack/orders-db.yaml', PLAN('orders-db').replace('postgres: { version: "17" }', 'postgres: { version: "17", maxConnections: 500 }'));
    expect((await local.getPull(small.number)).review.ok).toBe(true);
    expect((await local.getPull(busy.number)).review.ok).toBe(true);
    await local.mergePull(small.number);
    const before = await refs(git);
    const refused = await local.mergePull(busy.number).then(() => undefined, (e: Error & { status?: number; diagnostics?: { code: string; line: number }[] }) => e);
    expect(refused?.status).toBe(409);
    expect(refused?.message).toMatch(/\.autostack\/orders-db\.yaml:9:\d+ maxConnections 500 needs at least/);
    expect(refused?.diagnostics?.map((d) => d.code)).toContain('plan/memory-too-small');
    expect(await refs(git)).toBe(before);
    expect(await git.raw(['show', 'main:.autostack/orders-db.yaml'])).not.toContain('maxConnections');
  }, 60_000);

  for (const step of ['intent recorded', 'branches moved', 'working tree updated', 'pull request recorded']) {
    it(`a crash at "${step}" leaves nothing half done: a restart finishes the merge with its render, or leaves the pull request open`, async () => {
      const { dir, local, git } = await repo({});
      const pr = await change(local, 'add-a', '.autostack/a-db.yaml', PLAN('a-db'));
      const main = (await git.revparse(['main'])).trim();
      local.onStep = (s) => {
        if (s === step) throw new Error(`crash at ${s}`);
      };
      await expect(local.mergePull(pr.number)).rejects.toThrow(`crash at ${step}`);
      // Restart: a new process opens the repository.
      const restarted = await LocalPlatform.open(dir);
      expect(existsSync(join(dir, '.git/autostack/merging.json'))).toBe(false);
      const pull = await restarted.getPull(pr.number);
      const head = (await git.revparse(['main'])).trim();
      if (step === 'intent recorded') {
        // Nothing moved: main, the working tree and the pull request are as before, and it merges now.
        expect(head).toBe(main);
        expect(pull.state).toBe('open');
        expect(await restarted.mergePull(pr.number)).toMatchObject({ state: 'merged', merged: { render: { kind: 'rendered' } } });
      } else {
        expect(head).not.toBe(main);
        expect(pull).toMatchObject({ state: 'merged', merged: { commit: head, render: { kind: 'rendered', stacks: [{ name: 'a-db-aws', action: 'apply' }] } } });
      }
      const merged = (await git.revparse(['main'])).trim();
      expect(sourceOf(await git.raw(['log', '-1', '--format=%B', 'autostack/deploy']))).toBe(merged);
      expect(existsSync(join(dir, '.autostack/a-db.yaml'))).toBe(true);
      expect((await git.status()).isClean()).toBe(true);
      await expect(restarted.mergePull(pr.number)).rejects.toThrow(/already merged/);
    }, 60_000);
  }

  it('a restart renders a merge main holds but the deploy branch does not name (the deploy branch was moved meanwhile)', async () => {
    const { dir, local, git } = await repo({});
    const a = await change(local, 'add-a', '.autostack/a-db.yaml', PLAN('a-db'));
    await local.mergePull(a.number);
    const b = await change(local, 'add-b', '.autostack/b-db.yaml', PLAN('b-db'));
    const deployBefore = (await git.revparse(['autostack/deploy'])).trim();
    local.onStep = (s) => {
      if (s === 'branches moved') throw new Error('crash');
    };
    await expect(local.mergePull(b.number)).rejects.toThrow('crash');
    // Main has the plan; the deploy branch is put somewhere else by hand (an empty commit on its old head).
    const other = (await git.raw(['-c', 'user.name=x', '-c', 'user.email=x@x', 'commit-tree', `${deployBefore}^{tree}`, '-p', deployBefore, '-m', 'by hand'])).trim();
    await git.raw(['update-ref', 'refs/heads/autostack/deploy', other]);
    const restarted = await LocalPlatform.open(dir);
    const main = (await git.revparse(['main'])).trim();
    expect(await restarted.getPull(b.number)).toMatchObject({ state: 'merged', merged: { commit: main, render: { kind: 'rendered', stacks: [{ name: 'b-db-aws', action: 'apply' }] } } });
    expect((await git.raw(['log', '-1', '--format=%P', 'autostack/deploy'])).trim()).toBe(other);
    expect(sourceOf(await git.raw(['log', '-1', '--format=%B', 'autostack/deploy']))).toBe(main);
  }, 60_000);

  it('the next merge finishes an interrupted one first (no restart needed)', async () => {
    const { local, git } = await repo({});
    const a = await change(local, 'add-a', '.autostack/a-db.yaml', PLAN('a-db'));
    const b = await change(local, 'add-b', '.autostack/b-db.yaml', PLAN('b-db'));
    local.onStep = (s) => {
      if (s === 'branches moved') throw new Error('crash');
    };
    await expect(local.mergePull(a.number)).rejects.toThrow('crash');
    local.onStep = undefined;
    await local.mergePull(b.number);
    expect((await local.getPull(a.number)).state).toBe('merged');
    const manifest = JSON.parse(await git.raw(['show', 'autostack/deploy:autostack-deploy.json']));
    expect(manifest.stacks.map((s: { name: string }) => s.name)).toEqual(['a-db-aws', 'b-db-aws']);
  }, 60_000);

  it('a pull request already on main without its render (an earlier version interrupted, or merged by hand) is rendered when merged', async () => {
    const { local, git } = await repo({});
    const pr = await change(local, 'add-a', '.autostack/a-db.yaml', PLAN('a-db'));
    // The state an interrupted merge used to leave: main holds the change, no deploy branch, the pull request open.
    await git.raw(['merge', '-q', '--ff-only', 'add-a']);
    const main = (await git.revparse(['main'])).trim();
    const merged = await local.mergePull(pr.number);
    expect(merged).toMatchObject({ state: 'merged', merged: { commit: main, render: { kind: 'rendered', stacks: [{ name: 'a-db-aws', action: 'apply' }] } } });
    expect((await git.revparse(['main'])).trim()).toBe(main);
    expect(sourceOf(await git.raw(['log', '-1', '--format=%B', 'autostack/deploy']))).toBe(main);
  }, 60_000);

  for (const [name, why] of [['main', /is the default branch/], ['a..b', /not a branch name git accepts/], ['x.lock', /not a branch name git accepts/]] as const) {
    it(`refuses deployBranch ${name} before anything is merged, with a diagnostic at the settings field`, async () => {
      const { local, git } = await repo({}, (s) => s.replace('deployBranch: autostack/deploy', `deployBranch: ${name}`));
      const pr = await change(local, 'add-a', '.autostack/a-db.yaml', PLAN('a-db'));
      const before = await refs(git);
      const refused = await local.mergePull(pr.number).then(() => undefined, (e: Error & { status?: number; diagnostics?: { file: string; line: number; path?: string; message: string }[] }) => e);
      expect(refused?.status).toBe(422);
      expect(refused?.message).toMatch(/Nothing was merged or rendered/);
      expect(refused?.diagnostics).toEqual([expect.objectContaining({ file: '.autostack/autostack.yaml', line: 7, path: 'spec.deployBranch', message: expect.stringMatching(why) })]);
      expect(await refs(git)).toBe(before);
      expect((await local.getPull(pr.number)).state).toBe('open');
    }, 60_000);
  }

  it('proposing the same change twice (two DELETEs of a plan) answers the open pull request instead of a second one', async () => {
    const { local, git } = await repo({ '.autostack/orders-db.yaml': PLAN('orders-db') });
    const first = await proposePlanChange(local, { kind: 'remove', login: 'local', name: 'orders-db' });
    const branches = await refs(git);
    const second = await proposePlanChange(local, { kind: 'remove', login: 'local', name: 'orders-db' });
    expect(second).toMatchObject({ number: first.number, branch: first.branch, existing: true });
    expect(await refs(git)).toBe(branches);
    expect((await local.listPulls()).map((p) => p.number)).toEqual([first.number]);
    // A different change is a pull request of its own.
    const other = await proposePlanChange(local, { kind: 'update', login: 'local', name: 'orders-db', content: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 60') });
    expect(other.number).not.toBe(first.number);
    // Once the first is closed, the same change opens a new one.
    await local.closePull(first.number);
    expect((await proposePlanChange(local, { kind: 'remove', login: 'local', name: 'orders-db' })).number).not.toBe(first.number);
  }, 60_000);
});
