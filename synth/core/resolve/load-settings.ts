import type { Diagnostic } from '../diagnostics.ts';
import { hasErrors } from '../diagnostics.ts';
import { SETTINGS_FILE } from '../load/reader.ts';
import type { RepoReader } from '../load/reader.ts';
import { loadDocument } from '../validate/document.ts';
import type { LoadedDoc } from '../validate/document.ts';
import { SETTINGS_KIND } from '../validate/schema.ts';
import { resolveSettings } from './settings.ts';
import type { SettingsModel } from './settings.ts';

export interface LoadedSettings {
  /** Defaults apply where the file is missing or has errors. */
  model: SettingsModel;
  /** Everything found in the file (errors and warnings). */
  diagnostics: Diagnostic[];
  doc?: LoadedDoc;
}

/** `.autostack/autostack.yaml` at a ref, loaded before any kind: every kind resolves against it. */
export async function loadSettings(reader: RepoReader, ref: string): Promise<LoadedSettings> {
  return settingsFromText(await reader.read(ref, SETTINGS_FILE));
}

/** The same from the file's text (undefined: no settings file). */
export function settingsFromText(text: string | undefined): LoadedSettings {
  if (text === undefined) return { model: resolveSettings(undefined), diagnostics: [] };
  const doc = loadDocument(SETTINGS_FILE, text, resolveSettings(undefined));
  const ok = !hasErrors(doc.diagnostics) && doc.kind === SETTINGS_KIND;
  return { model: resolveSettings(ok ? (doc.model as never) : undefined), diagnostics: doc.diagnostics, doc };
}
