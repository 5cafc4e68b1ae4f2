// The one folder that imports CDK for Terraform (this file) and its providers (one file per
// cloud beside it), always by deep path: a provider package root costs seconds and hundreds of MB. CDKTF was deprecated upstream in
// December 2025; moving to its fork (CDK Terrain) is a change to this file only.
import { randomBytes } from 'node:crypto';
import { App, AzurermBackend, DataResource, Fn, GcsBackend, LocalBackend, S3Backend, TerraformIterator, TerraformOutput, TerraformStack } from 'cdktf';
import type { ITerraformDependable, TerraformResource } from 'cdktf';
import type { Construct } from 'constructs';

export type { Construct, ITerraformDependable, TerraformResource };
export { DataResource, Fn, TerraformIterator, TerraformOutput, TerraformStack };
export const backends = { AzurermBackend, GcsBackend, LocalBackend, S3Backend };

/**
 * Escapes a string so Terraform reads it literally: `${` and `%{` start interpolations and
 * directives. A function replacer is required: as a replacement *string*, '$${' means '${'.
 */
export function escapeTerraform(s: string): string {
  return s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * One synthesis run. Strings that come from users (or contain `${`) enter constructs as opaque
 * placeholders via `literal()`; after CDKTF has resolved its own tokens, each placeholder is
 * replaced by the Terraform-escaped text. CDKTF therefore never parses user text (it would read
 * `${TfToken[TOKEN.1]}` in a label as one of its tokens) and Terraform never interpolates it.
 */
export class Synthesis {
  private readonly app = new App({ outdir: '.', skipValidation: true, context: { excludeStackIdFromLogicalIds: true } });
  private readonly nonce = randomBytes(6).toString('hex');
  private readonly literals: string[] = [];

  stack(name: string): TerraformStack {
    return new TerraformStack(this.app, name);
  }

  /** A resource's Terraform address (`aws_instance.server_0`), for the deploy manifest. */
  address(resource: TerraformResource): string {
    return `${resource.terraformResourceType}.${TerraformStack.of(resource).getLogicalId(resource)}`;
  }

  literal(text: string): string {
    this.literals.push(text);
    return `@@as${this.nonce}_${this.literals.length - 1}@@`;
  }

  /** The stack as cdk.tf.json text, with every literal substituted and escaped. */
  toJson(stack: TerraformStack): string {
    const json = JSON.stringify(stack.toTerraform(), null, 2);
    const pattern = new RegExp(`@@as${this.nonce}_(\\d+)@@`, 'g');
    return `${json.replace(pattern, (_m, i: string) => JSON.stringify(escapeTerraform(this.literals[Number(i)]!)).slice(1, -1))}\n`;
  }
}
