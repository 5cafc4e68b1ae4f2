import '../synth/node.ts';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleGit } from 'simple-git';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseInputs, parseStacks } from '../action/src/inputs.ts';
import { Masker } from '../action/src/mask.ts';
import { renderReport } from '../action/src/report.ts';
import { planBody } from '../action/src/run-stack.ts';
import type { StackResult } from '../action/src/run-stack.ts';
import { failureMessage } from '../action/src/terraform.ts';
import { FakeGitHubServer } from './github/fake-server.ts';
import { freshPrivateKey, ROOT, tempDir } from './helpers.ts';
import { needTool } from './tools.ts';

const run = promisify(execFile);
const TERRAFORM = needTool('terraform');
const SOURCE = '5'.repeat(40);
const SECRET = 'S3cr3t-Pa55word-Never-Shown';
const TOKEN = 'ghs_faketoken0000000000000000000000000000';

/** A stack of built-in terraform_data resources with a local backend: runs offline. */
function stack(greeting: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    variable: { db_password: { type: 'string', sensitive: true, default: SECRET } },
    resource: {
      terraform_data: {
        hello: { input: greeting },
        password: { input: '${var.db_password}' },
        ...extra,
      },
    },
    // `leak` unwraps the secret on purpose: terraform then prints it, and the Action must redact it itself.
    output: { password: { value: '${var.db_password}', sensitive: true }, greeting: { value: '${terraform_data.hello.output}' }, leak: { value: '${nonsensitive(var.db_password)}' } },
  }, null, 2);
}

async function deployRepo(stacks: Record<string, string>, source = SOURCE, rollouts: Record<string, string[][]> = {}): Promise<string> {
  const dir = await tempDir('deploy-branch-');
  const names = Object.keys(stacks);
  for (const [name, body] of Object.entries(stacks)) {
    mkdirSync(join(dir, 'stacks', name), { recursive: true });
    writeFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), body);
  }
  writeFileSync(join(dir, 'autostack-deploy.json'), JSON.stringify({ version: 1, sourceSha: source, renderedAt: '2026-11-23T10:00:00Z', stacks: names.map((n) => ({ name: n, plan: n.replace(/-aws$/, ''), cloud: 'aws', action: 'apply', ...(rollouts[n] ? { rollout: rollouts[n] } : {}) })) }));
  writeFileSync(join(dir, '.gitignore'), '.terraform/\n*.tfstate*\n.terraform.lock.hcl\n');
  const git = simpleGit(dir);
  await git.init(['-q', '-b', 'autostack/deploy']).addConfig('user.email', 't@example.com').addConfig('user.name', 'T').add('.').commit(`Render ${names.join(', ')}\n\nAutoStack-Source: ${source}`);
  return dir;
}

/** GitHub says the deploy branch's head is `sha` (by default the checkout's own HEAD). */
async function headRoute(gh: FakeGitHubServer, dir: string, sha?: string): Promise<void> {
  const head = sha ?? (await simpleGit(dir).revparse(['HEAD'])).trim();
  gh.on('GET', '/repos/acme/infra/git/ref/heads/autostack/deploy', 200, 1, { ref: 'refs/heads/autostack/deploy', object: { sha: head, type: 'commit' } });
}

interface Run {
  code: number;
  home: string;
  log: string;
  summary: string;
  outputs: Record<string, string>;
}

