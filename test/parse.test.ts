import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import { locate, MAX_FILE_BYTES, MAX_KEYS_PER_MAPPING, MAX_NESTING_DEPTH, parseYamlFile } from '../synth/core/parse/parse.ts';
import { evaluateFiles } from '../synth/core/review/evaluate.ts';
import { linearBaseline, median, worstFlowMap } from './attack-inputs.ts';

describe('parseYamlFile', () => {
  it('parses a plain mapping and locates paths by line and column', () => {
    const r = parseYamlFile('a.yaml', 'a: 1\nb:\n  c: [x, y]\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.parsed.data).toEqual({ a: 1, b: { c: ['x', 'y'] } });
    expect(locate(r.parsed, ['b', 'c', 1])).toEqual({ line: 3, column: 10 });
    expect(locate(r.parsed, ['b', 'c'], true)).toEqual({ line: 3, column: 3 });
    expect(locate(r.parsed, ['b', 'missing'])).toEqual({ line: 3, column: 3 });
  });

  it('reports a duplicate key at the second key with its name, and keeps the document usable', () => {
    const r = parseYamlFile('a.yaml', 'spec:\n  cloud: aws\n  cloud: gcp\n');
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ line: 3, column: 3, code: 'yaml/duplicate_key', severity: 'error' });
    expect(r.diagnostics[0]!.message).toContain('"cloud"');
  });

  it('rejects aliases (no billion laughs) without expanding them', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const r = parseYamlFile('bomb.yaml', bomb);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.every((d) => d.code === 'yaml/alias')).toBe(true);
    expect(r.diagnostics[0]!.message).toMatch(/aliases .* not allowed/);
  });

  it('refuses a single harmless alias, at the alias, without building the document', () => {
    const r = parseYamlFile('a.yaml', 'x: &a 1\ny: *a\n');
    expect(r).toMatchObject({ ok: false, diagnostics: [{ code: 'yaml/alias', line: 2, column: 4, severity: 'error' }] });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message).toContain('*a');
  });

  it('refuses __proto__, constructor and prototype as keys at any depth, each at its key', () => {
    const text = 'apiVersion: autostack.dev/v1\n__proto__: { polluted: 1 }\nmetadata:\n  labels: { constructor: x }\nspec:\n  postgres:\n    settings:\n      - { prototype: 1 }\n';
    const r = parseYamlFile('p.yaml', text);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['2:1 yaml/reserved-key', '4:13 yaml/reserved-key', '8:11 yaml/reserved-key']);
    expect(r.diagnostics[0]!.message).toContain('"__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Quoted, it is the same key.
    expect(parseYamlFile('q.yaml', 'a:\n  "__proto__": 1\n')).toMatchObject({ ok: false, diagnostics: [{ code: 'yaml/reserved-key', line: 2, column: 3 }] });
  });

  it('reads an empty file, null, a scalar and a top-level list as data without a diagnostic (validation says what is wrong)', () => {
    for (const [text, data] of [['', null], ['null\n', null], ['~', null], ['hello\n', 'hello'], ['42', 42], ['- a\n- b\n', ['a', 'b']], ['[]', []]] as const) {
      const r = parseYamlFile('e.yaml', text);
      expect(r, JSON.stringify(text)).toMatchObject({ ok: true, diagnostics: [] });
      if (r.ok) expect(r.parsed.data).toEqual(data);
    }
  });

  it('reads a file with a byte order mark and CRLF line endings, with positions on the right line and column', () => {
    const r = parseYamlFile('b.yaml', '\ufeffa: 1\r\nb:\r\n  c: [x, y]\r\n  c: z\r\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect((r.parsed.data as { a: number }).a).toBe(1);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'yaml/duplicate_key', line: 4, column: 3 })]);
    expect(locate(r.parsed, ['b', 'c'], true)).toEqual({ line: 3, column: 3 });
    expect(locate(r.parsed, ['a'])).toEqual({ line: 1, column: 4 });
  });

  it('refuses tab indentation at the tab, saying to indent with spaces', () => {
    const r = parseYamlFile('t.yaml', 'metadata:\n\tname: x\n');
    expect(r).toMatchObject({ ok: false, diagnostics: [{ code: 'yaml/tab_as_indent', line: 2, column: 1 }] });
    expect(r.diagnostics[0]!.message).toMatch(/spaces/);
  });

  it('refuses text that was not valid UTF-8 (decoded with replacement characters) as not text', () => {
    const text = Buffer.from([...Buffer.from('a: 1\nb: '), 0xff, 0xfe, 0xc3, 0x28, 0x0a]).toString('utf8');
    expect(parseYamlFile('u.yaml', text)).toMatchObject({ ok: false, diagnostics: [{ code: 'file/not-text', line: 2 }] });
  });

  it('rejects a mapping used as a key (an unfilled {{ placeholder }}) once, at the key', () => {
    const r = parseYamlFile('k.yaml', 'metadata:\n  name: {{ name }}\n  {{ other }}: 1\n');
    expect(r.ok).toBe(false);
    expect(r.diagnostics.filter((d) => d.code === 'yaml/complex-key')).toEqual([expect.objectContaining({ line: 2, column: 10 }), expect.objectContaining({ line: 3, column: 3 })]);
  });

  it('rejects custom tags', () => {
    const r = parseYamlFile('t.yaml', 'a: !!python/object:os.system ls\nb: !custom 1\n');
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.line)).toContain(2);
  });

  it('refuses oversized, binary and multi-document input with one message', () => {
    const big = parseYamlFile('big.yaml', `a: "${'x'.repeat(MAX_FILE_BYTES)}"`);
    expect(big).toMatchObject({ ok: false, diagnostics: [{ code: 'file/too-large' }] });
    const bin = parseYamlFile('bin.yaml', 'a: 1\n\u0000\u0001\u0002');
    expect(bin).toMatchObject({ ok: false, diagnostics: [{ code: 'file/not-text', line: 2 }] });
    const multi = parseYamlFile('m.yaml', '---\na: 1\n---\nb: 2\n');
    expect(multi).toMatchObject({ ok: false, diagnostics: [{ code: 'yaml/multi-document', line: 3 }] });
  });

  it('reports syntax errors with their position', () => {
    const r = parseYamlFile('s.yaml', 'a: 1\nb: [1, 2\nc: 3\n');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.code).toMatch(/^yaml\//);
    expect(r.diagnostics[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('finds duplicate keys in a large flow mapping, each at its second occurrence', () => {
    const keys = Array.from({ length: MAX_KEYS_PER_MAPPING - 1 }, (_, i) => `k${i}: ${i}`);
    const r = parseYamlFile('d.yaml', `spec: { ${keys.join(', ')}, k7: again }\nother:\n  k7: fine\n  "k7": twice\n`);
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'yaml/duplicate_key', line: 1, message: expect.stringContaining('"k7"') }),
      expect.objectContaining({ code: 'yaml/duplicate_key', line: 4, column: 3 }),
    ]);
    expect(r.diagnostics[0]!.column).toBe(`spec: { ${keys.join(', ')}, `.length + 1);
  });

  it('refuses a mapping with more keys than the cap, at the first key past it', () => {
    const keys = Array.from({ length: MAX_KEYS_PER_MAPPING + 5 }, (_, i) => `k${i}: 1`);
    const r = parseYamlFile('m.yaml', `spec:\n${keys.map((k) => `  ${k}`).join('\n')}\n`);
    expect(r).toMatchObject({ ok: false, diagnostics: [{ code: 'yaml/too-many-keys', line: MAX_KEYS_PER_MAPPING + 2, column: 3 }] });
    expect(r.diagnostics[0]!.message).toContain(`at most ${MAX_KEYS_PER_MAPPING}`);
  });
});

