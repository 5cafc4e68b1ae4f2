import { aws } from '../../cdktf/aws.ts';
import type { AwsProvider, RouteTable, SecurityGroup } from '../../cdktf/aws.ts';
import type { AbstractResource } from '../../../knowledge-base/types.ts';
import type { StackContext } from '../../stack/context.ts';
import { maybeShared, share, shared } from '../../stack/shared.ts';
import { awsAssumeRole, awsImage, awsVpc } from './base.ts';
import type { AwsVpc } from './base.ts';
import { webSecurityGroups } from './web-firewall.ts';
import { privateSubnetIds, publicSubnetIds } from './web.ts';

/**
 * A region of the site: the plan's own (index 0: the default provider, the base's VPC), or a
 * standby or further active region (index N, from the plan keys' `-standby-N`, `-active-N`,
 * `-replica-N` suffix): an aliased provider of that region with the same default tags, its own
 * VPC (10.24N.0.0/16), the image of that region, and the load balancer's and servers' security
 * groups there. IAM is global: the servers' role and instance profile serve every region.
 */
export interface AwsRegion {
  index: number;
  region: string;
  role: 'primary' | 'standby' | 'active';
  /** Appended to Terraform ids: '' in the plan's region, `_standby_1` in the first standby's. */
  id: string;
  /** `{ provider }` to spread into a construct of this region ({} in the plan's region). */
  p: { provider?: AwsProvider };
  vpcId: string;
  vpcCidr: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
  privateRouteTable?: RouteTable;
  ami: string;
  lbSecurityGroup: SecurityGroup;
  webSecurityGroup: SecurityGroup;
}

/** Which region of the site a plan resource belongs to (0: the plan's own). */
export function regionIndexOf(r: AbstractResource): number {
  const m = /-(?:standby|active|replica)-(\d+)$/.exec(r.key);
  return m ? Number(m[1]) : 0;
}

/** The site's regions as the plan has them: one per instance group, in plan order. */
export function siteRegions(ctx: StackContext): { index: number; region: string; role: AwsRegion['role'] }[] {
  return ctx.plan.resources.filter((r) => r.kind === 'instance-group').map((r) => {
    const index = regionIndexOf(r);
    const role = r.attrs.role === 'standby' || r.attrs.role === 'active' ? r.attrs.role : 'primary';
    return { index, region: typeof r.attrs.region === 'string' ? r.attrs.region : ctx.plan.region, role };
  });
}

/** Region `index` of the site (the others are built the first time they are asked for). */
export function awsRegion(ctx: StackContext, index: number): AwsRegion {
  if (index === 0) {
    return {
      index: 0, region: ctx.plan.region, role: 'primary', id: '', p: {},
      vpcId: shared<string>(ctx, 'vpcId'), vpcCidr: maybeShared<string>(ctx, 'vpcCidr') ?? '',
      get publicSubnetIds() { return publicSubnetIds(ctx, 'load balancer'); },
      privateSubnetIds: privateSubnetIds(ctx),
      ...(maybeShared<RouteTable>(ctx, 'privateRouteTable') ? { privateRouteTable: shared<RouteTable>(ctx, 'privateRouteTable') } : {}),
      ami: shared<string>(ctx, 'ami'),
      get lbSecurityGroup() { return shared<SecurityGroup>(ctx, 'lbSecurityGroup'); },
      get webSecurityGroup() { return shared<SecurityGroup>(ctx, 'securityGroup'); },
    };
  }
  const all = maybeShared<Map<number, AwsRegion>>(ctx, 'regions') ?? share(ctx, 'regions', new Map<number, AwsRegion>());
  const known = all.get(index);
  if (known) return known;
  const where = siteRegions(ctx).find((x) => x.index === index);
  if (!where) throw new Error(`synth: the plan of ${ctx.subject.name} has no instance group for region ${index}`);
  // A second region needs public subnets for its load balancer and NAT: only the stack's own VPC has them.
  publicSubnetIds(ctx, `${where.role} region`);
  const id = `_${where.role}_${index}`;
  const provider = new aws.AwsProvider(ctx.stack, `aws${id}`, { alias: `${where.role}_${index}`, region: where.region, defaultTags: [{ tags: ctx.tags }], ...awsAssumeRole(ctx) });
  const p = { provider };
  const net = awsVpc(ctx, index, where.region, { id, provider });
  if (where.role === 'active') peerWithPrimary(ctx, id, provider, where.region, net);
  const r: AwsRegion = {
    index, region: where.region, role: where.role, id, p,
    vpcId: net.vpcId, vpcCidr: net.vpcCidr,
    publicSubnetIds: net.publicSubnets.map((s) => s.id),
    privateSubnetIds: net.privateSubnets.map((s) => s.id),
    privateRouteTable: net.privateRouteTable,
    ami: awsImage(ctx, `image${id}`, provider),
    ...webSecurityGroups(ctx, { id, p, vpcId: net.vpcId, vpcCidr: net.vpcCidr }),
  };
  all.set(index, r);
  return r;
}

/**
 * An active region's servers write to the database of the plan's region (one writer): the two
 * VPCs are peered (requested from the plan's region, accepted in the other), each private route
 * table routes the other VPC's range over the peering, and the writer admits the active region's
 * private subnets (mysql.ts `activeRegionCidrs`). A standby needs none of it: it reads its own
 * region's replica.
 */
function peerWithPrimary(ctx: StackContext, id: string, provider: AwsProvider, region: string, net: AwsVpc): void {
  const { stack, names } = ctx;
  const primaryRoutes = maybeShared<RouteTable>(ctx, 'privateRouteTable');
  if (!primaryRoutes) throw new Error(`AWS cannot connect the active region ${region} of ${ctx.subject.name} to its database: autostack.yaml network.aws names an existing VPC; remove network.aws`);
  const peering = new aws.VpcPeeringConnection(stack, `peering${id}`, { vpcId: shared<string>(ctx, 'vpcId'), peerVpcId: net.vpcId, peerRegion: region, autoAccept: false, tags: { Name: `${names.base}${id.replace(/_/g, '-')}` } });
  const accepted = new aws.VpcPeeringConnectionAccepterA(stack, `peering${id}_accepter`, { provider, vpcPeeringConnectionId: peering.id, autoAccept: true, tags: { Name: `${names.base}${id.replace(/_/g, '-')}` } });
  new aws.Route(stack, `peering${id}_route`, { routeTableId: primaryRoutes.id, destinationCidrBlock: net.vpcCidr, vpcPeeringConnectionId: accepted.vpcPeeringConnectionId });
  new aws.Route(stack, `peering${id}_return_route`, { provider, routeTableId: net.privateRouteTable.id, destinationCidrBlock: shared<string>(ctx, 'vpcCidr'), vpcPeeringConnectionId: accepted.vpcPeeringConnectionId });
}

/** The ranges of the active regions' VPCs (their servers connect to the writer over the peering). */
export function activeRegionCidrs(ctx: StackContext): string[] {
  return siteRegions(ctx).filter((r) => r.role === 'active').map((r) => `10.${240 + r.index}.0.0/16`);
}

/** `name` with the region's suffix: the Terraform id of a construct of region `r`. */
export function idIn(r: AwsRegion, name: string): string {
  return `${name}${r.id}`;
}