/** Runs the committed bundle from a folder with no node_modules, as the runner does, with INPUT_* variables. */
async function action(inputs: Record<string, string>, gh: FakeGitHubServer, extraEnv: Record<string, string> = {}): Promise<Run> {
  const home = await tempDir('action-run-');
  copyFileSync(join(ROOT, 'action/dist/index.js'), join(home, 'index.js'));
  const summary = join(home, 'summary.md');
  const output = join(home, 'output.txt');
  writeFileSync(summary, '');
  writeFileSync(output, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    TF_CLI_CONFIG_FILE: '/dev/null',
    CHECKPOINT_DISABLE: '1',
    RUNNER_TEMP: home,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_API_URL: gh.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    ...(inputs['working-directory'] ? { GITHUB_WORKSPACE: inputs['working-directory'] } : {}),
    'INPUT_GITHUB-TOKEN': TOKEN,
    'INPUT_TERRAFORM-VERSION': '1.11.4',
    INPUT_PARALLELISM: '2',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...extraEnv,
  };
  const r = await run(process.execPath, [join(home, 'index.js')], { cwd: home, env, maxBuffer: 64 * 1024 * 1024 }).then((x) => ({ code: 0, ...x }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
  return { code: r.code, home, log: r.stdout + r.stderr, summary: readFileSync(summary, 'utf8'), outputs: parseOutputs(readFileSync(output, 'utf8')) };
}

/** GITHUB_OUTPUT holds `name<<delimiter\nvalue\ndelimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

function deploymentRoutes(gh: FakeGitHubServer, stackName: string, plan: string, id: number, statuses: number) {
  gh.on('GET', '/repos/acme/infra/deployments', (r) => {
    expect(r.query.get('environment')).toBe(`autostack/${plan}`);
    return [200, [{ id: id + 1000, payload: { stack: 'other-stack' } }, { id, payload: { stack: stackName, action: 'apply', sourceSha: SOURCE } }]];
  });
  // The Action first asks whether this deployment already succeeded (a retried dispatch): not yet.
  gh.on('GET', `/repos/acme/infra/deployments/${id}/statuses`, 200, 1, [{ state: 'in_progress' }]);
  gh.on('POST', `/repos/acme/infra/deployments/${id}/statuses`, 201, statuses, { id: 1 });
}

let gh: FakeGitHubServer;
beforeAll(async () => {
  gh = await new FakeGitHubServer().start();
});
afterAll(() => gh.close());
afterEach(() => gh.verify());

TERRAFORM.describe('the Action with the real terraform CLI', () => {
  it('plans, applies the saved plan, finds nothing to change the second time, and destroys; reports every step', async () => {
    const dir = await deployRepo({ 'demo-aws': stack('hello') });
    const inputs = { mode: 'plan', stacks: 'demo-aws', 'source-sha': SOURCE, 'working-directory': dir };

    // 1. plan on a pull request: the plan comment, nothing applied, no deployment statuses.
    const event = join(await tempDir('event-'), 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 9 } }));
    gh.on('GET', '/repos/acme/infra/issues/9/comments', 200, 1, [{ id: 1, body: '<!-- autostack:terraform-plan -->\nforged by a person', user: { type: 'User' } }]);
    gh.on('POST', '/repos/acme/infra/issues/9/comments', 201, 1, { id: 2 });
    const planned = await action(inputs, gh, { GITHUB_EVENT_PATH: event });
    expect(planned.code, planned.log).toBe(0);
    expect(existsSync(join(dir, 'stacks/demo-aws/terraform.tfstate'))).toBe(false);
    expect(JSON.parse(planned.outputs['summary-json']!)[0]).toMatchObject({ name: 'demo-aws', status: 'planned', add: 2, change: 0, destroy: 0 });
    expect(JSON.parse(planned.outputs.applied!)).toEqual([]);
    const comment = gh.made('POST', '/issues/9/comments')[0]!.body.body as string;
    expect(comment).toContain('| `demo-aws` | 📝 planned | 2 | 0 | 0 |');
    expect(comment).toContain('terraform_data.hello');
    expect(gh.requests.every((r) => r.auth === `token ${TOKEN}`)).toBe(true);
    for (const text of [planned.log, planned.summary, comment, JSON.stringify(planned.outputs)]) expect(text).not.toContain(SECRET);
    gh.verify();

    // 2. apply: in_progress then success on the App's deployment, the summary table, the outputs.
    deploymentRoutes(gh, 'demo-aws', 'demo', 71, 2);
    await headRoute(gh, dir);
    const applied = await action({ ...inputs, mode: 'apply' }, gh);
    expect(applied.code, applied.log).toBe(0);
    expect(gh.made('POST', '/deployments/71/statuses').map((r) => r.body.state)).toEqual(['in_progress', 'success']);
    expect(gh.made('POST', '/deployments/71/statuses')[1]!.body.log_url).toBe('https://github.com/acme/infra/actions/runs/4242');
    expect(applied.summary).toContain('| `demo-aws` | ✅ applied | 2 | 0 | 0 |');
    expect(applied.summary).toContain('<details><summary>demo-aws: 2 resource changes</summary>');
    expect(JSON.parse(applied.outputs.applied!)).toEqual(['demo-aws']);
    expect(JSON.parse(applied.outputs.failed!)).toEqual([]);
    const state = JSON.parse(readFileSync(join(dir, 'stacks/demo-aws/terraform.tfstate'), 'utf8'));
    expect(state.resources.map((r: { name: string }) => r.name).sort()).toEqual(['hello', 'password']);
    expect(existsSync(join(dir, 'stacks/demo-aws/autostack.tfplan'))).toBe(false);
    for (const text of [applied.log, applied.summary, JSON.stringify(applied.outputs)]) expect(text).not.toContain(SECRET);
    expect(applied.log).not.toContain(TOKEN);
    gh.verify();

    // 3. the same apply again: nothing to change, still a success.
    deploymentRoutes(gh, 'demo-aws', 'demo', 72, 2);
    await headRoute(gh, dir);
    const again = await action({ ...inputs, mode: 'apply' }, gh);
    expect(again.code, again.log).toBe(0);
    expect(JSON.parse(again.outputs['summary-json']!)[0]).toMatchObject({ status: 'no-changes', add: 0, change: 0, destroy: 0 });
    expect(again.summary).toContain('✅ no changes');
    gh.verify();

    // 4. destroy.
    deploymentRoutes(gh, 'demo-aws', 'demo', 73, 2);
    await headRoute(gh, dir);
    const destroyed = await action({ ...inputs, mode: 'destroy' }, gh);
    expect(destroyed.code, destroyed.log).toBe(0);
    expect(JSON.parse(destroyed.outputs['summary-json']!)[0]).toMatchObject({ action: 'destroy', status: 'destroyed', destroy: 2 });
    expect(JSON.parse(readFileSync(join(dir, 'stacks/demo-aws/terraform.tfstate'), 'utf8')).resources).toEqual([]);
    for (const text of [destroyed.log, destroyed.summary]) expect(text).not.toContain(SECRET);
  }, 120_000);

  it('a deployment status answered 5xx after the apply is posted again, never the apply; a status GitHub never takes is named in the log and the run still succeeds', async () => {
    // terraform on PATH through a wrapper that writes down every command it runs.
    const bin = await tempDir('tf-wrapper-');
    const calls = join(bin, 'calls.txt');
    writeFileSync(join(bin, 'terraform'), `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${process.env.PATH!.split(':').map((d) => join(d, 'terraform')).find((f) => existsSync(f))}' "$@"\n`, { mode: 0o755 });
    const applies = () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter((l) => /(^| )apply /.test(l)) : []);
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const statuses = '/repos/acme/infra/deployments/75/statuses';
    const findDeployment = () => {
      gh.on('GET', '/repos/acme/infra/deployments', 200, 1, [{ id: 75, payload: { stack: 'demo-aws', action: 'apply', sourceSha: SOURCE } }]);
      // The Action first asks whether the deployment already succeeded (a retried dispatch, D12): it has not.
      gh.on('GET', statuses, 200, 1, [{ state: 'in_progress' }]);
    };
    const dir = await deployRepo({ 'demo-aws': stack('hello') });
    const inputs = { mode: 'apply', stacks: 'demo-aws', 'source-sha': SOURCE, 'working-directory': dir };
    findDeployment();
    gh.on('POST', statuses, 201, 1, { id: 1 });
    gh.on('POST', statuses, 502, 1, { message: 'Bad Gateway' });
    gh.on('POST', statuses, 201, 1, { id: 2 });
    await headRoute(gh, dir);
    const first = await action(inputs, gh, env);
    expect(first.code, first.log).toBe(0);
    expect(gh.made('POST', statuses).map((r) => r.body.state)).toEqual(['in_progress', 'success', 'success']);
    expect(JSON.parse(first.outputs.applied!)).toEqual(['demo-aws']);
    expect(applies()).toHaveLength(1);
    gh.verify();

    // GitHub keeps failing: three tries, a warning that says the apply is done, exit 0, one apply.
    const second = await deployRepo({ 'demo-aws': stack('hello') });
    findDeployment();
    gh.on('POST', statuses, 201, 1, { id: 3 });
    gh.on('POST', statuses, 503, 3, { message: 'Service Unavailable' });
    await headRoute(gh, second);
    const failing = await action({ ...inputs, 'working-directory': second }, gh, env);
    expect(failing.code, failing.log).toBe(0);
    expect(gh.made('POST', statuses).map((r) => r.body.state)).toEqual(['in_progress', 'success', 'success', 'success']);
    expect(applies()).toHaveLength(2);
    expect(failing.log).toContain('::warning::The result of demo-aws (applied) is in this run\'s log and summary, but GitHub did not record it on deployment 75, which may still show "in progress". It ran once and is done: there is no need to run the deploy again.');
    expect(failing.summary).toContain('| `demo-aws` | ✅ applied | 2 | 0 | 0 |');
    expect(failing.log).not.toContain(TOKEN);
  }, 120_000);

  it('refuses a deploy commit rendered from another source SHA and applies nothing', async () => {
    const dir = await deployRepo({ 'demo-aws': stack('hello') }, '6'.repeat(40));
    deploymentRoutes(gh, 'demo-aws', 'demo', 81, 1);
    const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir }, gh);
    expect(r.code).not.toBe(0);
    expect(existsSync(join(dir, 'stacks/demo-aws/.terraform'))).toBe(false);
    expect(existsSync(join(dir, 'stacks/demo-aws/terraform.tfstate'))).toBe(false);
    expect(gh.made('POST', '/deployments/81/statuses')[0]!.body.state).toBe('failure');
    expect(r.summary).toMatch(/rendered from 666666666666, not from 555555555555/);
    expect(JSON.parse(r.outputs.failed!)).toEqual(['demo-aws']);
  }, 60_000);

  it('lets the other stacks finish and report when one fails, and fails the run', async () => {
    const dir = await deployRepo({ 'good-aws': stack('fine'), 'bad-aws': stack('broken', { oops: { no_such_argument: 1 } }) });
    deploymentRoutes(gh, 'good-aws', 'good', 91, 2);
    deploymentRoutes(gh, 'bad-aws', 'bad', 92, 2);
    await headRoute(gh, dir);
    const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir }, gh);
    expect(r.code).not.toBe(0);
    expect(JSON.parse(r.outputs.applied!)).toEqual(['good-aws']);
    expect(JSON.parse(r.outputs.failed!)).toEqual(['bad-aws']);
    expect(r.summary).toMatch(/bad-aws\*\*: terraform plan failed \(exit 1\)/);
    expect(r.summary).toContain('no_such_argument');
    expect(gh.made('POST', '/deployments/92/statuses').map((x) => x.body.state)).toEqual(['in_progress', 'failure']);
    expect(gh.made('POST', '/deployments/91/statuses').map((x) => x.body.state)).toEqual(['in_progress', 'success']);
    expect(r.log).toMatch(/::error::1 of 2 stack\(s\) failed: bad-aws/);
    expect(r.log).not.toContain(SECRET);
  }, 120_000);
});

TERRAFORM.describe('a cluster change with the real terraform CLI', () => {
  /** Three servers whose image change replaces them; each logs when its (re)creation starts and ends. */
  const cluster = (image: string) => JSON.stringify({
    terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    resource: {
      terraform_data: Object.fromEntries([0, 1, 2].map((i) => [`server_${i}`, {
        triggers_replace: image,
        provisioner: [{ 'local-exec': { command: `echo start ${i} >> \${path.module}/order.log && sleep 1 && echo end ${i} >> \${path.module}/order.log` } }],
      }])),
    },
  }, null, 2);

  it('changes one server at a time, replicas first and the primary last, each wave checked against the reviewed plan', async () => {
    const rollout = [['terraform_data.server_2'], ['terraform_data.server_1'], ['terraform_data.server_0']];
    const dir = await deployRepo({ 'db-aws': cluster('debian-12') }, SOURCE, { 'db-aws': rollout });
    const inputs = { mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir };
    deploymentRoutes(gh, 'db-aws', 'db', 81, 2);
    await headRoute(gh, dir);
    expect((await action(inputs, gh)).code).toBe(0);
    gh.verify();
    writeFileSync(join(dir, 'stacks/db-aws/order.log'), '');
    writeFileSync(join(dir, 'stacks/db-aws/cdk.tf.json'), cluster('debian-13'));
    await simpleGit(dir).add('.').commit(`Render db-aws\n\nAutoStack-Source: ${SOURCE}`);
    deploymentRoutes(gh, 'db-aws', 'db', 82, 2);
    await headRoute(gh, dir);
    const r = await action(inputs, gh);
    expect(r.code, r.log).toBe(0);
    expect(readFileSync(join(dir, 'stacks/db-aws/order.log'), 'utf8').trim().split('\n')).toEqual(['start 2', 'end 2', 'start 1', 'end 1', 'start 0', 'end 0']);
    expect(r.log).toMatch(/rollout: server group 1 of 3: terraform_data\.server_2[\s\S]*group 3 of 3: terraform_data\.server_0/);
    expect(JSON.parse(r.outputs['summary-json']!)[0]).toMatchObject({ status: 'applied', add: 3, destroy: 3 });
  }, 180_000);
});

