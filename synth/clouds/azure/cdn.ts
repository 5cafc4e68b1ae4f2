import { TerraformOutput } from '../../cdktf/index.ts';
import { azure } from '../../cdktf/azure.ts';
import type { DnsZone, PublicIp } from '../../cdktf/azure.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { maybeShared, shared } from '../../stack/shared.ts';
import { WEBSITE_HEALTH_PATH_DEFAULT } from './appgw.ts';
import { edgeDomains, frontDoor } from './edge.ts';
import { relativeName } from './web.ts';

/** Where WordPress keeps its static assets: the only paths Front Door caches when the plan's CDN is on. */
export const CACHED_PATHS = ['/wp-content/*', '/wp-includes/*'];

/**
 * The plan's cdn resource on Azure: Front Door's routes to the Application Gateway (Front Door
 * is every Azure site's HTTPS front, edge.ts; the plan has this resource whether or not the
 * site's CDN is on, because the knowledge base says Azure's TLS is at the edge). The origin is
 * the gateway's public address over HTTP (80), health-checked on the health path; the visitor's
 * Host passes through. Every custom domain (certificate.ts) is on the routes, HTTP redirected to
 * HTTPS. Pages are never cached; with the CDN on, a second route caches `wp-content/` and
 * `wp-includes/` assets (as the servers' Cache-Control allows), compressed. The platform names
 * get CNAME records to the endpoint in the site's zone.
 */
export const azureCdn: ResourceSynth = (ctx, r) => {
  const { stack } = ctx;
  const { profile, endpoint } = frontDoor(ctx);
  const ip = shared<PublicIp>(ctx, 'gatewayIp');
  const lb = ctx.plan.resources.find((x) => x.kind === 'load-balancer');
  const healthPath = typeof lb?.attrs.healthPath === 'string' ? lb.attrs.healthPath : WEBSITE_HEALTH_PATH_DEFAULT;
  const group = new azure.CdnFrontdoorOriginGroup(stack, 'front_door_origins', {
    name: 'gateway',
    cdnFrontdoorProfileId: profile.id,
    sessionAffinityEnabled: false,
    restoreTrafficTimeToHealedOrNewEndpointInMinutes: 5,
    healthProbe: { protocol: 'Http', path: ctx.lit(healthPath), requestType: 'GET', intervalInSeconds: 30 },
    loadBalancing: { sampleSize: 4, successfulSamplesRequired: 3, additionalLatencyInMilliseconds: 50 },
  });
  const origin = new azure.CdnFrontdoorOrigin(stack, 'front_door_gateway', {
    name: 'gateway',
    cdnFrontdoorOriginGroupId: group.id,
    enabled: true,
    hostName: ip.ipAddress,
    httpPort: 80,
    httpsPort: 443,
    // Plain HTTP to the gateway: no certificate to check.
    certificateNameCheckEnabled: false,
    priority: 1,
    weight: 1000,
  });
  const domains = edgeDomains(ctx);
  const caching = r.attrs.caching === undefined ? true : r.attrs.caching === true;
  const route = (id: string, name: string, patterns: string[], cached: boolean) => new azure.CdnFrontdoorRoute(stack, id, {
    name,
    cdnFrontdoorEndpointId: endpoint.id,
    cdnFrontdoorOriginGroupId: group.id,
    cdnFrontdoorOriginIds: [origin.id],
    cdnFrontdoorCustomDomainIds: domains.map((d) => d.domain.id),
    patternsToMatch: patterns,
    supportedProtocols: ['Http', 'Https'],
    httpsRedirectEnabled: true,
    forwardingProtocol: 'HttpOnly',
    // The endpoint's own azurefd.net name only when the site has no name of its own.
    linkToDefaultDomain: domains.length === 0,
    ...(cached ? { cache: { queryStringCachingBehavior: 'UseQueryString', compressionEnabled: true, contentTypesToCompress: ['text/css', 'text/javascript', 'application/javascript', 'image/svg+xml', 'font/woff2'] } } : {}),
    dependsOn: [origin],
  });
  const routes = [route('front_door_pages', 'pages', ['/*'], false), ...(caching ? [route('front_door_assets', 'assets', CACHED_PATHS, true)] : [])];
  domains.forEach((d, n) => {
    new azure.CdnFrontdoorCustomDomainAssociation(stack, `front_door_domain_${n}`, { cdnFrontdoorCustomDomainId: d.domain.id, cdnFrontdoorRouteIds: routes.map((x) => x.id) });
  });
  const zone = maybeShared<DnsZone>(ctx, 'zone');
  const zoneName = maybeShared<string>(ctx, 'zoneName');
  if (zone && zoneName) {
    (maybeShared<readonly string[]>(ctx, 'zoneRecords') ?? []).forEach((name, n) => {
      const label = relativeName(name, zoneName);
      // The zone's apex takes no CNAME: an alias A record to the endpoint instead.
      // Visitors arrive once the routes serve the name.
      const common = { zoneName: zone.name, resourceGroupName: zone.resourceGroupName, ttl: 300, tags: ctx.tags, dependsOn: routes };
      if (label === '@') new azure.DnsARecord(stack, `site_name_${n}`, { ...common, name: '@', targetResourceId: endpoint.id });
      else new azure.DnsCnameRecord(stack, `site_name_${n}`, { ...common, name: ctx.lit(label), record: endpoint.hostName });
    });
  }
  new TerraformOutput(stack, 'front_door_host_name', { value: endpoint.hostName, description: 'Front Door\'s address for the site: point custom domains at it (CNAME), with the validation records of the certificate outputs' });
};
