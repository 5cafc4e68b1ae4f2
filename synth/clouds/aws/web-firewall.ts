import { aws } from '../../cdktf/aws.ts';
import type { AwsProvider, SecurityGroup } from '../../cdktf/aws.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';
import { awsName } from './web.ts';
import type { AwsRegion } from './region.ts';

/**
 * A website's firewall: the load balancer takes 80 and 443 from anywhere; the web servers take
 * 80 from the load balancer only. The database, file system and cache each get their own group
 * admitting the web servers only (mysql.ts, efs.ts, cache.ts use `webGroupIngress`). A site's
 * other regions get the same two groups in their own VPC (web.ts `awsRegion`).
 */
export const awsWebFirewall: ResourceSynth = (ctx) => {
  const groups = webSecurityGroups(ctx, { id: '', p: {}, vpcId: shared<string>(ctx, 'vpcId'), vpcCidr: shared<string>(ctx, 'vpcCidr') });
  share(ctx, 'lbSecurityGroup', groups.lbSecurityGroup);
  share(ctx, 'securityGroup', groups.webSecurityGroup);
};

/** The load balancer's and the web servers' groups in one VPC (Terraform ids end in `id`). */
export function webSecurityGroups(ctx: StackContext, where: { id: string; p: { provider?: AwsProvider }; vpcId: string; vpcCidr: string }): { lbSecurityGroup: SecurityGroup; webSecurityGroup: SecurityGroup } {
  const lb = new aws.SecurityGroup(ctx.stack, `lb_sg${where.id}`, {
    ...where.p,
    name: awsName(ctx, 'lb', 255),
    description: 'AutoStack website load balancer: HTTP and HTTPS from anywhere',
    vpcId: where.vpcId,
    ingress: [
      { description: 'HTTPS', fromPort: 443, toPort: 443, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] },
      { description: 'HTTP, redirected to HTTPS', fromPort: 80, toPort: 80, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] },
    ],
    egress: [{ description: 'To the web servers', fromPort: 80, toPort: 80, protocol: 'tcp', cidrBlocks: [where.vpcCidr] }],
  });
  const web = new aws.SecurityGroup(ctx.stack, `web_sg${where.id}`, {
    ...where.p,
    name: awsName(ctx, 'web', 255),
    description: 'AutoStack website servers: HTTP from the load balancer only',
    vpcId: where.vpcId,
    ingress: [{ description: 'HTTP from the load balancer', fromPort: 80, toPort: 80, protocol: 'tcp', securityGroups: [lb.id] }],
    egress: [{ description: 'Package repositories, S3, Secrets Manager, the database, file system and cache', fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] }],
  });
  return { lbSecurityGroup: lb, webSecurityGroup: web };
}

/** A group admitting the web servers of region `r` on one port (database, file system, cache), and the networks `peers`. */
export function webGroupIngress(ctx: StackContext, id: string, port: number, what: string, r: AwsRegion, peers: string[] = []): SecurityGroup {
  return new aws.SecurityGroup(ctx.stack, `${id}${r.id}`, {
    ...r.p,
    name: awsName(ctx, id.replace(/_sg$/, ''), 255),
    description: `AutoStack website ${what}: port ${port} from the web servers only`,
    vpcId: r.vpcId,
    ingress: [
      { description: `${what} from the web servers`, fromPort: port, toPort: port, protocol: 'tcp', securityGroups: [r.webSecurityGroup.id] },
      // Another region's servers over a VPC peering (a security group cannot name a group of another region).
      ...(peers.length ? [{ description: `${what} from the web servers of the active regions (VPC peering)`, fromPort: port, toPort: port, protocol: 'tcp', cidrBlocks: peers }] : []),
    ],
    egress: [],
  });
}
