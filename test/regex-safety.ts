/**
 * A small static check for regular expressions that backtrack more than linearly (ReDoS), in the
 * spirit of safe-regex but without its false alarm on delimited repetition such as `(-[a-z]+)+`.
 *
 * A pattern is refused when a repeated part (`*`, `+`, `{n,m}` with m > 1):
 * - can match the empty string (`(a*)*`),
 * - holds alternatives that can start with the same character (`(a|ab)+`), or
 * - holds a repeated piece whose characters can also start the next repetition (`(a+)+`,
 *   `(\w+\s?)*`): the input can then be split between the repetitions in exponentially many ways.
 * Characters are modelled over ASCII plus a few non-ASCII samples, enough for the classes schemas use.
 */

type CharSet = Set<number>;
type Node =
  | { t: 'char'; set: CharSet }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; branches: Node[] }
  | { t: 'look'; body: Node }
  | { t: 'rep'; body: Node; min: number; max: number }
  | { t: 'anchor' };

const UNIVERSE: number[] = [...Array.from({ length: 128 }, (_, i) => i), 0xa0, 0x100, 0x4e00];
const range = (a: string, b: string): number[] => UNIVERSE.filter((c) => c >= a.charCodeAt(0) && c <= b.charCodeAt(0));
const DIGIT = new Set(range('0', '9'));
const WORD = new Set([...range('a', 'z'), ...range('A', 'Z'), ...DIGIT, 95]);
const SPACE = new Set([9, 10, 11, 12, 13, 32, 0xa0]);
const not = (s: CharSet): CharSet => new Set(UNIVERSE.filter((c) => !s.has(c)));
const union = (...sets: CharSet[]): CharSet => new Set(sets.flatMap((s) => [...s]));
const overlaps = (a: CharSet, b: CharSet): boolean => [...a].some((c) => b.has(c));

class RegexParser {
  private i = 0;
  private readonly src: string;

  constructor(src: string) {
    this.src = src;
  }

  parse(): Node {
    const n = this.alt();
    if (this.i < this.src.length) throw new Error(`unexpected ${this.src[this.i]} at ${this.i} in ${this.src}`);
    return n;
  }

  private alt(): Node {
    const branches = [this.seq()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.seq());
    }
    return branches.length === 1 ? branches[0]! : { t: 'alt', branches };
  }

  private seq(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') items.push(this.quantified(this.atom()));
    return { t: 'seq', items };
  }

  private quantified(atom: Node): Node {
    const c = this.src[this.i];
    let q: [number, number] | undefined;
    if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '?') q = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (m) {
        q = [Number(m[1]), m[2] === undefined ? Number(m[1]) : m[3] ? Number(m[3]) : Infinity];
        this.i += m[0].length - 1;
      }
    }
    if (!q) return atom;
    this.i++;
    if (this.src[this.i] === '?') this.i++; // lazy: the same backtracking
    return this.quantified({ t: 'rep', body: atom, min: q[0], max: q[1] });
  }

  private atom(): Node {
    const c = this.src[this.i++]!;
    if (c === '^' || c === '$') return { t: 'anchor' };
    if (c === '.') return { t: 'char', set: not(new Set([10, 13])) };
    if (c === '[') return { t: 'char', set: this.klass() };
    if (c === '\\') {
      const e = this.escape();
      return e === 'anchor' ? { t: 'anchor' } : { t: 'char', set: e };
    }
    if (c === '(') {
      let look = false;
      if (this.src.startsWith('?:', this.i)) this.i += 2;
      else if (/^\?<?[=!]/.test(this.src.slice(this.i))) {
        look = true;
        this.i += this.src[this.i + 1] === '<' ? 3 : 2;
      }
      const body = this.alt();
      if (this.src[this.i++] !== ')') throw new Error(`unclosed group in ${this.src}`);
      return look ? { t: 'look', body } : body;
    }
    return { t: 'char', set: new Set([c.charCodeAt(0)]) };
  }

  private escape(): CharSet | 'anchor' {
    const c = this.src[this.i++]!;
    if (c === 'd') return DIGIT;
    if (c === 'D') return not(DIGIT);
    if (c === 'w') return WORD;
    if (c === 'W') return not(WORD);
    if (c === 's') return SPACE;
    if (c === 'S') return not(SPACE);
    if (c === 'b' || c === 'B') return 'anchor';
    if (c === 'n') return new Set([10]);
    if (c === 'r') return new Set([13]);
    if (c === 't') return new Set([9]);
    if (c === 'u') {
      const hex = /^\{?([0-9a-fA-F]{1,6})\}?/.exec(this.src.slice(this.i))!;
      this.i += hex[0].length;
      return new Set([Number.parseInt(hex[1]!, 16)]);
    }
    if (/[0-9a-zA-Z]/.test(c)) throw new Error(`escape \\${c} is not modelled (in ${this.src})`);
    return new Set([c.charCodeAt(0)]);
  }

  private klass(): CharSet {
    const negate = this.src[this.i] === '^';
    if (negate) this.i++;
    let set: CharSet = new Set();
    let first = true;
    while (this.src[this.i] !== ']' || first) {
      first = false;
      if (this.i >= this.src.length) throw new Error(`unclosed class in ${this.src}`);
      const c = this.src[this.i++]!;
      let from: CharSet | 'anchor' = c === '\\' ? this.escape() : new Set([c.charCodeAt(0)]);
      if (from === 'anchor') from = new Set([8]);
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && from.size === 1) {
        this.i++;
        const d = this.src[this.i++]!;
        const to = d === '\\' ? this.escape() : new Set([d.charCodeAt(0)]);
        const lo = [...from][0]!;
        const hi = to === 'anchor' ? lo : [...to][0]!;
        set = union(set, new Set(UNIVERSE.filter((x) => x >= lo && x <= hi)));
      } else set = union(set, from);
    }
    this.i++;
    return negate ? not(set) : set;
  }
}

