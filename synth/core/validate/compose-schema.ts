import { aliasNames } from '../../../knowledge-base/regions.ts';
import { cloudList, listOf, registeredClouds } from '../registry/clouds.ts';
import type { CloudSchema } from '../registry/clouds.ts';
import type { JsonSchema } from '../registry/kinds.ts';

/**
 * A kind's (or the settings') hand-written schema with the registered clouds filled in. Nodes
 * marked `"x-autostack": …` are placeholders:
 * - `cloud-id`: the enum of cloud ids (`{clouds}` in the description reads "aws, azure or gcp");
 * - `region-alias`: the enum of the cloud-agnostic region aliases (us-east, eu-west, …);
 * - `per-cloud:<field>`: an object with one property per cloud that provides `schema.<field>`;
 * - `state-backends`: `stateBackend` with `local` plus every cloud's backend, each with its required fields.
 * The result is what `schemas/*.schema.json` publishes and what the validators are compiled from.
 */
export function composeSchema(schema: JsonSchema): JsonSchema {
  return fill(schema) as JsonSchema;
}

function fill(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fill);
  if (!node || typeof node !== 'object') return node;
  const obj = node as JsonSchema;
  const marker = obj['x-autostack'];
  const rest: JsonSchema = {};
  for (const [k, v] of Object.entries(obj)) if (k !== 'x-autostack') rest[k] = fill(v);
  if (typeof marker !== 'string') return rest;
  if (marker === 'cloud-id') return { ...rest, ...(rest.description !== undefined ? { description: describe(rest) } : {}), enum: registeredClouds().map((c) => c.id) };
  if (marker === 'region-alias') return { ...rest, enum: aliasNames() };
  if (marker === 'state-backends') return stateBackends(rest);
  if (marker.startsWith('per-cloud:')) {
    const field = marker.slice('per-cloud:'.length) as keyof CloudSchema;
    const properties: JsonSchema = {};
    for (const c of registeredClouds()) if (c.schema[field]) properties[c.id] = c.schema[field];
    return { ...rest, properties };
  }
  throw new Error(`unknown schema placeholder x-autostack: ${marker}`);
}

function describe(node: JsonSchema): string {
  return String(node.description ?? '').replace('{clouds}', cloudList());
}

/** `type` lists local and every cloud's backend; fields of several backends (a bucket) must agree. */
function stateBackends(node: JsonSchema): JsonSchema {
  const own = (node.properties ?? {}) as Record<string, JsonSchema>;
  const backends = registeredClouds().flatMap((c) => (c.schema.stateBackend ? [c.schema.stateBackend] : []));
  const types = ['local', ...backends.map((b) => b.type)];
  const properties: Record<string, JsonSchema> = { type: { ...own.type, description: String(own.type?.description ?? '').replace('{backends}', listOf(types)), enum: types } };
  for (const b of backends) {
    for (const [name, schema] of Object.entries(b.properties)) {
      const seen = properties[name];
      if (seen && JSON.stringify(seen) !== JSON.stringify(schema)) throw new Error(`state backends disagree on the field "${name}": define it the same way in every cloud`);
      properties[name] = schema;
    }
  }
  for (const [name, schema] of Object.entries(own)) if (name !== 'type') properties[name] = schema;
  const allOf = backends.map((b) => ({ if: { properties: { type: { const: b.type } } }, then: { required: b.required } }));
  return { ...node, properties, ...(allOf.length ? { allOf } : {}) };
}
