import { SETTINGS_KIND, validateAgainstSchema } from './schema.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { capDiagnostics, hasErrors, sortDiagnostics } from '../diagnostics.ts';
import { kindDefinition, registeredKinds } from '../registry/kinds.ts';
import type { KindContext, KindDefinition } from '../registry/kinds.ts';
import { SETTINGS_FILE } from '../load/reader.ts';
import { locate, parseYamlFile } from '../parse/parse.ts';
import type { ParsedFile } from '../parse/parse.ts';
import { deployBranchDiagnostics } from '../resolve/deploy-branch.ts';
import type { SettingsModel } from '../resolve/settings.ts';
import { closest } from './suggest.ts';

export interface LoadedDoc {
  file: string;
  kind?: string;
  handler?: KindDefinition;
  parsed?: ParsedFile;
  /** Set only when the file is free of errors. */
  model?: unknown;
  /** metadata.name when it could be read, even from an otherwise invalid file. */
  name?: string;
  diagnostics: Diagnostic[];
  /** "Not a file for me": YAML without an AutoStack apiVersion. */
  foreign?: boolean;
}

/**
 * 1. parse with positions
 * 2. recognise the kind (or return "not mine")
 * 3. schema, then semantic checks
 * 4. resolve to a model when there is no error
 */
export function loadDocument(file: string, text: string, settings: SettingsModel, options: LoadOptions = {}): LoadedDoc {
  const p = parseYamlFile(file, text);
  if (!p.ok) return { file, diagnostics: capDiagnostics(p.diagnostics) };
  return loadParsedDocument(file, p.parsed, p.diagnostics, settings, options);
}

export interface LoadOptions {
  now?: Date;
  /** Documents of other files at the same ref (see KindContext.lookup). */
  lookup?: KindContext['lookup'];
}

/** The same from a file already parsed (`parseDiagnostics`: what parsing reported, a duplicate key). */
export function loadParsedDocument(file: string, parsed: ParsedFile, parseDiagnostics: Diagnostic[], settings: SettingsModel, options: LoadOptions = {}): LoadedDoc {
  const p = { parsed, diagnostics: parseDiagnostics };
  const loaded = loadParsed(file, p.parsed, settings, options.now, options.lookup);
  if (p.diagnostics.length === 0) return { ...loaded, diagnostics: capDiagnostics(sortDiagnostics(loaded.diagnostics)) };
  // The duplicate key stays an error; the rest of the file is still checked and reported.
  const { model: _dropped, ...rest } = loaded;
  return { ...rest, diagnostics: capDiagnostics(sortDiagnostics([...p.diagnostics, ...loaded.diagnostics])) };
}

