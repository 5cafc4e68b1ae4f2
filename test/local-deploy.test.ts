import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPlatform } from '../app/local/local-platform.ts';
import type { LocalProgress } from '../app/local/local-platform.ts';
import { settingsFile } from '../app/services/onboarding.ts';
import { registerCloud, unregisterCloud } from '../synth/core/registry/clouds.ts';
import { registerKind, unregisterKind } from '../synth/core/registry/kinds.ts';
import { fixtureCloud } from './fixtures/fixture-cloud/index.ts';
import { widgetKind } from './fixtures/widget-kind/index.ts';
import { PLAN } from './github/harness.ts';
import { gitRepo, tempDir } from './helpers.ts';

const run = promisify(execFile);
/** terraform offline: no provider download (terraform_data is built in), no version check. */
const TF_ENV = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
const widget = (name: string, sizeGiB: number, project = 'shop') => `apiVersion: autostack.dev/v1\nkind: Widget\nmetadata:\n  name: ${name}\n  project: ${project}\nspec:\n  cloud: fixture\n  sizeGiB: ${sizeGiB}\n`;

async function repo(plans: Record<string, string> = {}): Promise<{ dir: string; local: LocalPlatform; git: ReturnType<typeof simpleGit> }> {
  const dir = await gitRepo([{ '.autostack/autostack.yaml': settingsFile('local'), ...plans }]);
  return { dir, local: await LocalPlatform.open(dir), git: simpleGit(dir) };
}

const change = (local: LocalPlatform, branch: string, path: string, content: string | null) => local.openPull({ branch, title: branch, body: '', commitMessage: branch, files: [{ path, content }] });

/**
 * Runs the commands as a user pastes them into a shell, from `cwd`: everything but terraform's
 * apply/destroy (no cloud here); init offline without a backend, then validate.
 */
async function paste(commands: string[], cwd: string): Promise<string> {
  const script = commands
    .filter((c) => !/^terraform .* (apply|destroy)$/.test(c))
    .map((c) => (/^terraform .* init$/.test(c) ? `${c} -input=false -backend=false && ${c.replace(/ init$/, ' validate -no-color')}` : c))
    .join(' && ');
  const { stdout } = await run('sh', ['-c', script], { cwd, env: TF_ENV });
  return stdout;
}

