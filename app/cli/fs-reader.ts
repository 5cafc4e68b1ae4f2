import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { RepoReader } from '../../synth/core/load/reader.ts';
import { MAX_FILE_BYTES, oversizedPlaceholder } from '../../synth/core/parse/parse.ts';

/** Reads the working tree under `root`; the ref is ignored. Used by `autostack validate` and for uncommitted changes. */
export class FsReader implements RepoReader {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  async list(_ref: string, dir: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (abs: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(abs, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw e;
      }
      for (const entry of entries) {
        const p = join(abs, entry.name);
        if (entry.isDirectory()) await walk(p);
        else if (entry.isFile()) out.push(relative(this.root, p).split(sep).join('/'));
      }
    };
    await walk(join(this.root, dir));
    return out.sort();
  }

  async read(_ref: string, path: string): Promise<string | undefined> {
    const abs = join(this.root, path);
    try {
      // Refuse to load huge files into memory: the parser reports the real size from the placeholder.
      const info = await stat(abs);
      if (info.size > MAX_FILE_BYTES * 4) return oversizedPlaceholder(info.size);
      return await readFile(abs, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
}
