import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { PlanModel } from '../../synth/kinds/plan/model.ts';
import { CLOUD_IDS } from '../../knowledge-base/types.ts';
import type { CloudId } from '../../knowledge-base/types.ts';
import { formatDiagnostic, hasErrors } from '../../synth/core/diagnostics.ts';
import { loadDocument } from '../../synth/core/validate/document.ts';
import { AUTOSTACK_DIR, isAutostackFile, SETTINGS_FILE } from '../../synth/core/load/reader.ts';
import { resolveSettings } from '../../synth/core/resolve/settings.ts';
import { validateTree } from '../../synth/core/validate/validate-tree.ts';
import { synthesizePlans } from '../../synth/stack/synthesize.ts';
import { parse, UsageError } from './cli.ts';
import type { CliIo } from './cli.ts';
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
  if (cloud !== undefined && !CLOUD_IDS.includes(cloud as CloudId)) throw new UsageError(`--cloud must be aws, azure or gcp, not "${cloud}"`);
  const root = resolve(io.cwd, (values.dir as string | undefined) ?? '.');
  const out = resolve(io.cwd, (values.out as string | undefined) ?? join(root, 'autostack.out'));
  const reader = new FsReader(root);
  const { diagnostics } = await validateTree(reader, '');
  if (hasErrors(diagnostics)) {
    for (const d of diagnostics) io.out(`${formatDiagnostic(d)}\n`);
    io.err('autostack: fix the errors above; nothing was written\n');
    return 1;
  }
  const settingsDoc = await reader.read('', SETTINGS_FILE);
  const settings = resolveSettings(settingsDoc ? (loadDocument(SETTINGS_FILE, settingsDoc, resolveSettings(undefined)).model as never) : undefined);
  const wanted = new Set((values.plan as string[] | undefined) ?? []);
  const models: PlanModel[] = [];
  for (const f of (await reader.list('', AUTOSTACK_DIR)).filter((p) => isAutostackFile(p) && p !== SETTINGS_FILE)) {
    const doc = loadDocument(f, (await reader.read('', f)) ?? '', settings);
    if (doc.kind === 'Plan' && doc.model && (wanted.size === 0 || wanted.has((doc.model as PlanModel).name))) models.push(doc.model as PlanModel);
  }
  const missing = [...wanted].filter((n) => !models.some((m) => m.name === n));
  if (missing.length) throw new UsageError(`no plan named ${missing.join(', ')} under ${AUTOSTACK_DIR}/`);
  if (models.length === 0) {
    io.err(`autostack: no plans under ${join(root, AUTOSTACK_DIR)}; nothing to synthesize\n`);
    return 0;
  }
  const result = synthesizePlans(models, settings, cloud ? [cloud as CloudId] : undefined);
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
