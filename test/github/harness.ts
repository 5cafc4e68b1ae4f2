import '../../synth/node.ts';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { autostackApp } from '../../app/github-app.ts';
import { ROUTES } from '../../app/github/routes.ts';
import { loadAppConfig } from '../../app/services/config.ts';
import { checkRequest } from './openapi.ts';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, any>[] }[];

export const OWNER = 'acme';
export const REPO = 'infra';
export const APP_ID = 4242;
export const API = 'https://api.github.com';
const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

export interface Recorded {
  method: string;
  path: string;
  body: any;
  /** The Authorization header (which token acted: the installation's or a user's). */
  auth: string | null;
  /** The operation in GitHub's OpenAPI description: "GET /repos/{owner}/{repo}/pulls/{pull_number}". */
  operation: string;
}

/** Operations the App calls outside ROUTES: they need no repository permission in app.yml. */
export const NON_REPOSITORY_OPERATIONS: Record<string, string> = {
  'POST /app/installations/{installation_id}/access_tokens': 'an installation token, with the App\'s own key',
  'GET /app/hook/deliveries': 'the App\'s webhook deliveries, with its own key (the redelivery job)',
  'GET /app/hook/deliveries/{delivery_id}': 'one delivery\'s payload, with the App\'s own key',
  'POST /app/hook/deliveries/{delivery_id}/attempts': 'a redelivery, with the App\'s own key',
  'GET /user': 'who signed in, with the user\'s token',
  'GET /user/installations': 'the signed-in user\'s installations of the App',
  'GET /user/installations/{installation_id}/repositories': 'the repositories of those installations the user can access',
};

const DECLARED_OPERATIONS = new Set<string>(Object.values(ROUTES).map((r) => r.route));

/** Every GitHub operation requested of a FakeGitHub in this test file (each file runs in its own process). */
export const operationsCalled = new Set<string>();

/** Why an operation the code called is not covered by app.yml, or undefined when it is. */
export function undeclaredOperation(operation: string): string | undefined {
  if (DECLARED_OPERATIONS.has(operation) || operation in NON_REPOSITORY_OPERATIONS) return undefined;
  return `${operation} is called but not declared in app/github/routes.ts ROUTES (app.yml permissions are derived from it)`;
}

/**
 * GitHub, faked strictly: network off (loopback allowed), every reply registered up front, every
 * request matched against GitHub's OpenAPI description and its body validated. `verify()` fails
 * on an unmatched request, an invalid body or an interceptor nobody used.
 */
export class FakeGitHub {
  readonly requests: Recorded[] = [];
  readonly problems: string[] = [];
  /** What each installation token minted here was asked for (`repository_ids`, `permissions`), by token. */
  readonly grants = new Map<string, { repository_ids?: number[]; permissions?: Record<string, string> }>();
  private readonly noMatch = (req: { method: string; url?: string; path?: string }) => {
    const where = req.url ?? req.path ?? '';
    // Loopback traffic (the App's own server in tests) is allowed through, not a GitHub call.
    if (/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(where)) return;
    this.problems.push(`unmatched request ${req.method} ${where}`);
  };

  constructor() {
    nock.cleanAll();
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    nock.emitter.on('no match', this.noMatch);
  }

  /** Registers `times` replies for METHOD path (a path without query; any query is accepted); a reply function may add headers (a Link to the next page). */
  on(method: string, path: string | RegExp, reply: number | ((body: any, uri: string) => [number, unknown?, Record<string, string>?]), data?: unknown, times = 1): this {
    // Octokit percent-encodes slashes inside parameters (heads%2Fmain): match on the decoded path.
    const matcher = (uri: string) => {
      const decoded = decodeURIComponent(uri.split('?')[0]!);
      return typeof path === 'string' ? decoded === path : path.test(decoded);
    };
    nock(API)
      .intercept(matcher, method)
      .query(true)
      .times(times)
      // nock 15 hands the reply function the Fetch Request (a 2-argument function would be taken as callback style).
      .reply(async (request: Request) => {
        const text = await request.text();
        const parsed = text.length ? JSON.parse(text) : undefined;
        const url = new URL(request.url);
        const uri = url.pathname + url.search;
        const check = checkRequest(method, uri, parsed);
        const auth = request.headers.get('authorization');
        this.requests.push({ method, path: uri, body: parsed, auth, operation: check.operation });
        this.problems.push(...check.errors);
        if (!check.errors.length) {
          operationsCalled.add(check.operation);
          const undeclared = undeclaredOperation(check.operation);
          if (undeclared) this.problems.push(undeclared);
          const denied = this.beyondGrant(check.operation, auth);
          if (denied) this.problems.push(denied);
        }
        const [status, payload, headers] = typeof reply === 'function' ? reply(parsed, uri) : [reply, data];
        return [status, payload ?? {}, headers ?? {}];
      });
    return this;
  }

