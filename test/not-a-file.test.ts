import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { mkdir, symlink as link, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { FsReader } from '../app/cli/fs-reader.ts';
import { GitHubClient } from '../app/github/client.ts';
import { GitHubReader } from '../app/github/reader.ts';
import { GitReader } from '../app/local/git-reader.ts';
import { AUTOSTACK_DIR } from '../synth/core/load/reader.ts';
import { validateTree } from '../synth/core/validate/validate-tree.ts';
import { FakeGitHub, OWNER, payload, PLAN, probot, REPO, SUBMODULE, symlink, TEST_OCTOKIT } from './github/harness.ts';
import { gitRepo, plan, ROOT, tempDir } from './helpers.ts';

const run = promisify(execFile);
const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);
let gh: FakeGitHub | undefined;
afterEach(() => {
  gh?.verify();
  gh = undefined;
});

/**
 * A plan path that is a symbolic link, a submodule (gitlink) or a directory. A link's blob holds
 * its target: read as the file, `../../secrets.yaml` would be a (harmless) scalar, but a reader that
 * followed it on disk would read a file outside the repository. Every reader reports links and
 * submodules as not files, and reads a directory's files as files of their own.
 */
const TREE = {
  '.autostack/real.yaml': PLAN('real-db'),
  '.autostack/link.yaml': symlink('../../secrets.yaml'),
  '.autostack/sub.yaml': SUBMODULE,
  '.autostack/folder.yaml/inner.yaml': PLAN('inner-db'),
};

const notAFile = (file: string, what: string) => expect.objectContaining({ file, code: 'file/not-a-file', severity: 'error', line: 1, column: 1, message: expect.stringContaining(`${file} is a ${what}, not a file`) });

function reader(batch: boolean): GitHubReader {
  return new GitHubReader(new GitHubClient(new TEST_OCTOKIT({ auth: 'ghs_x' }) as never, { owner: OWNER, repo: REPO }), { batch });
}

describe('a plan path that is not a file, in GitHub mode', () => {
  it('REST trees (mode 120000, 160000, 040000): links and submodules are reported, never read; a directory\'s files are read', async () => {
    gh = new FakeGitHub().files({ main: TREE }, ['.autostack/real.yaml', '.autostack/folder.yaml/inner.yaml']);
    const r = await validateTree(reader(false), 'main');
    expect(r.files).toBe(4);
    expect(r.diagnostics).toEqual([notAFile('.autostack/link.yaml', 'symbolic link'), notAFile('.autostack/sub.yaml', 'submodule')]);
    expect(r.diagnostics[0]!.message).toContain('never follows links');
    expect(r.docs.filter((d) => d.model).map((d) => d.name).sort()).toEqual(['inner-db', 'real-db']);
    // The link's blob (its target) was never fetched: only the two plans' blobs were.
    expect(gh.made('GET', '/git/blobs/')).toHaveLength(2);
  });

  it('batched GraphQL reads: the folder\'s entries (mode) come in the same query, and a link is reported instead of its target', async () => {
    gh = new FakeGitHub().graphql({ main: TREE }, 2);
    const r = await validateTree(reader(true), 'main');
    expect(r.diagnostics).toEqual([notAFile('.autostack/link.yaml', 'symbolic link'), notAFile('.autostack/sub.yaml', 'submodule')]);
    expect(r.docs.filter((d) => d.model).map((d) => d.name).sort()).toEqual(['inner-db', 'real-db']);
    const second = gh.made('POST', '/graphql')[1]!.body;
    expect(second.query).toContain('entries { name type mode }');
    expect(Object.values(second.variables)).toContain('main:.autostack/folder.yaml');
  });

  it('a pull request that turns a plan into a link, and adds a submodule, fails its review with one clear line each', async () => {
    gh = new FakeGitHub().token();
    const base = { '.autostack/orders-db.yaml': PLAN('orders-db') };
    const head = { '.autostack/orders-db.yaml': symlink('/etc/passwd'), '.autostack/sub.yaml': SUBMODULE };
    gh.on('GET', gh.repoPath('/pulls/7/files'), 200, [{ filename: '.autostack/orders-db.yaml', status: 'modified' }, { filename: '.autostack/sub.yaml', status: 'added' }]);
    gh.graphql({ [BASE]: base, [HEAD]: head });
    gh.newCheckRun(HEAD, 99);
    gh.on('GET', gh.repoPath('/pulls/7'), 200, { number: 7, head: { sha: HEAD } });
    gh.on('GET', gh.repoPath('/issues/7/comments'), 200, []);
    gh.on('POST', gh.repoPath('/issues/7/comments'), 201, { id: 5 });
    const p = payload('pull_request', 'opened', (x) => {
      x.number = 7;
      x.pull_request.number = 7;
      x.pull_request.head.sha = HEAD;
      x.pull_request.base.sha = BASE;
    });
    await (await probot()).receive({ id: 'links', name: 'pull_request', payload: p } as never);
    const check = gh.made('POST', '/check-runs')[0]!.body;
    expect(check).toMatchObject({ conclusion: 'failure' });
    expect(check.output.annotations.map((a: { path: string; title: string }) => `${a.path} ${a.title}`)).toEqual(['.autostack/orders-db.yaml file/not-a-file', '.autostack/sub.yaml file/not-a-file']);
    const comment = gh.made('POST', '/issues/7/comments')[0]!.body.body as string;
    expect(comment).toContain('is a symbolic link, not a file');
    expect(comment).not.toContain('/etc/passwd');
  });
});

