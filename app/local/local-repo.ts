import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { GitReader } from './git-reader.ts';
import { EXAMPLE_PLAN, settingsFile } from '../services/onboarding.ts';

/** Who the local platform's own commits are by (the rendered deploy commits, pull-request branches). */
const IDENTITY = ['user.name=AutoStack', 'user.email=autostack@localhost'];

/** A minimal environment: simple-git refuses variables that can run programs (EDITOR, GIT_SSH…). */
function gitEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() };
}

export interface FileChange {
  path: string;
  /** null removes the file */
  content: string | null;
}

export class LocalGitError extends Error {}

/**
 * A real git repository on this machine, written with plumbing (a private index, blobs, trees,
 * commits, refs) so branches and merges never touch the user's working tree — except that a merge
 * into the checked-out branch fast-forwards the working tree too, and refuses when it has changes.
 */
export class LocalRepo {
  readonly dir: string;
  readonly git: SimpleGit;
  readonly reader: GitReader;
  readonly gitDir: string;

  private constructor(dir: string, gitDir: string) {
    this.dir = dir;
    this.git = simpleGit({ baseDir: dir });
    this.reader = new GitReader(dir);
    this.gitDir = gitDir;
  }

  /** Opens `dir`; creates it (a new repository with a seeded `.autostack/`) when it does not exist. */
  static async open(dir: string): Promise<LocalRepo> {
    const abs = resolve(dir);
    if (!existsSync(abs) || !existsSync(join(abs, '.git'))) {
      if (existsSync(abs) && !(await isEmptyDir(abs))) throw new LocalGitError(`${abs} exists but is not a git repository: give the path of a repository, or of a folder that does not exist yet.`);
      await seed(abs);
    }
    const g = simpleGit({ baseDir: abs });
    const gitDir = (await g.raw(['rev-parse', '--git-dir'])).trim();
    return new LocalRepo(abs, isAbsolute(gitDir) ? gitDir : join(abs, gitDir));
  }

  /** main or master when present, else the checked-out branch. */
  async defaultBranch(): Promise<string> {
    const branches = await this.git.branchLocal();
    for (const b of ['main', 'master']) if (branches.all.includes(b)) return b;
    if (branches.current) return branches.current;
    throw new LocalGitError(`${this.dir} has no branch yet: make a first commit.`);
  }

