import { gcp } from '../../cdktf/gcp.ts';
import { cloudKnowledge } from '../../../knowledge-base/clouds/registry.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { gcpName, siteNetwork, webTag } from './web.ts';

/**
 * A website's firewall: the web servers (their network tag) take HTTP on 80 from the load
 * balancer's proxies and health checks only (the knowledge base's `loadBalancerSources`, the
 * same ranges the servers trust for forwarded headers). Nothing else reaches them: Cloud SQL,
 * Filestore and Memorystore live on Google's side of the private services peering (reached from
 * the servers, not to them), and the servers have no external address. Firewall rules take no
 * labels: the description names the site.
 */
export const gcpWebFirewall: ResourceSynth = (ctx) => {
  const sources = cloudKnowledge('gcp').loadBalancerSources;
  if (!sources) throw new Error('synth: the GCP knowledge base names no load balancer sources (loadBalancerSources)');
  new gcp.ComputeFirewall(ctx.stack, 'web_from_lb', {
    name: gcpName(ctx, 'web-from-lb', 63),
    network: siteNetwork(ctx, 'web servers'),
    direction: 'INGRESS',
    allow: [{ protocol: 'tcp', ports: ['80'] }],
    sourceRanges: [...sources.cidrs],
    targetTags: [webTag(ctx)],
    description: ctx.lit(`managed-by=autostack autostack-org=${ctx.subject.org} autostack-project=${ctx.subject.project} autostack-plan=${ctx.subject.name}: HTTP from the load balancer only`),
    logConfig: { metadata: 'EXCLUDE_ALL_METADATA' },
  });
};
