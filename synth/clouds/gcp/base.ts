import { gcp } from '../../cdktf/gcp.ts';
import { baseTags } from '../../stack/context.ts';
import type { StackContext } from '../../stack/context.ts';
import { share } from '../../stack/shared.ts';

/** Provider, network (created or named in settings) and the servers' service account. */
export function gcpBase(ctx: StackContext): void {
  const { stack, plan, names, settings } = ctx;
  const project = settings.accounts.gcp?.project;
  new gcp.GoogleProvider(stack, 'google', { region: plan.region, ...(project ? { project } : {}) });
  const net = settings.network.gcp as { network?: string; subnetwork?: string } | undefined;
  if (net?.network) {
    share(ctx, 'network', net.network);
    share(ctx, 'subnetwork', net.subnetwork ?? net.network);
  } else {
    const network = new gcp.ComputeNetwork(stack, 'network', { name: names.base, autoCreateSubnetworks: false, description: `AutoStack ${ctx.workload.title} network` });
    const subnet = new gcp.ComputeSubnetwork(stack, 'subnet', { name: `${names.base}-${plan.region}`, network: network.id, region: plan.region, ipCidrRange: '10.240.1.0/24', privateIpGoogleAccess: true });
    share(ctx, 'network', network.id);
    share(ctx, 'networkName', network.name);
    share(ctx, 'subnetwork', subnet.id);
  }
  share(ctx, 'serviceAccount', new gcp.ServiceAccount(stack, 'server_sa', { accountId: names.serviceAccount, displayName: ctx.lit(`AutoStack ${ctx.workload.title} servers of ${ctx.subject.name}`) }));
}

/**
 * GCP labels allow lowercase letters, digits, '_' and '-' (63 characters): other characters
 * become '_'. The four AutoStack labels are DNS-safe and pass unchanged.
 */
export function gcpLabels(ctx: StackContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(baseTags(ctx.subject))) {
    out[clean(k)] = clean(v);
  }
  return out;
}

function clean(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
}
