import { aws } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { provide, share } from '../../stack/shared.ts';
import { webGroupIngress } from './web-firewall.ts';
import { awsName } from './web.ts';
import { awsRegion, idIn, regionIndexOf } from './region.ts';

/**
 * The object cache (on when the plan has one): an ElastiCache Valkey replication group of the
 * plan's node count in the private subnets of its region, encrypted at rest, reachable from the
 * web servers only. It speaks Redis without TLS on 6379, as the Website contract says
 * (synth/kinds/website/workload.ts: the servers' phpredis connects to host:6379 in plain text):
 * the traffic never leaves the VPC and the group admits the web servers only. It holds nothing
 * that is not elsewhere: a replacement starts it empty, and a site's other region gets a cache
 * of its own, not a replica (it warms up on its own).
 */
export const awsCache: ResourceSynth = (ctx, r) => {
  const { stack } = ctx;
  const region = awsRegion(ctx, regionIndexOf(r));
  const at = (name: string) => idIn(region, name);
  const id = awsName(ctx, 'cache', 40);
  const subnets = new aws.ElasticacheSubnetGroup(stack, at('cache_subnets'), { ...region.p, name: id, description: 'AutoStack website object cache: private subnets', subnetIds: region.privateSubnetIds });
  const sg = webGroupIngress(ctx, 'cache_sg', 6379, 'object cache', region);
  const nodes = Math.max(1, Number(r.attrs.nodes ?? 1));
  const cache = new aws.ElasticacheReplicationGroup(stack, at('cache'), {
    ...region.p,
    replicationGroupId: id,
    description: ctx.lit(`AutoStack website ${ctx.subject.name}: object cache`),
    engine: 'valkey',
    engineVersion: '8.0',
    nodeType: r.type,
    numCacheClusters: nodes,
    automaticFailoverEnabled: nodes > 1,
    multiAzEnabled: nodes > 1,
    port: 6379,
    subnetGroupName: subnets.name,
    securityGroupIds: [sg.id],
    atRestEncryptionEnabled: 'true',
    transitEncryptionEnabled: false,
    autoMinorVersionUpgrade: 'true',
    applyImmediately: false,
  });
  if (region.index === 0) share(ctx, 'cache', cache);
  provide(ctx, r.key, 'host', cache.primaryEndpointAddress);
};
