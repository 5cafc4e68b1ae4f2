import { validateAgainstSchema } from '../../schemas/validate-schema.ts';
import type { Diagnostic } from './diagnostics.ts';
import { hasErrors, sortDiagnostics } from './diagnostics.ts';
import { kindHandler, registeredKinds } from './kinds.ts';
import type { KindContext, KindHandler } from './kinds.ts';
import { SETTINGS_FILE } from './load.ts';
import { locate, parseYamlFile } from './parse.ts';
import type { ParsedFile } from './parse.ts';
import type { SettingsModel } from './settings.ts';
import { closest } from './suggest.ts';
import '../kinds/index.ts';

export interface LoadedDoc {
  file: string;
  kind?: string;
  handler?: KindHandler;
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
export function loadDocument(file: string, text: string, settings: SettingsModel, now?: Date): LoadedDoc {
  const p = parseYamlFile(file, text);
  if (!p.ok) return { file, diagnostics: p.diagnostics };
  const loaded = loadParsed(file, p.parsed, settings, now);
  if (p.diagnostics.length === 0) return { ...loaded, diagnostics: sortDiagnostics(loaded.diagnostics) };
  // The duplicate key stays an error; the rest of the file is still checked and reported.
  const { model: _dropped, ...rest } = loaded;
  return { ...rest, diagnostics: sortDiagnostics([...p.diagnostics, ...loaded.diagnostics]) };
}

function loadParsed(file: string, parsed: ParsedFile, settings: SettingsModel, now: Date | undefined): LoadedDoc {
  const data = parsed.data as Record<string, unknown> | null;
  const at = (path: string[], key = false) => ({ file, ...locate(parsed, path, key) });
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { file, parsed, diagnostics: [{ ...at([]), severity: 'error', code: 'file/not-a-mapping', message: 'An AutoStack file is a YAML mapping starting with apiVersion: autostack.dev/v1 and kind: Plan.' }] };
  }
  const name = typeof (data.metadata as Record<string, unknown> | undefined)?.name === 'string' ? String((data.metadata as Record<string, unknown>).name) : undefined;
  if (typeof data.apiVersion !== 'string' || !data.apiVersion.startsWith('autostack.dev/')) {
    if (data.apiVersion === undefined && data.kind !== undefined) {
      return { file, parsed, name, diagnostics: [{ ...at(['kind'], true), severity: 'error', code: 'schema/missing-field', path: 'apiVersion', message: 'Missing required field "apiVersion": add apiVersion: autostack.dev/v1 as the first line.' }] };
    }
    return { file, parsed, foreign: true, diagnostics: [{ ...at([]), severity: 'warning', code: 'file/not-autostack', message: 'Not an AutoStack file (no apiVersion: autostack.dev/v1): ignored. Move it out of .autostack/ or add apiVersion and kind.' }] };
  }
  const kind = typeof data.kind === 'string' ? data.kind : undefined;
  if (kind === 'Settings') {
    if (file !== SETTINGS_FILE) return { file, parsed, kind, diagnostics: [{ ...at(['kind']), severity: 'error', code: 'file/settings-location', message: `Settings belong in ${SETTINGS_FILE}; move this file there.` }] };
    return { file, parsed, kind, model: parsed.data, diagnostics: validateAgainstSchema('Settings', parsed) };
  }
  const handler = kind ? kindHandler(kind) : undefined;
  if (!handler) {
    const known = registeredKinds();
    const guess = kind ? closest(kind, known) : undefined;
    const message = kind ? `Unknown kind "${kind}".${guess ? ` Did you mean "${guess}"?` : ''} Supported kinds: ${known.join(', ')}.` : `Missing required field "kind": add kind: ${known[0]}.`;
    return { file, parsed, kind, name, diagnostics: [{ ...at(kind ? ['kind'] : []), severity: 'error', code: kind ? 'schema/unknown-kind' : 'schema/missing-field', path: 'kind', message }] };
  }
  const schemaDiags = validateAgainstSchema(kind!, parsed);
  const ctx: KindContext = { file, parsed, settings, now };
  const diagnostics = [...schemaDiags, ...semanticChecks(handler, parsed.data, ctx, schemaDiags)];
  if (hasErrors(diagnostics)) return { file, parsed, kind, handler, name, diagnostics };
  return { file, parsed, kind, handler, name, model: handler.resolve(parsed.data, ctx), diagnostics };
}

/**
 * Semantic checks run even when the schema found errors, so one pass reports every mistake;
 * findings on a field the schema already rejected are dropped, and data too malformed to
 * check (the schema has said why) yields no semantic findings rather than a crash.
 */
function semanticChecks(handler: KindHandler, data: unknown, ctx: KindContext, schemaDiags: Diagnostic[]): Diagnostic[] {
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