/**
 * A stand-in terraform: records where and how it ran, prints what a hostile stack could make
 * terraform print (workflow commands on their own lines, after spaces, after a carriage return),
 * then fails the plan. Runs without terraform or a network.
 */
async function fakeTerraform(): Promise<{ path: string; calls: string }> {
  const bin = await tempDir('fake-terraform-');
  const calls = join(bin, 'calls.log');
  writeFileSync(join(bin, 'terraform'), `#!/bin/sh
echo "$PWD $1" >> "${calls}"
printf '%s\\n' "::error::pwned-stdout-$1" "   ::add-mask::Terraform" "x ##[error]pwned-legacy"
printf 'partial\\r::stop-commands::pwnedtoken\\n'
printf '%s\\n' "::warning::pwned-stderr-$1" >&2
[ "$1" = init ] && exit 0
exit 1
`, { mode: 0o755 });
  return { path: `${bin}:${process.env.PATH ?? ''}`, calls };
}

/** Lines of a log the runner would obey as workflow commands (it splits at \r and \n, trims leading spaces, and reads `::` and `##[`). */
function commandLines(log: string): string[] {
  return log.split(/\r\n|\r|\n/).filter((l) => /^\s*::/.test(l) || l.includes('##['));
}

describe('the Action stays inside the checkout and the reviewed, newest render', () => {
  it('never lets terraform output issue workflow commands: every line is neutralised', async () => {
    const fake = await fakeTerraform();
    const dir = await deployRepo({ 'demo-aws': stack('hello') });
    deploymentRoutes(gh, 'demo-aws', 'demo', 61, 2);
    await headRoute(gh, dir);
    const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir }, gh, { PATH: fake.path });
    expect(r.code).not.toBe(0);
    expect(r.log).toContain('pwned-stdout-init');
    expect(r.log).toContain('pwned-stdout-plan');
    expect(r.log).toContain('pwned-stderr-plan');
    // The only command left is the Action's own failure.
    expect(commandLines(r.log)).toEqual([expect.stringMatching(/^::error::1 of 1 stack\(s\) failed: demo-aws/)]);
  });

  it('refuses a manifest stack whose name leads out of stacks/, and runs no terraform outside the checkout', async () => {
    const fake = await fakeTerraform();
    const workspace = await tempDir('workspace-');
    const dir = await deployRepo({ 'demo-aws': stack('hello') });
    // The deploy branch's manifest names ../../escape; that folder exists beside the checkout.
    const manifest = JSON.parse(readFileSync(join(dir, 'autostack-deploy.json'), 'utf8'));
    manifest.stacks = [{ name: '../../escape', plan: 'escape', cloud: 'aws', action: 'apply' }];
    writeFileSync(join(dir, 'autostack-deploy.json'), JSON.stringify(manifest));
    await simpleGit(dir).add('.').commit(`Render\n\nAutoStack-Source: ${SOURCE}`);
    const checkout = join(workspace, 'deploy');
    await run('git', ['clone', '-q', '-b', 'autostack/deploy', dir, checkout]);
    mkdirSync(join(workspace, 'escape'), { recursive: true });
    writeFileSync(join(workspace, 'escape', 'main.tf'), '');
    await headRoute(gh, checkout);
    const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': 'deploy' }, gh, { PATH: fake.path, GITHUB_WORKSPACE: workspace });
    expect(r.code).not.toBe(0);
    expect(existsSync(fake.calls)).toBe(false);
    expect(r.summary).toContain('is not a stack name');
  });

  it('refuses a working-directory outside GITHUB_WORKSPACE, also through a symbolic link', async () => {
    const fake = await fakeTerraform();
    const dir = await deployRepo({ 'demo-aws': stack('hello') });
    const workspace = await tempDir('workspace-');
    symlinkSync(dir, join(workspace, 'linked'));
    for (const wd of [dir, 'linked', '../..']) {
      const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': wd }, gh, { PATH: fake.path, GITHUB_WORKSPACE: workspace });
      expect(r.code, wd).not.toBe(0);
      expect(r.summary, wd).toMatch(/outside the workspace/);
    }
    expect(existsSync(fake.calls)).toBe(false);
  });

  it('binds to the full source SHA: a 7-digit prefix is refused, in the input and in the trailer', async () => {
    const fake = await fakeTerraform();
    const short = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE.slice(0, 7), 'working-directory': await deployRepo({ 'demo-aws': stack('hello') }) }, gh, { PATH: fake.path });
    expect(short.code).not.toBe(0);
    expect(short.log).toMatch(/full 40-character commit SHA/);
    const dir = await deployRepo({ 'demo-aws': stack('hello') }, SOURCE.slice(0, 7));
    deploymentRoutes(gh, 'demo-aws', 'demo', 62, 1);
    const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir }, gh, { PATH: fake.path });
    expect(r.code).not.toBe(0);
    expect(r.summary).toMatch(/names no source commit/);
    expect(existsSync(fake.calls)).toBe(false);
  });

  it('refuses to apply a deploy commit that is not the deploy branch\'s head (an older render)', async () => {
    const fake = await fakeTerraform();
    const dir = await deployRepo({ 'demo-aws': stack('hello') });
    deploymentRoutes(gh, 'demo-aws', 'demo', 63, 1);
    await headRoute(gh, dir, '9'.repeat(40));
    const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir }, gh, { PATH: fake.path });
    expect(r.code).not.toBe(0);
    expect(r.summary).toMatch(/is not the head of the autostack\/deploy branch \(9999999\)/);
    expect(gh.made('POST', '/deployments/63/statuses')[0]!.body.state).toBe('failure');
    expect(existsSync(fake.calls)).toBe(false);
  });
});

