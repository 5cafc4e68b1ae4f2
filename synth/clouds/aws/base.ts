import { Fn } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { StackContext } from '../../stack/context.ts';
import { share } from '../../stack/shared.ts';

/** Provider (default tags on everything), network placement, image lookup and the servers' IAM role. */
export function awsBase(ctx: StackContext): void {
  const { stack, plan, names, settings } = ctx;
  new aws.AwsProvider(stack, 'aws', { region: plan.region, defaultTags: [{ tags: ctx.tags }] });
  const net = settings.network.aws as { vpcId?: string; subnetIds?: string[] } | undefined;
  if (net?.vpcId) {
    share(ctx, 'vpcId', net.vpcId);
    share(ctx, 'subnetIds', net.subnetIds ?? []);
  } else {
    const vpc = new aws.DataAwsVpc(stack, 'default_vpc', { default: true });
    const subnets = new aws.DataAwsSubnets(stack, 'default_subnets', { filter: [{ name: 'vpc-id', values: [vpc.id] }, { name: 'default-for-az', values: ['true'] }] });
    share(ctx, 'vpcId', vpc.id);
    share(ctx, 'subnetList', subnets.ids);
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

/** The subnet for server `i`: servers spread over the subnets (and so over availability zones). */
export function subnetFor(ctx: StackContext, i: number): string {
  const named = ctx.shared.get('subnetIds') as string[] | undefined;
  if (named && named.length > 0) return named[i % named.length]!;
  // The default VPC's subnets, known at plan time: element() wraps around the list.
  return Fn.element(ctx.shared.get('subnetList') as string[], i);
}
