// A Website file through every entry point, with no Website-specific code outside the kind's and
// the clouds' folders: the CLI (validate, plan), the GitHub App's review (check run annotations and
// the comment) and local mode (pull request, merge, render to the deploy branch).
import '../synth/node.ts';
import { simpleGit } from 'simple-git';
import { afterEach, describe, expect, it } from 'vitest';
import { MARKER } from '../app/github/sticky-comment.ts';
import { LocalPlatform } from '../app/local/local-platform.ts';
import { settingsFile } from '../app/services/onboarding.ts';
import { FakeGitHub, payload, probot } from './github/harness.ts';
import { gitRepo, runCli } from './helpers.ts';

const F = '.autostack/blog.yaml';
const SETTINGS = settingsFile('acme').replace('  deployBranch:', '  platform: { domain: sites.example.net }\n  deployBranch:');
const SITE = (spec = '') => `apiVersion: autostack.dev/v1
kind: Website
metadata:
  name: blog
  project: websites
spec:
  cloud: aws
  region: us-east-1
  runtime:
    php: "8.2"
    scaling: { min: 1, max: 2, cpuTarget: 60 }
${spec}`;
/** PHP 7.4 is not a version Debian 12's servers run: an error at its line and column. */
const BAD_SITE = SITE().replace('php: "8.2"', 'php: "7.4"');
const BAD_LINE = BAD_SITE.split('\n').findIndex((l) => l.includes('php: "7.4"')) + 1;

const autostack = runCli;

describe('a Website through the CLI', () => {
  it('validate: a positioned error for a bad Website file, exit 1; plan: the site reviewed and priced on all three clouds', async () => {
    const bad = await gitRepo([{ '.autostack/autostack.yaml': SETTINGS, [F]: BAD_SITE }]);
    const v = await autostack(['validate'], bad);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(new RegExp(`^\\.autostack/blog\\.yaml:${BAD_LINE}:\\d+ error `, 'm'));
    expect(v.stdout).toContain('7.4');

    const dir = await gitRepo([{ '.autostack/autostack.yaml': SETTINGS, 'README.md': 'x' }, { [F]: SITE() }], 'add-blog');
    const r = await autostack(['plan', '--json'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    const p = json.plans[0];
    expect(p).toMatchObject({ name: 'blog', kind: 'Website', cloud: 'aws', region: 'us-east-1', status: 'added' });
    expect(p.cost.map((c: { cloud: string }) => c.cloud).sort()).toEqual(['aws', 'azure', 'gcp']);
    expect(p.cost.find((c: { primary: boolean }) => c.primary)).toMatchObject({ cloud: 'aws', complete: true });
    expect(p.resources.filter((x: { cloud: string }) => x.cloud === 'aws').map((x: { kind: string }) => x.kind)).toEqual(expect.arrayContaining(['load-balancer', 'instance-group', 'mysql', 'file-share', 'dns-zone', 'certificate']));
  }, 60_000);
});

describe('a Website through the GitHub App', () => {
  let gh: FakeGitHub;
  afterEach(() => gh?.verify());
  const BASE = 'b'.repeat(40);
  const HEAD = 'c'.repeat(40);
  const prPayload = () => payload('pull_request', 'opened', (p) => {
    p.number = 7;
    p.pull_request.number = 7;
    p.pull_request.head.sha = HEAD;
    p.pull_request.base.sha = BASE;
  });


  it('reviews a pull request adding a Website: the comment prices it per cloud; a bad field fails the check with an annotation at its line', async () => {
    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'added', sha: 'x' }]);
    gh.graphql({ [BASE]: { '.autostack/autostack.yaml': SETTINGS }, [HEAD]: { '.autostack/autostack.yaml': SETTINGS, [F]: SITE() } }, 2);
    gh.newCheckRun(HEAD, 99);
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
    await (await probot()).receive({ id: 'w1', name: 'pull_request', payload: prPayload() } as never);
    const check = gh.made('POST', '/check-runs')[0]!.body;
    expect(check).toMatchObject({ status: 'completed', conclusion: 'success' });
    const comment = gh.made('POST', '/issues/7/comments')[0]!.body.body as string;
    expect(comment.startsWith(MARKER)).toBe(true);
    expect(comment).toContain('blog');
    // Priced on its own cloud, compared on the others (a lower bound where a figure is missing, never $0).
    expect(comment).toMatch(/\| `blog` \| added \| AWS us-east-1 \| \$0\.00 \| \$[1-9][0-9.,]* \|/);
    expect(comment).toMatch(/\| \*\*AWS\*\* \(this plan\)[^|]*\| us-east-1 \|/);
    for (const cloud of ['Azure', 'GCP']) expect(comment).toMatch(new RegExp(`\\| ${cloud} \\| [a-z0-9-]+ \\| \\$0\\.00 \\| (≥ )?\\$[1-9]`));
    expect(comment).toContain('+ instance-group/blog:');
    expect(comment).toContain('www\u200b.blog.acme.www\u200b.sites.example.net');
    gh.verify();

    gh = new FakeGitHub().token();
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: F, status: 'added', sha: 'x' }]);
    gh.graphql({ [BASE]: { '.autostack/autostack.yaml': SETTINGS }, [HEAD]: { '.autostack/autostack.yaml': SETTINGS, [F]: BAD_SITE } }, 2);
    gh.newCheckRun(HEAD, 99);
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 6 });
    await (await probot()).receive({ id: 'w2', name: 'pull_request', payload: prPayload() } as never);
    const failed = gh.made('POST', '/check-runs')[0]!.body;
    expect(failed.conclusion).toBe('failure');
    expect(failed.output.annotations.filter((a: { annotation_level: string }) => a.annotation_level === 'failure')).toEqual([expect.objectContaining({ path: F, start_line: BAD_LINE, start_column: expect.any(Number), message: expect.stringContaining('7.4') })]);
  });
});

describe('a Website in local mode', () => {
  it('a pull request adding a site is reviewed, merged and rendered to the deploy branch as its AWS stack', async () => {
    const dir = await gitRepo([{ '.autostack/autostack.yaml': SETTINGS }]);
    const local = await LocalPlatform.open(dir);
    const pull = await local.openPull({ branch: 'add-blog', title: 'Add blog', body: '', commitMessage: 'Add blog', files: [{ path: F, content: SITE() }] });
    const reviewed = await local.getPull(pull.number);
    expect(reviewed.review.ok).toBe(true);
    expect(reviewed.review.monthlyUsdAfter).toBeGreaterThan(0);
    await local.mergePull(pull.number);
    const git = simpleGit(dir);
    const files = (await git.raw(['ls-tree', '-r', '--name-only', 'autostack/deploy'])).trim().split('\n');
    expect(files).toEqual(expect.arrayContaining(['stacks/blog-aws/cdk.tf.json', 'autostack-deploy.json']));
    const stack = JSON.parse(await git.raw(['show', 'autostack/deploy:stacks/blog-aws/cdk.tf.json']));
    expect(Object.keys(stack.resource)).toEqual(expect.arrayContaining(['aws_autoscaling_group', 'aws_db_instance', 'aws_efs_file_system', 'aws_lb', 'aws_route53_zone', 'aws_acm_certificate']));
    const manifest = JSON.parse(await git.raw(['show', 'autostack/deploy:autostack-deploy.json']));
    expect(manifest.stacks).toEqual([expect.objectContaining({ name: 'blog-aws', plan: 'blog', cloud: 'aws', action: 'apply' })]);
  }, 120_000);
});
