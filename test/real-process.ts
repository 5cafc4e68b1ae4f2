import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** What a command did. */
export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Running the real servers' commands in a test (test/postgres-real.test.ts, test/wordpress-real.test.ts):
 * `sh` never throws, `ok` throws with the output on a non-zero exit, and `running` holds every
 * process not seen to end, so afterAll can stop what a failed step left behind.
 */
export function processRunner(timeoutMs: number): { sh: (cmd: string, args: string[], env?: NodeJS.ProcessEnv, input?: string) => Promise<Result>; ok: (cmd: string, args: string[], env?: NodeJS.ProcessEnv, input?: string) => Promise<string>; running: Set<ChildProcess> } {
  const running = new Set<ChildProcess>();
  const sh = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<Result> =>
    new Promise((resolve) => {
      // cwd '/': a server's own user (postgres, mysql) cannot enter a checkout under a private temporary directory (as CI's is).
      const child: ChildProcess = execFile(cmd, args, { cwd: '/', env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
        running.delete(child);
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) || 1 : 0, stdout: String(stdout), stderr: String(stderr) });
      });
      running.add(child);
      if (input !== undefined) child.stdin!.end(input);
    });
  const ok = async (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<string> => {
    const r = await sh(cmd, args, env, input);
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  return { sh, ok, running };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}