function loadParsed(file: string, parsed: ParsedFile, settings: SettingsModel, now: Date | undefined, lookup: KindContext['lookup']): LoadedDoc {
  const data = parsed.data as Record<string, unknown> | null;
  const at = (path: string[], key = false) => ({ file, ...locate(parsed, path, key) });
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    const what = parsed.doc.contents === null ? 'is empty' : Array.isArray(data) ? 'holds a list, not a mapping' : 'holds a single value, not a mapping';
    return { file, parsed, diagnostics: [{ ...at([]), severity: 'error', code: 'file/not-a-mapping', message: `This file ${what}: an AutoStack file is a YAML mapping starting with apiVersion: autostack.dev/v1 and kind: ${registeredKinds().join(' | ')}. Write the file out, or remove it from .autostack/.` }] };
  }
  const name = typeof (data.metadata as Record<string, unknown> | undefined)?.name === 'string' ? String((data.metadata as Record<string, unknown>).name) : undefined;
  if (typeof data.apiVersion !== 'string' || !data.apiVersion.startsWith('autostack.dev/')) {
    if (data.apiVersion === undefined && data.kind !== undefined) {
      return { file, parsed, name, diagnostics: [{ ...at(['kind'], true), severity: 'error', code: 'schema/missing-field', path: 'apiVersion', message: 'Missing required field "apiVersion": add apiVersion: autostack.dev/v1 as the first line.' }] };
    }
    return { file, parsed, foreign: true, diagnostics: [{ ...at([]), severity: 'warning', code: 'file/not-autostack', message: 'Not an AutoStack file (no apiVersion: autostack.dev/v1): ignored. Move it out of .autostack/ or add apiVersion and kind.' }] };
  }
  const kind = typeof data.kind === 'string' ? data.kind : undefined;
  if (kind === SETTINGS_KIND) {
    if (file !== SETTINGS_FILE) return { file, parsed, kind, diagnostics: [{ ...at(['kind']), severity: 'error', code: 'file/settings-location', message: `Settings belong in ${SETTINGS_FILE}; move this file there.` }] };
    const schema = validateAgainstSchema(SETTINGS_KIND, parsed);
    // A deploy branch the schema lets through but git refuses (a..b, x.lock): it would fail the merge render.
    const branch = schema.some((d) => d.path === 'spec.deployBranch') ? [] : deployBranchDiagnostics(parsed);
    return { file, parsed, kind, model: parsed.data, diagnostics: [...schema, ...branch] };
  }
  const handler = kind ? kindDefinition(kind) : undefined;
  if (!handler) {
    const known = registeredKinds();
    const guess = kind ? closest(kind, known) : undefined;
    const message = kind ? `Unknown kind "${kind}".${guess ? ` Did you mean "${guess}"?` : ''} Supported kinds: ${known.join(', ')}.` : `Missing required field "kind": add kind: ${known[0]}.`;
    return { file, parsed, kind, name, diagnostics: [{ ...at(kind ? ['kind'] : []), severity: 'error', code: kind ? 'schema/unknown-kind' : 'schema/missing-field', path: 'kind', message }] };
  }
  const schemaDiags = validateAgainstSchema(kind!, parsed);
  const ctx: KindContext = { file, parsed, settings, ...(now ? { now } : {}), ...(lookup ? { lookup } : {}) };
  const diagnostics = [...schemaDiags, ...semanticChecks(handler, parsed.data, ctx, schemaDiags)];
  if (hasErrors(diagnostics)) return { file, parsed, kind, handler, name, diagnostics };
  return { file, parsed, kind, handler, name, model: handler.resolve(parsed.data, ctx), diagnostics };
}

/**
 * Semantic checks run even when the schema found errors, so one pass reports every mistake;
 * findings on a field the schema already rejected are dropped, and data too malformed to
 * check (the schema has said why) yields no semantic findings rather than a crash.
 */
function semanticChecks(handler: KindDefinition, data: unknown, ctx: KindContext, schemaDiags: Diagnostic[]): Diagnostic[] {
  let found: Diagnostic[];
  try {
    found = handler.check(data, ctx);
  } catch {
    return [];
  }
  const rejected = schemaDiags.map((d) => d.path ?? '');
  const overlaps = (p: string) => rejected.some((r) => r === p || r.startsWith(`${p}.`) || p.startsWith(`${r}.`) || r === '(top level)');
  return found.filter((d) => !d.path || !overlaps(d.path));
}

/** Files that describe a resource of some kind (not the settings, not a foreign YAML file): their names must be unique. */
export function isResourceDoc(doc: LoadedDoc): boolean {
  return !doc.foreign && doc.kind !== SETTINGS_KIND;
}

/**
 * Names are unique in the repository: each document's name against the ones before it, and
 * against `others` (name → file of documents not loaded, e.g. the files a change did not touch).
 */
export function duplicateNames(docs: LoadedDoc[], others: ReadonlyMap<string, string> = new Map()): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, string>();
  for (const d of docs) {
    if (!d.name || !isResourceDoc(d) || !d.parsed) continue;
    const first = seen.get(d.name) ?? others.get(d.name);
    if (first) out.push({ file: d.file, ...locate(d.parsed, ['metadata', 'name']), severity: 'error', code: 'plan/duplicate-name', path: 'metadata.name', message: `Name "${d.name}" is already used by ${first}: names must be unique in the repository. Rename one of them.` });
    else seen.set(d.name, d.file);
  }
  return out;
}
