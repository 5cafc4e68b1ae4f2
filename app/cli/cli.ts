import '../../synth/node.ts';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parse, UsageError } from './args.ts';
import type { CliIo } from './args.ts';
import { formatDiagnostic, hasErrors } from '../../synth/core/diagnostics.ts';
import type { Diagnostic } from '../../synth/core/diagnostics.ts';
import { loadDocument } from '../../synth/core/validate/document.ts';
import { AUTOSTACK_DIR } from '../../synth/core/load/reader.ts';
import { renderMarkdown } from '../../synth/core/render/markdown.ts';
import { renderJson, renderText } from '../../synth/core/render/text.ts';
import { reviewChange } from '../../synth/core/review/review.ts';
import { resolveSettings } from '../../synth/core/resolve/settings.ts';
import { validateTree } from '../../synth/core/validate/validate-tree.ts';
import { FsReader } from './fs-reader.ts';
import { GitReader, WORKTREE } from '../local/git-reader.ts';

export type { CliIo };
export { UsageError };

export const USAGE = `Usage: autostack <command> [options]

Commands:
  validate [path]   Check AutoStack files: a repository (its .autostack/ folder), a folder or one file.
                    Prints file:line:col severity message; exits 1 on any error.
      --json        Print the diagnostics as one JSON document (shape in the README)
  plan              Review the .autostack/ changes between two git refs: what changes,
                    what it costs on AWS, Azure and GCP, budgets and advice.
      --base REF    Compare from REF (default: merge base with the default branch)
      --head REF    Compare to REF (default: the working tree, uncommitted changes included)
      --dir DIR     Repository to review (default: current directory)
      --json        Print the review as JSON
      --markdown    Print the review as pull-request markdown
      --acknowledge-downtime "<why>"
                    Accept stopping or replacing servers in this change (as the
                    pull-request label autostack/downtime-ok does)
  synth             Render Terraform (CDK for Terraform) for the plans in the working tree.
      --dir DIR     Repository (default: current directory)
      --out DIR     Output folder (default: DIR/autostack.out); writes stacks/<plan>-<cloud>/cdk.tf.json
      --cloud NAME  aws, azure or gcp (default: each plan's own cloud)
      --plan NAME   Only this plan (repeatable)
  help              Show this help.
  --version, -V     Print the version.

Exit codes: 0 success, 1 errors in the files or a budget exceeded, 2 usage error.`;

/** The CLI's one catch: every error becomes a message and an exit code, never a stack trace. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`autostack: ${e.message}\nRun "autostack help" for usage.\n`);
      return 2;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.err(`autostack: ${message.split('\n')[0]}\n`);
    if (process.env.AUTOSTACK_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
    return 2;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return validateCommand(rest, io);
    case 'plan':
      return planCommand(rest, io);
    case 'synth':
      return (await import('./synth-command.ts')).synthCommand(rest, io);
    case '--version':
    case '-V':
      if (rest.length) throw new UsageError(`${command} takes no arguments`);
      io.out(`autostack ${version()}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"; commands are validate, plan, synth and help`);
  }
}

/** The version in package.json, read once (the CLI runs from the source tree, so the file is beside it). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * `autostack validate --json`: one document on stdout, this shape (version 1; fields are only ever added):
 * { "version": 1, "ok": boolean, "files": number, "errors": number, "warnings": number,
 *   "diagnostics": [{ "file", "line", "column", "severity": "error"|"warning"|"info", "code", "message", "path"? }] }
 * The exit code is the same as without --json; usage mistakes (exit 2) print no JSON, only the message on stderr.
 */
export interface ValidateJson {
  version: 1;
  ok: boolean;
  files: number;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
}

function validateJson(diagnostics: Diagnostic[], files: number): ValidateJson {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    version: 1,
    ok: errors === 0,
    files,
    errors,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    diagnostics: diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, severity: d.severity, code: d.code, message: d.message, ...(d.path !== undefined ? { path: d.path } : {}) })),
  };
}

