import { afterEach, describe, expect, it } from 'vitest';
import { MARKER } from '../app/github/sticky-comment.ts';
import { FakeGitHub, PLAN, payload, probot, APP_ID, OWNER, REPO } from './github/harness.ts';

const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);
const F = '.autostack/orders-db.yaml';
let gh: FakeGitHub;
afterEach(() => gh?.verify());

function prPayload(action: string) {
  return payload('pull_request', action, (p) => {
    p.number = 7;
    p.pull_request.number = 7;
    p.pull_request.head.sha = HEAD;
    p.pull_request.base.sha = BASE;
  });
}

function expectReviewReads(fake: FakeGitHub) {
  fake.files({ [BASE]: { [F]: PLAN('orders-db') }, [HEAD]: { [F]: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 200') } }, [F]);
}

describe('pull request review', () => {
  it('posts one check run with the review and creates the sticky comment', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'modified', sha: 'x' }, { filename: 'README.md', status: 'modified', sha: 'y' }]);
    expectReviewReads(gh);
    gh.on('GET', gh.repoPath(`/commits/${HEAD}/check-runs`), 200, { total_count: 0, check_runs: [] });
    gh.on('POST', gh.repoPath('/check-runs'), 201, { id: 99 });
    gh.on('PATCH', gh.repoPath('/check-runs/99'), 200, {});
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, [{ id: 1, body: `${MARKER}\ntyped by a person`, user: { login: 'someone', type: 'User' }, performed_via_github_app: null }]);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
    await (await probot()).receive({ id: 'd1', name: 'pull_request', payload: prPayload('opened') } as never);
    const check = gh.made('PATCH', '/check-runs/99')[0]!.body;
    expect(check).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: expect.stringContaining('1 plan changed') } });
    const comment = gh.made('POST', '/issues/7/comments')[0]!.body.body as string;
    expect(comment.startsWith(MARKER)).toBe(true);
    expect(comment).toContain('storage 50 → 200 GiB');
    expect(comment).toContain(`head=${HEAD}`);
  });

  it('updates its own comment in place on a new push, and fails the check on errors with annotations', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'modified' }]);
    gh.files({ [BASE]: { [F]: PLAN('orders-db') }, [HEAD]: { [F]: PLAN('orders-db').replace('region: us-east-1', 'region: mars-1') } }, [F]);
    gh.on('GET', gh.repoPath(`/commits/${HEAD}/check-runs`), 200, { total_count: 1, check_runs: [{ id: 99, head_sha: HEAD }] });
    gh.on('PATCH', gh.repoPath('/check-runs/99'), 200, {});
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, [{ id: 3, body: `${MARKER}\nold\n<!-- autostack:meta head=${BASE} at=2020-01-01T00:00:00.000Z -->`, user: { login: 'autostack[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID } }]);
    gh.on('PATCH', gh.repoPath('/issues/comments/3'), 200, { id: 3 });
    await (await probot()).receive({ id: 'd2', name: 'pull_request', payload: prPayload('synchronize') } as never);
    const check = gh.made('PATCH', '/check-runs/99')[0]!.body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.annotations).toMatchObject([{ path: F, start_line: 6, annotation_level: 'failure', title: 'plan/unknown-region' }]);
    expect(gh.made('PATCH', '/issues/comments/3')[0]!.body.body).toContain('Unknown region');
  });

  it('does not comment on a pull request without .autostack/ changes, and gives it a passing check', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: 'src/app.ts', status: 'modified' }]);
    gh.on('GET', gh.repoPath(`/commits/${HEAD}/check-runs`), 200, { total_count: 0, check_runs: [] });
    gh.on('POST', gh.repoPath('/check-runs'), 201, { id: 9 });
    gh.on('PATCH', gh.repoPath('/check-runs/9'), 200, {});
    await (await probot()).receive({ id: 'd3', name: 'pull_request', payload: prPayload('reopened') } as never);
    expect(gh.made('PATCH', '/check-runs/9')[0]!.body).toMatchObject({ conclusion: 'success', output: { title: 'No AutoStack changes' } });
  });

  it('never lets a run for an older head overwrite the comment', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'modified' }]);
    expectReviewReads(gh);
    gh.on('GET', gh.repoPath(`/commits/${HEAD}/check-runs`), 200, { total_count: 0, check_runs: [] });
    gh.on('POST', gh.repoPath('/check-runs'), 201, { id: 99 });
    gh.on('PATCH', gh.repoPath('/check-runs/99'), 200, {});
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: 'd'.repeat(40) } });
    await (await probot()).receive({ id: 'd4', name: 'pull_request', payload: prPayload('ready_for_review') } as never);
    expect(gh.made('POST', '/issues/7/comments')).toHaveLength(0);
  });

  it('turns a failing handler into a failed check with a readable message', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 500, { message: 'Server Error' });
    gh.on('GET', gh.repoPath(`/commits/${HEAD}/check-runs`), 200, { total_count: 0, check_runs: [] });
    gh.on('POST', gh.repoPath('/check-runs'), 201, { id: 77 });
    gh.on('PATCH', gh.repoPath('/check-runs/77'), 200, {});
    await (await probot()).receive({ id: 'd5', name: 'pull_request', payload: prPayload('opened') } as never);
    const body = gh.made('PATCH', '/check-runs/77')[0]!.body;
    expect(body.conclusion).toBe('failure');
    expect(body.output.summary).toContain('AutoStack could not finish');
    expect(JSON.stringify(body)).not.toContain('ghs_');
  });

  it('re-runs the review when its check is re-requested', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD }, base: { sha: BASE } });
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'modified' }]);
    expectReviewReads(gh);
    gh.on('GET', gh.repoPath(`/commits/${HEAD}/check-runs`), 200, { total_count: 1, check_runs: [{ id: 99, head_sha: HEAD }] });
    gh.on('PATCH', gh.repoPath('/check-runs/99'), 200, {});
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
    const p = payload('check_run', 'rerequested', (x) => {
      x.check_run.name = 'AutoStack';
      x.check_run.head_sha = HEAD;
      x.check_run.app.id = APP_ID;
      x.check_run.pull_requests = [{ number: 7, id: 1, url: '', head: { ref: 'f', sha: HEAD, repo: {} }, base: { ref: 'main', sha: BASE, repo: {} } }];
    });
    await (await probot()).receive({ id: 'd6', name: 'check_run', payload: p } as never);
    expect(gh.made('POST', '/issues/7/comments')).toHaveLength(1);
  });
});

void OWNER;
void REPO;
