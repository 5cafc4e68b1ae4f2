import type { RepoReader } from '../../synth/core/load/reader.ts';
import type { GitHubClient } from './client.ts';

/**
 * RepoReader over the GitHub API. Listing reads two trees (the root, then `.autostack`
 * recursively), never the whole repository; file bodies come from blobs, fetched once each.
 */
export class GitHubReader implements RepoReader {
  private readonly client: GitHubClient;
  private readonly trees = new Map<string, Promise<Map<string, string>>>();
  private readonly blobs = new Map<string, Promise<string>>();

  constructor(client: GitHubClient) {
    this.client = client;
  }

  async list(ref: string, dir: string): Promise<string[]> {
    const tree = await this.tree(ref, dir);
    return [...tree.keys()].sort();
  }

  async read(ref: string, path: string): Promise<string | undefined> {
    const dir = path.split('/')[0]!;
    const sha = (await this.tree(ref, dir)).get(path);
    if (!sha) return undefined;
    let blob = this.blobs.get(sha);
    if (!blob) {
      blob = this.client.call('getBlob', { file_sha: sha }).then(({ data }) => Buffer.from(String(data.content), data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8'));
      this.blobs.set(sha, blob);
    }
    return blob;
  }

  /** path → blob sha for every file under a top-level directory at `ref`. */
  private tree(ref: string, dir: string): Promise<Map<string, string>> {
    const key = `${ref}:${dir}`;
    let t = this.trees.get(key);
    if (!t) {
      t = (async () => {
        const root = await this.client.call('getTree', { tree_sha: ref });
        const entry = (root.data.tree as { path: string; type: string; sha: string }[]).find((e) => e.path === dir && e.type === 'tree');
        const files = new Map<string, string>();
        if (!entry) return files;
        const sub = await this.client.call('getTree', { tree_sha: entry.sha, recursive: '1' });
        for (const e of sub.data.tree as { path: string; type: string; sha: string }[]) if (e.type === 'blob') files.set(`${dir}/${e.path}`, e.sha);
        return files;
      })();
      this.trees.set(key, t);
    }
    return t;
  }
}
