import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRequest } from './openapi.ts';

export interface ServerRecorded {
  method: string;
  path: string;
  query: URLSearchParams;
  body: any;
  auth: string | undefined;
  /** When the request arrived (Date.now()). */
  at: number;
}

/** Status, body and (optionally) response headers: rate-limit headers, `retry-after`, a `link` to the next page. */
type Handler = (r: ServerRecorded) => [number, unknown?, Record<string, string>?];

/**
 * GitHub on 127.0.0.1 for code that runs in another process (the Action's bundle): every request
 * is checked against GitHub's OpenAPI description, every route is registered up front with how
 * often it may be called, and `verify()` fails on an unmatched request, an invalid body, or a
 * route called fewer times than registered.
 */
export class FakeGitHubServer {
  readonly requests: ServerRecorded[] = [];
  readonly problems: string[] = [];
  private readonly routes: { method: string; path: string | RegExp; handler: Handler; times: number; used: number }[] = [];
  private server?: Server;
  url = '';

  on(method: string, path: string | RegExp, handler: Handler | number, times = 1, data?: unknown): this {
    this.routes.push({ method, path, handler: typeof handler === 'number' ? () => [handler, data] : handler, times, used: 0 });
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text ? JSON.parse(text) : undefined;
        const rec: ServerRecorded = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams, body, auth: req.headers.authorization, at: Date.now() };
        this.requests.push(rec);
        // GraphQL is not in the REST description: its route handler checks the query (harness.ts graphqlAnswer).
        if (rec.path !== '/graphql') this.problems.push(...checkRequest(rec.method, url.pathname + url.search, body).errors);
        const route = this.routes.find((r) => r.method === rec.method && r.used < r.times && (typeof r.path === 'string' ? r.path === rec.path : r.path.test(rec.path)));
        if (!route) {
          this.problems.push(`unmatched request ${rec.method} ${rec.path}`);
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not Found' }));
          return;
        }
        route.used++;
        const [status, payload, headers] = route.handler(rec);
        res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/html' : 'application/json', ...headers }).end(typeof payload === 'string' ? payload : JSON.stringify(payload ?? {}));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  made(method: string, part: string): ServerRecorded[] {
    return this.requests.filter((r) => r.method === method && r.path.includes(part));
  }

  /** Checks and resets: the same server serves the next step of a test. */
  verify(): void {
    const unused = this.routes.filter((r) => r.used < r.times).map((r) => `unused route ${r.method} ${r.path} (${r.used}/${r.times})`);
    const all = [...this.problems, ...unused];
    this.routes.length = 0;
    this.problems.length = 0;
    this.requests.length = 0;
    if (all.length) throw new Error(`GitHub fake server:\n${all.join('\n')}`);
  }

  close(): void {
    this.server?.close();
  }
}
