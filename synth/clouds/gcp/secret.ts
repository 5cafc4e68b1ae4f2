import { gcp } from '../../cdktf/index.ts';
import type { ServiceAccount } from '../../cdktf/index.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';

/** A Secret Manager secret without versions; the servers' account may read it and add versions, nothing more. */
export const gcpSecret: ResourceSynth = (ctx) => {
  const secret = share(ctx, 'secret', new gcp.SecretManagerSecret(ctx.stack, 'postgres_secret', { secretId: ctx.names.secret, replication: { auto: {} }, labels: gcpLabels(ctx) }));
  const member = `serviceAccount:${shared<ServiceAccount>(ctx, 'serviceAccount').email}`;
  for (const role of ['roles/secretmanager.secretAccessor', 'roles/secretmanager.secretVersionAdder']) {
    new gcp.SecretManagerSecretIamMember(ctx.stack, `secret_${role.split('.').pop()}`, { secretId: secret.id, role, member });
  }
};
