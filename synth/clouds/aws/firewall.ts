import { aws } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { ipv4, ipv6, share, shared } from '../../stack/shared.ts';
import { awsWebFirewall } from './web-firewall.ts';

/** The workload's port from the allowed CIDRs and between the plan's own servers; all outbound (packages, S3). */
export const awsFirewall: ResourceSynth = (ctx, r, i) => {
  // A website's firewall names no single port: a load balancer in front, the web servers behind it.
  if (r.attrs.port === undefined) return awsWebFirewall(ctx, r, i);
  const cidrs = r.attrs.cidrs as readonly string[];
  const port = Number(r.attrs.port);
  const title = ctx.workload.title;
  share(ctx, 'securityGroup', new aws.SecurityGroup(ctx.stack, `${ctx.workload.slug}_sg`, {
    name: ctx.names.base,
    description: `AutoStack ${title}: ${port} from the allowed networks and between servers`,
    vpcId: shared<string>(ctx, 'vpcId'),
    ingress: [
      ...(cidrs.length ? [{ description: `${title} from the plan allowedCidrs`, fromPort: port, toPort: port, protocol: 'tcp', cidrBlocks: ipv4(cidrs), ipv6CidrBlocks: ipv6(cidrs) }] : []),
      { description: 'Replication between the plan servers', fromPort: port, toPort: port, protocol: 'tcp', selfAttribute: true },
    ],
    egress: [{ description: 'Package repositories, S3, Secrets Manager', fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] }],
  }));
};
