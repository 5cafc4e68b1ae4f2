import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blobNode, graphqlProblems, OWNER, REPO, treeNode, undeclaredOperation } from './harness.ts';
import { checkRequest } from './openapi.ts';

export interface LiveRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: any;
  auth: string | undefined;
  operation: string;
}

/** One attempt in GitHub's record of the App's deliveries, with what was sent. */
export interface Attempt {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  duration: number;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
  payload: any;
}

interface CheckRun { id: number; name: string; head_sha: string; status: string; conclusion: string | null; started_at: string | null; completed_at: string | null; output?: any; app: { id: number } }
interface Comment { id: number; issue: number; body: string; user: { login: string; type: string }; performed_via_github_app: { id: number } }

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * GitHub on 127.0.0.1 as a whole, for App processes that really run (and die): it keeps state
 * (check runs, comments, deploy branch, deployments, dispatches), records the App's webhook
 * deliveries the way GitHub does (each attempt with its answer) and delivers them to the App's
 * replicas in turn, like a load balancer. Every request is checked against GitHub's OpenAPI
 * description (method, path, query parameters, body); `problems` lists every mismatch.
 */
export class LiveGitHub {
  url = '';
  readonly requests: LiveRequest[] = [];
  readonly problems: string[] = [];
  readonly attempts: Attempt[] = [];
  /** The App's webhook URLs (its replicas); deliveries go to each in turn. */
  targets: string[] = [];
  readonly files: Record<string, Record<string, string>> = {};
  readonly pulls = new Map<number, { number: number; state: string; merged_at: string | null; head: { sha: string }; base: { sha: string; ref: string }; files: string[] }>();
  readonly checkRuns: CheckRun[] = [];
  readonly comments: Comment[] = [];
  readonly refs = new Map<string, string>();
  readonly commits = new Map<string, { message: string; tree: string; parents: string[] }>();
  readonly deployments: { id: number; sha: string; environment: string; payload: any }[] = [];
  readonly statuses = new Map<number, { id: number; state: string }[]>();
  readonly dispatches: any[] = [];
  readonly compares = new Map<string, { status: string; files: { filename: string; status: string }[] }>();
  /** The default branch's commits, oldest first (compare answers from it when no answer is set). */
  history: string[] = [];
  workflow = true;
  /** GitHub refuses redeliveries (422), as it does for a delivery too old to send again. */
  refuseRedelivery = false;
  /** Installations GitHub no longer knows (the token is refused with 404). */
  readonly goneInstallations = new Set<number>();
  /** Called before a request is answered: 'hang' never answers it (the App is killed meanwhile). */
  intercept?: (r: LiveRequest) => 'hang' | undefined;
  private server?: Server;
  private readonly hanging = new Map<ServerResponse, LiveRequest>();
  private nextTarget = 0;
  private ids = 1000;
  private readonly inflight = new Set<Promise<unknown>>();

  private readonly appId: number;
  private readonly secret: string;

  constructor(appId: number, secret: string) {
    this.appId = appId;
    this.secret = secret;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text ? JSON.parse(text) : undefined;
        const method = req.method ?? 'GET';
        const path = decodeURIComponent(url.pathname);
        let operation = 'POST /graphql';
        if (path === '/graphql') this.problems.push(...graphqlProblems(body));
        else {
          const check = checkRequest(method, url.pathname + url.search, body);
          operation = check.operation;
          this.problems.push(...check.errors);
          const undeclared = check.errors.length ? undefined : undeclaredOperation(check.operation);
          if (undeclared) this.problems.push(undeclared);
        }
        const rec: LiveRequest = { method, path, query: url.searchParams, body, auth: req.headers.authorization, operation };
        this.requests.push(rec);
        if (this.intercept?.(rec) === 'hang') {
          this.hanging.set(res, rec);
          return;
        }
        const [status, data, headers] = this.answer(rec);
        res.writeHead(status, { ...JSON_HEADERS, ...headers }).end(data === undefined ? '' : JSON.stringify(data));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): void {
    for (const res of this.hanging.keys()) res.destroy();
    this.server?.close();
  }

  /** Answers the requests left hanging (those `which` picks, or all), as GitHub would have (GitHub was only slow). */
  release(which: (r: LiveRequest) => boolean = () => true): void {
    for (const [res, rec] of this.hanging) {
      if (!which(rec)) continue;
      this.hanging.delete(res);
      const [status, data, headers] = this.answer(rec);
      if (!res.destroyed) res.writeHead(status, { ...JSON_HEADERS, ...headers }).end(data === undefined ? '' : JSON.stringify(data));
    }
  }

