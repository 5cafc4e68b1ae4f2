import { Fn } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { Subnet } from '../../cdktf/aws.ts';
import type { StackContext } from '../../stack/context.ts';
import { egressOf, share, shared } from '../../stack/shared.ts';

/** Provider (default tags on everything), the network (the plan's own VPC, or the one in settings), image lookup and the servers' IAM role. */
export function awsBase(ctx: StackContext): void {
  const { stack, plan, names, settings } = ctx;
  new aws.AwsProvider(stack, 'aws', { region: plan.region, defaultTags: [{ tags: ctx.tags }] });
  const net = settings.network.aws as { vpcId?: string; subnetIds?: string[] } | undefined;
  if (net?.vpcId) {
    // The customer's network: its subnets and its own route out (NAT or gateway) are used as they are.
    share(ctx, 'vpcId', net.vpcId);
    share(ctx, 'subnetIds', net.subnetIds ?? []);
  } else {
    awsNetwork(ctx);
  }
  const ref = plan.image!.ref;
  if (typeof ref.ssmParameter === 'string') {
    const p = new aws.DataAwsSsmParameter(stack, 'image', { name: ref.ssmParameter });
    share(ctx, 'ami', p.insecureValue);
  } else {
    const ami = new aws.DataAwsAmi(stack, 'image', { mostRecent: true, owners: [String(ref.amiOwner)], filter: [{ name: 'name', values: [String(ref.amiName)] }, { name: 'state', values: ['available'] }] });
    share(ctx, 'ami', ami.id);
  }
  const assume = new aws.DataAwsIamPolicyDocument(stack, 'assume_ec2', { statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }] });
  const role = new aws.IamRole(stack, 'server_role', { name: `${names.base}-${names.hash}`.slice(0, 64), assumeRolePolicy: assume.json, description: ctx.lit(`AutoStack ${ctx.workload.title} servers of plan ${ctx.subject.name}`) });
  share(ctx, 'role', role);
  share(ctx, 'instanceProfile', new aws.IamInstanceProfile(stack, 'server_profile', { name: `${names.base}-${names.hash}`.slice(0, 128), role: role.name }));
}

/**
 * The plan's own VPC (10.240.0.0/16) over up to three availability zones: public subnets for the
 * NAT gateway (and servers with egress public-ip), private subnets for the servers otherwise. The
 * private route table gets its default route from the NAT (nat.ts); an S3 gateway endpoint (free)
 * keeps backups off the NAT and reachable with egress none.
 */
function awsNetwork(ctx: StackContext): void {
  const { stack, names, plan } = ctx;
  const zones = new aws.DataAwsAvailabilityZones(stack, 'zones', { state: 'available', filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }] });
  const vpc = new aws.Vpc(stack, 'vpc', { cidrBlock: '10.240.0.0/16', enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: names.base } });
  const igw = new aws.InternetGateway(stack, 'igw', { vpcId: vpc.id, tags: { Name: names.base } });
  const publicRt = new aws.RouteTable(stack, 'public_routes', { vpcId: vpc.id, route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }], tags: { Name: `${names.base}-public` } });
  const privateRt = new aws.RouteTable(stack, 'private_routes', { vpcId: vpc.id, tags: { Name: `${names.base}-private` } });
  const publicSubnets: Subnet[] = [];
  const privateSubnets: Subnet[] = [];
  for (let z = 0; z < AWS_ZONES; z++) {
    const az = Fn.element(zones.names, z);
    const pub = new aws.Subnet(stack, `public_${z}`, { vpcId: vpc.id, cidrBlock: `10.240.${z}.0/24`, availabilityZone: az, mapPublicIpOnLaunch: false, tags: { Name: `${names.base}-public-${z}` } });
    const priv = new aws.Subnet(stack, `private_${z}`, { vpcId: vpc.id, cidrBlock: `10.240.${10 + z}.0/24`, availabilityZone: az, tags: { Name: `${names.base}-private-${z}` } });
    new aws.RouteTableAssociation(stack, `public_${z}_routes`, { subnetId: pub.id, routeTableId: publicRt.id });
    new aws.RouteTableAssociation(stack, `private_${z}_routes`, { subnetId: priv.id, routeTableId: privateRt.id });
    publicSubnets.push(pub);
    privateSubnets.push(priv);
  }
  new aws.VpcEndpoint(stack, 's3_endpoint', { vpcId: vpc.id, serviceName: `com.amazonaws.${plan.region}.s3`, vpcEndpointType: 'Gateway', routeTableIds: [publicRt.id, privateRt.id], tags: { Name: `${names.base}-s3` } });
  share(ctx, 'vpcId', vpc.id);
  share(ctx, 'vpcCidr', vpc.cidrBlock);
  share(ctx, 'publicSubnets', publicSubnets);
  share(ctx, 'privateRouteTable', privateRt);
  // Servers with their own public address sit in the public subnets; the others behind the NAT.
  share(ctx, 'subnetIds', (egressOf(ctx) === 'public-ip' ? publicSubnets : privateSubnets).map((s) => s.id));
}

/** Availability zones the plan's VPC spans (every AWS region has at least three). */
const AWS_ZONES = 3;

/** The subnet for server `i`: servers spread over the subnets (and so over availability zones). */
export function subnetFor(ctx: StackContext, i: number): string {
  const subnets = shared<string[]>(ctx, 'subnetIds');
  if (subnets.length === 0) throw new Error('synth: autostack.yaml network.aws names a VPC without subnetIds');
  return subnets[i % subnets.length]!;
}