function nullable(n: Node): boolean {
  switch (n.t) {
    case 'char': return false;
    case 'seq': return n.items.every(nullable);
    case 'alt': return n.branches.some(nullable);
    case 'rep': return n.min === 0 || nullable(n.body);
    default: return true;
  }
}

function first(n: Node): CharSet {
  switch (n.t) {
    case 'char': return n.set;
    case 'alt': return union(...n.branches.map(first));
    case 'rep': return first(n.body);
    case 'seq': {
      const out: CharSet[] = [];
      for (const item of n.items) {
        out.push(first(item));
        if (!nullable(item)) break;
      }
      return union(...out);
    }
    default: return new Set();
  }
}

function chars(n: Node): CharSet {
  switch (n.t) {
    case 'char': return n.set;
    case 'seq': return union(...n.items.map(chars));
    case 'alt': return union(...n.branches.map(chars));
    case 'rep': return chars(n.body);
    default: return new Set();
  }
}

/** Characters consumed by repeated pieces inside `n` (not counting lookarounds). */
function repeated(n: Node): CharSet {
  switch (n.t) {
    case 'seq': return union(...n.items.map(repeated));
    case 'alt': return union(...n.branches.map(repeated));
    case 'rep': return n.max > 1 ? chars(n.body) : repeated(n.body);
    default: return new Set();
  }
}

/**
 * Whether the rounds of a repetition of `body` can be split in more than one way: some repetition
 * inside it can consume what starts the next round (`first`) and everything that must follow it
 * in the round (`(a+)+`, `(.*,)*`), so the input can be shared between rounds in many ways. A
 * delimiter the inner repetition cannot consume (`(\d{1,3}\.){3}`) keeps the rounds apart.
 */
function ambiguousRounds(body: Node, start: CharSet): boolean {
  const items = body.t === 'seq' ? body.items : [body];
  return items.some((item, k) => {
    const inner = item.t === 'rep' && item.max > 1 ? chars(item.body) : repeated(item);
    if (!overlaps(inner, start)) return false;
    return items.slice(k + 1).every((after) => nullable(after) || [...chars(after)].every((c) => inner.has(c)));
  });
}