  /**
   * The check run of a first review of `sha`: looked up (none), created with its result as `id`,
   * then listed again, where it is the oldest (the one that counts, app/github/check-run.ts);
   * `updates` more requests for annotation batches past the first.
   */
  newCheckRun(sha: string, id: number, updates = 0): this {
    this.on('GET', this.repoPath(`/commits/${sha}/check-runs`), 200, { total_count: 0, check_runs: [] });
    this.on('POST', this.repoPath('/check-runs'), 201, { id });
    this.on('GET', this.repoPath(`/commits/${sha}/check-runs`), 200, { total_count: 1, check_runs: [{ id, head_sha: sha }] });
    if (updates) this.on('PATCH', this.repoPath(`/check-runs/${id}`), 200, {}, updates);
    return this;
  }

  /**
   * `times` installation tokens, each distinct (ghs_testtoken…0, …1), remembered with what it was
   * minted for: a later call with that token outside its permissions is a problem, as GitHub
   * would answer it 403.
   */
  token(times = 1): this {
    let n = 0;
    return this.on('POST', /\/app\/installations\/\d+\/access_tokens/, (body) => {
      const token = `ghs_testtoken${String(n++).padStart(27, '0')}`;
      this.grants.set(token, { ...(body?.repository_ids ? { repository_ids: body.repository_ids } : {}), ...(body?.permissions ? { permissions: body.permissions } : {}) });
      return [201, { token, expires_at: '2099-01-01T00:00:00Z', permissions: body?.permissions ?? {} }];
    }, undefined, times);
  }

  /** Why a token minted here may not make `operation`, or undefined when it may (or is not one of these tokens). */
  private beyondGrant(operation: string, auth: string | null): string | undefined {
    const grant = auth?.startsWith('token ') ? this.grants.get(auth.slice(6)) : undefined;
    if (!grant?.permissions) return undefined;
    const route = Object.values(ROUTES).find((r) => r.route === operation);
    if (!route) return undefined;
    const [scope, access] = route.permission;
    const granted = grant.permissions[scope];
    if (granted === 'write' || granted === access) return undefined;
    return `${operation} needs ${scope}: ${access}, but its token was minted with ${granted ? `${scope}: ${granted}` : `no ${scope} permission`} (${JSON.stringify(grant.permissions)})`;
  }

  repoPath(rest: string): string {
    return `/repos/${OWNER}/${REPO}${rest}`;
  }

  /** A list served 100 items a page, each page linking to the next as GitHub does (`times` = the number of pages). */
  pages(path: string, items: unknown[], wrap: (page: unknown[]) => unknown = (page) => page): this {
    const count = Math.max(1, Math.ceil(items.length / 100));
    return this.on('GET', path, (_body, uri) => {
      const page = Number(new URL(uri, API).searchParams.get('page') ?? 1);
      const link = page < count ? { link: `<${API}${path}?per_page=100&page=${page + 1}>; rel="next", <${API}${path}?per_page=100&page=${count}>; rel="last"` } : undefined;
      return [200, wrap(items.slice((page - 1) * 100, page * 100)), link];
    }, undefined, count);
  }

