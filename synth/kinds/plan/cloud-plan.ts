import { catalogFor } from '../../../knowledge-base/catalog.ts';
import { chooseInstance } from '../../../knowledge-base/cloud-plan.ts';
import type { CloudPlan } from '../../../knowledge-base/cloud-plan.ts';
import { cloudKnowledge } from '../../../knowledge-base/clouds/registry.ts';
import { chooseImage } from '../../../knowledge-base/images.ts';
import { resolveRegion } from '../../../knowledge-base/regions.ts';
import type { AbstractResource, CloudId } from '../../../knowledge-base/types.ts';
import type { PlanModel } from './model.ts';
import { serverCount } from './model.ts';

/**
 * 1. resolve the region (cloud name or alias)
 * 2. choose the instance type: explicit override, else the cheapest type of the family that fits
 * 3. choose the image (closest equivalent when the distro does not exist on this cloud)
 * 4. list the abstract resources with their concrete choices
 */
export function buildCloudPlan(model: PlanModel, cloud: CloudId, regionInput: string, primary: boolean): CloudPlan {
  const plan: CloudPlan = { cloud, region: regionInput, primary, resources: [], notes: [], problems: [] };
  const region = resolveRegion(cloud, regionInput);
  if (!region.ok) {
    plan.problems.push(region.message);
    return plan;
  }
  plan.region = region.region;
  const instance = chooseInstance(model.compute, cloud, plan.region, plan);
  if (!instance) return plan;
  plan.instance = instance;
  const image = chooseImage(cloud, model.os.distro, model.os.version, instance.arch);
  if (!image.ok) {
    plan.problems.push(image.message);
    return plan;
  }
  if (image.substituted) plan.notes.push(image.substituted);
  plan.image = image.image;
  plan.resources = listResources(model, plan);
  if (primary) plan.notes.push(egressNote(model, cloud));
  return plan;
}

function listResources(model: PlanModel, plan: CloudPlan): AbstractResource[] {
  const names = cloudKnowledge(plan.cloud).names;
  const catalog = catalogFor(plan.cloud);
  const n = serverCount(model);
  const name = model.name;
  const imageId = plan.image ? `${plan.image.distro}-${plan.image.version}` : 'unknown';
  const diskSku = catalog.data.diskSkus[model.storage.type] ?? model.storage.type;
  const out: AbstractResource[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      kind: 'vm',
      key: `vm/${name}-${i}`,
      type: plan.instance!.name,
      attrs: { role: i === 0 ? 'primary' : 'replica', vcpu: plan.instance!.vcpu, memoryGiB: plan.instance!.memoryGiB, image: imageId, region: plan.region, postgres: model.postgres.version, egress: model.network.egress, config: configSummary(model) },
      // The first-boot script only fixes what the server is (image, PostgreSQL major, region, egress path);
      // everything else is the configuration document the server's agent applies in place.
      replaceOn: ['region', 'image', 'postgres', 'egress'],
      inPlace: { config: IN_PLACE_CONFIG },
      restartOnType: 'stopped, resized and started: about 2–5 minutes of downtime',
      disruptive: true,
    });
    out.push({
      kind: 'disk', key: `disk/${name}-${i}`, type: diskSku, attrs: { sizeGiB: model.storage.sizeGiB, region: plan.region }, replaceOn: ['region'], growOnly: ['sizeGiB'],
      inPlace: { sizeGiB: 'grown online: the volume is resized and the server\'s agent grows the file system, PostgreSQL keeps running' },
      disruptive: true,
    });
    if (model.network.publicIp) out.push({ kind: 'public-ip', key: `public-ip/${name}-${i}`, type: names['public-ip'] ?? 'public IP', attrs: { region: plan.region } });
  }
  if (model.network.egress === 'nat' && !model.network.provided.includes(plan.cloud)) {
    out.push({ kind: 'nat', key: `nat/${name}`, type: names.nat ?? 'NAT gateway', attrs: { region: plan.region, servers: n }, replaceOn: ['region'] });
    out.push({ kind: 'public-ip', key: `public-ip/${name}-nat`, type: names['public-ip'] ?? 'public IP', attrs: { region: plan.region, for: 'nat' } });
  }
  out.push({ kind: 'firewall', key: `firewall/${name}`, type: names.firewall ?? 'firewall', attrs: { port: 5432, cidrs: model.network.allowedCidrs } });
  out.push({ kind: 'secret', key: `secret/${name}`, type: names.secret ?? 'secret', attrs: { holds: 'postgres superuser password' } });
  // The bucket always exists: it holds the servers' configuration documents, and the backups when they are on.
  out.push({
    kind: 'bucket', key: `bucket/${name}-backups`, type: catalog.data.objectStorageClass,
    attrs: { retentionDays: model.backup.enabled ? model.backup.retentionDays : 0, backups: model.backup.enabled, region: plan.region }, replaceOn: ['region'],
    inPlace: { retentionDays: 'in place: the lifecycle rule changes and the agent rewrites pgBackRest\'s retention' },
  });
  if (model.backup.enabled) {
    out.push({
      kind: 'backup-schedule', key: `backup-schedule/${name}`, type: 'pgBackRest + systemd timer', attrs: { schedule: model.backup.schedule, retentionDays: model.backup.retentionDays, validate: model.backup.validate },
      inPlace: { schedule: IN_PLACE_CONFIG, retentionDays: IN_PLACE_CONFIG, validate: IN_PLACE_CONFIG },
    });
  }
  return out;
}

const IN_PLACE_CONFIG = 'in place: the server\'s agent applies the new configuration within 2 minutes and reloads PostgreSQL (a restart only for settings that need one)';

/** How the servers reach the internet, in a reviewer's words (a note of the cloud plan). */
export function egressNote(model: PlanModel, cloud: CloudId): string {
  switch (model.network.egress) {
    case 'nat':
      return model.network.provided.includes(cloud)
        ? 'egress: through the route out of your network from autostack.yaml (nothing is created for it)'
        : `egress: ${cloudKnowledge(cloud).names.nat ?? 'a NAT gateway'} with one public address; the servers keep private addresses`;
    case 'public-ip':
      return 'egress: each server\'s own public address (inbound still limited to allowedCidrs)';
    case 'none':
      return 'egress: none — the servers cannot reach the internet; the image must already hold PostgreSQL, pgBackRest and the cloud CLI (or a private mirror), and the cloud\'s storage and secret APIs are reached privately';
  }
}

/** What the servers' configuration document is made of, in short; a change is applied in place. */
function configSummary(model: PlanModel): string {
  const settings = Object.entries(model.postgres.settings).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${String(v)}`);
  return [`max_connections=${model.postgres.maxConnections}`, ...settings, `backup=${model.backup.enabled ? `${model.backup.schedule}/${model.backup.retentionDays}d/${model.backup.validate}` : 'off'}`, `allow=${model.network.allowedCidrs.join(',')}`, `replicas=${model.postgres.replicas}`].join(' ');
}
