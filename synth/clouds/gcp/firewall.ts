import { gcp } from '../../cdktf/index.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { ipv4, ipv6, shared } from '../../stack/shared.ts';

/** Firewall rules cannot carry labels: the description says who manages them. */
export const gcpFirewall: ResourceSynth = (ctx) => {
  const network = shared<string>(ctx, 'network');
  const target = [ctx.names.base];
  const description = ctx.lit(`managed-by=autostack autostack-org=${ctx.model.org} autostack-project=${ctx.model.project} autostack-plan=${ctx.model.name}`);
  const allow = [{ protocol: 'tcp', ports: ['5432'] }];
  const v4 = ipv4(ctx.model.network.allowedCidrs);
  const v6 = ipv6(ctx.model.network.allowedCidrs);
  if (v4.length) new gcp.ComputeFirewall(ctx.stack, 'postgres_ipv4', { name: `${ctx.names.base}-pg-ipv4`, network, direction: 'INGRESS', allow, sourceRanges: v4, targetTags: target, description });
  if (v6.length) new gcp.ComputeFirewall(ctx.stack, 'postgres_ipv6', { name: `${ctx.names.base}-pg-ipv6`, network, direction: 'INGRESS', allow, sourceRanges: v6, targetTags: target, description });
  new gcp.ComputeFirewall(ctx.stack, 'postgres_replication', { name: `${ctx.names.base}-pg-internal`, network, direction: 'INGRESS', allow, sourceTags: target, targetTags: target, description });
};
