import { gcp } from '../../cdktf/gcp.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { ipv4, ipv6, shared } from '../../stack/shared.ts';
import { gcpWebFirewall } from './web-firewall.ts';

/** Firewall rules cannot carry labels: the description says who manages them. */
export const gcpFirewall: ResourceSynth = (ctx, r, i) => {
  // A website's firewall names no single port: a load balancer in front, the web servers behind it.
  if (r.attrs.port === undefined) return gcpWebFirewall(ctx, r, i);
  const network = shared<string>(ctx, 'network');
  const target = [ctx.names.base];
  const description = ctx.lit(`managed-by=autostack autostack-org=${ctx.subject.org} autostack-project=${ctx.subject.project} autostack-plan=${ctx.subject.name}`);
  const { slug } = ctx.workload;
  const cidrs = r.attrs.cidrs as readonly string[];
  const allow = [{ protocol: 'tcp', ports: [String(r.attrs.port)] }];
  const v4 = ipv4(cidrs);
  const v6 = ipv6(cidrs);
  if (v4.length) new gcp.ComputeFirewall(ctx.stack, `${slug}_ipv4`, { name: `${ctx.names.base}-pg-ipv4`, network, direction: 'INGRESS', allow, sourceRanges: v4, targetTags: target, description });
  if (v6.length) new gcp.ComputeFirewall(ctx.stack, `${slug}_ipv6`, { name: `${ctx.names.base}-pg-ipv6`, network, direction: 'INGRESS', allow, sourceRanges: v6, targetTags: target, description });
  new gcp.ComputeFirewall(ctx.stack, `${slug}_replication`, { name: `${ctx.names.base}-pg-internal`, network, direction: 'INGRESS', allow, sourceTags: target, targetTags: target, description });
};
