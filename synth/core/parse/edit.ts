import { Document, isCollection, isMap, isScalar, isSeq, parse, parseDocument, stringify } from 'yaml';
import type { Node, Pair, Scalar } from 'yaml';

/**
 * Editing a YAML document the user wrote without rewriting it: the editor (and anything else that
 * changes a plan as data) hands over the text and the data it should now hold, and gets back the
 * same text with only the edited values changed — comments, key order, quoting, indentation and
 * blank lines stay as they were, so a two-field change is a two-line diff.
 *
 * 1. the change is worked out as a list of paths to set or delete (the difference of the data);
 * 2. each one becomes a text splice where the source allows it: a scalar replaced in place, a key
 *    or list item added after the last one of its block, a key or item's lines removed, a flow
 *    collection (`{ vcpu: 2, memoryGiB: 8 }`, on its own line) written anew;
 * 3. the result is parsed again and must hold exactly the wanted data; if it does not (or a change
 *    has no splice), the yaml Document API does it instead (setIn/deleteIn on the parsed document,
 *    which keeps comments and key order but may normalise spacing).
 */

type Path = (string | number)[];
export type DocChange = { path: Path; value?: unknown; delete?: true };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep equality of plain data (key order ignored). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => k in b && sameData(a[k], b[k]));
  }
  return false;
}

/** The paths where `next` differs from `prev`, in document order; list items removed from the end first. */
export function dataChanges(prev: unknown, next: unknown, path: Path = [], out: DocChange[] = []): DocChange[] {
  if (sameData(prev, next)) return out;
  if (isObject(prev) && isObject(next)) {
    for (const k of Object.keys(prev)) if (next[k] === undefined && prev[k] !== undefined) out.push({ path: [...path, k], delete: true });
    for (const k of Object.keys(next)) {
      if (next[k] === undefined) continue;
      if (prev[k] === undefined) out.push({ path: [...path, k], value: next[k] });
      else dataChanges(prev[k], next[k], [...path, k], out);
    }
    return out;
  }
  if (Array.isArray(prev) && Array.isArray(next) && prev.length > 0 && next.length > 0) {
    const common = Math.min(prev.length, next.length);
    for (let i = 0; i < common; i++) dataChanges(prev[i], next[i], [...path, i], out);
    for (let i = prev.length - 1; i >= next.length; i--) out.push({ path: [...path, i], delete: true });
    for (let i = prev.length; i < next.length; i++) out.push({ path: [...path, i], value: next[i] });
    return out;
  }
  out.push({ path, value: next });
  return out;
}

interface Splice {
  from: number;
  to: number;
  text: string;
  order: number;
}

const lineStart = (src: string, at: number) => src.lastIndexOf('\n', at - 1) + 1;
const column = (src: string, at: number) => at - lineStart(src, at);
/** The offset just after the line holding `at - 1` (the end of a value), newline included. */
function afterLine(src: string, end: number): number {
  if (end > 0 && src[end - 1] === '\n') return end;
  const nl = src.indexOf('\n', end);
  return nl === -1 ? src.length : nl + 1;
}
const onlySpaceBefore = (src: string, at: number) => /^[ \t]*$/.test(src.slice(lineStart(src, at), at));

/** The lines a block of new YAML takes, indented to `col` (each ending with a newline). */
function indented(yaml: string, col: number): string {
  return yaml.trimEnd().split('\n').map((l) => `${' '.repeat(col)}${l}`).join('\n') + '\n';
}

