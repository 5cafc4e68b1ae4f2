import type { RepoReader } from '../../synth/core/load/reader.ts';
import { notAFilePlaceholder } from '../../synth/core/parse/parse.ts';
import type { NotAFile } from '../../synth/core/parse/parse.ts';
import type { GitHubClient } from './client.ts';
import { GraphQLQueryError } from './errors.ts';

/** Expressions (`<ref>:<path>`) per GraphQL query: a review of 100 changed files (both refs, settings, the listing) fits in one. */
export const GRAPHQL_BATCH = 250;
/** Directory levels under the listed directory read in the GraphQL listing; deeper trees are listed through REST. */
const LIST_DEPTH = 4;

type TreeNode = { name: string; type: string; mode?: number; object?: { entries?: TreeNode[] } | null };

const BLOB_FIELDS = '... on Blob { oid text isBinary isTruncated }';
const treeFields = (depth: number): string => (depth === 0 ? 'name type mode' : `name type mode object { ... on Tree { entries { ${treeFields(depth - 1)} } } }`);
const TREE_FIELDS = `... on Tree { entries { ${treeFields(LIST_DEPTH)} } }`;
/** The entries of a file's folder, read beside it: GitHub serves a symbolic link as a blob holding its target, and only the entry's mode tells. */
const PARENT_FIELDS = `... on Tree { entries { ${treeFields(0)} } }`;

/** A symbolic link or a submodule (gitlink), from a tree entry's type and mode (REST: "120000", GraphQL: 40960). */
function specialEntry(type: string, mode: string | number | undefined): NotAFile | undefined {
  if (type === 'commit') return 'submodule';
  if (type === 'blob' && (mode === '120000' || mode === 0o120000)) return 'symbolic link';
  return undefined;
}

interface Pending {
  kind: 'read' | 'list';
  ref: string;
  path: string;
  resolve: (v: any) => void;
  reject: (e: unknown) => void;
}

/**
 * RepoReader over the GitHub API.
 *
 * Default (REST): listing reads two trees (the root, then `.autostack` recursively), never the
 * whole repository; file bodies come from blobs, fetched once each.
 *
 * Batched (`{ batch: true }`, GraphQL): every read and listing asked for in the same turn of the
 * event loop goes out as one query, `object(expression: "<ref>:<path>")` per file, at most
 * GRAPHQL_BATCH a query; `prefetch` queues files the caller knows it will need, so a review reads
 * its settings, changed files at both refs and the listing in one request. Text GitHub truncates
 * or does not return (binary) is read from its blob. A query GitHub fails twice (200 with `errors`)
 * is answered through REST instead.
 */
export class GitHubReader implements RepoReader {
  private readonly client: GitHubClient;
  private readonly batch: boolean;
  private readonly trees = new Map<string, Promise<Map<string, { sha: string; special?: NotAFile }>>>();
  private readonly blobs = new Map<string, Promise<string>>();
  private readonly cache = new Map<string, Promise<any>>();
  private pending: Pending[] = [];
  private scheduled = false;
  /** Set once GitHub failed a GraphQL query twice: the rest of this reader's reads go through REST. */
  private degraded = false;

  constructor(client: GitHubClient, options: { batch?: boolean } = {}) {
    this.client = client;
    this.batch = options.batch ?? false;
  }

  async list(ref: string, dir: string): Promise<string[]> {
    if (this.batch && !this.degraded) return [...(await this.queue('list', ref, dir) as string[])].sort();
    return this.restList(ref, dir);
  }

  async read(ref: string, path: string): Promise<string | undefined> {
    if (this.batch && !this.degraded) return this.queue('read', ref, path);
    return this.restRead(ref, path);
  }

  private async restList(ref: string, dir: string): Promise<string[]> {
    const tree = await this.tree(ref, dir.split('/')[0]!);
    return [...tree.keys()].filter((p) => p.startsWith(`${dir}/`)).sort();
  }

  private async restRead(ref: string, path: string): Promise<string | undefined> {
    const entry = (await this.tree(ref, path.split('/')[0]!)).get(path);
    if (!entry) return undefined;
    return entry.special ? notAFilePlaceholder(entry.special) : this.blob(entry.sha);
  }

  /** Queues reads (and listings) to go out in the next batch; later `read`/`list` calls for them are answered from it. */
  prefetch(reads: { ref: string; paths: readonly string[] }[], lists: { ref: string; dir: string }[] = []): void {
    if (!this.batch) return;
    for (const r of reads) for (const p of r.paths) this.queue('read', r.ref, p).catch(() => undefined);
    for (const l of lists) this.queue('list', l.ref, l.dir).catch(() => undefined);
  }

  private queue(kind: 'read' | 'list', ref: string, path: string): Promise<any> {
    const key = `${kind} ${ref}:${path}`;
    let p = this.cache.get(key);
    if (!p) {
      p = new Promise((resolve, reject) => this.pending.push({ kind, ref, path, resolve, reject }));
      this.cache.set(key, p);
      if (!this.scheduled) {
        this.scheduled = true;
        // Everything asked for in this turn (Promise.all over both refs) joins one query.
        setTimeout(() => void this.flush(), 0);
      }
    }
    return p;
  }