describe('local mode: the deploy folder, progress, render times and activity', () => {
  beforeAll(() => {
    registerCloud(fixtureCloud);
    registerKind(widgetKind);
  });
  afterAll(() => {
    unregisterKind('Widget');
    unregisterCloud('fixture');
  });

  it('the apply commands work when pasted from any folder, and the deploy folder follows every merge (two merges, real terraform init)', async () => {
    const { dir, local, git } = await repo();
    const a = await change(local, 'add-w', '.autostack/w.yaml', widget('w', 20));
    const first = await local.mergePull(a.number);
    expect(first.merged?.render).toMatchObject({ kind: 'rendered', stacks: [{ name: 'w-fixture', action: 'apply' }] });
    const render = first.merged!.render as { commands: string[]; howToApply: string };
    expect(render.commands).toEqual([`cd ${local.deployDir}`, 'terraform -chdir=stacks/w-fixture init', 'terraform -chdir=stacks/w-fixture apply']);
    // The words show the same commands.
    expect(render.howToApply).toContain(render.commands.join(' && '));
    // Pasted in a folder that has nothing to do with the repository (a new terminal's home, say).
    const elsewhere = await tempDir('somewhere-');
    expect(await paste(render.commands, elsewhere)).toContain('The configuration is valid');
    // What an apply leaves there (terraform's state and lock file, untracked) must survive the next render.
    await writeFile(join(local.deployDir, 'stacks/w-fixture/terraform.tfstate'), '{"version":4}\n');

    // A second merge changes the stack; the folder follows, keeping terraform's own files.
    const b = await change(local, 'move-w', '.autostack/w.yaml', widget('w', 40, 'shop-two'));
    const second = await local.mergePull(b.number);
    const commands = (second.merged!.render as { commands: string[] }).commands;
    const deployed = await git.raw(['show', 'autostack/deploy:stacks/w-fixture/cdk.tf.json']);
    expect(await git.raw(['show', 'autostack/deploy~1:stacks/w-fixture/cdk.tf.json'])).not.toBe(deployed);
    expect(await readFile(join(local.deployDir, 'stacks/w-fixture/cdk.tf.json'), 'utf8')).toBe(deployed);
    expect(await readFile(join(local.deployDir, 'stacks/w-fixture/terraform.tfstate'), 'utf8')).toBe('{"version":4}\n');
    expect(await paste(commands, dir)).toContain('The configuration is valid');
    const folder = await local.deployFolder();
    expect(folder).toMatchObject({ state: 'current', dir: local.deployDir, branch: 'autostack/deploy', update: [], commands });
    expect(folder.commit).toBe((await git.revparse(['autostack/deploy'])).trim());
    // The repository's own working tree is untouched by the deploy folder.
    expect((await git.status()).isClean()).toBe(true);
  }, 120_000);

  it('says when the deploy folder is behind or missing, and the update command it shows brings it back', async () => {
    const { dir, local, git } = await repo();
    expect(await local.deployFolder()).toMatchObject({ state: 'nothing rendered', commands: [] });
    await local.mergePull((await change(local, 'add-w', '.autostack/w.yaml', widget('w', 20))).number);
    await local.mergePull((await change(local, 'grow-w', '.autostack/w.yaml', widget('w', 40))).number);
    await run('git', ['-C', local.deployDir, 'checkout', '-q', '--detach', 'HEAD~1']);
    const behind = await local.deployFolder();
    expect(behind.state).toBe('behind');
    expect(behind.update).toEqual([`git -C ${local.deployDir} checkout --detach autostack/deploy`]);
    await run('sh', ['-c', behind.update.join(' && ')], { cwd: await tempDir() });
    expect((await local.deployFolder()).state).toBe('current');

    // Removed by hand: reported missing with the command that makes it again; the next start makes it itself.
    await run('git', ['-C', dir, 'worktree', 'remove', '--force', local.deployDir]);
    const missing = await local.deployFolder();
    expect(missing.state).toBe('missing');
    expect(missing.update).toEqual([`git -C ${dir} worktree add --detach ${local.deployDir} autostack/deploy`]);
    const restarted = await LocalPlatform.open(dir);
    expect((await restarted.deployFolder()).state).toBe('current');
    expect((await git.raw(['rev-parse', 'HEAD'])).trim()).toBe((await git.revparse(['main'])).trim());
  }, 120_000);

  it('reports progress while a merge runs: merging, reviewing, rendering stack k of n, writing the deploy branch', async () => {
    const { local } = await repo();
    const pr = await change(local, 'add-two', '.autostack/a.yaml', widget('a', 20));
    // A second file on the same branch: two stacks to render.
    const head = await local.git.commit((await local.getPull(pr.number)).headSha, [{ path: '.autostack/b.yaml', content: widget('b', 30) }], 'and b');
    await local.git.setBranch('add-two', head, (await local.getPull(pr.number)).headSha);
    const pulls = JSON.parse(await readFile(join(local.git.gitDir, 'autostack/pulls.json'), 'utf8'));
    pulls[0].headSha = head;
    pulls[0].files.push('.autostack/b.yaml');
    await writeFile(join(local.git.gitDir, 'autostack/pulls.json'), JSON.stringify(pulls));
    const seen: LocalProgress[] = [];
    local.onProgress = (p) => {
      // What a poll of /api/local/progress would answer at that moment.
      seen.push({ ...local.progress()! });
      expect(local.progress()).toEqual(p);
    };
    expect(local.progress()).toBeUndefined();
    await local.mergePull(pr.number);
    expect(local.progress()).toBeUndefined();
    expect(seen.every((p) => p.operation === 'merge' && p.pull === pr.number)).toBe(true);
    const texts = seen.map((p) => p.text);
    expect(texts[0]).toBe('Merging add-two into main');
    expect(texts).toContain('Reviewing the merge result against main as it is now (budgets over every plan)');
    expect(texts).toContain('Rendering stack 1 of 2 (a-fixture)');
    expect(texts).toContain('Rendering stack 2 of 2 (b-fixture)');
    expect(texts).toContain('Writing the deploy branch autostack/deploy');
    const order = ['merging', 'reviewing', 'rendering', 'writing'].map((s) => seen.findIndex((p) => p.step === s));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(seen.find((p) => p.stack?.k === 2)?.stack).toEqual({ k: 2, n: 2, name: 'b-fixture' });
  }, 120_000);

  it('each plan shows its own render time; "Render again" renders one plan and shows in the activity', async () => {
    const { local } = await repo({ '.autostack/a-db.yaml': PLAN('a-db') });
    await local.mergePull((await change(local, 'add-w', '.autostack/w.yaml', widget('w', 20))).number);
    const firstRender = JSON.parse(await local.git.git.raw(['show', 'autostack/deploy:autostack-deploy.json'])).renderedAt as string;
    await new Promise((r) => setTimeout(r, 20));
    await local.mergePull((await change(local, 'add-v', '.autostack/v.yaml', widget('v', 20))).number);
    const secondRender = JSON.parse(await local.git.git.raw(['show', 'autostack/deploy:autostack-deploy.json'])).renderedAt as string;
    expect(secondRender > firstRender).toBe(true);
    const times = await local.latestDeployments(['w', 'v', 'a-db']);
    expect(times.get('w')?.updatedAt).toBe(firstRender);
    expect(times.get('v')?.updatedAt).toBe(secondRender);
    expect(times.get('a-db')).toBeNull();

    const again = await local.redeploy('w');
    expect(again).toMatchObject({ ok: true, stack: 'w-fixture' });
    // Plain words: no markdown backticks, no API words.
    expect(again.message).toMatch(/^Rendered w-fixture again on autostack\/deploy \([0-9a-f]{7}\)\. Apply with your own cloud credentials in /);
    expect(again.message).not.toMatch(/`|\b(GET|POST|PUT|DELETE)\b|\/api\//);
    const third = await local.latestDeployments(['w', 'v']);
    expect(third.get('w')!.updatedAt > secondRender).toBe(true);
    expect(third.get('v')?.updatedAt).toBe(secondRender);

    const activity = await local.activity();
    const renders = activity.filter((a) => a.kind === 'deployment');
    expect(renders.map((r) => r.title)).toEqual([
      expect.stringMatching(/^rendered w-fixture from [0-9a-f]{7} on autostack\/deploy$/),
      expect.stringMatching(/^rendered v-fixture from [0-9a-f]{7} on autostack\/deploy$/),
      expect.stringMatching(/^rendered w-fixture from [0-9a-f]{7} on autostack\/deploy$/),
    ]);
    expect(renders.map((r) => r.plans)).toEqual([['w'], ['v'], ['w']]);
    expect(renders[0]!.at).toBe(third.get('w')!.updatedAt);
    expect(activity[0]).toBe(renders[0]);
  }, 120_000);
});
