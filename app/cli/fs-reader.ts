import { constants } from 'node:fs';
import { open, readdir, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { RepoReader } from '../../synth/core/load/reader.ts';
import { MAX_FILE_BYTES, notAFilePlaceholder, oversizedPlaceholder } from '../../synth/core/parse/parse.ts';

/**
 * Reads the working tree under `root`; the ref is ignored. Used by `autostack validate` and for
 * uncommitted changes. Only regular files inside `root` are read: a symbolic link (at the path or
 * on the way to it), a FIFO or a device is reported as not a file, never followed or opened for
 * reading; a directory is walked, and is not itself a file.
 */
export class FsReader implements RepoReader {
  readonly root: string;
  private realRoot?: Promise<string>;

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
        // A link to a directory is not walked; links and special files are listed so they are reported.
        if (entry.isDirectory()) await walk(p);
        else out.push(relative(this.root, p).split(sep).join('/'));
      }
    };
    await walk(join(this.root, dir));
    return out.sort();
  }

  async read(_ref: string, path: string): Promise<string | undefined> {
    const abs = join(this.root, path);
    let handle;
    try {
      // Resolved, the path must be the same path under the (resolved) root: no link anywhere on the way.
      const [real, root] = await Promise.all([realpath(abs), (this.realRoot ??= realpath(this.root))]);
      if (real !== join(root, path)) return notAFilePlaceholder('symbolic link');
      // O_NOFOLLOW and O_NONBLOCK: a link swapped in since is refused, and a FIFO does not block.
      handle = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      const info = await handle.stat();
      if (info.isDirectory()) return undefined;
      if (!info.isFile()) return notAFilePlaceholder('special file');
      // Refuse to load huge files into memory: the parser reports the real size from the placeholder.
      if (info.size > MAX_FILE_BYTES * 4) return oversizedPlaceholder(info.size);
      return await handle.readFile('utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (code === 'ELOOP') return notAFilePlaceholder('symbolic link');
      throw e;
    } finally {
      await handle?.close();
    }
  }
}
