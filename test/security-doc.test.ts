import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// docs/security.md maps every checklist item to the tests that cover it. A renamed or deleted test
// would leave a citation pointing at nothing: every cited test name must still exist in its file,
// and the counts at the top must be the counts of the table.
const ROOT = new URL('../', import.meta.url);
const doc = readFileSync(new URL('docs/security.md', ROOT), 'utf8');
const rows = doc.split('\n').map((line) => /^\| ([A-F])(\d+) \| [^|]* \| (covered|partly|n\/a|not covered) \| ([^|]*) \|/.exec(line)).filter((m): m is RegExpExecArray => m !== null);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The names given to `describe`, `it` and `test` in a test file; a template literal's `${…}` parts match anything. */
function literals(file: string): { raw: string; re: RegExp }[] {
  const text = readFileSync(new URL(file, ROOT), 'utf8');
  const out: { raw: string; re: RegExp }[] = [];
  for (const m of text.matchAll(/\b(?:describe|it|test)(?:\.(?:skip|skipIf\([^)]*\)|runIf\([^)]*\)|each\([^)]*\)|sequential|concurrent))*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)) {
    const raw = m[2]!.replace(/\\(['"`\\])/g, '$1');
    // `\${` is text in a template literal; an unescaped `${…}` is a value.
    out.push({ raw, re: new RegExp(`^${raw.split(/(?<!\\)\$\{[^}]*\}/).map((part) => escape(part.replaceAll('\\$', '$'))).join('.*')}$`, 's') });
  }
  return out;
}

/** Each `test/file.ts › "name" › "name", "name"` group of a cell, as file and names. */
function citations(cell: string): { file: string; names: string[] }[] {
  const out: { file: string; names: string[] }[] = [];
  for (const m of cell.matchAll(/(test\/[A-Za-z0-9_./-]+\.ts)((?: › "[^"]+"|, "[^"]+"| \(also [^)]*\)| \(and [^)]*\)| \(both [^)]*\))*)/g)) {
    const plain = m[2]!.replace(/ \((also|and|both) [^)]*\)/g, '');
    out.push({ file: m[1]!, names: [...plain.matchAll(/"([^"]+)"/g)].map((n) => n[1]!) });
  }
  return out;
}

describe('docs/security.md', () => {
  it('lists all 98 checklist items once, A1 to F9', () => {
    const ids = rows.map((r) => `${r[1]}${r[2]}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(98);
  });

  it('cites only tests that exist, by their names in the file', () => {
    const cache = new Map<string, { raw: string; re: RegExp }[]>();
    const missing: string[] = [];
    let cited = 0;
    for (const r of rows) {
      for (const { file, names } of citations(r[4]!)) {
        if (!existsSync(new URL(file, ROOT))) {
          missing.push(`${r[1]}${r[2]}: ${file} does not exist`);
          continue;
        }
        if (!cache.has(file)) cache.set(file, literals(file));
        for (const name of names) {
          cited++;
          // A `…` in a cited name stands for a part left out (a quoted word, a loop's value).
          const elided = new RegExp(`^${name.split('…').map(escape).join('.*')}$`, 's');
          const found = cache.get(file)!.some((l) => (name.includes('…') ? elided.test(l.raw) || l.raw === name : l.re.test(name)));
          if (!found) missing.push(`${r[1]}${r[2]}: ${file} › "${name}"`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(cited).toBeGreaterThan(98);
  });

  it('states the counts of its own table', () => {
    const count = (status: string) => rows.filter((r) => r[3] === status).length;
    const stated = /\*\*Count \(98 items\): (\d+) covered, (\d+) partly, (\d+) not applicable, (\d+) not covered\.\*\*/.exec(doc);
    expect(stated?.slice(1).map(Number)).toEqual([count('covered'), count('partly'), count('n/a'), count('not covered')]);
  });
});
