import { spawn } from 'node:child_process';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import type { RepoReader } from '../../synth/core/load/reader.ts';
import { notAFilePlaceholder } from '../../synth/core/parse/parse.ts';
import { FsReader } from '../cli/fs-reader.ts';

/** The working tree (uncommitted changes included) as a ref name. */
export const WORKTREE = 'WORKTREE';

/**
 * A local git repository through simple-git. Reads at a ref are batched into one
 * `git cat-file --batch` process per tick, so reviewing 1,000 files is one process, not 1,000.
 */
export class GitReader implements RepoReader {
  readonly root: string;
  readonly git: SimpleGit;
  private readonly fs: FsReader;
  private pending: { spec: string; resolve: (t: string | undefined) => void; reject: (e: Error) => void }[] = [];

  constructor(root: string) {
    this.root = root;
    this.git = simpleGit({ baseDir: root });
    this.fs = new FsReader(root);
  }

  async list(ref: string, dir: string): Promise<string[]> {
    if (ref === WORKTREE) return this.fs.list(ref, dir);
    const out = await this.git.raw(['ls-tree', '-r', '--name-only', ref, '--', dir]);
    return out.split('\n').filter(Boolean).sort();
  }

  read(ref: string, path: string): Promise<string | undefined> {
    if (ref === WORKTREE) return this.fs.read(ref, path);
    return new Promise((resolve, reject) => {
      this.pending.push({ spec: `${ref}:${path}`, resolve, reject });
      if (this.pending.length === 1) queueMicrotask(() => this.flush());
    });
  }

  async changed(base: string, head: string, dir: string): Promise<string[]> {
    if (head === WORKTREE) {
      const [tracked, untracked] = await Promise.all([
        this.git.raw(['diff', '--name-only', base, '--', dir]),
        this.git.raw(['ls-files', '--others', '--exclude-standard', '--', dir]),
      ]);
      return [...new Set([...tracked.split('\n'), ...untracked.split('\n')].filter(Boolean))];
    }
    return (await this.git.raw(['diff', '--name-only', base, head, '--', dir])).split('\n').filter(Boolean);
  }

  /** `origin/HEAD`'s branch, else main or master, else the current branch. */
  async defaultBranch(): Promise<string> {
    try {
      const ref = (await this.git.raw(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'])).trim();
      if (ref) return ref.replace('refs/remotes/', '');
    } catch { /* no remote HEAD */ }
    const branches = await this.git.branchLocal();
    for (const b of ['main', 'master']) if (branches.all.includes(b)) return b;
    return branches.current || 'HEAD';
  }

  async mergeBase(a: string, b: string): Promise<string> {
    return (await this.git.raw(['merge-base', a, b])).trim();
  }

  async resolveRef(ref: string): Promise<string | undefined> {
    try {
      return (await this.git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * `ref:path` of each symbolic link (mode 120000) and submodule (160000) among the paths: git
   * stores a link as a blob holding its target, which must be reported, not read as the file.
   */
  private async specialEntries(specs: string[]): Promise<Map<string, 'symbolic link' | 'submodule'>> {
    const byRef = new Map<string, string[]>();
    for (const spec of specs) {
      const at = spec.indexOf(':');
      byRef.set(spec.slice(0, at), [...(byRef.get(spec.slice(0, at)) ?? []), spec.slice(at + 1)]);
    }
    const out = new Map<string, 'symbolic link' | 'submodule'>();
    await Promise.all([...byRef].map(async ([ref, paths]) => {
      const listing = await new Promise<string>((resolve, reject) => {
        const child = spawn('git', ['ls-tree', '-z', '--full-tree', ref, '--', ...paths.map((p) => `:(literal)${p}`)], { cwd: this.root, stdio: ['ignore', 'pipe', 'ignore'] });
        const chunks: Buffer[] = [];
        child.stdout.on('data', (c: Buffer) => chunks.push(c));
        child.on('error', reject);
        // An unknown ref lists nothing: cat-file answers "missing" for it below.
        child.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
      for (const entry of listing.split('\0')) {
        const m = /^(\d+) \w+ [0-9a-f]+\t(.*)$/s.exec(entry);
        if (m?.[1] === '120000') out.set(`${ref}:${m[2]}`, 'symbolic link');
        else if (m?.[1] === '160000') out.set(`${ref}:${m[2]}`, 'submodule');
      }
    }));
    return out;
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    const special = this.specialEntries(batch.map((p) => p.spec));
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.root, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e) => batch.forEach((p) => p.reject(e)));
    child.on('close', () => void special.then((links) => {
      const buf = Buffer.concat(chunks);
      let pos = 0;
      for (const p of batch) {
        const nl = buf.indexOf(10, pos);
        const header = buf.subarray(pos, nl).toString('utf8');
        pos = nl + 1;
        const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        const link = links.get(p.spec);
        if (!m) { p.resolve(link ? notAFilePlaceholder(link) : undefined); continue; }
        const size = Number(m[2]);
        p.resolve(link ? notAFilePlaceholder(link) : m[1] === 'blob' ? buf.subarray(pos, pos + size).toString('utf8') : undefined);
        pos += size + 1;
      }
    }, (e: Error) => batch.forEach((p) => p.reject(e))));
    child.stdin.end(batch.map((p) => p.spec).join('\n') + '\n');
  }
}