  /** Trees and blobs of `.autostack/` at each ref; blob SHAs are content hashes, so equal files are read once. A value made with `symlink()` or `SUBMODULE` is that kind of tree entry. */
  files(refs: Record<string, Record<string, string>>, read: string[] = []): this {
    const blobs = new Map<string, string>();
    for (const [ref, files] of Object.entries(refs)) {
      const entries = Object.entries(files).map(([path, text]) => {
        const entry = { path: path.replace(/^\.autostack\//, '') };
        if (text === SUBMODULE) return { ...entry, type: 'commit', sha: 'c'.repeat(40), mode: '160000' };
        const target = linkTarget(text);
        const sha = blobSha(target ?? text);
        if (read.includes(path)) blobs.set(sha, target ?? text);
        return { ...entry, type: 'blob', sha, mode: target !== undefined ? '120000' : '100644' };
      });
      const sub = `tree-${ref}`;
      this.on('GET', this.repoPath(`/git/trees/${ref}`), 200, { sha: ref, truncated: false, tree: entries.length ? [{ path: '.autostack', type: 'tree', sha: sub, mode: '040000' }] : [] });
      if (entries.length) this.on('GET', this.repoPath(`/git/trees/${sub}`), 200, { sha: sub, truncated: false, tree: entries });
    }
    for (const [sha, text] of blobs) this.on('GET', this.repoPath(`/git/blobs/${sha}`), 200, { sha, encoding: 'base64', content: Buffer.from(text).toString('base64'), size: text.length });
    return this;
  }

  /**
   * GitHub's GraphQL endpoint for the batched reader: `times` POST /graphql, each checked for its
   * shape (a query string declaring `$owner`, `$repo` and one `$eN: String!` per aliased
   * `object(expression: $eN)` selecting a Blob or a Tree, variables binding each to `<ref>:<path>`)
   * and answered from `refs` (null for a missing path, like GitHub).
   */
  graphql(refs: Record<string, Record<string, string>>, times = 1): this {
    const scope = nock(API).post('/graphql').times(times);
    scope.reply(async (request: Request) => {
      const text = await request.text();
      const body = text.length ? JSON.parse(text) : undefined;
      this.requests.push({ method: 'POST', path: '/graphql', body, auth: request.headers.get('authorization'), operation: 'POST /graphql' });
      const [status, answer, problems] = graphqlAnswer(refs, body);
      this.problems.push(...problems);
      if (status === 200) operationsCalled.add('POST /graphql');
      return [status, answer];
    });
    return this;
  }

  /** No open pull request with the same change, then one commit on main's head, a branch and pull request `number`, through the Git Data API. */
  pullRequest(number: number, open: unknown[] = []): this {
    // The store first looks for an open pull request making the same change (none by default).
    this.on('GET', this.repoPath('/pulls'), 200, open);
    this.on('GET', this.repoPath('/git/ref/heads/main'), 200, { ref: 'refs/heads/main', object: { sha: 'a'.repeat(40), type: 'commit' } });
    this.on('GET', this.repoPath(`/git/commits/${'a'.repeat(40)}`), 200, { sha: 'a'.repeat(40), tree: { sha: 't'.repeat(40) } });
    this.on('POST', this.repoPath('/git/trees'), 201, { sha: 'n'.repeat(40) });
    this.on('POST', this.repoPath('/git/commits'), 201, { sha: 'm'.repeat(40) });
    this.on('POST', this.repoPath('/git/refs'), 201, {});
    return this.on('POST', this.repoPath('/pulls'), 201, { number, html_url: `https://github.com/${OWNER}/${REPO}/pull/${number}` });
  }

  made(method: string, pathPart: string): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.path.includes(pathPart));
  }

  verify(): void {
    nock.emitter.removeListener('no match', this.noMatch);
    const pending = nock.pendingMocks();
    nock.cleanAll();
    const all = [...this.problems, ...pending.map((p) => `unused interceptor ${p}`)];
    if (all.length) throw new Error(`GitHub fake:\n${all.join('\n')}`);
  }
}

/**
 * GitHub's answer to the batched reader's query over `refs` (null for a missing path, like
 * GitHub), or 400 with the problems when the query is not of the expected shape.
 */