/** A scalar written where a plain or quoted scalar was, in the same quoting style when it stays a string. */
function scalarText(old: Scalar, value: unknown, inFlow: boolean): string | undefined {
  if (typeof value === 'string') {
    if (old.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
    if (old.type === 'QUOTE_SINGLE' && !/\n/.test(value)) return `'${value.replace(/'/g, "''")}'`;
    if (inFlow && !/^[\w./:@ +-]*$/.test(value)) return JSON.stringify(value);
  }
  if (value !== null && typeof value === 'object') return undefined;
  const text = stringify(value, { lineWidth: 0 }).trimEnd();
  return text.includes('\n') ? undefined : text;
}

function blockIndent(src: string, collection: Node): number | undefined {
  if (isMap(collection)) {
    const first = collection.items[0] as Pair<Node, Node> | undefined;
    const at = first && (first.key as Node | null)?.range?.[0];
    return at === undefined ? undefined : column(src, at);
  }
  if (isSeq(collection)) {
    const first = collection.items[0] as Node | undefined;
    const at = first?.range?.[0];
    if (at === undefined) return undefined;
    const m = /^([ \t]*)-[ \t]*$/.exec(src.slice(lineStart(src, at), at));
    return m ? m[1]!.length : undefined;
  }
  return undefined;
}

/** The end of a block collection's last entry (value end, before its trailing comment). */
function lastEntryEnd(collection: Node): number | undefined {
  if (isMap(collection)) {
    const last = collection.items.at(-1) as Pair<Node, Node> | undefined;
    return (last?.value as Node | null)?.range?.[1] ?? (last?.key as Node | null)?.range?.[1];
  }
  if (isSeq(collection)) return (collection.items.at(-1) as Node | undefined)?.range?.[1];
  return undefined;
}

function spliceFor(src: string, before: Document.Parsed, after: Document, change: DocChange, order: number, detectIndent: number): Splice | undefined {
  const { path } = change;
  // The outermost flow collection on the way is written anew as a whole (it sits on one line).
  for (let i = 0; i <= path.length; i++) {
    const node = before.getIn(path.slice(0, i), true) as Node | undefined;
    if (!node) break;
    if (isCollection(node) && node.flow) {
      if (!node.range) return undefined;
      const now = after.getIn(path.slice(0, i), true) as Node | undefined;
      if (!now || !isCollection(now)) return undefined;
      const copy = now.clone() as Node & { flow?: boolean };
      copy.flow = true;
      copy.comment = copy.commentBefore = undefined;
      const tmp = new Document();
      tmp.contents = copy;
      const text = tmp.toString({ lineWidth: 0 }).trimEnd();
      if (text.includes('\n')) return undefined;
      return { from: node.range[0], to: node.range[1], text, order };
    }
  }
  const key = path.at(-1)!;
  const parent = before.getIn(path.slice(0, -1), true) as Node | undefined;
  if (!parent || !isCollection(parent)) return undefined;
  const existing = before.getIn(path, true) as Node | undefined;
  if (change.delete) {
    let start: number | undefined;
    let end: number | undefined;
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Node, Node> | undefined;
      start = (pair?.key as Node | null)?.range?.[0];
      end = (pair?.value as Node | null)?.range?.[1] ?? (pair?.key as Node | null)?.range?.[1];
      if (start === undefined || !onlySpaceBefore(src, start)) return undefined;
    } else if (isSeq(parent)) {
      start = existing?.range?.[0];
      end = existing?.range?.[1];
      if (start === undefined || !/^[ \t]*-[ \t]*$/.test(src.slice(lineStart(src, start), start))) return undefined;
    }
    if (start === undefined || end === undefined) return undefined;
    if (parent.items.length === 1) return undefined; // an emptied block collection is no longer a collection
    return { from: lineStart(src, start), to: afterLine(src, end), text: '', order };
  }
  if (existing !== undefined && existing !== null) {
    if (!isScalar(existing) || !existing.range || (existing.type !== 'PLAIN' && existing.type !== 'QUOTE_DOUBLE' && existing.type !== 'QUOTE_SINGLE')) return undefined;
    const text = scalarText(existing, change.value, false);
    return text === undefined ? undefined : { from: existing.range[0], to: existing.range[1], text, order };
  }
  // A new key or list item, after the last entry of its block collection.
  const col = blockIndent(src, parent);
  const end = lastEntryEnd(parent);
  if (col === undefined || end === undefined) return undefined;
  const entry = isMap(parent) ? stringify({ [String(key)]: change.value }, { lineWidth: 0, indent: detectIndent }) : stringify([change.value], { lineWidth: 0, indent: detectIndent });
  const at = afterLine(src, end);
  const text = indented(entry, col);
  return { from: at, to: at, text: at === src.length && !src.endsWith('\n') && src.length > 0 ? `\n${text}` : text, order };
}

/** The indentation step the file uses (2 when it cannot tell). */
function indentStep(src: string): number {
  const m = /\n( +)\S/.exec(src);
  return m ? Math.min(Math.max(m[1]!.length, 1), 8) : 2;
}

function applyWithDocumentApi(doc: Document, changes: DocChange[]): void {
  for (const c of changes) {
    if (c.delete) doc.deleteIn(c.path);
    else if (c.path.length === 0) doc.contents = doc.createNode(c.value) as never;
    else doc.setIn(c.path, c.value);
  }
}

/**
 * `text` (a YAML document) changed to hold `next`, touching only what differs. Throws when
 * `text` itself is not sound YAML (the caller edits what the user sees; a broken file is theirs to fix).
 */
export function updateYamlText(text: string, next: unknown): string {
  const before = parseDocument(text, { keepSourceTokens: false });
  if (before.errors.length) throw new Error(`The YAML does not parse: ${before.errors[0]!.message.split('\n')[0]}`);
  const prev = before.toJS();
  const changes = dataChanges(prev, next);
  if (changes.length === 0) return text;
  const after = before.clone();
  applyWithDocumentApi(after, changes);
  const step = indentStep(text);
  const splices: Splice[] = [];
  let spliceable = changes.every((c) => c.path.length > 0);
  if (spliceable) {
    const seen = new Set<string>();
    for (const [i, c] of changes.entries()) {
      const s = spliceFor(text, before, after, c, i, step);
      if (!s) {
        spliceable = false;
        break;
      }
      const id = `${s.from}:${s.to}:${s.text}`;
      if (seen.has(id)) continue; // one flow collection changed in two places
      seen.add(id);
      splices.push(s);
    }
  }
  if (spliceable) {
    splices.sort((a, b) => b.from - a.from || b.to - a.to || b.order - a.order);
    let out = text;
    let limit = Infinity;
    let ok = true;
    for (const s of splices) {
      if (s.to > limit) {
        ok = false;
        break;
      }
      out = out.slice(0, s.from) + s.text + out.slice(s.to);
      limit = s.from;
    }
    if (ok) {
      try {
        if (sameData(parse(out), next)) return out;
      } catch {
        // fall through to the Document API
      }
    }
  }
  return after.toString({ lineWidth: 0, indent: step });
}
