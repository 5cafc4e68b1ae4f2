import { gcp } from '../../cdktf/gcp.ts';
import type { ServiceAccount } from '../../cdktf/gcp.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';

/** A Secret Manager secret without versions; the servers' account may read it and add versions, nothing more. */
export const gcpSecret: ResourceSynth = (ctx) => {
  const secret = share(ctx, 'secret', new gcp.SecretManagerSecret(ctx.stack, `${ctx.workload.slug}_secret`, { secretId: gcpSecretId(ctx), replication: { auto: {} }, labels: gcpLabels(ctx) }));
  const member = `serviceAccount:${shared<ServiceAccount>(ctx, 'serviceAccount').email}`;
  for (const role of ['roles/secretmanager.secretAccessor', 'roles/secretmanager.secretVersionAdder']) {
    new gcp.SecretManagerSecretIamMember(ctx.stack, `secret_${role.split('.').pop()}`, { secretId: secret.id, role, member });
  }
};

/** Secret Manager ids take letters, digits, '-' and '_': one per plan. */
export function gcpSecretId(ctx: StackContext): string {
  return `autostack-${ctx.subject.name}-${ctx.workload.slug}`;
}
