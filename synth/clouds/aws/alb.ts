import { TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { Lb, LbListener, LbTargetGroup } from '../../cdktf/aws.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { maybeShared, share } from '../../stack/shared.ts';
import { certificatesIn } from './certificate.ts';
import { awsSiteRecords } from './dns.ts';
import { awsStaticFront } from './lb-address.ts';
import { awsName } from './web.ts';
import { awsRegion, idIn, regionIndexOf } from './region.ts';
import type { AwsRegion } from './region.ts';

/** The path the load balancer checks on every server (answered by the site's health script: 200 or 503). */
export const WEBSITE_HEALTH_PATH_DEFAULT = '/healthz';

/**
 * An Application Load Balancer in the public subnets of its region. With certificates: an HTTPS
 * listener (TLS 1.2+ policy) forwarding to the servers' target group, every further certificate
 * added by SNI, and HTTP answered with a permanent redirect to HTTPS. Without a name (no platform
 * domain, no custom domain) it serves plain HTTP at its own address, as the review says. The
 * target group checks the health path (200 only) and drains for 30 s; the group (group.ts)
 * registers into it. The listener takes the first certificate only (the platform's when the site
 * has one): the further ones attach by SNI on their own, so a custom domain still waiting for its
 * DNS record does not hold up the listener or the servers. A site's other regions get their own,
 * with that region's certificates; with a dedicated IP a Network Load Balancer with static
 * addresses sits in front (lb-address.ts).
 */
export const awsLoadBalancer: ResourceSynth = (ctx, r) => {
  const { stack } = ctx;
  const region = awsRegion(ctx, regionIndexOf(r));
  const at = (name: string) => idIn(region, name);
  const healthPath = typeof r.attrs.healthPath === 'string' ? r.attrs.healthPath : WEBSITE_HEALTH_PATH_DEFAULT;
  const lb = new aws.Lb(stack, at('lb'), {
    ...region.p,
    name: awsName(ctx, 'lb', 32),
    loadBalancerType: 'application',
    internal: false,
    securityGroups: [region.lbSecurityGroup.id],
    subnets: region.publicSubnetIds,
    dropInvalidHeaderFields: true,
    enableHttp2: true,
    idleTimeout: 65,
    desyncMitigationMode: 'strictest',
  });
  const tg = new aws.LbTargetGroup(stack, at('web_targets'), {
    ...region.p,
    name: awsName(ctx, 'web', 32),
    port: 80,
    protocol: 'HTTP',
    vpcId: region.vpcId,
    targetType: 'instance',
    deregistrationDelay: '30',
    healthCheck: { enabled: true, path: ctx.lit(healthPath), protocol: 'HTTP', matcher: '200', interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
    stickiness: { type: 'lb_cookie', enabled: false },
  });
  const certs = certificatesIn(ctx, region);
  if (Number(r.attrs.certificates ?? certs.length) !== certs.length) throw new Error(`synth: ${r.key} expects ${String(r.attrs.certificates)} certificates, ${certs.length} were built`);
  let forward: LbListener;
  const listeners: LbListener[] = [];
  if (certs.length) {
    forward = new aws.LbListener(stack, at('https'), {
      ...region.p,
      loadBalancerArn: lb.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificateArn: certs[0]!.arn,
      defaultAction: [{ type: 'forward', targetGroupArn: tg.arn }],
    });
    for (const c of certs.slice(1)) new aws.LbListenerCertificate(stack, at(`https_${c.id}`), { ...region.p, listenerArn: forward.arn, certificateArn: c.arn });
    listeners.push(forward, new aws.LbListener(stack, at('http'), {
      ...region.p,
      loadBalancerArn: lb.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
    }));
  } else {
    forward = new aws.LbListener(stack, at('http'), { ...region.p, loadBalancerArn: lb.arn, port: 80, protocol: 'HTTP', defaultAction: [{ type: 'forward', targetGroupArn: tg.arn }] });
    listeners.push(forward);
  }
  const front = awsStaticFront(ctx, region, lb, listeners, healthPath);
  const site: SiteFront = { region, lb, targetGroup: tg, forwardListener: forward, healthPath, https: certs.length > 0, ...(front ? { staticFront: front } : {}) };
  siteFronts(ctx).set(region.index, site);
  if (region.index === 0) {
    share(ctx, 'lb', lb);
    share(ctx, 'targetGroup', tg);
    share(ctx, 'forwardListener', forward);
  }
  awsSiteRecords(ctx, site);
  if (region.index === 0) new TerraformOutput(stack, 'load_balancer_dns_name', { value: lb.dnsName, description: 'The load balancer\'s address: point custom domains at it (CNAME, or an alias record in Route 53)' });
  else new TerraformOutput(stack, at('load_balancer_dns_name').replace(/^_/, ''), { value: lb.dnsName, description: `The ${region.role} load balancer's address in ${region.region}` });
};

/** What a region's load balancer gives the records, the group and the alarms. */
export interface SiteFront {
  region: AwsRegion;
  lb: Lb;
  targetGroup: LbTargetGroup;
  forwardListener: LbListener;
  healthPath: string;
  https: boolean;
  /** The Network Load Balancer holding the dedicated addresses, in front of the ALB (ip: dedicated). */
  staticFront?: Lb;
}

/** Each region's load balancer, by region index. */
export function siteFronts(ctx: StackContext): Map<number, SiteFront> {
  return maybeShared<Map<number, SiteFront>>(ctx, 'fronts') ?? share(ctx, 'fronts', new Map<number, SiteFront>());
}
