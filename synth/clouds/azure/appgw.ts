import { TerraformOutput } from '../../cdktf/index.ts';
import { azure } from '../../cdktf/azure.ts';
import type { PublicIp, ResourceGroup } from '../../cdktf/azure.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { maybeShared, share, shared } from '../../stack/shared.ts';
import { frontDoor } from './edge.ts';
import { azName, primaryRegionOnly, webSubnets } from './web.ts';

/** The path the gateway and Front Door check on every server (answered by the site's health script: 200 or 503). */
export const WEBSITE_HEALTH_PATH_DEFAULT = '/healthz';

/**
 * The Host a request without this site's X-Azure-FDID header is rewritten to: no site answers to
 * it (`.invalid` is reserved), so the web servers' default server closes the connection (444).
 */
export const FRONT_DOOR_ONLY_HOST = 'not-through-front-door.invalid';

/**
 * The gateway's public address: a Standard static IP in the region's zones. Every Application
 * Gateway v2 has one (it cannot run without a public frontend); with `ip: dedicated` it is the
 * plan's own public-ip resource and kept across gateway changes, otherwise the gateway's.
 */
export const azureGatewayAddress: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  gatewayIp(ctx, 'lb_ip');
};

function gatewayIp(ctx: StackContext, id: string): PublicIp {
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const zones = catalogFor('azure').zones(ctx.plan.region);
  return share(ctx, 'gatewayIp', new azure.PublicIp(ctx.stack, id, {
    name: azName(ctx, 'appgw-ip', 80), resourceGroupName: rg.name, location: rg.location, allocationMethod: 'Static', sku: 'Standard',
    ...(zones.length ? { zones: [...zones] } : {}), tags: ctx.tags,
  }));
}

/**
 * The plan's load balancer: an Application Gateway Standard_v2 in its own subnet, behind Front
 * Door (edge.ts, cdn.ts terminate TLS). One HTTP listener on 80 forwards to the web servers'
 * pool (the scale set registers in it, group.ts), checking the health path on each server (200
 * only). Its network security group admits Front Door's service tag only (web-firewall.ts), and
 * a rewrite rule tells this site's Front Door profile from every other Front Door customer: a
 * request whose X-Azure-FDID header is not this profile's id has its Host rewritten to a name no
 * site answers to, so the servers refuse it. (Blocking it at the gateway itself needs WAF_v2's
 * custom rules, a dearer SKU.) Autoscaling 1 to 10 instances, over the region's zones.
 */
export const azureLoadBalancer: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  if (!ctx.plan.resources.some((x) => x.kind === 'cdn')) throw new Error(`synth: ${ctx.subject.name} on Azure is served through Front Door, but its cloud plan has no cdn resource (the Azure knowledge base's edgeTls puts one in every website plan)`);
  const { stack } = ctx;
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const subnets = webSubnets(ctx, 'Application Gateway');
  const zones = catalogFor('azure').zones(ctx.plan.region);
  const healthPath = typeof r.attrs.healthPath === 'string' ? r.attrs.healthPath : WEBSITE_HEALTH_PATH_DEFAULT;
  const ip = maybeShared<PublicIp>(ctx, 'gatewayIp') ?? gatewayIp(ctx, 'appgw_ip');
  const { profile } = frontDoor(ctx);
  const n = { ip: 'frontend', port: 'http', pool: 'web', settings: 'web-http', probe: 'health', listener: 'from-front-door', rule: 'web', rewrite: 'front-door-only' };
  const gw = share(ctx, 'gateway', new azure.ApplicationGateway(stack, 'appgw', {
    name: azName(ctx, 'appgw', 80),
    resourceGroupName: rg.name,
    location: rg.location,
    sku: { name: 'Standard_v2', tier: 'Standard_v2' },
    autoscaleConfiguration: { minCapacity: 1, maxCapacity: 10 },
    ...(zones.length ? { zones: [...zones] } : {}),
    enableHttp2: true,
    // No TLS listener here (Front Door terminates TLS), but a v2 gateway must not carry a deprecated default policy.
    sslPolicy: { policyType: 'Predefined', policyName: 'AppGwSslPolicy20220101' },
    gatewayIpConfiguration: [{ name: 'gateway', subnetId: subnets.gateway }],
    frontendIpConfiguration: [{ name: n.ip, publicIpAddressId: ip.id }],
    frontendPort: [{ name: n.port, port: 80 }],
    backendAddressPool: [{ name: n.pool }],
    probe: [{ name: n.probe, protocol: 'Http', host: '127.0.0.1', path: ctx.lit(healthPath), interval: 15, timeout: 5, unhealthyThreshold: 3, match: { statusCode: ['200'] } }],
    backendHttpSettings: [{ name: n.settings, port: 80, protocol: 'Http', cookieBasedAffinity: 'Disabled', requestTimeout: 60, probeName: n.probe, pickHostNameFromBackendAddress: false, connectionDraining: { enabled: true, drainTimeoutSec: 30 } }],
    httpListener: [{ name: n.listener, frontendIpConfigurationName: n.ip, frontendPortName: n.port, protocol: 'Http' }],
    rewriteRuleSet: [{
      name: n.rewrite,
      rewriteRule: [{
        name: 'foreign-front-door',
        ruleSequence: 100,
        condition: [{ variable: 'http_req_X-Azure-FDID', pattern: `^${profile.resourceGuid}$`, ignoreCase: true, negate: true }],
        requestHeaderConfiguration: [{ headerName: 'Host', headerValue: FRONT_DOOR_ONLY_HOST }],
      }],
    }],
    requestRoutingRule: [{ name: n.rule, ruleType: 'Basic', priority: 100, httpListenerName: n.listener, backendAddressPoolName: n.pool, backendHttpSettingsName: n.settings, rewriteRuleSetName: n.rewrite }],
    tags: ctx.tags,
  }));
  share(ctx, 'gatewayPoolId', gw.backendAddressPool.get(0).id);
  new TerraformOutput(stack, 'load_balancer_ip', { value: ip.ipAddress, description: 'The Application Gateway\'s address: it answers Front Door only (visitors use the site\'s names)' });
};
