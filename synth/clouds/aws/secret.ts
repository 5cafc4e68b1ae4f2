import { aws } from '../../cdktf/aws.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { share } from '../../stack/shared.ts';
import { siteRegions } from './region.ts';

/**
 * A Secrets Manager secret without a value: the primary generates the passwords at first boot and
 * stores them. A website's other regions get a read-only replica of it (`secretReplicas`).
 */
export const awsSecret: ResourceSynth = (ctx) => {
  share(ctx, 'secret', new aws.SecretsmanagerSecret(ctx.stack, `${ctx.workload.slug}_secret`, {
    name: ctx.lit(awsSecretName(ctx)),
    description: ctx.lit(`${ctx.workload.title} passwords of AutoStack plan ${ctx.subject.name} (set by the server, never in Terraform)`),
    recoveryWindowInDays: 7,
    ...secretReplicas(ctx),
  }));
};

/** Secrets Manager names may hold '/': one path per org and plan. */
export function awsSecretName(ctx: StackContext): string {
  return `${ctx.names.secretPrefix}/${ctx.workload.slug}`;
}

/**
 * A replica of a secret in each of a website's other regions (Secrets Manager keeps it in step,
 * encrypted with that region's aws/secretsmanager key): the servers there read it in their own
 * region, so a failover does not need the plan's region. A replica is read-only; the servers
 * write (the salts, once) to the plan's region.
 */
export function secretReplicas(ctx: StackContext): { replica?: { region: string }[] } {
  const others = [...new Set(siteRegions(ctx).filter((r) => r.index > 0).map((r) => r.region))];
  const planned = ctx.plan.resources.find((r) => r.kind === 'secret')?.attrs.replicaRegions as readonly string[] | undefined;
  if (others.length && JSON.stringify(planned ?? []) !== JSON.stringify(others)) throw new Error(`synth: the plan keeps the secrets in ${JSON.stringify(planned ?? [])}, the site's other regions are ${JSON.stringify(others)}`);
  return others.length ? { replica: others.map((region) => ({ region })) } : {};
}
