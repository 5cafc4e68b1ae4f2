import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { deployWorkflow } from '../app/services/onboarding.ts';
import { DEFAULT_ACTION_REF } from '../app/services/config.ts';
import { renderDeployWorkflow } from '../synth/contract/deploy-workflow.ts';
import { ROOT, tempDir } from './helpers.ts';
import { needTool } from './tools.ts';

const run = promisify(execFile);
const ACTIONLINT = needTool('actionlint');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: unknown;
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
}

/** The workflow the onboarding pull request adds, as the App writes it. */
const text = deployWorkflow(DEFAULT_ACTION_REF);
const workflow = parse(text) as Workflow;

describe('the generated deploy workflow', () => {
  it('is started by workflow_dispatch only: no pull_request_target, pull_request, push or schedule', () => {
    expect(Object.keys(workflow.on)).toEqual(['workflow_dispatch']);
    expect(text).not.toMatch(/pull_request_target|pull_request|^\s*push:|schedule:|workflow_run|issue_comment/m);
  });

  it('grants nothing at the top and the least each job needs: id-token, contents read, deployments', () => {
    expect(workflow.permissions).toEqual({});
    expect(Object.keys(workflow.jobs)).toEqual(['deploy']);
    for (const job of Object.values(workflow.jobs)) {
      expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read', deployments: 'write' });
    }
    expect(text).not.toMatch(/write-all|read-all|contents: write|actions: write|pull-requests: write/);
  });

  it('pins every third-party action to a full commit SHA with its version as a comment, and checks out without keeping credentials', () => {
    const uses = text.split('\n').filter((l) => /^\s*-?\s*uses:/.test(l)).map((l) => l.replace(/^\s*-?\s*uses:\s*/, ''));
    const thirdParty = uses.filter((u) => u !== DEFAULT_ACTION_REF);
    expect(uses).toContain(DEFAULT_ACTION_REF);
    // checkout and the three clouds' credential steps.
    expect(thirdParty).toHaveLength(4);
    for (const u of thirdParty) expect(u).toMatch(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    // The SHAs were read from each repository's tags (git rev-parse <tag>^{commit}).
    expect(thirdParty.map((u) => u.replace(/@[0-9a-f]{40}/, '@')).sort()).toEqual([
      'actions/checkout@ # v4.4.0',
      'aws-actions/configure-aws-credentials@ # v4.3.1',
      'azure/login@ # v2.3.1',
      'google-github-actions/auth@ # v2.1.13',
    ]);
    const checkout = workflow.jobs.deploy!.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with).toMatchObject({ ref: 'autostack/deploy', 'persist-credentials': false });
  });

  it('passes values to steps through with: and env: only: no shell step at all, so no expression reaches a shell', () => {
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    expect(steps.filter((s) => s.run !== undefined)).toEqual([]);
    expect(steps.every((s) => typeof s.uses === 'string')).toBe(true);
    expect(text).not.toMatch(/\$\{\{\s*github\.event\./);
  });

  it('is the file committed as action/autostack-deploy.yml (regenerate with npm run gen:types)', () => {
    expect(readFileSync(join(ROOT, 'action/autostack-deploy.yml'), 'utf8')).toBe(renderDeployWorkflow({ deployBranch: '__DEPLOY_BRANCH__', actionRef: '__ACTION_REF__' }));
  });

  it('passes actionlint with no finding', async (ctx) => {
    ACTIONLINT.guard(ctx);
    const dir = await tempDir('actionlint-');
    const file = join(dir, '.github/workflows/autostack-deploy.yml');
    await run('mkdir', ['-p', join(dir, '.github/workflows')]);
    writeFileSync(file, text);
    const r = await run('actionlint', ['-no-color', file], { cwd: dir }).then((x) => ({ code: 0, ...x }), (e: { code: number; stdout: string; stderr: string }) => e);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.code).toBe(0);
  });
});
