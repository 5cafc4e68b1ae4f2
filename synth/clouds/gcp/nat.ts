import { gcp } from '../../cdktf/gcp.ts';
import type { ComputeAddress } from '../../cdktf/gcp.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';
import { primaryRegionOnly } from './web.ts';

/** The NAT's reserved external address: traffic leaves from one stable IP (allow-list it upstream). */
export const gcpNatAddress: ResourceSynth = (ctx, r) => {
  primaryRegionOnly(ctx, r, 0);
  share(ctx, 'natIp', new gcp.ComputeAddress(ctx.stack, 'nat_ip', { name: `${ctx.names.base}-nat`, region: ctx.plan.region, addressType: 'EXTERNAL', description: `AutoStack ${ctx.workload.title}: Cloud NAT address`, labels: gcpLabels(ctx) }));
};

/** Cloud NAT on a Cloud Router of the plan's network: every subnet range of the region goes out through it. */
export const gcpNat: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const router = new gcp.ComputeRouter(ctx.stack, 'router', { name: `${ctx.names.base}-router`, region: ctx.plan.region, network: shared<string>(ctx, 'network') });
  share(ctx, 'nat', new gcp.ComputeRouterNat(ctx.stack, 'nat', {
    name: `${ctx.names.base}-nat`,
    router: router.name,
    region: ctx.plan.region,
    natIpAllocateOption: 'MANUAL_ONLY',
    natIps: [shared<ComputeAddress>(ctx, 'natIp').selfLink],
    sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
    logConfig: { enable: true, filter: 'ERRORS_ONLY' },
  }));
};