async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  const json = values.json === true;
  if (positionals.length > 1) throw new UsageError('validate takes at most one path');
  const target = resolve(io.cwd, positionals[0] ?? '.');
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new UsageError(`no such file or directory: ${positionals[0] ?? '.'}`);
  let diagnostics: Diagnostic[];
  let files: number;
  if (info.isFile()) {
    const text = await new FsReader(dirname(target)).read('', basename(target));
    diagnostics = loadDocument(positionals[0]!, text ?? '', resolveSettings(undefined)).diagnostics;
    files = 1;
  } else {
    // A repository root (with .autostack/) or the .autostack folder itself.
    const inside = basename(target) === AUTOSTACK_DIR;
    const root = inside ? dirname(target) : target;
    if (!inside && !(await stat(join(root, AUTOSTACK_DIR)).catch(() => undefined))?.isDirectory()) {
      if (json) {
        const where = positionals[0] ?? '.';
        io.out(`${JSON.stringify(validateJson([{ file: where, line: 1, column: 1, severity: 'error', code: 'cli/no-autostack-folder', message: `There is no ${AUTOSTACK_DIR}/ folder in ${where}, so nothing was checked: run autostack validate from the repository root, or pass a file.` }], 0))}\n`);
      }
      io.err(`There is no ${AUTOSTACK_DIR}/ folder in ${positionals[0] ?? 'this folder'}, so nothing was checked: AutoStack files live in ${AUTOSTACK_DIR}/ at the repository root. Run autostack validate from the repository root, or pass a file (autostack validate path/to/plan.yaml).\n`);
      return 1;
    }
    ({ diagnostics, files } = await validateTree(new FsReader(root), WORKTREE));
  }
  if (json) {
    io.out(`${JSON.stringify(validateJson(diagnostics, files), null, 2)}\n`);
    return hasErrors(diagnostics) ? 1 : 0;
  }
  for (const d of diagnostics) io.out(`${formatDiagnostic(d)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  io.err(`${files} file${files === 1 ? '' : 's'} checked, ${errors} error${errors === 1 ? '' : 's'}, ${diagnostics.length - errors} warning${diagnostics.length - errors === 1 ? '' : 's'}\n`);
  return hasErrors(diagnostics) ? 1 : 0;
}

async function planCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    base: { type: 'string' },
    head: { type: 'string' },
    dir: { type: 'string' },
    json: { type: 'boolean' },
    markdown: { type: 'boolean' },
    'acknowledge-downtime': { type: 'string' },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.json && values.markdown) throw new UsageError('choose one of --json and --markdown');
  const root = resolve(io.cwd, (values.dir as string | undefined) ?? '.');
  const reader = new GitReader(root);
  if (!(await reader.git.checkIsRepo().catch(() => false))) throw new UsageError(`${root} is not a git repository; plan compares git refs (use "autostack validate" for plain folders)`);
  const head = (values.head as string | undefined) ?? WORKTREE;
  if (head !== WORKTREE && !(await reader.resolveRef(head))) throw new UsageError(`unknown git ref "${head}" for --head`);
  let base = values.base as string | undefined;
  if (base !== undefined && !(await reader.resolveRef(base))) throw new UsageError(`unknown git ref "${base}" for --base`);
  if (base === undefined) {
    if (!(await reader.resolveRef('HEAD'))) throw new UsageError('the repository has no commits yet; commit once, or pass --base');
    base = await reader.mergeBase('HEAD', await reader.defaultBranch()).catch(() => 'HEAD');
  }
  const ack = values['acknowledge-downtime'] as string | undefined;
  if (ack !== undefined && ack.trim().length < 3) throw new UsageError('--acknowledge-downtime needs the reason, e.g. --acknowledge-downtime "resize in the 02:00 UTC window"');
  const result = await reviewChange(reader, base, head, undefined, ack !== undefined ? { acknowledgedDowntime: ack } : {});
  io.out(values.json ? renderJson(result) : values.markdown ? renderMarkdown(result) : renderText(result));
  return result.ok ? 0 : 1;
}
