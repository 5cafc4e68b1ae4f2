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
    // One redactor per stream: a private key block spans lines.
    const redactLine = { stdout: o.masker.lineRedactor(), stderr: o.masker.lineRedactor() };
    const collect = (which: 'stdout' | 'stderr', into: Buffer[]) => (chunk: Buffer) => {
      if (size < MAX_COLLECT) into.push(chunk);
      size += chunk.length;
      if (!o.stream) return;
      // Split where the runner splits (\r too), so every piece is a line of its own with its prefix.
      const lines = (pending[which] + chunk.toString('utf8')).split(/\r\n|\n|\r(?!$)/);
      pending[which] = lines.pop()!;
      for (const l of lines) o.stream(redactLine[which](l));
    };
    child.stdout.on('data', collect('stdout', out));
    child.stderr.on('data', collect('stderr', err));
    child.on('error', (e: NodeJS.ErrnoException) => resolve({ code: 127, stdout: '', stderr: e.code === 'ENOENT' ? 'terraform was not found on PATH' : e.message }));
    child.on('close', (code, signal) => {
      if (o.stream) for (const which of ['stdout', 'stderr'] as const) if (pending[which]) o.stream(redactLine[which](pending[which]));
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
  const text = stripVTControlCharacters(`${r.stderr}\n${r.stdout}`);
  if (/Error acquiring the state lock/.test(text)) return lockMessage(step, text, masker);
  if (step === 'apply' && /Saved plan is stale|Saved plan does not match the given state/.test(text)) {
    return 'terraform apply refused the saved plan: the state of this stack changed after the plan was made (another run applied to it, or the state was edited), so this apply changed nothing. Run the deploy again: it plans against the new state.';
  }
  const lines = masker.redact(stripVTControlCharacters(r.stderr || r.stdout)).split('\n').map((l) => l.trim()).filter((l) => l && !/^[│╷╵]\s*$/.test(l));
  const tail = lines.slice(-6).join(' ').replace(/[│╷╵]/g, '').replace(/\s+/g, ' ').slice(0, 600);
  return `terraform ${step} failed (exit ${r.code}): ${why}.${tail ? ` ${tail}` : ''}`;
}

/**
 * A state lock held by another process, after waiting -lock-timeout: who holds it, since when,
 * its ID, and what to do. Terraform prints the lock's details under "Lock Info:".
 */
function lockMessage(step: Step, text: string, masker: Masker): string {
  const field = (name: string) => new RegExp(`^\\s*${name}:[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim().replace(/[^\x20-\x7e]/g, '?').slice(0, 120) || undefined;
  const id = field('ID');
  const who = field('Who');
  const created = field('Created')?.replace(/\.\d+/, '');
  const operation = field('Operation')?.replace(/^OperationType/, '').toLowerCase();
  const holder = [who ? `held by ${who}` : undefined, created ? `since ${created}` : undefined, operation && operation !== 'invalid' ? `for ${operation}` : undefined].filter(Boolean).join(' ');
  return masker.redact(`terraform ${step} could not lock the state of this stack: another terraform run holds the lock${id ? ` (lock ID ${id}${holder ? `, ${holder}` : ''})` : ''} and did not release it within the lock-timeout, so this step changed nothing. Wait for that run to finish and run the deploy again; only if no run is using the state any more, release the lock with \`terraform force-unlock ${id ?? '<lock ID>'}\` in the stack's folder.`);
}