  private async flush(): Promise<void> {
    const all = this.pending;
    this.pending = [];
    this.scheduled = false;
    for (let i = 0; i < all.length; i += GRAPHQL_BATCH) {
      const chunk = all.slice(i, i + GRAPHQL_BATCH);
      if (this.degraded) {
        this.throughRest(chunk);
        continue;
      }
      try {
        const vars: Record<string, string> = {};
        const fields = chunk.map((q, n) => {
          vars[`e${n}`] = `${q.ref}:${q.path}`;
          return `f${n}: object(expression: $e${n}) { ${q.kind === 'read' ? BLOB_FIELDS : TREE_FIELDS} }`;
        });
        // Each read file's folder, once per ref and folder: its entry says whether the path is a link or a submodule.
        const parents = [...new Set(chunk.filter((q) => q.kind === 'read' && q.path.includes('/')).map((q) => `${q.ref}:${q.path.slice(0, q.path.lastIndexOf('/'))}`))];
        parents.forEach((expr, n) => {
          vars[`d${n}`] = expr;
          fields.push(`p${n}: object(expression: $d${n}) { ${PARENT_FIELDS} }`);
        });
        const declared = [...chunk.map((_, n) => `, $e${n}: String!`), ...parents.map((_, n) => `, $d${n}: String!`)].join('');
        const query = `query($owner: String!, $repo: String!${declared}) { repository(owner: $owner, name: $repo) { ${fields.join(' ')} } }`;
        const data = await this.client.graphql(query, vars);
        const repo = data?.repository;
        if (!repo) throw new Error(`GitHub GraphQL: repository ${this.client.repo.owner}/${this.client.repo.repo} not found`);
        const special = (q: Pending): NotAFile | undefined => {
          const cut = q.path.lastIndexOf('/');
          const entries = (repo[`p${parents.indexOf(`${q.ref}:${q.path.slice(0, cut)}`)}`] as { entries?: TreeNode[] } | null | undefined)?.entries ?? [];
          const entry = entries.find((e) => e.name === q.path.slice(cut + 1));
          return entry ? specialEntry(entry.type, entry.mode) : undefined;
        };
        await Promise.all(chunk.map(async (q, n) => {
          try {
            const what = q.kind === 'read' ? special(q) : undefined;
            q.resolve(what ? notAFilePlaceholder(what) : q.kind === 'read' ? await this.blobText(repo[`f${n}`]) : await this.listing(q.ref, q.path, repo[`f${n}`]));
          } catch (e) {
            q.reject(e);
          }
        }));
      } catch (e) {
        // GraphQL failing twice (a 200 with `errors`): the same files through REST (trees and blobs).
        if (e instanceof GraphQLQueryError) {
          this.degraded = true;
          this.throughRest(chunk);
        } else for (const q of chunk) q.reject(e);
      }
    }
  }

  private throughRest(chunk: Pending[]): void {
    for (const q of chunk) (q.kind === 'read' ? this.restRead(q.ref, q.path) : this.restList(q.ref, q.path)).then(q.resolve, q.reject);
  }

  private async blobText(o: { oid?: string; text?: string | null; isTruncated?: boolean } | null | undefined): Promise<string | undefined> {
    if (!o || o.oid === undefined) return undefined;
    if (typeof o.text === 'string' && !o.isTruncated) return o.text;
    return this.blob(o.oid);
  }

  /** Files under `dir` from the nested GraphQL tree; a tree deeper than it reaches is listed through REST instead. */
  private async listing(ref: string, dir: string, o: { entries?: TreeNode[] } | null | undefined): Promise<string[]> {
    if (!o?.entries) return [];
    const out: string[] = [];
    let deeper = false;
    const walk = (entries: TreeNode[], prefix: string) => {
      for (const e of entries) {
        const path = `${prefix}/${e.name}`;
        // Links and submodules are listed, so that reading them reports what they are.
        if (e.type === 'blob' || e.type === 'commit') out.push(path);
        else if (e.type === 'tree') {
          if (e.object?.entries) walk(e.object.entries, path);
          else if (e.object === undefined) deeper = true;
        }
      }
    };
    walk(o.entries, dir);
    return deeper ? [...(await this.tree(ref, dir.split('/')[0]!)).keys()] : out;
  }

  private blob(sha: string): Promise<string> {
    let blob = this.blobs.get(sha);
    if (!blob) {
      blob = this.client.call('getBlob', { file_sha: sha }).then(({ data }) => Buffer.from(String(data.content), data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8'));
      this.blobs.set(sha, blob);
    }
    return blob;
  }

  /** path → blob sha (or what it is, when not a file) for every file under a top-level directory at `ref`. */
  private tree(ref: string, dir: string): Promise<Map<string, { sha: string; special?: NotAFile }>> {
    const key = `${ref}:${dir}`;
    let t = this.trees.get(key);
    if (!t) {
      t = (async () => {
        const root = await this.client.call('getTree', { tree_sha: ref });
        const entry = (root.data.tree as { path: string; type: string; sha: string }[]).find((e) => e.path === dir && e.type === 'tree');
        const files = new Map<string, { sha: string; special?: NotAFile }>();
        if (!entry) return files;
        const sub = await this.client.call('getTree', { tree_sha: entry.sha, recursive: '1' });
        for (const e of sub.data.tree as { path: string; type: string; sha: string; mode?: string }[]) {
          const special = specialEntry(e.type, e.mode);
          if (e.type === 'blob' || special) files.set(`${dir}/${e.path}`, { sha: e.sha, ...(special ? { special } : {}) });
        }
        return files;
      })();
      this.trees.set(key, t);
    }
    return t;
  }
}
