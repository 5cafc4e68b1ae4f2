import { TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { SecurityGroup } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { maybeShared, share, shared } from '../../stack/shared.ts';
import type { SiteCertificate } from './certificate.ts';
import { awsSiteRecords } from './dns.ts';
import { awsName, primaryRegionOnly, publicSubnetIds } from './web.ts';

/** The path the load balancer checks on every server (answered by the site's health script: 200 or 503). */
export const WEBSITE_HEALTH_PATH_DEFAULT = '/healthz';

/**
 * An Application Load Balancer in the public subnets. With certificates: an HTTPS listener
 * (TLS 1.2+ policy) forwarding to the servers' target group, every further certificate added by
 * SNI, and HTTP answered with a permanent redirect to HTTPS. Without a name (no platform domain,
 * no custom domain) it serves plain HTTP at its own address, as the review says. The target group
 * checks the health path (200 only) and drains for 30 s; the group (group.ts) registers into it.
 * The listener takes the first certificate only (the platform's when the site has one): the
 * further ones attach by SNI on their own, so a custom domain still waiting for its DNS record
 * does not hold up the listener or the servers.
 */
export const awsLoadBalancer: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const { stack } = ctx;
  const healthPath = typeof r.attrs.healthPath === 'string' ? r.attrs.healthPath : WEBSITE_HEALTH_PATH_DEFAULT;
  const lb = share(ctx, 'lb', new aws.Lb(stack, 'lb', {
    name: awsName(ctx, 'lb', 32),
    loadBalancerType: 'application',
    internal: false,
    securityGroups: [shared<SecurityGroup>(ctx, 'lbSecurityGroup').id],
    subnets: publicSubnetIds(ctx, 'load balancer'),
    dropInvalidHeaderFields: true,
    enableHttp2: true,
    idleTimeout: 65,
    desyncMitigationMode: 'strictest',
  }));
  const tg = share(ctx, 'targetGroup', new aws.LbTargetGroup(stack, 'web_targets', {
    name: awsName(ctx, 'web', 32),
    port: 80,
    protocol: 'HTTP',
    vpcId: shared<string>(ctx, 'vpcId'),
    targetType: 'instance',
    deregistrationDelay: '30',
    healthCheck: { enabled: true, path: ctx.lit(healthPath), protocol: 'HTTP', matcher: '200', interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
    stickiness: { type: 'lb_cookie', enabled: false },
  }));
  const certs = maybeShared<SiteCertificate[]>(ctx, 'certificates') ?? [];
  if (Number(r.attrs.certificates ?? certs.length) !== certs.length) throw new Error(`synth: ${r.key} expects ${String(r.attrs.certificates)} certificates, ${certs.length} were built`);
  if (certs.length) {
    const https = share(ctx, 'forwardListener', new aws.LbListener(stack, 'https', {
      loadBalancerArn: lb.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificateArn: certs[0]!.arn,
      defaultAction: [{ type: 'forward', targetGroupArn: tg.arn }],
    }));
    for (const c of certs.slice(1)) new aws.LbListenerCertificate(stack, `https_${c.id}`, { listenerArn: https.arn, certificateArn: c.arn });
    new aws.LbListener(stack, 'http', {
      loadBalancerArn: lb.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
    });
  } else {
    share(ctx, 'forwardListener', new aws.LbListener(stack, 'http', { loadBalancerArn: lb.arn, port: 80, protocol: 'HTTP', defaultAction: [{ type: 'forward', targetGroupArn: tg.arn }] }));
  }
  awsSiteRecords(ctx, lb);
  new TerraformOutput(stack, 'load_balancer_dns_name', { value: lb.dnsName, description: 'The load balancer\'s address: point custom domains at it (CNAME, or an alias record in Route 53)' });
};
