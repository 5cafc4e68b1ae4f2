import { aws } from '../../cdktf/index.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share } from '../../stack/shared.ts';

/** A Secrets Manager secret without a value: the primary generates the passwords at first boot and stores them. */
export const awsSecret: ResourceSynth = (ctx) => {
  share(ctx, 'secret', new aws.SecretsmanagerSecret(ctx.stack, 'postgres_secret', {
    name: ctx.lit(ctx.names.secret),
    description: ctx.lit(`PostgreSQL passwords of AutoStack plan ${ctx.model.name} (set by the server, never in Terraform)`),
    recoveryWindowInDays: 7,
  }));
};
