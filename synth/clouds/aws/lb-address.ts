import { TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { Eip, Lb, LbListener } from '../../cdktf/aws.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { maybeShared, share } from '../../stack/shared.ts';
import { awsName } from './web.ts';
import { awsRegion, idIn, regionIndexOf } from './region.ts';
import type { AwsRegion } from './region.ts';

/**
 * A dedicated IP for a website's load balancer (`ip: dedicated`, the plan's public-ip `for: load
 * balancer`). An Application Load Balancer has no static address: its addresses change as it
 * scales. So a Network Load Balancer with an Elastic IP in each of the region's public subnets
 * (one per zone, as many as the plan priced: `attrs.addresses`) sits in front and forwards TCP 443
 * and 80 to the ALB (a target group of type `alb`), which keeps terminating TLS. Global Accelerator
 * would give two anycast addresses instead, at an hourly fee and a premium on every GB; the NLB
 * keeps the site's traffic in its region and is billed like a load balancer. The addresses are
 * the `dedicated_ips` output; the site's names point at the NLB (alias records, dns.ts).
 */
export const awsLoadBalancerAddress: ResourceSynth = (ctx, r) => {
  const region = awsRegion(ctx, regionIndexOf(r));
  const subnets = region.publicSubnetIds;
  const count = Number(r.attrs.addresses ?? 1);
  if (count !== subnets.length) throw new Error(`synth: ${r.key} was priced for ${count} address${count === 1 ? '' : 'es'}; the Network Load Balancer in front of the ALB takes one per zone (${subnets.length})`);
  const ips = subnets.map((_, z) => new aws.Eip(ctx.stack, idIn(region, `lb_ip_${z}`), { ...region.p, domain: 'vpc', tags: { Name: awsName(ctx, `lb-${z}`, 255) } }));
  addresses(ctx).set(region.index, ips);
  new TerraformOutput(ctx.stack, idIn(region, 'dedicated_ips'), { value: ips.map((ip) => ip.publicIp), description: region.index === 0 ? 'The site\'s dedicated IP addresses (one per zone): allow-list them, or point A records at them' : `The ${region.role} region's dedicated IP addresses (${region.region})` });
};

function addresses(ctx: StackContext): Map<number, Eip[]> {
  return maybeShared<Map<number, Eip[]>>(ctx, 'lbAddresses') ?? share(ctx, 'lbAddresses', new Map<number, Eip[]>());
}

/**
 * The Network Load Balancer holding region `region`'s dedicated addresses, forwarding to `alb`'s
 * listeners port for port (TCP: TLS stays end to end between the client and the ALB); undefined
 * when the site has no dedicated IP. It checks the ALB on the health path over the forwarding
 * listener (HTTPS when there is one: the HTTP listener only redirects).
 */
export function awsStaticFront(ctx: StackContext, region: AwsRegion, alb: Lb, listeners: LbListener[], healthPath: string): Lb | undefined {
  const ips = addresses(ctx).get(region.index);
  if (!ips) return undefined;
  const { stack } = ctx;
  const subnets = region.publicSubnetIds;
  const nlb = new aws.Lb(stack, idIn(region, 'static_lb'), {
    ...region.p,
    name: awsName(ctx, 'ip', 32),
    loadBalancerType: 'network',
    internal: false,
    subnetMapping: subnets.map((subnetId, z) => ({ subnetId, allocationId: ips[z]!.allocationId })),
    enableCrossZoneLoadBalancing: true,
  });
  const https = listeners.some((l) => l.portInput === 443);
  for (const port of listeners.map((l) => Number(l.portInput))) {
    const tg = new aws.LbTargetGroup(stack, idIn(region, `static_targets_${port}`), {
      ...region.p,
      name: awsName(ctx, `ip-${port}`, 32),
      port,
      protocol: 'TCP',
      targetType: 'alb',
      vpcId: region.vpcId,
      healthCheck: { enabled: true, protocol: https ? 'HTTPS' : 'HTTP', port: String(https ? 443 : 80), path: ctx.lit(healthPath), matcher: '200', interval: 30, healthyThreshold: 3, unhealthyThreshold: 3 },
    });
    // The ALB must have the listener on that port before it can be registered.
    new aws.LbTargetGroupAttachment(stack, idIn(region, `static_${port}_alb`), { ...region.p, targetGroupArn: tg.arn, targetId: alb.arn, port, dependsOn: listeners });
    new aws.LbListener(stack, idIn(region, `static_${port}`), { ...region.p, loadBalancerArn: nlb.arn, port, protocol: 'TCP', defaultAction: [{ type: 'forward', targetGroupArn: tg.arn }] });
  }
  return nlb;
}