describe('the deploy branch head without a token', () => {
  it('asks the checkout\'s origin: the head is applied, a commit behind it is refused', async () => {
    const origin = await deployRepo({ 'demo-aws': stack('hello') });
    const workspace = await tempDir('workspace-');
    await run('git', ['clone', '-q', '-b', 'autostack/deploy', origin, join(workspace, 'deploy')]);
    const inputs = { mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': 'deploy', 'github-token': '' };
    const fake = await fakeTerraform();
    const atHead = await action(inputs, gh, { PATH: fake.path, GITHUB_WORKSPACE: workspace });
    expect(atHead.summary).toContain('terraform plan failed');
    expect(readFileSync(fake.calls, 'utf8')).toMatch(/deploy\/stacks\/demo-aws init/);
    // A newer render lands on the branch; this checkout is now behind it.
    await simpleGit(origin).raw(['commit', '-q', '--allow-empty', '-m', `Render newer\n\nAutoStack-Source: ${'7'.repeat(40)}`]);
    const fake2 = await fakeTerraform();
    const behind = await action(inputs, gh, { PATH: fake2.path, GITHUB_WORKSPACE: workspace });
    expect(behind.code).not.toBe(0);
    expect(behind.summary).toMatch(/is not the head of the autostack\/deploy branch/);
    expect(existsSync(fake2.calls)).toBe(false);
  });
});

describe('Action inputs and reports', () => {
  const get = (m: Record<string, string>) => (n: string) => m[n] ?? '';

  it('checks every input and says how to fix it', () => {
    expect(() => parseInputs(get({ mode: 'yolo' }))).toThrow(/"mode" must be plan, apply or destroy/);
    expect(() => parseInputs(get({ mode: 'apply' }))).toThrow(/"source-sha" is required/);
    expect(() => parseInputs(get({ mode: 'apply', 'source-sha': 'main; rm -rf /' }))).toThrow(/full 40-character commit SHA/);
    expect(() => parseInputs(get({ mode: 'apply', 'source-sha': '5555555' }))).toThrow(/a shortened SHA could name another commit/);
    expect(() => parseInputs(get({ mode: 'plan', parallelism: '0' }))).toThrow(/from 1 to 16/);
    expect(() => parseInputs(get({ mode: 'plan', 'terraform-version': 'latest' }))).toThrow(/exact version/);
    for (const t of ['forever', '1h', '31m', '-1s', '5']) expect(() => parseInputs(get({ mode: 'plan', 'lock-timeout': t })), t).toThrow(/"lock-timeout" must be a duration in seconds or minutes from 0s to 30m/);
    expect(parseInputs(get({ mode: 'plan', 'lock-timeout': '30m' })).lockTimeout).toBe('30m');
    expect(parseInputs(get({ mode: 'plan' }))).toMatchObject({ mode: 'plan', stacks: 'changed', parallelism: 4, workingDirectory: '.', lockTimeout: '5m' });
    expect(parseStacks('["a-aws", "b-gcp"]')).toEqual(['a-aws', 'b-gcp']);
    expect(parseStacks('a-aws, b-gcp a-aws')).toEqual(['a-aws', 'b-gcp']);
    expect(() => parseStacks('../etc')).toThrow(/not a stack name/);
    expect(() => parseStacks('[oops')).toThrow(/not a JSON list/);
  });

  it('strips every terminal control sequence from terraform errors and plans, not only colours', () => {
    const link = (url: string, text: string) => `\u001b]8;;${url}\u001b\\${text}\u001b]8;;\u001b\\`;
    const stderr = `\u001b[31m╷\u001b[0m\n\u001b[31m│\u001b[0m \u001b[1m\u001b[31mError: \u001b[0m\u001b[0m\u001b[1mNo valid credential sources found\u001b[0m\u001b[?25h\n│ see ${link('https://registry.terraform.io/providers/hashicorp/aws', 'the provider docs')}\n╵\n`;
    const message = failureMessage('plan', { code: 1, stdout: '', stderr }, new Masker());
    expect(message).toMatch(/^terraform plan failed \(exit 1\): the plan could not be made: [^\u001b]+\. +Error: No valid credential sources found see the provider docs$/);
    expect(planBody('\u001b[?25l\u001b[1mTerraform will perform the following actions:\u001b[0m\n  # aws_instance.db will be created\n\u009b0m')).toBe('Terraform will perform the following actions:\n  # aws_instance.db will be created');
  });

  it('redacts registered values everywhere, longest first', () => {
    const m = new Masker();
    m.add({ a: 'hunter2-long', nested: ['hunter2-long-er'] });
    expect(m.redact('x hunter2-long-er y hunter2-long z')).toBe('x *** y *** z');
  });

  it('redacts secret formats nobody registered, in a whole text and line by line, and leaves SHAs, IDs and links alone', () => {
    const m = new Masker();
    // Keys made here, never committed: a PKCS#8 block in a heredoc, an EC (SEC1) block inline, an RSA (PKCS#1) block cut short.
    const key = freshPrivateKey('ed25519');
    const ec = freshPrivateKey('ec');
    const rsa = freshPrivateKey('rsa');
    const plan = [
      '  # terraform_data.k will be created',
      '      + input  = <<-EOT',
      ...key.map((l) => `            ${l}`),
      '        EOT',
      '      + env    = { AWS_ACCESS_KEY_ID = "ASIAY34FZKBOKMUTVV7A", note = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }',
      '      + url    = "mysql://root:correct-horse@10.0.0.5:3306/db"',
      `      + inline = "${ec.join('\\n')}\\n"`,
      '      + db_password = "opensesame"',
      '      + "client_secret": "abc.def"',
      `      source ${'5'.repeat(40)} lock 8d7e3f6a-6dda-d623-71d4-2a763e656f17 https://github.com/acme/infra/actions/runs/4242 secret_arn = "arn:aws:secretsmanager:us-east-1:1:secret:x"`,
      '  # the key block without its end line (cut short):',
      rsa[0]!,
      rsa[1]!,
      'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.',
    ].join('\n');
    const line = m.lineRedactor();
    for (const out of [m.redact(plan), plan.split('\n').map(line).join('\n')]) {
      for (const secret of [...key.slice(1, -1), 'ASIAY34FZKBOKMUTVV7A', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'correct-horse', ec[1]!.slice(0, 40), 'opensesame', 'abc.def', rsa[1]!]) expect(out).not.toContain(secret);
      expect(out).toContain('mysql://root:***@10.0.0.5:3306/db');
      expect(out).toContain('db_password = "***"');
      for (const kept of ['5'.repeat(40), '8d7e3f6a-6dda-d623-71d4-2a763e656f17', 'https://github.com/acme/infra/actions/runs/4242', 'arn:aws:secretsmanager:us-east-1:1:secret:x', 'Apply complete! Resources: 1 added', '# terraform_data.k will be created', 'EOT']) expect(out).toContain(kept);
    }
  });

  it('keeps the plan comment under GitHub\'s limit however long the plans are', () => {
    const big = (name: string): StackResult => ({ name, action: 'apply', status: 'planned', add: 1, change: 0, destroy: 0, resources: [{ address: 'x.y', action: 'create' }], outputs: [], planText: `<script>${'z'.repeat(100_000)}`, durationMs: 1 });
    const text = renderReport([big('a-aws'), big('b-aws'), big('c-aws')], { mode: 'plan' }, 60_000);
    expect(text.length).toBeLessThan(60_000);
    expect(text).toContain('more characters in the workflow log');
    expect(text).not.toContain('<script>');
    expect(text.match(/<details>/g)).toHaveLength(3);
    expect(text.match(/<\/details>/g)).toHaveLength(3);
  });
});

/**
 * The real terraform behind a wrapper that records every command line and, after `terraform show`
 * (between the Action's plan and its apply), runs `afterShow` in the stack's folder: what another
 * process could do to the state or the saved plan in that moment.
 */
async function wrappedTerraform(afterShow = ''): Promise<{ path: string; calls: string }> {
  const real = (await run('sh', ['-c', 'command -v terraform'])).stdout.trim();
  const bin = await tempDir('wrapped-terraform-');
  const calls = join(bin, 'calls.log');
  writeFileSync(join(bin, 'terraform'), `#!/bin/sh
echo "$*" >> "${calls}"
"${real}" "$@"
code=$?
if [ "$1" = show ]; then ( ${afterShow || 'true'} ) >/dev/null 2>&1 </dev/null; fi
exit $code
`, { mode: 0o755 });
  return { path: `${bin}:${process.env.PATH ?? ''}`, calls };
}

/** The terraform commands a wrapped run made, one per line, without the wrapper's own hook commands. */
const commands = (calls: string) => readFileSync(calls, 'utf8').trim().split('\n');

TERRAFORM.describe('state locks, saved plans and secret formats with the real terraform CLI', () => {
  it('waits a bounded -lock-timeout for a state lock another process holds, then fails naming the lock and its owner; never -lock=false', async () => {
    const dir = await deployRepo({ 'demo-aws': stack('hello') });
    const stackDir = join(dir, 'stacks/demo-aws');
    const tfEnv = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' };
    await run('terraform', ['init', '-input=false'], { cwd: stackDir, env: tfEnv });
    // Another terraform process holds the state lock for as long as its console is open.
    const holder = spawn('terraform', ['console'], { cwd: stackDir, env: tfEnv, stdio: ['pipe', 'ignore', 'ignore'] });
    const info = join(stackDir, '.terraform.tfstate.lock.info');
    for (let i = 0; i < 100 && !existsSync(info); i++) await new Promise((r) => setTimeout(r, 100));
    const lockId = (JSON.parse(readFileSync(info, 'utf8')) as { ID: string }).ID;
    try {
      const wrapped = await wrappedTerraform();
      deploymentRoutes(gh, 'demo-aws', 'demo', 101, 2);
      await headRoute(gh, dir);
      const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir, 'lock-timeout': '2s' }, gh, { PATH: wrapped.path });
      expect(r.code).not.toBe(0);
      expect(JSON.parse(r.outputs.failed!)).toEqual(['demo-aws']);
      const error = JSON.parse(r.outputs['summary-json']!)[0].error as string;
      expect(error).toMatch(/another terraform run holds the lock \(lock ID [0-9a-f-]{36}, held by \S+@\S+ since \d{4}-\d\d-\d\d /);
      expect(error).toContain(`terraform force-unlock ${lockId}`);
      expect(r.summary).toContain(`lock ID ${lockId}`);
      expect(gh.made('POST', '/deployments/101/statuses').map((x) => x.body.state)).toEqual(['in_progress', 'failure']);
      const used = commands(wrapped.calls);
      expect(used.filter((c) => /^(plan|apply)\b/.test(c))).toEqual([expect.stringContaining('-lock-timeout=2s')]);
      expect(used.join('\n')).not.toMatch(/-lock=false/);
      // Locking created the state file; nothing is in it.
      expect(JSON.parse(readFileSync(join(stackDir, 'terraform.tfstate'), 'utf8') || '{}').resources ?? []).toEqual([]);
    } finally {
      holder.stdin.end();
      await new Promise((r) => holder.once('exit', r));
    }
    gh.verify();
    // The lock is released: the same deploy now applies.
    deploymentRoutes(gh, 'demo-aws', 'demo', 102, 2);
    await headRoute(gh, dir);
    const again = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir, 'lock-timeout': '2s' }, gh);
    expect(again.code, again.log).toBe(0);
    expect(JSON.parse(again.outputs.applied!)).toEqual(['demo-aws']);
  }, 120_000);

  it('refuses to apply a saved plan whose state moved after the plan ("Saved plan is stale"), with a clear message', async () => {
    const dir = await deployRepo({ 'demo-aws': stack('hello') });
    // Another process applies to the same state between the Action's plan and its apply.
    const wrapped = await wrappedTerraform('terraform apply -auto-approve -input=false -lock-timeout=30s && cp terraform.tfstate other-run.tfstate');
    deploymentRoutes(gh, 'demo-aws', 'demo', 111, 2);
    await headRoute(gh, dir);
    const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir }, gh, { PATH: wrapped.path });
    expect(r.code).not.toBe(0);
    const error = JSON.parse(r.outputs['summary-json']!)[0].error as string;
    expect(error).toMatch(/^terraform apply refused the saved plan: the state of this stack changed after the plan was made .* this apply changed nothing\. Run the deploy again/);
    expect(r.summary).toContain('the state of this stack changed after the plan was made');
    expect(gh.made('POST', '/deployments/111/statuses').map((x) => x.body.state)).toEqual(['in_progress', 'failure']);
    // The state is the other process's, untouched by the Action, and the saved plan is gone.
    expect(readFileSync(join(dir, 'stacks/demo-aws/terraform.tfstate'), 'utf8')).toBe(readFileSync(join(dir, 'stacks/demo-aws/other-run.tfstate'), 'utf8'));
    expect(existsSync(join(dir, 'stacks/demo-aws/autostack.tfplan'))).toBe(false);
  }, 120_000);

  it('refuses to apply a saved plan modified after terraform wrote it (one byte appended, which terraform itself accepts)', async () => {
    const dir = await deployRepo({ 'demo-aws': stack('hello') });
    const wrapped = await wrappedTerraform('printf x >> autostack.tfplan');
    deploymentRoutes(gh, 'demo-aws', 'demo', 121, 2);
    await headRoute(gh, dir);
    const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir }, gh, { PATH: wrapped.path });
    expect(r.code).not.toBe(0);
    expect(JSON.parse(r.outputs['summary-json']!)[0].error).toMatch(/the saved plan autostack\.tfplan was modified between terraform plan and apply .*SHA-256.*refusing to apply it/);
    expect(commands(wrapped.calls).map((c) => c.split(' ')[0])).toEqual(['init', 'plan', 'show']);
    expect(existsSync(join(dir, 'stacks/demo-aws/terraform.tfstate'))).toBe(false);
    expect(gh.made('POST', '/deployments/121/statuses').map((x) => x.body.state)).toEqual(['in_progress', 'failure']);
  }, 120_000);

  it('redacts private keys, AWS keys and connection-string passwords no attribute marks sensitive, in the log, the summary and the comment', async () => {
    const lines = freshPrivateKey('rsa');
    const pem = `${lines.join('\n')}\n`;
    const awsId = 'AKIAIOSFODNN7EXAMPLE';
    const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const dbPassword = 'Sup3rS3cretDbPass';
    const secrets = [lines[1]!, lines[2]!, awsId, awsSecret, dbPassword];
    const body = JSON.stringify({
      terraform: { backend: { local: { path: 'terraform.tfstate' } } },
      resource: { terraform_data: {
        key: { input: pem },
        env: { input: { AWS_ACCESS_KEY_ID: awsId, AWS_SECRET_ACCESS_KEY: awsSecret, note: `copied from ${awsSecret}` } },
        url: { input: `postgres://app:${dbPassword}@db.internal:5432/app?sslmode=require` },
      } },
      output: { key: { value: '${terraform_data.key.output}' }, env: { value: '${terraform_data.env.output}' }, url: { value: '${terraform_data.url.output}' } },
    }, null, 2);
    const dir = await deployRepo({ 'keys-aws': body });
    const event = join(await tempDir('event-'), 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 12 } }));
    gh.on('GET', '/repos/acme/infra/issues/12/comments', 200, 1, []);
    gh.on('POST', '/repos/acme/infra/issues/12/comments', 201, 1, { id: 3 });
    const planned = await action({ mode: 'plan', stacks: 'keys-aws', 'source-sha': SOURCE, 'working-directory': dir }, gh, { GITHUB_EVENT_PATH: event });
    expect(planned.code, planned.log).toBe(0);
    const comment = gh.made('POST', '/issues/12/comments')[0]!.body.body as string;
    // The plan is shown (with the redaction marks), not dropped.
    expect(comment).toContain('terraform_data.key');
    expect(comment).toMatch(/postgres:\/\/app:\*\*\*@db\.internal/);
    gh.verify();
    deploymentRoutes(gh, 'keys-aws', 'keys', 131, 2);
    await headRoute(gh, dir);
    // apply streams terraform's output, outputs included, line by line.
    const applied = await action({ mode: 'apply', stacks: 'keys-aws', 'source-sha': SOURCE, 'working-directory': dir }, gh);
    expect(applied.code, applied.log).toBe(0);
    expect(applied.log).toContain('Apply complete!');
    expect(applied.log).toContain('AWS_SECRET_ACCESS_KEY');
    for (const [where, text] of Object.entries({ 'plan log': planned.log, 'plan summary': planned.summary, comment, 'apply log': applied.log, 'apply summary': applied.summary, outputs: JSON.stringify(applied.outputs) })) {
      for (const secret of secrets) expect(text, `${where} shows ${secret.slice(0, 12)}…`).not.toContain(secret);
    }
  }, 120_000);
});

