import { kindDefinition } from '../registry/kinds.ts';
import { exportTarget } from '../registry/targets.ts';
import type { ExportedFile } from '../registry/targets.ts';

/** The files a model of a kind with the export capability generates, through each of its targets. */
export function exportModel(kind: string, model: unknown): { files: ExportedFile[]; errors: string[] } {
  const cap = kindDefinition(kind)?.export;
  if (!cap) return { files: [], errors: [] };
  const name = kindDefinition(kind)!.name(model);
  const files: ExportedFile[] = [];
  const errors: string[] = [];
  for (const id of cap.targets(model)) {
    const target = exportTarget(id);
    if (target) files.push(...target.render(name, cap.graph(model)));
    else errors.push(`${name}: no export target "${id}" is registered`);
  }
  return { files, errors };
}
