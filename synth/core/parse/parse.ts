import { Composer, isMap, isScalar, isSeq, LineCounter, Parser, visit, YAMLParseError } from 'yaml';
import type { CST, Document, Node, Pair } from 'yaml';
import type { Diagnostic } from '../diagnostics.ts';

/** Plan files are small; anything bigger is a mistake (or an attack) and is refused before parsing. */
export const MAX_FILE_BYTES = 256 * 1024;
/**
 * No AutoStack mapping comes near this many keys; a bigger one is refused where it passes the cap,
 * so nothing downstream (schema errors, positions) ever works through tens of thousands of keys.
 */
export const MAX_KEYS_PER_MAPPING = 1000;
/** The same for lists: schema lists hold at most a few dozen items, so a huge one is refused before validation walks it. */
export const MAX_ITEMS_PER_LIST = 1000;
/**
 * Plans nest a handful of levels. Deeper input is refused before the document is built: the YAML
 * library builds nodes recursively, so thousands of levels would otherwise end in a stack overflow
 * whose position depends on how deep the caller's own stack already was.
 */
export const MAX_NESTING_DEPTH = 64;
/** Keys that name or reach an object's prototype in JavaScript: never data in an AutoStack file. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface ParsedFile {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Plain data, only when the YAML itself is sound. */
  data: unknown;
}

/**
 * `ok` with diagnostics when the document is still usable (a duplicate key: the rest of the
 * file is checked too); not `ok` when nothing further can be trusted.
 */
export type ParseResult = { ok: true; parsed: ParsedFile; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/**
 * 1. refuse oversized, binary or multi-document input with one clear message
 * 2. tokenize (no recursion) and refuse nesting deeper than MAX_NESTING_DEPTH
 * 3. build the document with positions (core schema: no custom tags)
 * 4. turn YAML errors, duplicate keys, aliases, prototype keys and unknown tags into diagnostics
 */
export function parseYamlFile(file: string, source: string): ParseResult {
  // A byte order mark is not a column: editors count line 1 from the character after it.
  const text = source.startsWith('\ufeff') ? source.slice(1) : source;
  const refused = refuseInput(file, text);
  if (refused) return { ok: false, diagnostics: [refused] };
  const lineCounter = new LineCounter();
  const at = (offset: number) => lineCounter.linePos(offset);
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const tooDeep = mayNestDeeply(text) ? deepestCollection(tokens) : undefined;
  if (tooDeep !== undefined) {
    return { ok: false, diagnostics: [{ file, ...toLineCol(at(tooDeep)), severity: 'error', code: 'yaml/too-deep', message: `Lists and mappings are nested more than ${MAX_NESTING_DEPTH} levels deep here; AutoStack files need only a few levels. Check the brackets and the indentation from here on.` }] };
  }
  // Duplicate keys are found below with one Set per mapping: the library's own check compares every
  // key with every earlier one (24,000 keys in one flow map took about a minute).
  const doc = composeDocument(tokens, text.length);
  const diagnostics: Diagnostic[] = [];
  let fatal = false;
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = at(e.pos[0]);
    fatal = true;
    diagnostics.push({ file, ...toLineCol(pos), severity: 'error', code: `yaml/${e.code.toLowerCase()}`, message: yamlMessage(e.code, e.message) });
  }
  const keyRanges: [number, number][] = [];
  visit(doc, {
    Map(_key, map) {
      if (map.items.length > MAX_KEYS_PER_MAPPING) {
        fatal = true;
        const first = map.items[MAX_KEYS_PER_MAPPING]!.key as Node | null;
        diagnostics.push({ file, ...toLineCol(at(first?.range?.[0] ?? map.range?.[0] ?? 0)), severity: 'error', code: 'yaml/too-many-keys', message: `This mapping has ${map.items.length} keys; AutoStack allows at most ${MAX_KEYS_PER_MAPPING} in one mapping. Remove the extra keys (from here on), or check that the right file is under .autostack/.` });
        return visit.SKIP;
      }
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        if (RESERVED_KEYS.has(name)) {
          fatal = true;
          diagnostics.push({ file, ...toLineCol(at(pair.key.range?.[0] ?? 0)), severity: 'error', code: 'yaml/reserved-key', message: `"${name}" cannot be used as a key in AutoStack files (it has a special meaning in JavaScript): rename or remove it.` });
          continue;
        }
        if (!seen.has(name)) {
          seen.add(name);
          continue;
        }
        diagnostics.push({ file, ...toLineCol(at(pair.key.range?.[0] ?? 0)), severity: 'error', code: 'yaml/duplicate_key', message: yamlMessage('DUPLICATE_KEY', '', name) });
      }
      return undefined;
    },
    Seq(_key, seq) {
      if (seq.items.length <= MAX_ITEMS_PER_LIST) return undefined;
      fatal = true;
      const first = seq.items[MAX_ITEMS_PER_LIST] as Node | null;
      diagnostics.push({ file, ...toLineCol(at(first?.range?.[0] ?? seq.range?.[0] ?? 0)), severity: 'error', code: 'yaml/too-many-items', message: `This list has ${seq.items.length} items; AutoStack allows at most ${MAX_ITEMS_PER_LIST} in one list. Remove the extra items (from here on), or check that the right file is under .autostack/.` });
      return visit.SKIP;
    },
    Alias(_key, node) {
      fatal = true;
      diagnostics.push({ file, ...toLineCol(at(node.range?.[0] ?? 0)), severity: 'error', code: 'yaml/alias', message: `YAML aliases (*${node.source}) are not allowed in AutoStack files: write the value out in full.` });
    },
    Pair(_key, pair) {
      const k = pair.key as { range?: [number, number, number] } | null;
      if (k && !isScalar(k)) {
        fatal = true;
        // A key inside a reported complex key is part of the same mistake.
        if (keyRanges.some(([a, b]) => (k.range?.[0] ?? 0) >= a && (k.range?.[0] ?? 0) < b)) return;
        keyRanges.push([k.range?.[0] ?? 0, k.range?.[1] ?? 0]);
        diagnostics.push({ file, ...toLineCol(at(k.range?.[0] ?? 0)), severity: 'error', code: 'yaml/complex-key', message: 'A mapping key must be plain text, not a list or mapping. Template placeholders such as {{ name }} must be filled in (or quoted) before the file is used.' });
      }
    },
    Node(_key, node) {
      if (node.tag && !node.tag.startsWith('tag:yaml.org,2002:')) {
        fatal = true;
        diagnostics.push({ file, ...toLineCol(at(node.range?.[0] ?? 0)), severity: 'error', code: 'yaml/tag', message: `Custom YAML tag ${node.tag} is not allowed: remove it and write a plain value.` });
      }
    },
  });
  if (fatal) return { ok: false, diagnostics: dedupe(diagnostics) };
  return { ok: true, diagnostics: dedupe(diagnostics), parsed: { file, text, doc, lineCounter, data: doc.toJS({ maxAliasCount: 0 }) } };
}

