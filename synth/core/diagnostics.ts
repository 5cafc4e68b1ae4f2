// Every user mistake becomes one of these; nothing in the core throws for bad input.
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  code: string;
  message: string;
  /** Dotted path of the field concerned, when there is one (e.g. spec.storage.sizeGiB). */
  path?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code),
  );
}

/**
 * At most this many diagnostics per file reach the user (CLI, API, review): a file with thousands
 * of mistakes is reported by its first ones and a count, never by a list nobody reads (or sends).
 */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

/**
 * The first `max` diagnostics (in the order given) and, when more were found, one more that counts
 * them; it is an error when any left out is one, so a capped list fails exactly as the full one.
 */
export function capDiagnostics(list: Diagnostic[], max = MAX_DIAGNOSTICS_PER_FILE): Diagnostic[] {
  if (list.length <= max) return list;
  const rest = list.slice(max);
  const errors = rest.filter((d) => d.severity === 'error').length;
  const warnings = rest.filter((d) => d.severity === 'warning').length;
  const counts = [errors ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
  const first = rest[0]!;
  return [...list.slice(0, max), {
    file: first.file,
    line: first.line,
    column: first.column,
    severity: errors ? 'error' : warnings ? 'warning' : 'info',
    code: 'file/more-problems',
    message: `…and ${rest.length} more problem${rest.length === 1 ? '' : 's'} in this file${counts ? ` (${counts})` : ''}, not listed: fix the ones above first, then check again.`,
  }];
}

/** `file:line:col severity message`, the format editors and CI logs understand. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.severity} ${d.message} [${d.code}]`;
}
