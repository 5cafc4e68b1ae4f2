import { Fn } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { AwsProvider, RouteTable, Subnet } from '../../cdktf/aws.ts';
import type { StackContext } from '../../stack/context.ts';
import { egressOf, share, shared } from '../../stack/shared.ts';

/** Provider (default tags on everything), the network (the plan's own VPC, or the one in settings), image lookup and the servers' IAM role. */
export function awsBase(ctx: StackContext): void {
  const { stack, plan, names, settings } = ctx;
  share(ctx, 'provider', new aws.AwsProvider(stack, 'aws', { region: plan.region, defaultTags: [{ tags: ctx.tags }], ...awsAssumeRole(ctx) }));
  const net = settings.network.aws as { vpcId?: string; subnetIds?: string[] } | undefined;
  if (net?.vpcId) {
    // The customer's network: its subnets and its own route out (NAT or gateway) are used as they are.
    share(ctx, 'vpcId', net.vpcId);
    share(ctx, 'subnetIds', net.subnetIds ?? []);
  } else {
    awsNetwork(ctx);
  }
  share(ctx, 'ami', awsImage(ctx, 'image'));
  const assume = new aws.DataAwsIamPolicyDocument(stack, 'assume_ec2', { statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }] });
  const role = new aws.IamRole(stack, 'server_role', { name: `${names.base}-${names.hash}`.slice(0, 64), assumeRolePolicy: assume.json, description: ctx.lit(`AutoStack ${ctx.workload.title} servers of plan ${ctx.subject.name}`) });
  share(ctx, 'role', role);
  share(ctx, 'instanceProfile', new aws.IamInstanceProfile(stack, 'server_profile', { name: `${names.base}-${names.hash}`.slice(0, 128), role: role.name }));
}

/**
 * The plan's own VPC (10.240.0.0/16; a website's N-th other region 10.24N.0.0/16, so that the
 * networks never overlap) over up to three availability zones: public subnets for the NAT gateway
 * (and servers with egress public-ip), private subnets for the servers otherwise. The private
 * route table gets its default route from the NAT (nat.ts); an S3 gateway endpoint (free) keeps
 * backups off the NAT and reachable with egress none (in the plan's region only: the bucket is there).
 */
function awsNetwork(ctx: StackContext): void {
  const net = awsVpc(ctx, 0, ctx.plan.region);
  share(ctx, 'vpcId', net.vpcId);
  share(ctx, 'vpcCidr', net.vpcCidr);
  share(ctx, 'publicSubnets', net.publicSubnets);
  share(ctx, 'privateRouteTable', net.privateRouteTable);
  // Servers with their own public address sit in the public subnets; the others behind the NAT.
  share(ctx, 'subnetIds', (egressOf(ctx) === 'public-ip' ? net.publicSubnets : net.privateSubnets).map((s) => s.id));
}

/** A VPC of the stack: the plan's (index 0), or the one of a website's other region (`provider` set). */
export interface AwsVpc {
  vpcId: string;
  vpcCidr: string;
  publicSubnets: Subnet[];
  privateSubnets: Subnet[];
  privateRouteTable: RouteTable;
}