/** The document as `parseDocument` builds it, from tokens already checked for depth. */
function composeDocument(tokens: CST.Token[], length: number): Document.Parsed {
  const composer = new Composer({ schema: 'core', uniqueKeys: false, prettyErrors: false, strict: true });
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(tokens, true, length)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'File holds several YAML documents: put one resource in each file.'));
      break;
    }
  }
  return doc!;
}

/** Each level of nesting opens with one of [ { - : ?, so a text with few of them cannot nest deeply (most plans). */
function mayNestDeeply(text: string): boolean {
  let openers = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // [ { - : ?
    if ((c === 91 || c === 123 || c === 45 || c === 58 || c === 63) && ++openers > MAX_NESTING_DEPTH) return true;
  }
  return false;
}

/** Offset of the first collection nested deeper than MAX_NESTING_DEPTH, walking the tokens with an explicit stack. */
function deepestCollection(tokens: CST.Token[]): number | undefined {
  let first: number | undefined;
  const stack: [CST.Token | null | undefined, number][] = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [t, depth] = stack.pop()!;
    if (!t) continue;
    if (t.type === 'document') stack.push([t.value, depth]);
    else if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
      if (depth + 1 > MAX_NESTING_DEPTH) {
        first = Math.min(first ?? t.offset, t.offset);
        continue;
      }
      for (const item of t.items) {
        if ('key' in item && item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return first;
}

const PLACEHOLDER = /^# autostack: file of (\d+) bytes, not read\n/;

/**
 * What a reader returns instead of a file too big to read at all: over the size cap, and carrying
 * the real size for the message.
 */
export function oversizedPlaceholder(bytes: number): string {
  const head = `# autostack: file of ${bytes} bytes, not read\n`;
  return head + ' '.repeat(Math.max(0, MAX_FILE_BYTES + 1 - head.length));
}

/** What a reader found at a path that is not a regular file: it is reported, never read or followed. */
export type NotAFile = 'symbolic link' | 'submodule' | 'special file';

const NOT_A_FILE = /^\u0000autostack: (symbolic link|submodule|special file)\u0000$/;

/**
 * What a reader returns for a symbolic link, a submodule (gitlink) or another special file at a
 * path: a text no real file can be (it starts with NUL, which the parser refuses anyway), which
 * the parser turns into one clear diagnostic.
 */
export function notAFilePlaceholder(what: NotAFile): string {
  return `\u0000autostack: ${what}\u0000`;
}

function refuseInput(file: string, text: string): Diagnostic | undefined {
  const base = { file, line: 1, column: 1, severity: 'error' as const };
  const special = NOT_A_FILE.exec(text)?.[1];
  if (special) {
    const fix = special === 'symbolic link' ? 'AutoStack reads only regular files and never follows links: put the file itself here' : special === 'submodule' ? 'a submodule points at another repository, whose files AutoStack does not read: put the file itself here' : 'AutoStack reads only regular files: put a file here';
    return { ...base, code: 'file/not-a-file', message: `${file} is a ${special}, not a file; ${fix}, or remove it from .autostack/.` };
  }
  if (text.length > MAX_FILE_BYTES) {
    const bytes = Number(PLACEHOLDER.exec(text)?.[1] ?? text.length);
    return { ...base, code: 'file/too-large', message: `File is ${size(bytes)}; AutoStack files must be under ${MAX_FILE_BYTES / 1024} KiB. Split it, or check that the right file is under .autostack/.` };
  }
  const bad = text.search(/[\u0000-\u0008\u000e-\u001f\ufffd]/);
  if (bad >= 0) {
    const line = text.slice(0, bad).split('\n').length;
    return { ...base, line, code: 'file/not-text', message: 'File is not UTF-8 text (it contains binary or control characters): AutoStack files are YAML.' };
  }
  if (/^---\s*$/m.test(text.replace(/^---\s*\n/, ''))) {
    const line = text.split('\n').findIndex((l, i) => i > 0 && /^---\s*$/.test(l)) + 1;
    return { ...base, line: Math.max(line, 1), code: 'yaml/multi-document', message: 'File holds several YAML documents (---): put one resource in each file.' };
  }
  return undefined;
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

function yamlMessage(code: string, message: string, key?: string): string {
  const first = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY') return `Duplicate key${key ? ` "${key}"` : ''}: it appears twice in the same mapping and only one value can win. Remove or merge one of them.`;
  if (code === 'TAG_RESOLVE_FAILED') return `${first}: use plain YAML values only.`;
  if (code === 'TAB_AS_INDENT') return 'A tab is used for indentation here: YAML indents with spaces only. Replace the tab with spaces.';
  if (code === 'RESOURCE_EXHAUSTION') return 'The file is nested too deeply to read: AutoStack files need only a few levels. Check the brackets and the indentation from here on.';
  return `YAML syntax error: ${first}`;
}

function toLineCol(pos: { line: number; col: number }) {
  return { line: pos.line, column: pos.col };
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.line}:${d.column}:${d.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Position of a path in the document. With `key`, points at the key of the last segment
 * (for "unknown field"), else at its value. Falls back to the deepest existing ancestor.
 */
export function locate(parsed: ParsedFile, path: readonly (string | number)[], key = false): { line: number; column: number } {
  let node: Node | null = parsed.doc.contents as Node | null;
  let best = node?.range?.[0] ?? 0;
  for (let i = 0; i < path.length && node; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const keyNode = pair.key as Node;
      if (last && key) { best = keyNode.range?.[0] ?? best; node = null; break; }
      node = (pair.value as Node | null) ?? null;
      best = node?.range?.[0] ?? keyNode.range?.[0] ?? best;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = (node.items[seg] as Node | undefined) ?? null;
      best = node?.range?.[0] ?? best;
    } else break;
  }
  return toLineCol(parsed.lineCounter.linePos(best));
}

