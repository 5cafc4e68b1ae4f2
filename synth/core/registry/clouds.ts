import { cloudIds, registerCloudKnowledge, unregisterCloudKnowledge } from '../../../knowledge-base/clouds/registry.ts';
import type { CloudKnowledge } from '../../../knowledge-base/clouds/registry.ts';
import type { CloudId } from '../../../knowledge-base/types.ts';
import type { JsonSchema } from './kinds.ts';

/** `stateBackend.bucket`: S3 and GCS name state buckets alike, and backends that share a field must define it the same way. */
export const STATE_BUCKET_FIELD: JsonSchema = {
  description: 'Bucket for state (lowercase letters, digits, dots, hyphens, underscores).',
  type: 'string',
  maxLength: 222,
  pattern: '^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$',
};

/** A Terraform state backend a cloud offers in autostack.yaml (`stateBackend.type`). */
export interface StateBackendSchema {
  type: string;
  /** Fields of `stateBackend` for this type (merged with the other backends' by name). */
  properties: Record<string, JsonSchema>;
  required: string[];
}

/** The cloud's part of the file formats: filled into the kinds' and the settings' schemas. */
export interface CloudSchema {
  /** `spec.compute.instanceType.<cloud>` */
  instanceType: JsonSchema;
  /** `network.<cloud>` in autostack.yaml: an existing network to place servers in. */
  network?: JsonSchema;
  /** `accounts.<cloud>` in autostack.yaml. */
  accounts?: JsonSchema;
  stateBackend?: StateBackendSchema;
}

/** The cloud's steps in the deploy workflow (action/autostack-deploy.yml): credentials by OIDC. */
export interface CloudDeploySteps {
  /** YAML of the workflow steps, indented for the `steps:` list of the deploy job. */
  steps: string;
  /** Environment lines for the AutoStack Action step (terraform provider settings). */
  env?: string[];
}

/**
 * A cloud: its knowledge (browser-safe), its part of the schemas and the deploy workflow, and
 * its Terraform constructs, loaded only when a stack is synthesized (they import CDKTF).
 */
export interface CloudDefinition extends CloudKnowledge {
  schema: CloudSchema;
  deploy: CloudDeploySteps;
  /** The server-side constructs (`CloudStacks` in synth/stack/context.ts), loaded on first synth. */
  loadStacks(): Promise<unknown>;
}

const clouds = new Map<CloudId, CloudDefinition>();
let version = 0;

export function registerCloud(definition: CloudDefinition): void {
  clouds.set(definition.id, definition);
  registerCloudKnowledge(definition);
  version++;
}

export function unregisterCloud(id: CloudId): void {
  clouds.delete(id);
  unregisterCloudKnowledge(id);
  version++;
}

export function cloudDefinition(id: CloudId): CloudDefinition | undefined {
  return clouds.get(id);
}

/** Registered clouds, in registration order (the order reviews list them in). */
export function registeredClouds(): CloudDefinition[] {
  return cloudIds().map((id) => clouds.get(id)).filter((c): c is CloudDefinition => c !== undefined);
}

export function cloudsVersion(): number {
  return version;
}

/** "aws, azure or gcp": for messages and descriptions. */
export function cloudList(): string {
  return listOf(registeredClouds().map((c) => c.id));
}

/** "a, b or c". */
export function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
