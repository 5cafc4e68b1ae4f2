import type { Subject } from '../registry/kinds.ts';
import type { SettingsModel } from './settings.ts';

/**
 * Who a document's model is, the same for every kind: its name, project (default `default`), the
 * repository's org and its labels, and the file it was read from.
 */
export function documentIdentity(doc: { metadata: { name: string; project?: string; labels?: Record<string, string> } }, file: string, settings: SettingsModel): Subject & { file: string } {
  return { name: doc.metadata.name, project: doc.metadata.project ?? 'default', org: settings.org, labels: doc.metadata.labels ?? {}, file };
}
