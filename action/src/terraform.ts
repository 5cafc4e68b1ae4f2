import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import type { Masker } from './mask.ts';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  masker: Masker;
  /** Print output lines (redacted) as they come; off for `show -json`, which holds raw values. */
  stream?: (line: string) => void;
}

const MAX_COLLECT = 8 * 1024 * 1024;

/**
 * Runs terraform without a shell (arguments are never parsed by one), streams redacted output
 * line by line, and collects it. A missing binary or a signal becomes a non-zero result.
 */
export function terraform(args: string[], o: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn('terraform', args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const pending = { stdout: '', stderr: '' };
    const collect = (which: 'stdout' | 'stderr', into: Buffer[]) => (chunk: Buffer) => {
      if (size < MAX_COLLECT) into.push(chunk);
      size += chunk.length;
      if (!o.stream) return;
      // Split where the runner splits (\r too), so every piece is a line of its own with its prefix.
      const lines = (pending[which] + chunk.toString('utf8')).split(/\r\n|\n|\r(?!$)/);
      pending[which] = lines.pop()!;
      for (const l of lines) o.stream(o.masker.redact(l));
    };
    child.stdout.on('data', collect('stdout', out));
    child.stderr.on('data', collect('stderr', err));
    child.on('error', (e: NodeJS.ErrnoException) => resolve({ code: 127, stdout: '', stderr: e.code === 'ENOENT' ? 'terraform was not found on PATH' : e.message }));
    child.on('close', (code, signal) => {
      if (o.stream) for (const rest of [pending.stdout, pending.stderr]) if (rest) o.stream(o.masker.redact(rest));
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') + (signal ? `\nterraform was stopped by ${signal}` : '') });
    });
  });
}

export type Step = 'init' | 'plan' | 'show' | 'apply';

/** What a failing terraform step means for the user, with the last lines of its own error. */
export function failureMessage(step: Step, r: ExecResult, masker: Masker): string {
  const why = {
    init: 'the working directory could not be initialised: check the state backend settings and that the cloud credentials step ran (see the log above)',
    plan: 'the plan could not be made: check the cloud credentials and the error below',
    show: 'the saved plan could not be read',
    apply: 'the apply stopped part-way: the state records what was created; fix the cause and run the deploy again',
  }[step];
  if (r.code === 127) return 'terraform is not installed and could not be found on PATH: set the terraform-version input or add hashicorp/setup-terraform before this step';
  const lines = masker.redact(stripVTControlCharacters(r.stderr || r.stdout)).split('\n').map((l) => l.trim()).filter((l) => l && !/^[│╷╵]\s*$/.test(l));
  const tail = lines.slice(-6).join(' ').replace(/[│╷╵]/g, '').replace(/\s+/g, ' ').slice(0, 600);
  return `terraform ${step} failed (exit ${r.code}): ${why}.${tail ? ` ${tail}` : ''}`;
}
