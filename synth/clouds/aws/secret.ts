import { aws } from '../../cdktf/aws.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { share } from '../../stack/shared.ts';

/** A Secrets Manager secret without a value: the primary generates the passwords at first boot and stores them. */
export const awsSecret: ResourceSynth = (ctx) => {
  share(ctx, 'secret', new aws.SecretsmanagerSecret(ctx.stack, `${ctx.workload.slug}_secret`, {
    name: ctx.lit(awsSecretName(ctx)),
    description: ctx.lit(`${ctx.workload.title} passwords of AutoStack plan ${ctx.subject.name} (set by the server, never in Terraform)`),
    recoveryWindowInDays: 7,
  }));
};

/** Secrets Manager names may hold '/': one path per org and plan. */
export function awsSecretName(ctx: StackContext): string {
  return `${ctx.names.secretPrefix}/${ctx.workload.slug}`;
}