describe('a plan path that is not a file, in local mode', () => {
  it('at a commit (real git: modes 120000 and 160000 in the tree): links and submodules are reported, a directory\'s files are read', async () => {
    const root = await gitRepo([{ '.autostack/real.yaml': plan('real-db', 'cloud: aws'), '.autostack/folder.yaml/inner.yaml': plan('inner-db', 'cloud: aws') }]);
    const git = (...args: string[]) => run('git', args, { cwd: root });
    await link('../../outside.yaml', join(root, '.autostack/link.yaml'));
    await git('add', '.autostack/link.yaml');
    await git('update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},.autostack/sub.yaml`);
    await git('commit', '-qm', 'links');
    const r = await validateTree(new GitReader(root), 'HEAD');
    expect(r.diagnostics).toEqual([notAFile('.autostack/link.yaml', 'symbolic link'), notAFile('.autostack/sub.yaml', 'submodule')]);
    expect(r.docs.filter((d) => d.model).map((d) => d.name).sort()).toEqual(['inner-db', 'real-db']);
  });

  it('in the working tree: a link to a file or folder outside, and a FIFO, are reported without being opened, and a directory named like a plan is walked', async () => {
    const outside = await tempDir();
    await writeFile(join(outside, 'secret.yaml'), plan('secret-db', 'cloud: aws'));
    await mkdir(join(outside, 'team'));
    await writeFile(join(outside, 'team/hidden.yaml'), plan('hidden-db', 'cloud: aws'));
    const root = await gitRepo([{ '.autostack/real.yaml': plan('real-db', 'cloud: aws'), '.autostack/folder.yaml/inner.yaml': plan('inner-db', 'cloud: aws') }]);
    await link(join(outside, 'secret.yaml'), join(root, '.autostack/link.yaml'));
    await link(join(outside, 'team'), join(root, '.autostack/team'));
    await run('mkfifo', [join(root, '.autostack/pipe.yaml')]);
    const fs = new FsReader(root);
    const r = await validateTree(fs, 'any');
    // The linked folder is not walked (and, not being a .yaml path, not a plan path either).
    expect(r.diagnostics).toEqual([notAFile('.autostack/link.yaml', 'symbolic link'), notAFile('.autostack/pipe.yaml', 'special file')]);
    expect(r.docs.filter((d) => d.model).map((d) => d.name).sort()).toEqual(['inner-db', 'real-db']);
    // Asked directly for a path through the linked folder, or for a directory: not read.
    expect(await fs.read('any', '.autostack/team/hidden.yaml')).toMatch(/^\u0000autostack: symbolic link/);
    expect(await fs.read('any', '.autostack/folder.yaml')).toBeUndefined();
    expect((await fs.list('any', AUTOSTACK_DIR)).filter((f) => f.includes('hidden'))).toEqual([]);
  });

  it('autostack validate and autostack plan say what each path is, exit 1, and print no stack trace', async () => {
    const root = await gitRepo([{ '.autostack/orders-db.yaml': plan('orders-db', 'cloud: aws'), '.autostack/other-db.yaml': plan('other-db', 'cloud: aws') }]);
    const git = (...args: string[]) => run('git', args, { cwd: root });
    await git('checkout', '-qb', 'change');
    await git('rm', '-q', '.autostack/orders-db.yaml');
    await link('/etc/passwd', join(root, '.autostack/orders-db.yaml'));
    await git('add', '.autostack/orders-db.yaml');
    await git('update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},.autostack/sub.yaml`);
    await git('commit', '-qm', 'links');
    const cli = async (...args: string[]) => run(process.execPath, [join(ROOT, 'app/bin/autostack.js'), ...args], { cwd: root }).then((o) => ({ code: 0, ...o }), (e: { code: number; stdout: string; stderr: string }) => e);
    const v = await cli('validate');
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('.autostack/orders-db.yaml:1:1 error .autostack/orders-db.yaml is a symbolic link, not a file');
    expect(v.stdout).not.toContain('root:');
    const p = await cli('plan', '--base', 'main', '--head', 'HEAD');
    expect(p.code).toBe(1);
    expect(p.stdout).toContain('.autostack/orders-db.yaml is a symbolic link, not a file');
    expect(p.stdout).toContain('.autostack/sub.yaml is a submodule, not a file');
    for (const out of [v, p]) expect(out.stderr).not.toMatch(/\n\s+at |TypeError|EISDIR/);
  });
});
