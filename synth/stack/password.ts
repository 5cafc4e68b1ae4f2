import type { StackContext } from './context.ts';

/** The provider of the ephemeral password (ephemeral resources from 3.7.0). */
export const RANDOM_PROVIDER = { source: 'hashicorp/random', version: '~> 3.7' } as const;

/**
 * A password that never reaches Terraform's state or plan: an ephemeral `random_password`
 * (Terraform 1.11 and hashicorp/random 3.7: ephemeral values and write-only arguments) given only
 * to write-only arguments (`password_wo`, `secret_string_wo`, `value_wo`, ...) together with
 * `version`. Terraform sends a write-only value only when its version changes: on the first apply,
 * the database user and the secret the servers read get the same value; later applies make a new
 * ephemeral value and send nothing. To rotate, raise the version of both arguments together.
 */
export function ephemeralPassword(ctx: StackContext, name: string): { value: string; version: number } {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`synth: ephemeral password name ${JSON.stringify(name)} is not a Terraform name`);
  ctx.stack.addOverride('terraform.required_version', '>= 1.11.0');
  ctx.stack.addOverride('terraform.required_providers.random', { ...RANDOM_PROVIDER });
  // Letters and digits only: every database and connection string takes them unquoted.
  ctx.stack.addOverride(`ephemeral.random_password.${name}`, { length: 40, special: false, min_lower: 4, min_upper: 4, min_numeric: 4 });
  return { value: `\${ephemeral.random_password.${name}.result}`, version: 1 };
}
