import type { Diagnostic } from '../diagnostics.ts';
import { sortDiagnostics } from '../diagnostics.ts';
import { duplicateNames, loadDocument } from './document.ts';
import type { LoadedDoc } from './document.ts';
import { AUTOSTACK_DIR, isAutostackFile, readAll, SETTINGS_FILE } from '../load/reader.ts';
import type { RepoReader } from '../load/reader.ts';
import { settingsFromText } from '../resolve/load-settings.ts';
import { DocumentIndex } from '../resolve/references.ts';
import { referencedKinds } from '../registry/kinds.ts';
import type { SettingsModel } from '../resolve/settings.ts';

/** Every AutoStack file at one ref: all diagnostics, including names used twice anywhere in the tree. */
export async function validateTree(reader: RepoReader, ref: string, dir = AUTOSTACK_DIR): Promise<{ files: number; diagnostics: Diagnostic[]; docs: LoadedDoc[]; settings: SettingsModel }> {
  const files = (await reader.list(ref, dir)).filter(isAutostackFile);
  const texts = await readAll(reader, ref, files);
  const settings = settingsFromText(texts.get(SETTINGS_FILE));
  const docs: LoadedDoc[] = settings.doc ? [settings.doc] : [];
  // Documents naming other files' documents (a Website's Profile) find them in the same tree.
  const index = referencedKinds().length ? new DocumentIndex(texts, settings.model) : undefined;
  for (const f of files) if (f !== SETTINGS_FILE) docs.push(index?.document(f) ?? loadDocument(f, texts.get(f) ?? '', settings.model));
  const diagnostics = [...docs.flatMap((d) => d.diagnostics), ...duplicateNames(docs)];
  return { files: files.length, diagnostics: sortDiagnostics(diagnostics), docs, settings: settings.model };
}
