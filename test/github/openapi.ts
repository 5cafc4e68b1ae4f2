import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';

// Only the generated description: the package index would load every variant (hundreds of MB).
const require = createRequire(import.meta.url);
const specPath = require.resolve('@octokit/openapi/generated/api.github.com.json');
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { paths: Record<string, Record<string, any>>; components: { parameters: Record<string, { name: string; in: string }> } };

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  literals: number;
}

const routes: Route[] = [];
for (const [template, ops] of Object.entries(spec.paths)) {
  for (const method of Object.keys(ops)) {
    if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
    const greedy = /\{(path|ref|basehead)\}$/.test(template);
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, (m, offset: number) => (greedy && offset + m.length === template.length ? '(.+)' : '([^/]+)'));
    routes.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${source}$`), literals: template.split('/').filter((s) => s && !s.startsWith('{')).length });
  }
}
routes.sort((a, b) => b.literals - a.literals);

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(spec as object, 'gh');
const compiled = new Map<string, ReturnType<typeof ajv.compile> | null>();

const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export interface Checked {
  operation: string;
  errors: string[];
}

/** Finds the operation in GitHub's OpenAPI description and validates a JSON request body against it. */
export function checkRequest(method: string, path: string, body: unknown): Checked {
  // Decoded segment by segment: a parameter holding an encoded slash (a label `autostack%2Fpolicy-ok`) stays one segment.
  const clean = path.split('?')[0]!.split('/').map((segment) => decodeURIComponent(segment).replace(/\//g, '%2F')).join('/');
  const route = routes.find((r) => r.method === method.toUpperCase() && r.regex.test(clean));
  if (!route) return { operation: `${method} ${path}`, errors: [`${method} ${clean} is not an operation in GitHub's OpenAPI description`] };
  const op = spec.paths[route.template]![route.method.toLowerCase()];
  const key = `${route.method} ${route.template}`;
  const unknownQuery = queryProblems(key, op, path);
  if (unknownQuery.length) return { operation: key, errors: unknownQuery };
  const schema = op.requestBody?.content?.['application/json']?.schema;
  if (!schema) return { operation: key, errors: body !== undefined && body !== '' && route.method === 'GET' ? [`${key} takes no body`] : [] };
  if (body === undefined) return { operation: key, errors: op.requestBody.required ? [`${key} requires a body`] : [] };
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: `gh#/paths/${pointer(route.template)}/${route.method.toLowerCase()}/requestBody/content/application~1json/schema` });
    compiled.set(key, validate);
  }
  const data = typeof body === 'string' && body.length ? JSON.parse(body) : body;
  if (validate!(data)) return { operation: key, errors: [] };
  return { operation: key, errors: (validate!.errors ?? []).map((e) => `${key}: body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`) };
}

/** Query parameters the operation does not declare (a misspelt filter is silently ignored by GitHub). */
function queryProblems(key: string, op: { parameters?: ({ $ref: string } | { name: string; in: string })[] }, path: string): string[] {
  const query = path.includes('?') ? new URLSearchParams(path.slice(path.indexOf('?') + 1)) : undefined;
  if (!query) return [];
  const declared = new Set((op.parameters ?? []).map((p) => ('$ref' in p ? spec.components.parameters[p.$ref.split('/').pop()!]! : p)).filter((p) => p.in === 'query').map((p) => p.name));
  return [...new Set(query.keys())].filter((k) => !declared.has(k)).map((k) => `${key}: query parameter "${k}" is not in GitHub's OpenAPI description`);
}