  async resolve(ref: string): Promise<string | undefined> {
    try {
      return (await this.git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** One commit on `parent` (or a root commit) that applies `files`, through a private index. */
  async commit(parent: string | undefined, files: FileChange[], message: string): Promise<string> {
    const scratch = await mkdtemp(join(tmpdir(), 'autostack-index-'));
    const g = simpleGit({ baseDir: this.dir, config: IDENTITY, allowEnvironment: ['GIT_INDEX_FILE'] }).env({ ...gitEnv(), GIT_INDEX_FILE: join(scratch, 'index') });
    try {
      if (parent) await g.raw(['read-tree', parent]);
      for (const [i, f] of files.entries()) {
        if (f.content === null) {
          await g.raw(['update-index', '--force-remove', '--', f.path]);
          continue;
        }
        const tmp = join(scratch, `blob-${i}`);
        await writeFile(tmp, f.content);
        const blob = (await g.raw(['hash-object', '-w', '--', tmp])).trim();
        await g.raw(['update-index', '--add', '--cacheinfo', `100644,${blob},${f.path}`]);
      }
      const tree = (await g.raw(['write-tree'])).trim();
      return (await g.raw(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message])).trim();
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Moves a branch, only if it still points where we think (no lost updates). */
  async setBranch(branch: string, sha: string, expected: string | undefined): Promise<void> {
    await this.git.raw(['update-ref', '-m', 'autostack', `refs/heads/${branch}`, sha, expected ?? '0'.repeat(40)]);
  }

  /**
   * What merging `head` into `branch` would make, without moving anything: `head` itself for a
   * fast-forward, else a merge commit object from `git merge-tree --write-tree`. A conflict refuses
   * with the conflicting files (merge-tree says so by its exit status, not on stderr).
   */
  async prepareMerge(branch: string, head: string, message: string): Promise<{ before: string; after: string }> {
    const before = await this.resolve(`refs/heads/${branch}`);
    if (!before) throw new LocalGitError(`branch ${branch} does not exist.`);
    if ((await this.git.raw(['merge-base', before, head])).trim() === before) return { before, after: head };
    const r = await run(this.dir, ['merge-tree', '--write-tree', '--name-only', '--no-messages', before, head]);
    if (r.code === 1) {
      const files = [...new Set(r.stdout.split('\n').slice(1).map((l) => l.trim()).filter(Boolean))];
      throw new LocalGitError(`the pull request conflicts with ${branch} in ${files.join(', ') || 'its files'}: update its branch (rebase it on ${branch}, or close it and propose the change again from the plan as it is now), then merge again. Nothing was merged.`);
    }
    if (r.code !== 0) throw new LocalGitError(`git merge-tree failed (${r.stderr.trim() || `exit ${r.code}`}): nothing was merged.`);
    const tree = r.stdout.split('\n')[0]!.trim();
    if (!/^[0-9a-f]{40,64}$/.test(tree)) throw new LocalGitError(`git merge-tree answered no tree: nothing was merged.`);
    const after = (await simpleGit({ baseDir: this.dir, config: IDENTITY }).raw(['commit-tree', tree, '-p', before, '-p', head, '-m', message])).trim();
    return { before, after };
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return (await run(this.dir, ['merge-base', '--is-ancestor', ancestor, descendant])).code === 0;
  }

  /** Refuses when `branch` is checked out with uncommitted changes (a merge would move its working tree). */
  async assertCleanIfCheckedOut(branch: string): Promise<void> {
    if ((await this.git.branchLocal()).current !== branch) return;
    const status = await this.git.status();
    if (!status.isClean()) throw new LocalGitError(`${this.dir} has uncommitted changes on ${branch}: commit or stash them, then merge again.`);
  }

  /** Moves several branches in one git ref transaction: all of them move, or none does. */
  async moveBranches(updates: { branch: string; to: string; from: string | undefined }[]): Promise<void> {
    const input = ['start', ...updates.map((u) => `update refs/heads/${u.branch} ${u.to} ${u.from ?? '0'.repeat(40)}`), 'prepare', 'commit', ''].join('\n');
    const r = await run(this.dir, ['update-ref', '-m', 'autostack', '--stdin'], input);
    if (r.code !== 0) throw new LocalGitError(`git could not move ${updates.map((u) => u.branch).join(' and ')} (${r.stderr.trim()}): nothing was moved.`);
  }

  /** When `branch` is checked out and its working tree is still at `before`, brings it to `after`. */
  async followCheckout(branch: string, before: string, after: string): Promise<void> {
    if ((await this.git.branchLocal()).current !== branch) return;
    const index = (await this.git.raw(['write-tree'])).trim();
    const was = (await this.git.raw(['rev-parse', `${before}^{tree}`])).trim();
    if (index === was) await this.git.raw(['read-tree', '-u', '-m', before, after]);
  }

  async changedFiles(base: string, head: string, dir: string): Promise<string[]> {
    return (await this.git.raw(['diff', '--name-only', base, head, '--', dir])).split('\n').filter(Boolean).sort();
  }

  async message(sha: string): Promise<string> {
    return this.git.raw(['log', '-1', '--format=%B', sha]);
  }

  /** Commits of `ref`, newest first: sha, committer date (ISO) and message. */
  async log(ref: string, max: number): Promise<{ sha: string; at: string; message: string }[]> {
    const out = await this.git.raw(['log', `-${max}`, '--format=%H%x1f%cI%x1f%B%x1e', ref, '--']);
    return out.split('\x1e').map((r) => r.trim()).filter(Boolean).map((r) => {
      const [sha, at, message] = r.split('\x1f');
      return { sha: sha!, at: at!, message: message ?? '' };
    });
  }

  /**
   * A linked worktree of this repository at `dir` with `commit` checked out (detached: the branch
   * itself stays free to move). Returns false when `dir` exists and is not one of ours.
   */
  async checkoutWorktree(dir: string, commit: string): Promise<boolean> {
    if (!existsSync(dir)) {
      await run(this.dir, ['worktree', 'prune']);
      const r = await run(this.dir, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
      if (r.code !== 0) throw new LocalGitError(`git could not create the folder ${dir} (${r.stderr.trim()}).`);
      return true;
    }
    if ((await this.worktreeHead(dir)) === undefined) return false;
    // Not forced: a file changed by hand there is kept, and the folder is reported behind.
    const r = await run(dir, ['checkout', '--detach', '--quiet', commit]);
    if (r.code !== 0) throw new LocalGitError(`git could not update ${dir} (${r.stderr.trim()}).`);
    return true;
  }

  /** The commit checked out in `dir` when it is a worktree of this repository, else undefined. */
  async worktreeHead(dir: string): Promise<string | undefined> {
    if (!existsSync(join(dir, '.git'))) return undefined;
    const r = await run(dir, ['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-toplevel', 'HEAD']);
    if (r.code !== 0) return undefined;
    const [common, top, head] = r.stdout.split('\n').map((l) => l.trim());
    const same = async (a: string | undefined, b: string) => a !== undefined && (await realpath(a).catch(() => a)) === (await realpath(b).catch(() => b));
    if (!(await same(common, this.gitDir)) || !(await same(top, dir))) return undefined;
    return /^[0-9a-f]{40,64}$/.test(head ?? '') ? head : undefined;
  }

  /** Whether tracked files in the worktree `dir` differ from its checked-out commit. */
  async worktreeChanged(dir: string): Promise<boolean> {
    const r = await run(dir, ['status', '--porcelain', '--untracked-files=no']);
    return r.code !== 0 || r.stdout.trim() !== '';
  }
}

/** git with its exit status and output (simple-git treats an exit status without stderr as success). */
function run(dir: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd: dir, env: gitEnv(), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      if (code === -1) reject(error);
      else resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

async function isEmptyDir(dir: string): Promise<boolean> {
  return (await readdir(dir)).length === 0;
}

/** A new repository with settings and an example plan, committed on main. */
async function seed(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['.autostack/autostack.yaml', settingsFile('local')],
    ['.autostack/example-db.yaml', EXAMPLE_PLAN],
    ['README.md', '# My infrastructure\n\nPlans live in `.autostack/`. Open the AutoStack site (npm start) to review, merge and render them.\n'],
  ];
  for (const [p, text] of files) {
    await mkdir(dirname(join(dir, p)), { recursive: true });
    await writeFile(join(dir, p), text);
  }
  const g = simpleGit({ baseDir: dir, config: IDENTITY });
  await g.raw(['init', '-q', '-b', 'main']);
  await g.raw(['add', '.']);
  await g.raw(['commit', '-q', '-m', 'Start with AutoStack']);
}
