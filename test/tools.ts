import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { beforeEach, describe } from 'vitest';
import type { SuiteOptions } from 'vitest';

/*
 * The one rule for tests that need a real tool (Chromium, PostgreSQL, shellcheck, terraform, ...):
 * when the tool is missing, outside CI the test is SKIPPED with a reason naming the tool and the one
 * command that installs it (the closing summary line counts it and prints the reason once, with its
 * count); under CI (CI set, not "false", as in scripts/system-deps.sh) it FAILS with that reason.
 * The tools, their packages and their CI rule come from scripts/system-deps.list, the same file the
 * script installs from.
 */

export const LIST_FILE = join(import.meta.dirname, '..', 'scripts', 'system-deps.list');

export interface Tool {
  /** A command name looked up on PATH, or an absolute path that must be executable. */
  probe: string;
  /** The Debian package (installed by scripts/system-deps.sh), or undefined for a tool Debian lacks. */
  pkg?: string;
  /** Where to get a tool Debian does not package. */
  url?: string;
  /** Under CI: fail when missing, or skip (with the reason) everywhere. */
  ci: 'fail' | 'skip';
  what: string;
}

/** scripts/system-deps.list, parsed: `probe|apt:package or address|fail or skip|what needs it`. */
export function readToolList(text = readFileSync(LIST_FILE, 'utf8')): Tool[] {
  const tools: Tool[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [probe, source, ci, what] = line.split('|');
    if (!probe || !source || (ci !== 'fail' && ci !== 'skip') || !what) throw new Error(`${LIST_FILE}:${i + 1}: expected probe|source|fail or skip|what needs it, found "${line}"`);
    tools.push(source.startsWith('apt:') ? { probe, pkg: source.slice(4), ci, what } : { probe, url: source, ci, what });
  });
  return tools;
}

/** A tool's name in needTool(): its Debian package or its probe's file name (chromium, postgres, terraform). */
function names(t: Tool): string[] {
  return [basename(t.probe), ...(t.pkg ? [t.pkg] : [])];
}

export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.CI && env.CI !== 'false';
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function present(probe: string, env: NodeJS.ProcessEnv): boolean {
  // An absolute path only has to exist: a program, or a file of a package without one (as the script checks).
  if (probe.startsWith('/')) return existsSync(`${env.SYSTEM_DEPS_PREFIX ?? ''}${probe}`);
  return (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, probe)));
}

/** A condition a test depends on: what is missing, and what a test does about it. */
export interface Need {
  /** Everything is there: the test runs. */
  readonly present: boolean;
  /** Why not (the tools and the one command), or undefined when present. This exact text is the skip note. */
  readonly reason: string | undefined;
  /** What the test does when something is missing: skip (outside CI, or a tool CI cannot have) or fail. */
  readonly outcome: 'run' | 'skip' | 'fail';
  /**
   * For a test's context (`beforeEach(need.guard)` or `need.guard(ctx)` first in a test): returns
   * when present, skips the test with the reason, or throws the reason (a failure) under CI.
   */
  guard: (ctx: { skip: (note?: string) => void }) => void;
  /** `describe` whose every test is guarded (options, such as a timeout, pass through). */
  describe: (name: string, optionsOrBody: SuiteOptions | (() => void), body?: () => void) => void;
}

type Missing = { text: string; ci: 'fail' | 'skip'; command?: string; hint?: string };

function need(reason: string | undefined, outcome: Need['outcome']): Need {
  const guard = (ctx: { skip: (note?: string) => void }): void => {
    if (outcome === 'run') return;
    if (outcome === 'fail') throw new Error(`${reason} (CI is set, so a missing tool fails the test instead of skipping it)`);
    ctx.skip(reason);
  };
  return {
    present: outcome === 'run',
    reason,
    outcome,
    guard,
    describe: (name, optionsOrBody, body) => {
      const options = typeof optionsOrBody === 'function' ? {} : optionsOrBody;
      const fn = typeof optionsOrBody === 'function' ? optionsOrBody : body!;
      describe(name, options, () => {
        beforeEach(guard);
        fn();
      });
    },
  };
}

function makeNeed(missing: Missing[], env: NodeJS.ProcessEnv): Need {
  if (!missing.length) return need(undefined, 'run');
  const how = [...new Set(missing.flatMap((m) => [m.command, m.hint].filter((x): x is string => !!x)))].join('; ');
  const reason = `${missing.map((m) => m.text).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: ${how}`;
  return need(reason, inCI(env) && missing.some((m) => m.ci === 'fail') ? 'fail' : 'skip');
}

/**
 * The tools a test needs, by name (a package or probe name from scripts/system-deps.list: 'chromium',
 * 'postgres', 'shellcheck', 'terraform', 'actionlint', ...). Reads PATH and CI once, when called.
 */
export function needTool(...wanted: string[]): Need {
  return needToolIn({}, ...wanted);
}

/** needTool with where to look: `probes` (CHROMIUM_PATH), an environment, a list (for the helper's own test). */
export function needToolIn(opts: { probes?: Record<string, string>; env?: NodeJS.ProcessEnv; list?: Tool[] }, ...wanted: string[]): Need {
  const env = opts.env ?? process.env;
  const list = opts.list ?? readToolList();
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  const missing: Missing[] = [];
  const pkgs: string[] = [];
  const apt: { text: string; ci: 'fail' | 'skip' }[] = [];
  for (const name of wanted) {
    const tool = list.find((t) => names(t).includes(name));
    if (!tool) throw new Error(`needTool('${name}'): ${LIST_FILE} lists no such tool (add a line there, which scripts/system-deps.sh installs from)`);
    const probe = opts.probes?.[name] ?? tool.probe;
    if (present(probe, env)) continue;
    const text = probe === basename(probe) ? probe : `${name} (${probe})`;
    if (tool.pkg) {
      if (!pkgs.includes(tool.pkg)) pkgs.push(tool.pkg);
      apt.push({ text, ci: tool.ci });
    } else {
      const why = tool.ci === 'skip' ? ' (not a Debian package; skipped under CI too)' : ' (not a Debian package)';
      missing.push({ text, ci: tool.ci, hint: `install it from ${tool.url}${why}` });
    }
  }
  if (apt.length) {
    const command = `run \`bash scripts/system-deps.sh\` or \`${sudo}apt-get install -y ${pkgs.join(' ')}\``;
    missing.unshift(...apt.map((m) => ({ ...m, command })));
  }
  return makeNeed(missing, env);
}

/** A condition other than a tool (root, a system user): missing → the same skip-or-fail as a tool. */
export function needCondition(ok: boolean, what: string, how: string, env: NodeJS.ProcessEnv = process.env): Need {
  return makeNeed(ok ? [] : [{ text: what, ci: 'fail', hint: how }], env);
}

/** Several needs as one: present when all are; the reason names everything missing. */
export function needAll(...needs: Need[]): Need {
  const missing = needs.filter((n) => !n.present);
  if (missing.length <= 1) return missing[0] ?? need(undefined, 'run');
  return need(missing.map((n) => n.reason).join('; '), missing.some((n) => n.outcome === 'fail') ? 'fail' : 'skip');
}
