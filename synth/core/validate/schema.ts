import type { ErrorObject } from 'ajv';
import planSchema from '../../../schemas/plan.schema.json' with { type: 'json' };
import settingsSchema from '../../../schemas/settings.schema.json' with { type: 'json' };
import type { Diagnostic } from '../diagnostics.ts';
import { locate } from '../parse/parse.ts';
import type { ParsedFile } from '../parse/parse.ts';
import { closest } from './suggest.ts';
import { Plan, Settings } from '../../../schemas/validators.generated.ts';

type JsonSchema = { [k: string]: unknown };


export const schemasByKind: Record<string, JsonSchema> = { Plan: planSchema, Settings: settingsSchema };

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Compiled ahead of time (scripts/gen-validators.ts): no code generation at run time. */
const validators: Record<string, Validator> = { Plan: Plan as Validator, Settings: Settings as Validator };

function validatorFor(kind: string): Validator | undefined {
  return validators[kind];
}

/** Schema diagnostics for one parsed file of a known kind, each at the line and column of the field. */
export function validateAgainstSchema(kind: string, parsed: ParsedFile): Diagnostic[] {
  const validate = validatorFor(kind);
  if (!validate) return [];
  if (validate(parsed.data)) return [];
  const schema = schemasByKind[kind]!;
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
    case 'type':
      return { ...base, ...locate(parsed, path), code: 'schema/type', path: where, message: `${where} must be ${article(String(params.type))}, but is ${describe(valueAt(parsed.data, path))}.` };
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

function firstSentence(text: string): string {
  const m = /^(.*?[.!?])(\s|$)/.exec(text);
  return m ? m[1]! : text;
}
