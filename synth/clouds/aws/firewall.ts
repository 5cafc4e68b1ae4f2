import { aws } from '../../cdktf/index.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { ipv4, ipv6, share, shared } from '../../stack/shared.ts';

/** PostgreSQL (5432) from the plan's CIDRs and between the plan's own servers; all outbound (packages, S3). */
export const awsFirewall: ResourceSynth = (ctx) => {
  const cidrs = ctx.model.network.allowedCidrs;
  share(ctx, 'securityGroup', new aws.SecurityGroup(ctx.stack, 'postgres_sg', {
    name: ctx.names.base,
    description: 'AutoStack PostgreSQL: 5432 from the allowed networks and between servers',
    vpcId: shared<string>(ctx, 'vpcId'),
    ingress: [
      ...(cidrs.length ? [{ description: 'PostgreSQL from the plan allowedCidrs', fromPort: 5432, toPort: 5432, protocol: 'tcp', cidrBlocks: ipv4(cidrs), ipv6CidrBlocks: ipv6(cidrs) }] : []),
      { description: 'Replication between the plan servers', fromPort: 5432, toPort: 5432, protocol: 'tcp', selfAttribute: true },
    ],
    egress: [{ description: 'Package repositories, S3, Secrets Manager', fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] }],
  }));
};