  made(method: string, part: string | RegExp): LiveRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof part === 'string' ? r.path.includes(part) : part.test(r.path)));
  }

  /** Waits for the redeliveries GitHub was asked for to be delivered and answered. */
  async settle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  /** Records an attempt without sending it (a delivery made before the test's App started). */
  record(a: Partial<Attempt> & { event: string; payload?: any }, ageMs: number): Attempt {
    const attempt: Attempt = { id: ++this.ids, guid: a.guid ?? randomUUID(), delivered_at: new Date(Date.now() - ageMs).toISOString(), redelivery: a.redelivery ?? false, duration: 0.1, status: a.status ?? 'OK', status_code: a.status_code ?? 200, event: a.event, action: a.action ?? a.payload?.action ?? null, installation_id: a.installation_id === undefined ? (a.payload?.installation?.id ?? 1) : a.installation_id, repository_id: a.repository_id ?? 1, payload: a.payload ?? {} };
    this.attempts.push(attempt);
    return attempt;
  }

  /** Makes every attempt so far `ms` older (time passing between a crash and the next job run). */
  age(ms: number): void {
    for (const a of this.attempts) a.delivered_at = new Date(Date.parse(a.delivered_at) - ms).toISOString();
  }

  /** Sends a delivery to the next replica, signed, and records the attempt with its answer (0 when none came). */
  async deliver(event: string, payload: any, guid: string = randomUUID(), redelivery = false): Promise<Attempt> {
    const target = this.targets[this.nextTarget++ % this.targets.length]!;
    const body = JSON.stringify(payload);
    const started = Date.now();
    let status_code = 0;
    let status = 'failed to connect to host';
    try {
      const res = await fetch(target, { method: 'POST', body, signal: AbortSignal.timeout(10_000), headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': guid, 'x-hub-signature-256': `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}` } });
      await res.text();
      status_code = res.status;
      status = res.ok ? 'OK' : `Invalid HTTP Response: ${res.status}`;
    } catch (e) {
      status = (e as Error).name === 'TimeoutError' ? 'timed out' : status;
    }
    const attempt: Attempt = { id: ++this.ids, guid, delivered_at: new Date(started).toISOString(), redelivery, duration: (Date.now() - started) / 1000, status, status_code, event, action: payload.action ?? null, installation_id: payload.installation?.id ?? null, repository_id: payload.repository?.id ?? null, payload };
    this.attempts.push(attempt);
    return attempt;
  }

  private answer(r: LiveRequest): [number, unknown?, Record<string, string>?] {
    const m = (re: RegExp) => re.exec(r.path);
    const repoPath = `/repos/${OWNER}/${REPO}`;
    const jwt = (r.auth ?? '').toLowerCase().startsWith('bearer ') && (r.auth ?? '').split('.').length === 3;
    let x: RegExpExecArray | null;
    if (r.method === 'POST' && (x = m(/^\/app\/installations\/(\d+)\/access_tokens$/))) {
      if (!jwt) this.problems.push('an installation token was asked for without the App\'s JWT');
      if (this.goneInstallations.has(Number(x[1]))) return [404, { message: 'Not Found' }];
      return [201, { token: `ghs_${'t'.repeat(36)}`, expires_at: '2099-01-01T00:00:00Z', permissions: {} }];
    }
    if (r.path.startsWith('/app/hook/')) {
      if (!jwt) this.problems.push(`${r.method} ${r.path} must be made as the App (JWT), not ${(r.auth ?? 'anonymously').split(' ')[0]}`);
      if (r.method === 'GET' && r.path === '/app/hook/deliveries') return this.listDeliveries(r.query);
      if (r.method === 'GET' && (x = m(/^\/app\/hook\/deliveries\/(\d+)$/))) {
        const a = this.attempts.find((d) => d.id === Number(x![1]));
        if (!a) return [404, { message: 'Not Found' }];
        const { payload, ...item } = a;
        return [200, { ...item, url: 'https://example.test/webhooks', request: { headers: { 'X-GitHub-Event': a.event }, payload }, response: { headers: {}, payload: null } }];
      }
      if (r.method === 'POST' && (x = m(/^\/app\/hook\/deliveries\/(\d+)\/attempts$/))) {
        const a = this.attempts.find((d) => d.id === Number(x![1]));
        if (!a) return [404, { message: 'Not Found' }];
        if (this.refuseRedelivery) return [422, { message: 'Validation Failed' }];
        if (this.targets.length) {
          const p: Promise<unknown> = this.deliver(a.event, a.payload, a.guid, true).finally(() => this.inflight.delete(p));
          this.inflight.add(p);
        }
        return [202, {}];
      }
    }
    if (!r.path.startsWith(repoPath) && r.path !== '/graphql') return [404, { message: 'Not Found' }];
    if (!(r.auth ?? '').startsWith('token ghs_')) this.problems.push(`${r.method} ${r.path} was not made with an installation token`);
    // The tests use installation 1: once it is gone, its tokens stop working.
    if (this.goneInstallations.has(1)) return [401, { message: 'Bad credentials' }];
    const p = r.path.slice(repoPath.length);
    if (r.path === '/graphql') return this.graphql(r.body);
    if (r.method === 'GET' && (x = m(/\/pulls\/(\d+)\/files$/))) return [200, (this.pulls.get(Number(x[1]))?.files ?? []).map((filename) => ({ filename, status: 'modified' }))];
    if (r.method === 'GET' && (x = m(/\/pulls\/(\d+)$/))) {
      const pr = this.pulls.get(Number(x[1]));
      return pr ? [200, pr] : [404, { message: 'Not Found' }];
    }
    if (r.method === 'GET' && (x = m(/\/commits\/([^/]+)\/check-runs$/))) {
      const name = r.query.get('check_name');
      const appId = r.query.get('app_id');
      let runs = this.checkRuns.filter((c) => c.head_sha === x![1] && (!name || c.name === name) && (!appId || String(c.app.id) === appId));
      // filter=latest (the default): the newest run of each name.
      if (r.query.get('filter') !== 'all') runs = runs.filter((c) => !runs.some((o) => o.name === c.name && o.id > c.id));
      return [200, { total_count: runs.length, check_runs: [...runs].reverse() }];
    }
    if (r.method === 'POST' && p === '/check-runs') {
      const now = new Date().toISOString();
      const run: CheckRun = { id: ++this.ids, name: r.body.name, head_sha: r.body.head_sha, status: r.body.conclusion ? 'completed' : (r.body.status ?? 'queued'), conclusion: r.body.conclusion ?? null, started_at: r.body.started_at ?? now, completed_at: r.body.conclusion ? (r.body.completed_at ?? now) : null, output: r.body.output, app: { id: this.appId } };
      this.checkRuns.push(run);
      return [201, run];
    }
    if (r.method === 'PATCH' && (x = m(/\/check-runs\/(\d+)$/))) {
      const run = this.checkRuns.find((c) => c.id === Number(x![1]));
      if (!run) return [404, { message: 'Not Found' }];
      if (r.body.output) run.output = r.body.output;
      if (r.body.status) run.status = r.body.status;
      if (r.body.conclusion) Object.assign(run, { status: 'completed', conclusion: r.body.conclusion, completed_at: r.body.completed_at ?? new Date().toISOString() });
      return [200, run];
    }
    if (r.method === 'GET' && (x = m(/\/issues\/(\d+)\/comments$/))) return [200, this.comments.filter((c) => c.issue === Number(x![1]))];
    if (r.method === 'POST' && (x = m(/\/issues\/(\d+)\/comments$/))) {
      const c: Comment = { id: ++this.ids, issue: Number(x[1]), body: r.body.body, user: { login: 'autostack[bot]', type: 'Bot' }, performed_via_github_app: { id: this.appId } };
      this.comments.push(c);
      return [201, c];
    }
    if (r.method === 'PATCH' && (x = m(/\/issues\/comments\/(\d+)$/))) {
      const c = this.comments.find((o) => o.id === Number(x![1]));
      if (!c) return [404, { message: 'Not Found' }];
      c.body = r.body.body;
      return [200, c];
    }
    if (r.method === 'DELETE' && (x = m(/\/issues\/comments\/(\d+)$/))) {
      const at = this.comments.findIndex((o) => o.id === Number(x![1]));
      if (at < 0) return [404, { message: 'Not Found' }];
      this.comments.splice(at, 1);
      return [204];
    }
    if (r.method === 'GET' && (x = m(/\/compare\/(.+)$/))) {
      const cmp = this.compares.get(x[1]!);
      if (cmp) return [200, cmp];
      // Otherwise from the default branch's history: a later commit is ahead, an earlier one behind.
      const [a, b] = x[1]!.split('...').map((c) => this.history.indexOf(c));
      if (a === undefined || b === undefined || a < 0 || b < 0) return [404, { message: 'Not Found' }];
      return [200, { status: b > a ? 'ahead' : b < a ? 'behind' : 'identical', ahead_by: Math.max(0, b - a), behind_by: Math.max(0, a - b), files: [] }];
    }
    if (r.method === 'GET' && (x = m(/\/git\/ref\/(.+)$/))) {
      const sha = this.refs.get(`refs/${x[1]}`);
      return sha ? [200, { ref: `refs/${x[1]}`, object: { sha, type: 'commit' } }] : [404, { message: 'Not Found' }];
    }
    if (r.method === 'GET' && (x = m(/\/git\/commits\/([0-9a-f]+)$/))) {
      const c = this.commits.get(x[1]!);
      return c ? [200, { sha: x[1], message: c.message, tree: { sha: c.tree } }] : [404, { message: 'Not Found' }];
    }
    if (r.method === 'GET' && (x = m(/\/contents\/(.+)$/))) {
      if (x[1] === '.github/workflows/autostack-deploy.yml' && this.workflow) return [200, { type: 'file', encoding: 'base64', content: '' }];
      return [404, { message: 'Not Found' }];
    }
    if (r.method === 'POST' && p === '/git/trees') return [201, { sha: `tree${++this.ids}` }];
    if (r.method === 'POST' && p === '/git/commits') {
      const sha = (++this.ids).toString(16).padStart(40, 'd');
      this.commits.set(sha, { message: r.body.message, tree: r.body.tree, parents: r.body.parents ?? [] });
      return [201, { sha }];
    }
    if (r.method === 'POST' && p === '/git/refs') {
      if (this.refs.has(r.body.ref)) return [422, { message: 'Reference already exists' }];
      this.refs.set(r.body.ref, r.body.sha);
      return [201, { ref: r.body.ref, object: { sha: r.body.sha } }];
    }
    if (r.method === 'PATCH' && (x = m(/\/git\/refs\/(.+)$/))) {
      // Without force, only a fast-forward (the new commit's parent is the ref's commit), as GitHub checks.
      if (!r.body.force && !this.commits.get(r.body.sha)?.parents.includes(this.refs.get(`refs/${x[1]}`) ?? '')) return [422, { message: 'Update is not a fast forward' }];
      this.refs.set(`refs/${x[1]}`, r.body.sha);
      return [200, { ref: `refs/${x[1]}`, object: { sha: r.body.sha } }];
    }
    if (r.method === 'GET' && p === '/deployments') return [200, this.deployments.filter((d) => (!r.query.get('sha') || d.sha === r.query.get('sha')) && (!r.query.get('environment') || d.environment === r.query.get('environment'))).reverse()];
    if (r.method === 'POST' && p === '/deployments') {
      const d = { id: ++this.ids, sha: r.body.ref, environment: r.body.environment, payload: r.body.payload };
      this.deployments.push(d);
      return [201, d];
    }
    if ((x = m(/\/deployments\/(\d+)\/statuses$/))) {
      const list = this.statuses.get(Number(x[1])) ?? [];
      if (r.method === 'GET') return [200, [...list].reverse()];
      const s = { id: ++this.ids, state: r.body.state };
      this.statuses.set(Number(x[1]), [...list, s]);
      return [201, s];
    }
    if (r.method === 'POST' && p.endsWith('/dispatches')) {
      this.dispatches.push(r.body);
      return [204];
    }
    this.problems.push(`unmatched request ${r.method} ${r.path}`);
    return [404, { message: 'Not Found' }];
  }

  /** Newest first, `per_page` at a time, the next page named by a cursor in the Link header (as GitHub does). */
  private listDeliveries(q: URLSearchParams): [number, unknown, Record<string, string>?] {
    const all = [...this.attempts].sort((a, b) => Date.parse(b.delivered_at) - Date.parse(a.delivered_at) || b.id - a.id).map(({ payload: _p, ...item }) => item);
    const per = Number(q.get('per_page') ?? 30);
    const cursor = q.get('cursor');
    const start = cursor ? Number(cursor.replace(/^v1_/, '')) : 0;
    const page = all.slice(start, start + per);
    const headers = start + per < all.length ? { link: `<${this.url}/app/hook/deliveries?per_page=${per}&cursor=v1_${start + per}>; rel="next"` } : undefined;
    return [200, page, headers];
  }

  private graphql(body: any): [number, unknown] {
    const repository: Record<string, unknown> = {};
    for (const m of (body.query as string).matchAll(/(\w+): object\(expression: \$(\w+)\) \{ \.\.\. on (Blob|Tree)/g)) {
      const expr = body.variables[m[2]!] as string;
      const at = expr.indexOf(':');
      const files = this.files[expr.slice(0, at)] ?? {};
      repository[m[1]!] = m[3] === 'Blob' ? blobNode(files[expr.slice(at + 1)]) : treeNode(files, expr.slice(at + 1));
    }
    return [200, { data: { repository } }];
  }
}
