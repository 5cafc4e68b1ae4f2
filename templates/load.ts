import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTemplateMeta } from '../synth/core/templates/templates.ts';
import type { TemplateBundle } from '../synth/core/templates/templates.ts';

export type { TemplateBundle };

export const TEMPLATES_DIR = new URL('./', import.meta.url).pathname;

/** Every template folder under `dir` (one with a template.yaml), sorted by name. */
export async function loadTemplates(dir = TEMPLATES_DIR): Promise<TemplateBundle[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: TemplateBundle[] = [];
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const metaText = await readFile(join(dir, e.name, 'template.yaml'), 'utf8').catch(() => undefined);
    if (metaText === undefined) continue;
    const meta = parseTemplateMeta(metaText);
    const sources: Record<string, string> = {};
    for (const f of meta.files) sources[f.source] = await readFile(join(dir, e.name, f.source), 'utf8');
    out.push({ meta, sources });
  }
  return out;
}
