import type { ErrorObject } from 'ajv';
import { fingerprints, validators as generated } from '../../../schemas/validators.generated.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { locate } from '../parse/parse.ts';
import type { ParsedFile } from '../parse/parse.ts';
import { closest } from './suggest.ts';

import { cloudsVersion } from '../registry/clouds.ts';
import { kindDefinition, kindsVersion } from '../registry/kinds.ts';
import type { JsonSchema } from '../registry/kinds.ts';
import settingsSchema from '../resolve/settings.schema.json' with { type: 'json' };
import { composeSchema } from './compose-schema.ts';

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
export type SchemaCompiler = (schema: JsonSchema) => Validator;

/** The settings file is not a kind, but its schema is composed and validated the same way. */
export const SETTINGS_KIND = 'Settings';

let compiler: SchemaCompiler | undefined;
let cache: { key: string; schemas: Map<string, JsonSchema | undefined>; validators: Map<string, Validator> } | undefined;

/**
 * Where no validator compiled ahead of time fits the composed schema (a kind or cloud registered
 * at run time, as tests do), Node entry points hand over a compiler (synth/node.ts). The browser
 * never needs one: it runs the built-in registry, whose validators are generated.
 */
export function setSchemaCompiler(c: SchemaCompiler): void {
  compiler = c;
}

function current(): NonNullable<typeof cache> {
  const key = `${kindsVersion()}/${cloudsVersion()}`;
  if (cache?.key !== key) cache = { key, schemas: new Map(), validators: new Map() };
  return cache;
}

/** A kind's schema (or the settings') with the registered clouds filled in. */
export function composedSchema(kind: string): JsonSchema | undefined {
  const c = current();
  if (!c.schemas.has(kind)) {
    const source = kind === SETTINGS_KIND ? (settingsSchema as JsonSchema) : kindDefinition(kind)?.schema;
    c.schemas.set(kind, source ? composeSchema(source) : undefined);
  }
  return c.schemas.get(kind);
}

/** A short, stable hash of a schema: the generated validators record the one they were compiled from. */
export function schemaFingerprint(schema: JsonSchema): string {
  const text = JSON.stringify(schema);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ ch, 0x5bd1e995) >>> 0;
  }
  return `${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

function validatorFor(kind: string): Validator | undefined {
  const c = current();
  const known = c.validators.get(kind);
  if (known) return known;
  const schema = composedSchema(kind);
  if (!schema) return undefined;
  const ahead = (generated as Record<string, Validator>)[kind];
  let v: Validator;
  if (ahead && (fingerprints as Record<string, string>)[kind] === schemaFingerprint(schema)) v = ahead;
  else if (compiler) v = compiler(schema);
  else throw new Error(`The ${kind} schema differs from the generated validators: run \`npm run gen:types\` and commit the result.`);
  c.validators.set(kind, v);
  return v;
}

/** Schema diagnostics for one parsed file of a known kind, each at the line and column of the field. */
export function validateAgainstSchema(kind: string, parsed: ParsedFile): Diagnostic[] {
  const validate = validatorFor(kind);
  if (!validate) return [];
  if (validate(parsed.data)) return [];
  const schema = composedSchema(kind)!;
  return collapse(validate.errors ?? []).map((e) => toDiagnostic(e, parsed, schema));
}

/** ajv reports the same bad value once per failed keyword of a union; keep the most useful one. */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>();
  for (const e of errors) {
    const k = `${e.instancePath}|${e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : ''}`;
    if (!byPath.has(k)) byPath.set(k, e);
  }
  return [...byPath.values()];
}

function segments(instancePath: string): string[] {
  return instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function dotted(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(top level)' : path.join('.');
}

function toDiagnostic(e: ErrorObject, parsed: ParsedFile, schema: JsonSchema): Diagnostic {
  const path: (string | number)[] = segments(e.instancePath).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const where = dotted(path);
  const base = { file: parsed.file, severity: 'error' as const };
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys(subSchema(schema, path)?.properties ?? {});
      const guess = closest(extra, allowed);
      const hint = guess ? ` Did you mean "${guess}"?` : allowed.length ? ` Allowed here: ${allowed.join(', ')}.` : '';
      return { ...base, ...locate(parsed, [...path, extra], true), code: 'schema/unknown-field', path: dotted([...path, extra]), message: `Unknown field "${extra}" in ${where}.${hint}` };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const desc = subSchema(schema, [...path, missing])?.description;
      return { ...base, ...locate(parsed, path, path.length > 0), code: 'schema/missing-field', path: dotted([...path, missing]), message: `Missing required field "${missing}" in ${where}.${desc ? ` ${firstSentence(desc)}` : ''}` };
    }
    case 'type': {
      const got = valueAt(parsed.data, path);
      return { ...base, ...locate(parsed, path), code: 'schema/type', path: where, message: `${where} must be ${article(String(params.type))}, but is ${describe(got)}.${booleanHint(String(params.type), got)}` };
    }
    case 'enum':
    case 'const': {
      const allowed = (e.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue]).map(String);
      const got = valueAt(parsed.data, path);
      const guess = typeof got === 'string' ? closest(got, allowed) : undefined;
      return { ...base, ...locate(parsed, path), code: 'schema/value', path: where, message: `${where} must be ${allowed.length === 1 ? `"${allowed[0]}"` : `one of ${allowed.join(', ')}`}, not ${describe(got)}.${guess && guess !== got ? ` Did you mean "${guess}"?` : ''}` };
    }
    case 'pattern':
    case 'propertyNames': {
      const desc = subSchema(schema, path)?.description ?? '';
      const value = e.keyword === 'propertyNames' ? String(params.propertyName) : String(valueAt(parsed.data, path));
      const target = e.keyword === 'propertyNames' ? locate(parsed, [...path, value], true) : locate(parsed, path);
      return { ...base, ...target, code: 'schema/format', path: where, message: `${where}: "${value}" is not valid. ${firstSentence(desc)}`.trim() };
    }
    default: {
      const desc = subSchema(schema, path)?.description;
      return { ...base, ...locate(parsed, path), code: `schema/${e.keyword.toLowerCase()}`, path: where, message: `${where} ${e.message ?? 'is invalid'}.${desc ? ` ${firstSentence(desc)}` : ''}` };
    }
  }
}

type SchemaNode = { properties?: Record<string, SchemaNode>; additionalProperties?: SchemaNode | boolean; items?: SchemaNode; description?: string };

function subSchema(schema: JsonSchema, path: readonly (string | number)[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = schema as SchemaNode;
  for (const seg of path) {
    if (!node) return undefined;
    if (typeof seg === 'number') node = node.items;
    else node = node.properties?.[seg] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
  }
  return node;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = data;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (typeof v === 'string') return `the text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${String(v)}`;
}

function article(type: string): string {
  const words = type.split(',').map((t) => ({ integer: 'a whole number', number: 'a number', string: 'text', boolean: 'true or false', object: 'a mapping (key: value lines)', array: 'a list' })[t] ?? t);
  return words.join(' or ');
}

/** YAML 1.1 read these words as booleans; AutoStack files are YAML 1.2, where they are text. */
const YAML11_BOOLEANS = /^(y|yes|n|no|on|off|true|false)$/i;

function booleanHint(type: string, got: unknown): string {
  if (!type.split(',').includes('boolean') || typeof got !== 'string' || !YAML11_BOOLEANS.test(got)) return '';
  return ` In AutoStack files (YAML 1.2) "${got}" is text, not a yes/no value: write true or false.`;
}

function firstSentence(text: string): string {
  const m = /^(.*?[.!?])(\s|$)/.exec(text);
  return m ? m[1]! : text;
}
