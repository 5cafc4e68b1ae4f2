import { TerraformOutput } from '../../cdktf/index.ts';
import { gcp } from '../../cdktf/gcp.ts';
import type { ComputeDisk, ComputeInstance, ServiceAccount } from '../../cdktf/gcp.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { hasPublicIp, shared, share } from '../../stack/shared.ts';
import { gcpAccess } from './access.ts';
import { gcpLabels } from './base.ts';

/**
 * One instance per server, spread over the region's zones: Shielded VM, OS Login only, no
 * project SSH keys, its own service account. The startup script is the first-boot script;
 * replicas read the primary's address from their metadata.
 */
export const gcpVm: ResourceSynth = (ctx, r, i) => {
  const { stack, plan, names } = ctx;
  const zones = catalogFor('gcp').zones(plan.region);
  const primary = i === 0 ? undefined : shared<ComputeInstance>(ctx, 'vm0');
  const script = ctx.bootScript(i, gcpAccess(ctx));
  const instance = new gcp.ComputeInstance(stack, `server_${i}`, {
    name: `${names.base}-${i}`,
    machineType: r.type,
    zone: zones[i % zones.length]!,
    bootDisk: { initializeParams: { image: String(plan.image!.ref.imageFamily), size: 20, type: 'pd-balanced' } },
    attachedDisk: [{ source: shared<ComputeDisk>(ctx, `disk${i}`).id, deviceName: 'pgdata' }],
    networkInterface: [{ subnetwork: shared<string>(ctx, 'subnetwork'), ...(hasPublicIp(ctx, i) ? { accessConfig: [{}] } : {}) }],
    serviceAccount: { email: shared<ServiceAccount>(ctx, 'serviceAccount').email, scopes: ['cloud-platform'] },
    shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
    metadata: { 'enable-oslogin': 'TRUE', 'block-project-ssh-keys': 'TRUE', ...(primary ? { 'autostack-primary-host': primary.networkInterface.get(0).networkIp } : {}) },
    metadataStartupScript: ctx.lit(script),
    tags: [names.base],
    labels: { ...gcpLabels(ctx), 'autostack-role': i === 0 ? 'primary' : 'replica' },
    allowStoppingForUpdate: true,
    lifecycle: { ignoreChanges: ['boot_disk[0].initialize_params[0].image'] },
  });
  share(ctx, `vm${i}`, instance);
  if (i === 0) new TerraformOutput(stack, 'primary_private_ip', { value: instance.networkInterface.get(0).networkIp, description: ctx.workload.outputs.primaryAddress });
};