/** The VPC of region `index` (0: the plan's region; Terraform ids of the others end in `id`). */
export function awsVpc(ctx: StackContext, index: number, region: string, scope: { id: string; provider?: AwsProvider } = { id: '' }): AwsVpc {
  const { stack, names } = ctx;
  const p = scope.provider ? { provider: scope.provider } : {};
  const at = (name: string) => `${name}${scope.id}`;
  const cidr = `10.${240 + index}`;
  const zones = new aws.DataAwsAvailabilityZones(stack, at('zones'), { ...p, state: 'available', filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }] });
  const vpc = new aws.Vpc(stack, at('vpc'), { ...p, cidrBlock: `${cidr}.0.0/16`, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: names.base } });
  const igw = new aws.InternetGateway(stack, at('igw'), { ...p, vpcId: vpc.id, tags: { Name: names.base } });
  const publicRt = new aws.RouteTable(stack, at('public_routes'), { ...p, vpcId: vpc.id, route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }], tags: { Name: `${names.base}-public` } });
  const privateRt = new aws.RouteTable(stack, at('private_routes'), { ...p, vpcId: vpc.id, tags: { Name: `${names.base}-private` } });
  const publicSubnets: Subnet[] = [];
  const privateSubnets: Subnet[] = [];
  for (let z = 0; z < AWS_ZONES; z++) {
    const az = Fn.element(zones.names, z);
    const pub = new aws.Subnet(stack, `${at('public')}_${z}`, { ...p, vpcId: vpc.id, cidrBlock: `${cidr}.${z}.0/24`, availabilityZone: az, mapPublicIpOnLaunch: false, tags: { Name: `${names.base}-public-${z}` } });
    const priv = new aws.Subnet(stack, `${at('private')}_${z}`, { ...p, vpcId: vpc.id, cidrBlock: `${cidr}.${10 + z}.0/24`, availabilityZone: az, tags: { Name: `${names.base}-private-${z}` } });
    new aws.RouteTableAssociation(stack, `${at('public')}_${z}_routes`, { ...p, subnetId: pub.id, routeTableId: publicRt.id });
    new aws.RouteTableAssociation(stack, `${at('private')}_${z}_routes`, { ...p, subnetId: priv.id, routeTableId: privateRt.id });
    publicSubnets.push(pub);
    privateSubnets.push(priv);
  }
  if (index === 0) new aws.VpcEndpoint(stack, 's3_endpoint', { vpcId: vpc.id, serviceName: `com.amazonaws.${region}.s3`, vpcEndpointType: 'Gateway', routeTableIds: [publicRt.id, privateRt.id], tags: { Name: `${names.base}-s3` } });
  return { vpcId: vpc.id, vpcCidr: vpc.cidrBlock, publicSubnets, privateSubnets, privateRouteTable: privateRt };
}

/** The image of the plan in `region` (the same SSM parameter or AMI name: every region has its own AMI id). */
export function awsImage(ctx: StackContext, id: string, provider?: AwsProvider): string {
  const ref = ctx.plan.image!.ref;
  const p = provider ? { provider } : {};
  if (typeof ref.ssmParameter === 'string') return new aws.DataAwsSsmParameter(ctx.stack, id, { ...p, name: ref.ssmParameter }).insecureValue;
  return new aws.DataAwsAmi(ctx.stack, id, { ...p, mostRecent: true, owners: [String(ref.amiOwner)], filter: [{ name: 'name', values: [String(ref.amiName)] }, { name: 'state', values: ['available'] }] }).id;
}

/** Availability zones the plan's VPC spans (every AWS region has at least three). */
const AWS_ZONES = 3;

/** The subnet for server `i`: servers spread over the subnets (and so over availability zones). */
export function subnetFor(ctx: StackContext, i: number): string {
  const subnets = shared<string[]>(ctx, 'subnetIds');
  if (subnets.length === 0) throw new Error('synth: autostack.yaml network.aws names a VPC without subnetIds');
  return subnets[i % subnets.length]!;
}

/**
 * The org's own account (autostack.yaml `accounts.aws.roleArn`): every provider of the stack
 * assumes the role, so the resources and their bill land there. The session is named after the
 * stack, so CloudTrail in that account says which stack acted.
 */
export function awsAssumeRole(ctx: StackContext): { assumeRole?: { roleArn: string; sessionName: string }[] } {
  const roleArn = ctx.settings.accounts.aws?.roleArn;
  if (!roleArn) return {};
  return { assumeRole: [{ roleArn: ctx.lit(roleArn), sessionName: `autostack-${ctx.names.stack}`.slice(0, 64) }] };
}
