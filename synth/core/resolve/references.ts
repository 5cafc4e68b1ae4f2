import { AUTOSTACK_DIR, isAutostackFile, readAll, SETTINGS_FILE } from '../load/reader.ts';
import type { RepoReader } from '../load/reader.ts';
import { parseYamlFile } from '../parse/parse.ts';
import type { ParsedFile } from '../parse/parse.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { kindDefinition, referencedKinds } from '../registry/kinds.ts';
import type { Reference, ReferencedDoc } from '../registry/kinds.ts';
import { loadParsedDocument } from '../validate/document.ts';
import type { LoadedDoc } from '../validate/document.ts';
import type { SettingsModel } from './settings.ts';

interface Entry {
  file: string;
  kind?: string;
  name?: string;
  parsed?: ParsedFile;
  parseDiagnostics: Diagnostic[];
}

/**
 * The documents of one ref, by kind and name, for kinds that read other files (a Website's
 * Profile): `lookup` loads a named document on first use (and what it names in turn; a cycle
 * finds nothing), `dependents` lists the files naming a document. Kind-agnostic: it asks each
 * kind's `references`.
 */
export class DocumentIndex {
  private readonly entries: Entry[] = [];
  private readonly loaded = new Map<string, LoadedDoc>();
  private readonly loading = new Set<string>();
  private readonly settings: SettingsModel;
  private readonly now: Date | undefined;

  constructor(texts: ReadonlyMap<string, string | undefined>, settings: SettingsModel, now?: Date) {
    this.settings = settings;
    this.now = now;
    for (const [file, text] of texts) {
      if (text === undefined || file === SETTINGS_FILE || !isAutostackFile(file)) continue;
      const p = parseYamlFile(file, text);
      if (!p.ok) {
        this.entries.push({ file, parseDiagnostics: p.diagnostics });
        continue;
      }
      const data = p.parsed.data as { kind?: unknown; metadata?: { name?: unknown } } | null;
      const kind = data && typeof data === 'object' && typeof data.kind === 'string' ? data.kind : undefined;
      const name = data && typeof data === 'object' && typeof data.metadata?.name === 'string' ? data.metadata.name : undefined;
      this.entries.push({ file, kind, name, parsed: p.parsed, parseDiagnostics: p.diagnostics });
    }
  }

  /** The document of `kind` named `name` (the first file, in path order, when a name is used twice: that is an error of its own). */
  readonly lookup = (kind: string, name: string): ReferencedDoc | undefined => {
    const entry = this.entries.find((e) => e.kind === kind && e.name === name);
    if (!entry) return undefined;
    const doc = this.load(entry);
    return doc ? { kind, name, file: entry.file, ...(doc.model !== undefined ? { model: doc.model } : {}) } : { kind, name, file: entry.file };
  };

  /** The document of a file, loaded with lookups into this index. */
  document(file: string): LoadedDoc | undefined {
    const entry = this.entries.find((e) => e.file === file);
    return entry ? this.load(entry) : undefined;
  }

  /** Files whose documents name the document `kind`/`name` (implied references included). */
  dependents(kind: string, name: string): string[] {
    return this.entries.filter((e) => e.parsed && referencesOf(e.kind, e.parsed.data).some((r) => r.kind === kind && r.name === name)).map((e) => e.file);
  }

  /** Kind and name of a file's document, when it has both. */
  identity(file: string): { kind: string; name: string } | undefined {
    const e = this.entries.find((x) => x.file === file);
    return e?.kind && e.name ? { kind: e.kind, name: e.name } : undefined;
  }

  private load(entry: Entry): LoadedDoc | undefined {
    const done = this.loaded.get(entry.file);
    if (done) return done;
    if (!entry.parsed || this.loading.has(entry.file)) return undefined;
    this.loading.add(entry.file);
    try {
      const doc = loadParsedDocument(entry.file, entry.parsed, entry.parseDiagnostics, this.settings, { ...(this.now ? { now: this.now } : {}), lookup: this.lookup });
      this.loaded.set(entry.file, doc);
      return doc;
    } finally {
      this.loading.delete(entry.file);
    }
  }
}

/** What a document of `kind` names, or nothing (an unknown kind, odd data). */
export function referencesOf(kind: string | undefined, data: unknown): Reference[] {
  const refs = kind ? kindDefinition(kind)?.references : undefined;
  if (!refs) return [];
  try {
    return refs.of(data);
  } catch {
    return [];
  }
}

/** Whether a text's document names another file's document or may be named by one (so the tree must be indexed). */
export function takesPartInReferences(file: string, text: string | undefined): boolean {
  if (text === undefined) return false;
  // A block-style top-level `kind:` settles it without parsing when that kind neither names nor is named
  // by other documents (a review of 1,000 plans would otherwise parse every file twice).
  const declared = /^kind:[ \t]*["']?([A-Za-z][A-Za-z0-9]*)["']?[ \t]*(?:#.*)?$/m.exec(text)?.[1];
  if (declared && !referencedKinds().includes(declared) && !kindDefinition(declared)?.references) return false;
  const p = parseYamlFile(file, text);
  if (!p.ok) return false;
  const data = p.parsed.data as { kind?: unknown } | null;
  const kind = data && typeof data === 'object' && typeof data.kind === 'string' ? data.kind : undefined;
  return kind !== undefined && (referencedKinds().includes(kind) || referencesOf(kind, data).length > 0);
}

/** Every AutoStack file at `ref`, indexed. */
export async function readIndex(reader: RepoReader, ref: string, settings: SettingsModel, now?: Date): Promise<DocumentIndex> {
  const files = (await reader.list(ref, AUTOSTACK_DIR)).filter(isAutostackFile);
  return new DocumentIndex(await readAll(reader, ref, files), settings, now);
}
