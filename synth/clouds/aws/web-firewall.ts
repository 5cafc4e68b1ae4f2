import { aws } from '../../cdktf/aws.ts';
import type { SecurityGroup } from '../../cdktf/aws.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';
import { awsName } from './web.ts';

/**
 * A website's firewall: the load balancer takes 80 and 443 from anywhere; the web servers take
 * 80 from the load balancer only. The database, file system and cache each get their own group
 * admitting the web servers only (mysql.ts, efs.ts, cache.ts use `webGroupIngress`).
 */
export const awsWebFirewall: ResourceSynth = (ctx) => {
  const vpcId = shared<string>(ctx, 'vpcId');
  const lb = share(ctx, 'lbSecurityGroup', new aws.SecurityGroup(ctx.stack, 'lb_sg', {
    name: awsName(ctx, 'lb', 255),
    description: 'AutoStack website load balancer: HTTP and HTTPS from anywhere',
    vpcId,
    ingress: [
      { description: 'HTTPS', fromPort: 443, toPort: 443, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] },
      { description: 'HTTP, redirected to HTTPS', fromPort: 80, toPort: 80, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] },
    ],
    egress: [{ description: 'To the web servers', fromPort: 80, toPort: 80, protocol: 'tcp', cidrBlocks: [shared<string>(ctx, 'vpcCidr')] }],
  }));
  share(ctx, 'securityGroup', new aws.SecurityGroup(ctx.stack, 'web_sg', {
    name: awsName(ctx, 'web', 255),
    description: 'AutoStack website servers: HTTP from the load balancer only',
    vpcId,
    ingress: [{ description: 'HTTP from the load balancer', fromPort: 80, toPort: 80, protocol: 'tcp', securityGroups: [lb.id] }],
    egress: [{ description: 'Package repositories, S3, Secrets Manager, the database, file system and cache', fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] }],
  }));
};

/** A group admitting the web servers on one port (database, file system, cache). */
export function webGroupIngress(ctx: StackContext, id: string, port: number, what: string): SecurityGroup {
  const web = shared<SecurityGroup>(ctx, 'securityGroup');
  return new aws.SecurityGroup(ctx.stack, id, {
    name: awsName(ctx, id.replace(/_sg$/, ''), 255),
    description: `AutoStack website ${what}: port ${port} from the web servers only`,
    vpcId: shared<string>(ctx, 'vpcId'),
    ingress: [{ description: `${what} from the web servers`, fromPort: port, toPort: port, protocol: 'tcp', securityGroups: [web.id] }],
    egress: [],
  });
}