describe('deep nesting', () => {
  const deep: [string, string, number, number][] = [
    // [label, text, line, column] of the first collection past the cap
    ['20,000 [', `${'['.repeat(20_000)}${']'.repeat(20_000)}`, 1, MAX_NESTING_DEPTH + 1],
    ['20,000 {a:', `${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}`, 1, 4 * MAX_NESTING_DEPTH + 1],
    // spec and x are two levels; the sequences start at column 5, two columns each.
    ['5,000 block sequences', `spec:\n  x:\n    ${'- '.repeat(5000)}1\n`, 3, 5 + 2 * (MAX_NESTING_DEPTH - 2)],
    ['block mappings as deep as fit under the size cap', Array.from({ length: 700 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n', MAX_NESTING_DEPTH + 1, MAX_NESTING_DEPTH + 1],
  ];
  for (const [label, text, line, column] of deep) {
    it(`refuses ${label} with one positioned diagnostic and no stack overflow`, () => {
      expect(text.length).toBeLessThan(MAX_FILE_BYTES);
      const r = parseYamlFile('d.yaml', text);
      expect(r).toMatchObject({ ok: false, diagnostics: [{ code: 'yaml/too-deep', severity: 'error', line, column }] });
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]!.message).toContain(`${MAX_NESTING_DEPTH} levels`);
    });
  }

  it('refuses 5,000-deep block mappings by their size, and accepts nesting up to the cap', () => {
    const blocks = Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
    expect(parseYamlFile('b.yaml', blocks)).toMatchObject({ ok: false, diagnostics: [{ code: 'file/too-large' }] });
    const atCap = parseYamlFile('c.yaml', `${'['.repeat(MAX_NESTING_DEPTH)}1${']'.repeat(MAX_NESTING_DEPTH)}`);
    expect(atCap).toMatchObject({ ok: true, diagnostics: [] });
  });

  it('gives the same answer however deep the caller\'s own stack already is', () => {
    const text = `${'['.repeat(3000)}${']'.repeat(3000)}`;
    const direct = parseYamlFile('d.yaml', text);
    const nested = (n: number): ReturnType<typeof parseYamlFile> => (n === 0 ? parseYamlFile('d.yaml', text) : nested(n - 1));
    expect(nested(5000)).toEqual(direct);
  });
});

describe('the worst YAML under the size cap', () => {
  it('is refused with a positioned diagnostic, in work comparable to a linear file of the same size', async () => {
    const worst = worstFlowMap();
    const base = linearBaseline(worst.length);
    expect(worst.length).toBeGreaterThan(250_000);
    expect(worst.length).toBeLessThan(MAX_FILE_BYTES);
    expect(worst.split(':').length).toBeGreaterThan(23_000);
    const files = (text: string) => ({ '.autostack/x-db.yaml': text });
    const r = await evaluateFiles(files(worst));
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'yaml/too-many-keys', line: 4 })]);
    await evaluateFiles(files(base)); // warm-up
    const tBase = await median(() => evaluateFiles(files(base)));
    const tWorst = await median(() => evaluateFiles(files(worst)));
    console.log(`evaluateFiles, ${worst.length} bytes: one flow map of ${worst.split(':').length - 6} keys ${tWorst.toFixed(0)} ms, linear baseline ${tBase.toFixed(0)} ms`);
    // Compared with its own baseline in the same run, not with a fixed time: quadratic work is hundreds of times slower.
    expect(tWorst).toBeLessThan(5 * tBase);
  });
});
