import { aws } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { provide, share } from '../../stack/shared.ts';
import { webGroupIngress } from './web-firewall.ts';
import { awsName, primaryRegionOnly, privateSubnetIds } from './web.ts';

/**
 * The object cache (on when the plan has one): an ElastiCache Valkey replication group of the
 * plan's node count in the private subnets, encrypted at rest and in transit, reachable from the
 * web servers only. It holds nothing that is not elsewhere: a replacement starts it empty.
 */
export const awsCache: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const { stack } = ctx;
  const id = awsName(ctx, 'cache', 40);
  const subnets = new aws.ElasticacheSubnetGroup(stack, 'cache_subnets', { name: id, description: 'AutoStack website object cache: private subnets', subnetIds: privateSubnetIds(ctx) });
  const sg = webGroupIngress(ctx, 'cache_sg', 6379, 'object cache');
  const nodes = Math.max(1, Number(r.attrs.nodes ?? 1));
  const cache = share(ctx, 'cache', new aws.ElasticacheReplicationGroup(stack, 'cache', {
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
    transitEncryptionEnabled: true,
    autoMinorVersionUpgrade: 'true',
    applyImmediately: false,
  }));
  provide(ctx, r.key, 'host', cache.primaryEndpointAddress);
};
