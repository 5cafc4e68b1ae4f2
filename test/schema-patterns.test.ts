import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { boundsLength, regexProblems } from './regex-safety.ts';

const ROOT = join(import.meta.dirname, '..');
/** The published (composed) schemas and the hand-written ones they are built from. */
const SCHEMA_FILES = [
  ...readdirSync(join(ROOT, 'schemas')).filter((f) => f.endsWith('.schema.json')).map((f) => join('schemas', f)),
  ...readdirSync(join(ROOT, 'synth/kinds')).flatMap((k) => {
    try {
      return readdirSync(join(ROOT, 'synth/kinds', k)).filter((f) => f.endsWith('.schema.json')).map((f) => join('synth/kinds', k, f));
    } catch {
      return [];
    }
  }),
  'synth/core/resolve/settings.schema.json',
  // Template parameters are validated by the public API (POST /api/templates/:name/render).
  ...readdirSync(join(ROOT, 'templates'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join('templates', d.name, 'template.yaml')),
];

interface Found {
  where: string;
  pattern: string;
  maxLength?: number;
}

/** Every `pattern` (and every `patternProperties` key) in a schema, with the maxLength beside it. */
function patternsOf(file: string): Found[] {
  const out: Found[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.pattern === 'string') out.push({ where: `${file}#${path}`, pattern: o.pattern, ...(typeof o.maxLength === 'number' ? { maxLength: o.maxLength } : {}) });
    if (o.patternProperties && typeof o.patternProperties === 'object') for (const key of Object.keys(o.patternProperties)) out.push({ where: `${file}#${path}/patternProperties`, pattern: key });
    for (const [k, v] of Object.entries(o)) if (k !== 'pattern' && k !== 'enum' && k !== 'const' && k !== 'examples' && k !== 'default') walk(v, `${path}/${k}`);
  };
  const text = readFileSync(join(ROOT, file), 'utf8');
  walk(file.endsWith('.json') ? JSON.parse(text) : parse(text), '');
  return out;
}

describe('ReDoS in schema patterns', () => {
  it('the pattern check refuses the known exponential and quadratic shapes and accepts delimited repetition', () => {
    // Exponential, then quadratic (two repetitions in a row, or no anchor).
    for (const evil of ['^(a+)+$', '^(a|aa)+$', '^(\\w+\\s?)*$', '^([a-z]*)*$', '^(x+x+)+y', '^([a-z0-9]+[-.]?)+$', '^(.*,)*$', '^\\d+\\.?\\d+$', '^a*a*b$', '^[a-z]+(-?[a-z0-9]+)$', '[a-z]+!']) {
      expect(regexProblems(evil), evil).not.toEqual([]);
    }
    for (const fine of ['^[a-z]([-a-z0-9]*[a-z0-9])?$', '^[a-z]{2}(-[a-z]+)+-\\d$', '^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$', '^(\\d{1,3}\\.){3}\\d{1,3}$']) {
      expect(regexProblems(fine), fine).toEqual([]);
    }
    expect(boundsLength('^[0-9a-f]{36}$')).toBe(true);
    expect(boundsLength('^vpc-[0-9a-f]+$')).toBe(false);
  });

  it('every pattern in the generated and hand-written schemas and the templates backtracks at most linearly, and is bounded by a maxLength or by itself', () => {
    const all = SCHEMA_FILES.flatMap(patternsOf);
    // The walk really reaches the schemas: names, labels, settings and the clouds' own fields.
    expect(all.length).toBeGreaterThan(20);
    expect(SCHEMA_FILES).toContain(join('schemas', 'settings.schema.json'));
    expect(all.some((f) => f.where.startsWith('templates/'))).toBe(true);
    const unsafe = all.filter((f) => regexProblems(f.pattern).length > 0).map((f) => `${f.where}: ${f.pattern} (${regexProblems(f.pattern).join('; ')})`);
    expect(unsafe).toEqual([]);
    // Without an upper bound on the input, even polynomial backtracking grows with the input.
    const unbounded = all.filter((f) => !boundsLength(f.pattern) && !(f.maxLength !== undefined && f.maxLength <= 1000)).map((f) => `${f.where}: ${f.pattern} has no maxLength`);
    expect(unbounded).toEqual([]);
    // Every pattern compiles as ajv compiles it (unicode mode).
    for (const f of all) expect(() => new RegExp(f.pattern, 'u'), f.where).not.toThrow();
  });
});