function problems(n: Node, out: string[]): void {
  if (n.t === 'seq') n.items.forEach((x) => problems(x, out));
  else if (n.t === 'alt') n.branches.forEach((x) => problems(x, out));
  else if (n.t === 'look') problems(n.body, out);
  else if (n.t === 'rep') {
    problems(n.body, out);
    if (n.max <= 1) return;
    const body = n.body;
    if (nullable(body)) out.push('a repeated part can match the empty string');
    const branches = body.t === 'alt' ? body.branches : [];
    for (let i = 0; i < branches.length; i++) for (let j = i + 1; j < branches.length; j++) {
      if (overlaps(first(branches[i]!), first(branches[j]!))) out.push('a repeated part has alternatives that start alike');
    }
    for (const part of branches.length ? branches : [body]) if (ambiguousRounds(part, first(body))) out.push('a repeated part holds a repetition that can also run into the next round (nested quantifiers)');
  }
}

const unbounded = (n: Node): boolean => n.t === 'rep' && n.max === Infinity;

/** Characters of unbounded repetitions that can be the last thing `n` consumed. */
function trailingRepeats(n: Node): CharSet {
  switch (n.t) {
    case 'rep': return n.max === Infinity ? chars(n.body) : trailingRepeats(n.body);
    case 'alt': return union(...n.branches.map(trailingRepeats));
    case 'seq': {
      let out: CharSet = new Set();
      for (const item of n.items) out = nullable(item) ? union(out, trailingRepeats(item)) : trailingRepeats(item);
      return out;
    }
    default: return new Set();
  }
}

/**
 * Two unbounded repetitions one after the other (nullable parts between) that can take the same
 * characters (`^\d+\.?\d+$`, `^a*a*b$`): a failing input is split between them in n ways, and
 * each split is tried: quadratic work.
 */
function quadratic(n: Node, out: string[]): void {
  if (n.t === 'alt') return n.branches.forEach((b) => quadratic(b, out));
  if (n.t === 'look' || n.t === 'rep') return quadratic(n.body, out);
  if (n.t !== 'seq') return;
  n.items.forEach((x) => quadratic(x, out));
  let trailing: CharSet = new Set();
  for (const item of n.items) {
    const head = unbounded(item) ? chars(item) : firstRepeat(item);
    if (overlaps(head, trailing)) out.push('two repetitions in a row can take the same characters (quadratic backtracking)');
    trailing = nullable(item) ? union(trailing, trailingRepeats(item)) : trailingRepeats(item);
  }
}

/** Characters of unbounded repetitions that can be the first thing `n` consumes. */
function firstRepeat(n: Node): CharSet {
  switch (n.t) {
    case 'rep': return n.max === Infinity ? chars(n.body) : firstRepeat(n.body);
    case 'alt': return union(...n.branches.map(firstRepeat));
    case 'seq': {
      const sets: CharSet[] = [];
      for (const item of n.items) {
        sets.push(firstRepeat(item));
        if (!nullable(item)) break;
      }
      return union(...sets);
    }
    default: return new Set();
  }
}

function hasUnbounded(n: Node): boolean {
  switch (n.t) {
    case 'rep': return n.max === Infinity || hasUnbounded(n.body);
    case 'seq': return n.items.some(hasUnbounded);
    case 'alt': return n.branches.some(hasUnbounded);
    case 'look': return hasUnbounded(n.body);
    default: return false;
  }
}

/**
 * Why `pattern` can backtrack more than linearly in the length of the input; empty when it cannot.
 * ajv (with allErrors, as AutoStack runs it) tests a pattern even on a value over its maxLength,
 * so the pattern alone must be linear.
 */
export function regexProblems(pattern: string): string[] {
  const out: string[] = [];
  const tree = new RegexParser(pattern).parse();
  problems(tree, out);
  quadratic(tree, out);
  // RegExp.test searches: an unanchored repetition is retried from every position.
  if (!pattern.startsWith('^') && hasUnbounded(tree)) out.push('not anchored with ^: an unbounded repetition is retried at every position (quadratic)');
  return [...new Set(out)];
}

/** True when every repetition in the pattern has an upper bound (outside lookarounds): the pattern bounds the length itself. */
export function boundsLength(pattern: string): boolean {
  const bounded = (n: Node): boolean => {
    switch (n.t) {
      case 'seq': return n.items.every(bounded);
      case 'alt': return n.branches.every(bounded);
      case 'rep': return n.max !== Infinity && bounded(n.body);
      default: return true;
    }
  };
  return bounded(new RegexParser(pattern).parse());
}
