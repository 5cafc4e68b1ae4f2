import '../synth/node.ts';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsFile } from '../app/services/onboarding.ts';
import { isGitBranchName } from '../synth/core/resolve/deploy-branch.ts';
import { settingsFromText } from '../synth/core/resolve/load-settings.ts';
import { FakeGitHub, PLAN, payload, probot } from './github/harness.ts';

const S = '.autostack/autostack.yaml';
const F = '.autostack/orders-db.yaml';
const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);
const settings = (branch: string) => settingsFile('acme').replace('deployBranch: autostack/deploy', `deployBranch: ${branch}`);
/** The line of `deployBranch:` in the settings file (the diagnostic's position). */
const LINE = settingsFile('acme').split('\n').findIndex((l) => l.includes('deployBranch:')) + 1;

let gh: FakeGitHub | undefined;
afterEach(() => {
  gh?.verify();
  gh = undefined;
});

function gitAccepts(name: string): boolean {
  try {
    return execFileSync('git', ['check-ref-format', '--branch', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === name;
  } catch {
    return false;
  }
}

describe('deploy branch names (one check for the review, the App render and local mode)', () => {
  it('accepts exactly the names git check-ref-format --branch accepts, among those the schema lets through', () => {
    for (const name of ['autostack/deploy', 'deploy', 'a..b', 'x.lock', 'a/.b', 'a/b.', 'a//b', 'a/', 'a.lock/b', 'HEAD', 'a@b', 'a-/b', 'a/-b', 'release/v1.2']) {
      expect(isGitBranchName(name), name).toBe(gitAccepts(name));
    }
    // Names matching the settings schema's pattern (^[A-Za-z0-9][-A-Za-z0-9_./]*$), where git's other rules bite.
    const schemaName = fc.tuple(fc.constantFrom(...'aZ09'), fc.array(fc.constantFrom(...'a-_./.lock'.split('')), { maxLength: 12 })).map(([first, rest]) => first + rest.join(''));
    fc.assert(fc.property(schemaName, (name) => isGitBranchName(name) === gitAccepts(name)), { numRuns: 100 });
  });

  it('flags a deploy branch git refuses in the settings file itself (autostack validate, the site, the review)', () => {
    for (const bad of ['a..b', 'x.lock', 'deploy/.hidden']) {
      const diags = settingsFromText(settings(bad)).diagnostics;
      expect(diags, bad).toEqual([expect.objectContaining({ file: S, line: LINE, severity: 'error', code: 'settings/deploy-branch', path: 'spec.deployBranch', message: expect.stringContaining('not a branch name git accepts') })]);
    }
    expect(settingsFromText(settings('autostack/deploy')).diagnostics).toEqual([]);
  });
});

describe('deploy branch names in GitHub mode', () => {
  const prPayload = () => payload('pull_request', 'synchronize', (p) => {
    p.number = 7;
    p.pull_request.number = 7;
    p.pull_request.head.sha = HEAD;
    p.pull_request.base.sha = BASE;
  });

  for (const [bad, why] of [['main', /is the default branch/], ['a..b', /not a branch name git accepts/], ['x.lock', /not a branch name git accepts/]] as const) {
    it(`a pull request setting deployBranch: ${bad} fails its review with a diagnostic at the settings field`, async () => {
      gh = new FakeGitHub().token();
      gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: S, status: 'modified' }]);
      gh.graphql({ [BASE]: { [S]: settings('autostack/deploy'), [F]: PLAN('orders-db') }, [HEAD]: { [S]: settings(bad), [F]: PLAN('orders-db') } });
      gh.newCheckRun(HEAD, 99);
      gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, state: 'open', head: { sha: HEAD } });
      gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
      gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
      await (await probot()).receive({ id: `db-${bad}`, name: 'pull_request', payload: prPayload() } as never);
      const check = gh.made('POST', '/check-runs')[0]!.body;
      expect(check.conclusion).toBe('failure');
      expect(check.output.annotations).toEqual(expect.arrayContaining([expect.objectContaining({ path: S, start_line: LINE, annotation_level: 'failure', title: 'settings/deploy-branch', message: expect.stringMatching(why) })]));
    });
  }

  for (const [bad, why] of [['main', /is the default branch/], ['x.lock', /not a branch name git accepts/]] as const) {
    it(`a merge whose settings say deployBranch: ${bad} renders nothing and writes no branch, with the diagnostic on the deploy check`, async () => {
      const BEFORE = 'e'.repeat(40);
      const AFTER = 'f'.repeat(40);
      gh = new FakeGitHub().token();
      gh.on('GET', gh.repoPath(`/compare/${BEFORE}...${AFTER}`), 200, { status: 'ahead', files: [{ filename: F, status: 'modified' }] });
      // The settings did not change in this push: the name already on the default branch is refused all the same.
      gh.graphql({ [BEFORE]: { [S]: settings(bad), [F]: PLAN('orders-db') }, [AFTER]: { [S]: settings(bad), [F]: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 60') } });
      gh.newCheckRun(AFTER, 60);
      const push = payload('push', undefined, (p) => {
        p.ref = 'refs/heads/main';
        p.before = BEFORE;
        p.after = AFTER;
        p.deleted = false;
      });
      await (await probot()).receive({ id: `push-${bad}`, name: 'push', payload: push } as never);
      expect(gh.made('GET', '/git/ref/')).toHaveLength(0);
      expect(gh.made('POST', '/git/')).toHaveLength(0);
      expect(gh.made('PATCH', '/git/refs')).toHaveLength(0);
      expect(gh.made('POST', '/dispatches')).toHaveLength(0);
      const check = gh.made('POST', '/check-runs')[0]!.body;
      expect(check).toMatchObject({ conclusion: 'failure', output: { title: 'Nothing deployed: the plans have errors' } });
      expect(check.output.summary).toMatch(why);
      expect(check.output.annotations).toEqual([expect.objectContaining({ path: S, start_line: LINE, title: 'settings/deploy-branch' })]);
    });
  }
});

describe('deploy branch names in local mode', () => {
  it('the pull request review shows the refused deploy branch, like the App\'s', async () => {
    const { gitRepo } = await import('./helpers.ts');
    const { LocalPlatform } = await import('../app/local/local-platform.ts');
    const dir = await gitRepo([{ [S]: settings('main') }]);
    const local = await LocalPlatform.open(dir);
    const pr = await local.openPull({ branch: 'add-a', title: 'add a', body: '', commitMessage: 'add a', files: [{ path: '.autostack/a-db.yaml', content: PLAN('a-db') }] });
    const review = (await local.getPull(pr.number)).review;
    expect(review.ok).toBe(false);
    expect(review.markdown).toMatch(/deployBranch "main" is the default branch/);
  }, 60_000);
});