/** GITHUB_OUTPUT read the way the runner reads it: `key=value` lines and `key<<DELIMITER` blocks. */
function runnerOutputs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      out.set(line.slice(0, eq), line.slice(eq + 1));
    } else if (heredoc >= 0) {
      const delimiter = line.slice(heredoc + 2);
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`Matching delimiter not found '${delimiter}'`);
      out.set(line.slice(0, heredoc), value.join('\n'));
    } else {
      throw new Error(`Invalid format '${line}'`);
    }
  }
  return out;
}

describe('outputs and retried dispatches', () => {
  it('writes exactly its three outputs whatever a stack\'s error text holds: newlines, NODE_OPTIONS=…, heredoc delimiters; no environment variable', async () => {
    const bin = await tempDir('hostile-terraform-');
    // A plan error whose text tries to close the output block and open others.
    writeFileSync(join(bin, 'terraform'), `#!/bin/sh
[ "$1" = init ] && exit 0
printf '%s\\n' 'NODE_OPTIONS=--require=/var/x' 'ghadelimiter_00000000-0000-0000-0000-000000000000' 'failed<<EOF' '["pwned"]' 'EOF' 'pwned=1' >&2
exit 1
`, { mode: 0o755 });
    const dir = await deployRepo({ 'demo-aws': stack('hello') });
    deploymentRoutes(gh, 'demo-aws', 'demo', 141, 2);
    await headRoute(gh, dir);
    const home = await tempDir('env-file-');
    const envFile = join(home, 'env.txt');
    writeFileSync(envFile, '');
    const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir }, gh, { PATH: `${bin}:${process.env.PATH ?? ''}`, GITHUB_ENV: envFile });
    expect(r.code).not.toBe(0);
    const raw = readFileSync(join(r.home, 'output.txt'), 'utf8');
    const outputs = runnerOutputs(raw);
    expect([...outputs.keys()].sort()).toEqual(['applied', 'failed', 'summary-json']);
    expect(JSON.parse(outputs.get('failed')!)).toEqual(['demo-aws']);
    // The hostile text did reach an output, as data inside the JSON value.
    const error = JSON.parse(outputs.get('summary-json')!)[0].error as string;
    expect(error).toContain('NODE_OPTIONS=--require=/var/x');
    expect(error).toContain('failed<<EOF');
    expect(readFileSync(envFile, 'utf8')).toBe('');
  });

  it('applies nothing again for a deployment that already succeeded (a retried dispatch or a re-run), and leaves its statuses alone', async () => {
    const dir = await deployRepo({ 'demo-aws': stack('hello') });
    const fake = await fakeTerraform();
    gh.on('GET', '/repos/acme/infra/deployments', 200, 1, [{ id: 151, payload: { stack: 'demo-aws', action: 'apply', sourceSha: SOURCE } }]);
    gh.on('GET', '/repos/acme/infra/deployments/151/statuses', 200, 1, [{ state: 'success' }, { state: 'in_progress' }]);
    const r = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir }, gh, { PATH: fake.path });
    expect(r.code, r.log).toBe(0);
    expect(existsSync(fake.calls)).toBe(false);
    expect(gh.made('POST', '/statuses')).toEqual([]);
    expect(JSON.parse(r.outputs['summary-json']!)[0]).toMatchObject({ name: 'demo-aws', status: 'already-deployed' });
    expect(JSON.parse(r.outputs.applied!)).toEqual([]);
    expect(JSON.parse(r.outputs.failed!)).toEqual([]);
    expect(r.summary).toContain('| `demo-aws` | ✅ already deployed |');
    expect(r.summary).toContain('this deployment already succeeded in an earlier run');
    gh.verify();
    // A deployment whose earlier run failed is run again.
    gh.on('GET', '/repos/acme/infra/deployments', 200, 1, [{ id: 152, payload: { stack: 'demo-aws', action: 'apply', sourceSha: SOURCE } }]);
    gh.on('GET', '/repos/acme/infra/deployments/152/statuses', 200, 1, [{ state: 'failure' }, { state: 'in_progress' }]);
    gh.on('POST', '/repos/acme/infra/deployments/152/statuses', 201, 2, { id: 1 });
    await headRoute(gh, dir);
    const retried = await action({ mode: 'apply', stacks: 'changed', 'source-sha': SOURCE, 'working-directory': dir }, gh, { PATH: fake.path });
    expect(retried.code).not.toBe(0);
    expect(readFileSync(fake.calls, 'utf8')).toMatch(/demo-aws plan/);
  });
});
