import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { cloudList, cloudDefinition } from '../../synth/core/registry/clouds.ts';
import { formatDiagnostic, hasErrors } from '../../synth/core/diagnostics.ts';
import { AUTOSTACK_DIR } from '../../synth/core/load/reader.ts';
import { validateTree } from '../../synth/core/validate/validate-tree.ts';
import { synthesize } from '../../synth/stack/synthesize.ts';
import { parse, UsageError } from './args.ts';
import type { CliIo } from './args.ts';
import { FsReader } from './fs-reader.ts';

/**
 * `autostack synth`:
 * 1. validate every file (any error: print them, write nothing, exit 1)
 * 2. synthesize the selected plans on the selected clouds, all in memory
 * 3. write each stack atomically (temporary file, then rename) and print one line per stack
 */
export async function synthCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { dir: { type: 'string' }, out: { type: 'string' }, cloud: { type: 'string' }, plan: { type: 'string', multiple: true } });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const cloud = values.cloud as string | undefined;
  if (cloud !== undefined && !cloudDefinition(cloud)) throw new UsageError(`--cloud must be ${cloudList()}, not "${cloud}"`);
  const root = resolve(io.cwd, (values.dir as string | undefined) ?? '.');
  const out = resolve(io.cwd, (values.out as string | undefined) ?? join(root, 'autostack.out'));
  const reader = new FsReader(root);
  const { diagnostics, docs, settings } = await validateTree(reader, '');
  if (hasErrors(diagnostics)) {
    for (const d of diagnostics) io.out(`${formatDiagnostic(d)}\n`);
    io.err('autostack: fix the errors above; nothing was written\n');
    return 1;
  }
  const wanted = new Set((values.plan as string[] | undefined) ?? []);
  const models = docs.filter((d) => d.handler?.infrastructure && d.model !== undefined && d.name !== undefined && (wanted.size === 0 || wanted.has(d.name)));
  const names = new Set(models.map((d) => d.name));
  const missing = [...wanted].filter((n) => !names.has(n));
  if (missing.length) throw new UsageError(`no plan named ${missing.join(', ')} under ${AUTOSTACK_DIR}/`);
  if (models.length === 0) {
    io.err(`autostack: no plans under ${join(root, AUTOSTACK_DIR)}; nothing to synthesize\n`);
    return 0;
  }
  const result = await synthesize(models.map((d) => ({ kind: d.kind!, model: d.model })), settings, cloud ? [cloud] : undefined);
  if (!result.ok) {
    for (const e of result.errors) io.out(`error ${e}\n`);
    io.err('autostack: nothing was written\n');
    return 1;
  }
  for (const s of result.stacks) {
    const target = join(out, s.path);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, s.json);
    await rename(temp, target).catch(async (e) => {
      await rm(temp, { force: true });
      throw e;
    });
    io.out(`${s.name.padEnd(40)} ${String(s.resourceCount).padStart(3)} resources  ${relative(io.cwd, target) || target}\n`);
  }
  return 0;
}
