import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import { locate, MAX_FILE_BYTES, parseYamlFile } from '../synth/core/parse/parse.ts';

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
});
