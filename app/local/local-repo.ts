import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
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
   * Merges `head` into `branch`: a fast-forward when possible, else a merge commit from
   * `git merge-tree --write-tree`; conflicts refuse the merge. The checked-out branch's working
   * tree follows, and a working tree with uncommitted changes refuses the merge first.
   */
  async merge(branch: string, head: string, message: string): Promise<{ before: string; after: string }> {
    const before = await this.resolve(`refs/heads/${branch}`);
    if (!before) throw new LocalGitError(`branch ${branch} does not exist.`);
    const current = (await this.git.branchLocal()).current;
    if (current === branch) {
      const status = await this.git.status();
      if (!status.isClean()) throw new LocalGitError(`${this.dir} has uncommitted changes on ${branch}: commit or stash them, then merge again.`);
    }
    let after: string;
    if ((await this.git.raw(['merge-base', before, head])).trim() === before) {
      after = head;
    } else {
      let tree: string;
      try {
        tree = (await this.git.raw(['merge-tree', '--write-tree', before, head])).split('\n')[0]!.trim();
      } catch {
        throw new LocalGitError(`the pull request conflicts with ${branch}: update its branch, then merge again.`);
      }
      after = (await simpleGit({ baseDir: this.dir, config: IDENTITY }).raw(['commit-tree', tree, '-p', before, '-p', head, '-m', message])).trim();
    }
    await this.setBranch(branch, after, before);
    if (current === branch) await this.git.raw(['read-tree', '-u', '-m', before, after]);
    return { before, after };
  }

  async changedFiles(base: string, head: string, dir: string): Promise<string[]> {
    return (await this.git.raw(['diff', '--name-only', base, head, '--', dir])).split('\n').filter(Boolean).sort();
  }

  async message(sha: string): Promise<string> {
    return this.git.raw(['log', '-1', '--format=%B', sha]);
  }
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
