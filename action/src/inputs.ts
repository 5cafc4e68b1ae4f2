import { FULL_SHA, STACK_NAME as STACK } from '../../synth/contract/deploy-manifest.ts';

export type Mode = 'plan' | 'apply' | 'destroy';

export interface ActionInputs {
  mode: Mode;
  /** Explicit names, or 'changed'. */
  stacks: string[] | 'changed';
  sourceSha?: string;
  workingDirectory: string;
  terraformVersion: string;
  token?: string;
  parallelism: number;
  /** How long terraform waits for a state lock held by another run: `-lock-timeout`, at most 30 minutes. */
  lockTimeout: string;
}

/** The longest -lock-timeout the Action accepts: a run never waits without bound for a lock. */
export const MAX_LOCK_TIMEOUT_SECONDS = 30 * 60;

export class InputError extends Error {}

/** Reads and checks the inputs; every mistake names the input and how to fix it. */
export function parseInputs(get: (name: string) => string): ActionInputs {
  const mode = (get('mode') || 'apply').trim();
  if (mode !== 'plan' && mode !== 'apply' && mode !== 'destroy') throw new InputError(`Input "mode" must be plan, apply or destroy, not "${mode}".`);
  const stacks = parseStacks(get('stacks'));
  const sourceSha = get('source-sha').trim();
  if (sourceSha && !FULL_SHA.test(sourceSha)) throw new InputError(`Input "source-sha" must be the full 40-character commit SHA (lowercase hex, as in \${{ github.sha }}), not "${sourceSha.slice(0, 80)}": a shortened SHA could name another commit.`);
  if (!sourceSha && mode !== 'plan') throw new InputError(`Input "source-sha" is required for mode ${mode}: the Action only applies what was rendered from that reviewed commit.`);
  const parallelism = Number(get('parallelism') || '4');
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 16) throw new InputError(`Input "parallelism" must be a whole number from 1 to 16, not "${get('parallelism')}".`);
  const terraformVersion = (get('terraform-version') || '1.11.4').trim();
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(terraformVersion)) throw new InputError(`Input "terraform-version" must be an exact version such as 1.11.4, not "${terraformVersion}".`);
  const lockTimeout = (get('lock-timeout') || '5m').trim();
  const lock = /^(\d{1,5})(s|m)$/.exec(lockTimeout);
  if (!lock || Number(lock[1]) * (lock[2] === 'm' ? 60 : 1) > MAX_LOCK_TIMEOUT_SECONDS) throw new InputError(`Input "lock-timeout" must be a duration in seconds or minutes from 0s to 30m, such as 5m or 90s, not "${lockTimeout.slice(0, 80)}": it bounds how long terraform waits for a state lock another run holds.`);
  const token = get('github-token').trim();
  return { mode, stacks, ...(sourceSha ? { sourceSha } : {}), workingDirectory: get('working-directory').trim() || '.', terraformVersion, ...(token ? { token } : {}), parallelism, lockTimeout };
}

export function parseStacks(raw: string): string[] | 'changed' {
  const text = raw.trim();
  if (!text || text === 'changed') return 'changed';
  let names: unknown;
  if (text.startsWith('[')) {
    try {
      names = JSON.parse(text);
    } catch {
      throw new InputError('Input "stacks" starts with "[" but is not a JSON list: write ["orders-db-aws"] or orders-db-aws.');
    }
  } else {
    names = text.split(/[\s,]+/).filter(Boolean);
  }
  if (!Array.isArray(names) || names.length === 0) throw new InputError('Input "stacks" names no stack: give names, a JSON list, or "changed".');
  for (const n of names) {
    if (typeof n !== 'string' || !STACK.test(n)) throw new InputError(`Input "stacks": "${String(n).slice(0, 80)}" is not a stack name (lowercase letters, digits and dashes, like orders-db-aws).`);
  }
  return [...new Set(names as string[])];
}
