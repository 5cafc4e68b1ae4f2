/**
 * Where files come from. Three implementations: GitHub (octokit), local git (simple-git,
 * app/git-reader.ts) and in memory (tests, browser). Paths are repository-relative with '/'.
 */
export interface RepoReader {
  /** Files under `dir` at `ref`, recursively. */
  list(ref: string, dir: string): Promise<string[]>;
  /** File text at `ref`, or undefined when the file does not exist there. */
  read(ref: string, path: string): Promise<string | undefined>;
  /** Files under `dir` that differ between two refs; readers that can ask git directly should. */
  changed?(base: string, head: string, dir: string): Promise<string[]>;
}

export const AUTOSTACK_DIR = '.autostack';
export const SETTINGS_FILE = `${AUTOSTACK_DIR}/autostack.yaml`;

export function isAutostackFile(path: string): boolean {
  return path.startsWith(`${AUTOSTACK_DIR}/`) && /\.ya?ml$/i.test(path);
}

/** In-memory repository: `refs[ref][path] = text`. */
export class MemoryReader implements RepoReader {
  private readonly refs: Record<string, Record<string, string>>;

  constructor(refs: Record<string, Record<string, string>>) {
    this.refs = refs;
  }

  async list(ref: string, dir: string): Promise<string[]> {
    const files = this.refs[ref] ?? {};
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    return Object.keys(files).filter((p) => p.startsWith(prefix)).sort();
  }

  async read(ref: string, path: string): Promise<string | undefined> {
    return this.refs[ref]?.[path];
  }
}

/** Files that differ between two refs, by content, for readers without a cheaper way. */
export async function changedFiles(reader: RepoReader, base: string, head: string, dir: string): Promise<string[]> {
  if (reader.changed) return (await reader.changed(base, head, dir)).filter(isAutostackFile).sort();
  const [a, b] = await Promise.all([reader.list(base, dir), reader.list(head, dir)]);
  const all = [...new Set([...a, ...b])].filter(isAutostackFile).sort();
  const differs = await Promise.all(all.map(async (p) => (await reader.read(base, p)) !== (await reader.read(head, p))));
  return all.filter((_, i) => differs[i]);
}

/** Several files at one ref, read at once (undefined where a file does not exist). */
export async function readAll(reader: RepoReader, ref: string, paths: readonly string[]): Promise<Map<string, string | undefined>> {
  const texts = await Promise.all(paths.map((p) => reader.read(ref, p)));
  return new Map(paths.map((p, i) => [p, texts[i]]));
}
