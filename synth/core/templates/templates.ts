import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { composeSchema } from '../validate/compose-schema.ts';

/** A template as read from its folder: the metadata and the parameterised files. */
export interface TemplateBundle {
  meta: TemplateMeta;
  sources: Record<string, string>;
}

export interface TemplateMeta {
  name: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  /** JSON Schema (object) of the parameters, with defaults. */
  parameters: { type: 'object'; properties: Record<string, Record<string, unknown>>; required?: string[] };
  /** Files of the template, rendered into `.autostack/<target>`. */
  files: { source: string; target: string }[];
}

export type TemplateRender =
  | { ok: true; files: { path: string; text: string }[]; values: Record<string, unknown> }
  | { ok: false; errors: string[] };

/** Reads template.yaml (kind: Template); parameters may use the schema placeholders (`x-autostack: cloud-id`). */
export function parseTemplateMeta(text: string): TemplateMeta {
  const doc = parse(text) as { metadata: { name: string; title: string; category: string; tags?: string[] }; spec: { description: string; parameters: TemplateMeta['parameters']; files: TemplateMeta['files'] } };
  return { name: doc.metadata.name, title: doc.metadata.title, category: doc.metadata.category, tags: doc.metadata.tags ?? [], description: doc.spec.description, parameters: composeSchema(doc.spec.parameters) as TemplateMeta['parameters'], files: doc.spec.files };
}

/**
 * Fills `{{ param }}` placeholders. Values are checked against the template's parameter schema
 * (defaults applied) and written as YAML scalars, so a value can never inject YAML structure.
 */
export function renderTemplate(meta: TemplateMeta, sources: Record<string, string>, input: Record<string, unknown>): TemplateRender {
  const values: Record<string, unknown> = structuredClone(input);
  const validate = new Ajv2020({ useDefaults: true, allErrors: true, strict: false }).compile(meta.parameters);
  if (!validate(values)) {
    return { ok: false, errors: (validate.errors ?? []).map((e) => `${e.instancePath.slice(1) || 'parameters'} ${e.message ?? 'is invalid'}`) };
  }
  const errors: string[] = [];
  const files = meta.files.map((f) => {
    const source = sources[f.source];
    if (source === undefined) {
      errors.push(`template file ${f.source} is missing`);
      return { path: f.target, text: '' };
    }
    const text = source.replace(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g, (_m, key: string) => {
      if (!(key in values)) {
        errors.push(`${f.source} uses {{ ${key} }}, which is not a parameter`);
        return '';
      }
      return yamlScalar(values[key]);
    });
    const path = f.target.replace(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g, (_m, key: string) => String(values[key] ?? ''));
    return { path: `.autostack/${path}`, text };
  });
  return errors.length ? { ok: false, errors } : { ok: true, files, values };
}

function yamlScalar(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(yamlScalar).join(', ')}]`;
  return JSON.stringify(String(v ?? ''));
}
