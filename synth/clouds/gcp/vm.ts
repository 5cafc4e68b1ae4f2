import { TerraformOutput } from '../../cdktf/index.ts';
import { gcp } from '../../cdktf/gcp.ts';
import type { ComputeDisk, ComputeInstance, ComputeRouterNat, ServiceAccount, StorageBucket } from '../../cdktf/gcp.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { hasPublicIp, maybeShared, serverIdentity, shared, share } from '../../stack/shared.ts';
import { gcpAccess } from './access.ts';
import { withinLimit } from '../../stack/user-data.ts';
import { gcpLabels } from './base.ts';
import { gcpLimit } from './web.ts';

/** A metadata value (the startup script) holds at most 256 KB (the knowledge base's `metadata-value-bytes`, with its source). */
export const GCP_METADATA_VALUE_LIMIT = gcpLimit('metadata-value-bytes');

/**
 * One instance per server, spread over the region's zones: Shielded VM, OS Login only, no
 * project SSH keys, its own service account. The startup script is the first-boot script;
 * replicas read the primary's address from their metadata.
 */
export const gcpVm: ResourceSynth = (ctx, r, i) => {
  const { stack, plan, names } = ctx;
  const zones = catalogFor('gcp').zones(plan.region);
  const primary = i === 0 ? undefined : shared<ComputeInstance>(ctx, 'vm0');
  const access = gcpAccess(ctx);
  const script = withinLimit(ctx.bootScript(i, access), GCP_METADATA_VALUE_LIMIT, `the startup script of server ${i}`);
  const config = ctx.serverConfig(i, access);
  const bucket = maybeShared<StorageBucket>(ctx, 'bucket');
  const configObject = config && bucket ? new gcp.StorageBucketObject(stack, `server_${i}_config`, { bucket: bucket.name, name: config.key, content: ctx.lit(config.content), contentType: 'application/json' }) : undefined;
  const nat = maybeShared<ComputeRouterNat>(ctx, 'nat');
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
    // Replaced when what it is changes (image, PostgreSQL major, egress); not for a newer image or a new AutoStack release.
    lifecycle: { ignoreChanges: ['boot_disk[0].initialize_params[0].image', 'metadata_startup_script'], replaceTriggeredBy: [serverIdentity(ctx, r, i)] },
    // First boot needs its way out (Cloud NAT) and its configuration in place.
    dependsOn: [...(configObject ? [configObject] : []), ...(nat ? [nat] : [])],
  });
  share(ctx, `vm${i}`, instance);
  ctx.serverGroup(i, instance);
  if (i === 0) new TerraformOutput(stack, 'primary_private_ip', { value: instance.networkInterface.get(0).networkIp, description: ctx.workload.outputs.primaryAddress });
};
