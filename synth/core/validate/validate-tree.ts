import type { Diagnostic } from '../diagnostics.ts';
import { sortDiagnostics } from '../diagnostics.ts';
import { loadDocument } from './document.ts';
import type { LoadedDoc } from './document.ts';
import { AUTOSTACK_DIR, isAutostackFile, SETTINGS_FILE } from '../load/reader.ts';
import type { RepoReader } from '../load/reader.ts';
import { locate } from '../parse/parse.ts';
import { resolveSettings } from '../resolve/settings.ts';
import { readAll } from '../review/review.ts';

/** Every AutoStack file at one ref: all diagnostics, including names used twice anywhere in the tree. */
export async function validateTree(reader: RepoReader, ref: string, dir = AUTOSTACK_DIR): Promise<{ files: number; diagnostics: Diagnostic[] }> {
  const files = (await reader.list(ref, dir)).filter(isAutostackFile);
  const texts = await readAll(reader, ref, files);
  const settingsText = texts.get(SETTINGS_FILE);
  const settingsDoc = settingsText !== undefined ? loadDocument(SETTINGS_FILE, settingsText, resolveSettings(undefined)) : undefined;
  const settings = resolveSettings(settingsDoc && settingsDoc.diagnostics.every((d) => d.severity !== 'error') ? (settingsDoc.model as never) : undefined);
  const docs: LoadedDoc[] = settingsDoc ? [settingsDoc] : [];
  for (const f of files) if (f !== SETTINGS_FILE) docs.push(loadDocument(f, texts.get(f) ?? '', settings));
  const diagnostics = docs.flatMap((d) => d.diagnostics);
  const seen = new Map<string, string>();
  for (const d of docs) {
    if (!d.name || d.foreign || d.kind === 'Settings' || !d.parsed) continue;
    const first = seen.get(d.name);
    if (first) diagnostics.push({ file: d.file, ...locate(d.parsed, ['metadata', 'name']), severity: 'error', code: 'plan/duplicate-name', path: 'metadata.name', message: `Name "${d.name}" is already used by ${first}: names must be unique in the repository. Rename one of them.` });
    else seen.set(d.name, d.file);
  }
  return { files: files.length, diagnostics: sortDiagnostics(diagnostics) };
}
