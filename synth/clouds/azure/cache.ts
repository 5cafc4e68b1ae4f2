import { azure } from '../../cdktf/azure.ts';
import type { ResourceGroup } from '../../cdktf/azure.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { provide, share, shared } from '../../stack/shared.ts';
import { azName, primaryRegionOnly, webSubnets } from './web.ts';

/** `Basic C1` (the knowledge base's cache type) as Azure's SKU, family and capacity. */
export function redisSku(type: string): { skuName: string; family: string; capacity: number } {
  const m = /^(Basic|Standard|Premium) ([CP])(\d)$/.exec(type);
  if (!m) throw new Error(`synth: ${type} is not an Azure Cache for Redis size such as "Standard C1"`);
  return { skuName: m[1]!, family: m[2]!, capacity: Number(m[3]) };
}

/**
 * The object cache (on when the plan has one): Azure Cache for Redis, reached through a private
 * endpoint in the stack's network (public network access off; the name resolves privately
 * through the privatelink zone). The workload's contract is Redis on 6379 without TLS inside the
 * network: Azure keeps that port closed unless `non_ssl_port_enabled`, which this cache sets, but
 * Basic and Standard caches always require their access key (turning authentication off needs a
 * Premium cache injected into a subnet), and the stack does not hand the key to the servers yet:
 * the object cache is not wired into WordPress on any cloud yet. It holds nothing that is not
 * elsewhere: a replacement starts it empty.
 */
export const azureCache: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const { stack } = ctx;
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const subnets = webSubnets(ctx, 'cache');
  const cache = share(ctx, 'cache', new azure.RedisCache(stack, 'cache', {
    name: azName(ctx, 'cache', 63, true),
    resourceGroupName: rg.name,
    location: rg.location,
    ...redisSku(r.type),
    redisVersion: '6',
    minimumTlsVersion: '1.2',
    nonSslPortEnabled: true,
    publicNetworkAccessEnabled: false,
    redisConfiguration: { maxmemoryPolicy: 'allkeys-lru' },
    tags: ctx.tags,
  }));
  const dns = new azure.PrivateDnsZone(stack, 'cache_dns', { name: 'privatelink.redis.cache.windows.net', resourceGroupName: rg.name, tags: ctx.tags });
  new azure.PrivateDnsZoneVirtualNetworkLink(stack, 'cache_dns_link', { name: 'site-network', resourceGroupName: rg.name, privateDnsZoneName: dns.name, virtualNetworkId: subnets.vnetId, registrationEnabled: false, tags: ctx.tags });
  share(ctx, 'cacheEndpoint', new azure.PrivateEndpoint(stack, 'cache_endpoint', {
    name: azName(ctx, 'cache-pe', 80),
    resourceGroupName: rg.name,
    location: rg.location,
    subnetId: subnets.endpoints,
    privateServiceConnection: { name: 'cache', privateConnectionResourceId: cache.id, subresourceNames: ['redisCache'], isManualConnection: false },
    privateDnsZoneGroup: { name: 'cache', privateDnsZoneIds: [dns.id] },
    tags: ctx.tags,
  }));
  provide(ctx, r.key, 'host', cache.hostname);
};
