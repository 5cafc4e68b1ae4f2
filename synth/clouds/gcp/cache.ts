import { gcp } from '../../cdktf/gcp.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { provide, share, shared } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';
import { gcpLimit, gcpName, primaryRegionOnly, privateServiceAccess } from './web.ts';

/** Memorystore for Redis tiers by the plan's type (knowledge base `sizes.cache`: basic, standard). */
const TIERS: Record<string, string> = { basic: 'BASIC', standard: 'STANDARD_HA' };

/**
 * The object cache (on when the plan has one): a Memorystore for Redis 7.2 instance of the plan's
 * tier (BASIC: one node; STANDARD_HA: a replica in another zone) and memory, on the stack's
 * network through private services access. Transit encryption is off and AUTH is off, as the
 * servers' contract says (Redis on 6379 without TLS inside the network: Debian's php-redis speaks
 * plain Redis and the instance has no address outside the private range). It holds nothing
 * that is not elsewhere: a replacement starts it empty.
 */
export const gcpCache: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const tier = TIERS[r.type];
  if (!tier) throw new Error(`synth: ${r.key} has the cache type ${JSON.stringify(r.type)}; GCP knows ${Object.keys(TIERS).join(', ')} (knowledge-base/clouds/gcp/index.ts sizes.cache)`);
  const memory = Math.max(1, Number(r.attrs.memoryGiB ?? 1));
  const psa = privateServiceAccess(ctx, 'object cache');
  const cache = share(ctx, 'cache', new gcp.RedisInstance(ctx.stack, 'cache', {
    name: gcpName(ctx, 'cache', gcpLimit('redis-instance-id-length')),
    displayName: ctx.lit(`AutoStack website ${ctx.subject.name}: object cache`),
    region: ctx.plan.region,
    tier,
    memorySizeGb: memory,
    redisVersion: 'REDIS_7_2',
    authorizedNetwork: shared<string>(ctx, 'network'),
    connectMode: 'PRIVATE_SERVICE_ACCESS',
    transitEncryptionMode: 'DISABLED',
    authEnabled: false,
    labels: gcpLabels(ctx),
    dependsOn: [psa],
  }));
  provide(ctx, r.key, 'host', cache.host);
};