export function graphqlAnswer(refs: Record<string, Record<string, string>>, body: any): [number, unknown, string[]] {
  const problems = graphqlProblems(body);
  if (problems.length) return [400, { message: problems.join('; ') }, problems];
  const repository: Record<string, unknown> = {};
  for (const m of (body.query as string).matchAll(/(\w+): object\(expression: \$(\w+)\) \{ \.\.\. on (Blob|Tree)/g)) {
    const expr = body.variables[m[2]!] as string;
    const at = expr.indexOf(':');
    const files = refs[expr.slice(0, at)] ?? {};
    repository[m[1]!] = m[3] === 'Blob' ? blobNode(files[expr.slice(at + 1)]) : treeNode(files, expr.slice(at + 1));
  }
  return [200, { data: { repository } }, []];
}

export function graphqlProblems(body: any): string[] {
  if (typeof body !== 'object' || body === null || typeof body.query !== 'string') return ['POST /graphql: the body must be { query: string, variables?: object }'];
  const out: string[] = [];
  const vars = body.variables ?? {};
  if (typeof vars !== 'object' || Array.isArray(vars)) return ['POST /graphql: variables must be an object'];
  const head = /^query\((\$\w+: String!(?:, )?)+\) \{ repository\(owner: \$owner, name: \$repo\) \{ (.*) \} \}$/s.exec(body.query);
  if (!head) return [`POST /graphql: unexpected query shape: ${body.query.slice(0, 200)}`];
  const declared = new Set<string>([...(body.query as string).slice(0, (body.query as string).indexOf(")")).matchAll(/\$(\w+): String!/g)].map((m) => m[1]!));
  if (vars.owner !== OWNER || vars.repo !== REPO) out.push(`POST /graphql: $owner/$repo are ${vars.owner}/${vars.repo}, not ${OWNER}/${REPO}`);
  const aliases = [...body.query.matchAll(/(\w+): object\(expression: \$(\w+)\) \{ \.\.\. on (Blob|Tree)/g)];
  if (!aliases.length) out.push('POST /graphql: no object(expression:) selected');
  for (const [, , v] of aliases) {
    if (!declared.has(v)) out.push(`POST /graphql: $${v} is used but not declared`);
    if (typeof vars[v] !== 'string' || !/^[^:]+:.+/.test(vars[v])) out.push(`POST /graphql: $${v} must be "<ref>:<path>", got ${JSON.stringify(vars[v])}`);
  }
  for (const d of declared) if (!(d in vars)) out.push(`POST /graphql: $${d} is declared but has no value`);
  return out;
}

/** A tree entry that is a symbolic link to `target` (its blob holds the target, as in git). */
export function symlink(target: string): string {
  return `\u0000symlink:${target}`;
}
/** A tree entry that is a submodule (a gitlink: a commit of another repository). */
export const SUBMODULE = '\u0000submodule';

function linkTarget(text: string): string | undefined {
  return text.startsWith('\u0000symlink:') ? text.slice('\u0000symlink:'.length) : undefined;
}

/** What GitHub answers for `<ref>:<path>` selected as a Blob: a link is the blob of its target; a submodule's commit is not in the repository. */
export function blobNode(text: string | undefined): unknown {
  if (text === undefined || text === SUBMODULE) return null;
  const body = linkTarget(text) ?? text;
  return { oid: blobSha(body), text: body, isBinary: false, isTruncated: false };
}

/** A Tree for `dir` with its entries nested (the reader asks for every level it walks). */
export function treeNode(files: Record<string, string>, dir: string): unknown {
  const under = Object.keys(files).filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1));
  if (!under.length) return null;
  const level = (paths: string[], prefix: string[] = []): unknown[] => {
    const names = [...new Set(paths.map((p) => p.split('/')[0]!))].sort();
    return names.map((name) => {
      const inner = paths.filter((p) => p.startsWith(`${name}/`)).map((p) => p.slice(name.length + 1));
      if (inner.length) return { name, type: 'tree', mode: 0o40000, object: { entries: level(inner, [...prefix, name]) } };
      const text = files[`${dir}/${[...prefix, name].join('/')}`];
      return text === SUBMODULE ? { name, type: 'commit', mode: 0o160000 } : { name, type: 'blob', mode: text !== undefined && linkTarget(text) !== undefined ? 0o120000 : 0o100644 };
    });
  };
  return { entries: level(under) };
}

export function blobSha(text: string): string {
  return createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');
}

export const TEST_OCTOKIT = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));
export const TEST_PRIVATE_KEY = PRIVATE_KEY;

export async function probot(env: NodeJS.ProcessEnv = {}): Promise<Probot> {
  const p = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    secret: 'test-secret',
    // A function default runs after Probot's own: no retries, no write spacing in tests.
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })),
    logLevel: (process.env.TEST_LOG_LEVEL as 'fatal') ?? 'fatal',
  });
  await p.load(autostackApp({ config: loadAppConfig(env), appId: APP_ID }));
  return p;
}

/** A real example payload of that event and action, pointed at acme/infra, with an installation. */
export function payload(name: string, action?: string, patch: (p: any) => void = () => undefined): any {
  const group = examples.find((e) => e.name === name)!;
  const found = group.examples.find((e) => e.action === action) ?? group.examples[0]!;
  const p = structuredClone(found);
  p.installation = { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  if (p.repository) {
    p.repository.name = REPO;
    p.repository.full_name = `${OWNER}/${REPO}`;
    p.repository.owner.login = OWNER;
    p.repository.default_branch = 'main';
  }
  patch(p);
  return p;
}

export const ROOT_PLAN_FILE = '.autostack/orders-db.yaml';

export const PLAN = (name: string, extra = '') => `apiVersion: autostack.dev/v1
kind: Plan
metadata: { name: ${name}, project: shop }
spec:
  cloud: aws
  region: us-east-1
  compute: { vcpu: 2, memoryGiB: 8 }
  storage: { sizeGiB: 50 }
  postgres: { version: "17" }
${extra}`;
