import { catalogFor } from './catalog.ts';
import type { CloudCatalog } from './catalog.ts';
import { cloudRules } from './clouds/index.ts';
import { chooseImage } from './images.ts';
import type { ImageRef } from './images.ts';
import type { PlanModel } from '../synth/kinds/plan/model.ts';
import { serverCount } from '../synth/kinds/plan/model.ts';
import { resolveRegion } from './regions.ts';
import type { AbstractResource, CloudId, InstanceType } from './types.ts';

export interface CloudPlan {
  cloud: CloudId;
  region: string;
  /** True for the plan's own cloud; the other two are price comparisons. */
  primary: boolean;
  instance?: InstanceType;
  image?: ImageRef;
  resources: AbstractResource[];
  /** Things the reviewer should know (an OS substituted, a price region without offering data). */
  notes: string[];
  /** Why this cloud cannot run the plan as written (errors for the primary cloud). */
  problems: string[];
}

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
  const catalog = catalogFor(cloud);
  const instance = chooseInstance(model, cloud, plan.region, catalog, plan);
  if (!instance) return plan;
  plan.instance = instance;
  const image = chooseImage(cloud, model.os.distro, model.os.version, instance.arch);
  if (!image.ok) {
    plan.problems.push(image.message);
    return plan;
  }
  if (image.substituted) plan.notes.push(image.substituted);
  plan.image = image.image;
  plan.resources = listResources(model, plan, catalog);
  return plan;
}

function chooseInstance(model: PlanModel, cloud: CloudId, region: string, catalog: CloudCatalog, plan: CloudPlan): InstanceType | undefined {
  const explicit = model.compute.instanceType[cloud];
  if (explicit) {
    const t = catalog.instanceType(explicit);
    if (!t) {
      plan.problems.push(`instance type ${explicit} is not in the ${cloud} catalog`);
      return undefined;
    }
    if (catalog.regionPriced(region) && !catalog.computePrice(region, explicit)) {
      plan.problems.push(`instance type ${explicit} is not offered in ${region}`);
      return undefined;
    }
    return t;
  }
  const { vcpu, memoryGiB, family } = model.compute;
  // Burstable is a choice, never a silent downgrade: general sizing only picks general types.
  // When the chosen family has nothing that big, general-purpose types are the fallback.
  for (const f of family === 'general' ? [family] : [family, 'general' as const]) {
    const found = pickType(catalog, region, (t) => t.family === f && t.vcpu >= vcpu && t.memoryGiB >= memoryGiB);
    if (!found) continue;
    if (f !== family) plan.notes.push(`no ${family} type on ${cloud} has ${vcpu} vCPU and ${memoryGiB} GiB: using general-purpose ${found.name}`);
    if (!catalog.regionPriced(region)) plan.notes.push(`the knowledge base has no ${cloud} prices for ${region}: ${found.name} is the smallest fitting type, its price is unknown`);
    return found;
  }
  plan.problems.push(`no instance type on ${cloud} in ${region} has ${vcpu} vCPU and ${memoryGiB} GiB`);
  return undefined;
}

/** The cheapest matching type offered in the region; without prices there, the smallest matching one. */
function pickType(catalog: CloudCatalog, region: string, match: (t: InstanceType) => boolean): InstanceType | undefined {
  if (catalog.regionPriced(region)) return catalog.offers(region).find(match);
  return [...catalog.data.instanceTypes.types].filter(match).sort((a, b) => a.vcpu - b.vcpu || a.memoryGiB - b.memoryGiB || a.name.localeCompare(b.name))[0];
}

function listResources(model: PlanModel, plan: CloudPlan, catalog: CloudCatalog): AbstractResource[] {
  const rules = cloudRules(plan.cloud);
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
      attrs: { role: i === 0 ? 'primary' : 'replica', vcpu: plan.instance!.vcpu, memoryGiB: plan.instance!.memoryGiB, image: imageId, region: plan.region, postgres: model.postgres.version, config: configSummary(model) },
      // The first-boot script carries the configuration: a new one rebuilds the server (the data disk is kept).
      replaceOn: ['region', 'image', 'config'],
    });
    out.push({ kind: 'disk', key: `disk/${name}-${i}`, type: diskSku, attrs: { sizeGiB: model.storage.sizeGiB, region: plan.region }, replaceOn: ['region'] });
    if (model.network.publicIp) out.push({ kind: 'public-ip', key: `public-ip/${name}-${i}`, type: rules.names.publicIp, attrs: { region: plan.region } });
  }
  out.push({ kind: 'firewall', key: `firewall/${name}`, type: rules.names.firewall, attrs: { port: 5432, cidrs: model.network.allowedCidrs } });
  out.push({ kind: 'secret', key: `secret/${name}`, type: rules.names.secret, attrs: { holds: 'postgres superuser password' } });
  if (model.backup.enabled) {
    out.push({ kind: 'bucket', key: `bucket/${name}-backups`, type: catalog.data.objectStorageClass, attrs: { retentionDays: model.backup.retentionDays, region: plan.region }, replaceOn: ['region'] });
    out.push({ kind: 'backup-schedule', key: `backup-schedule/${name}`, type: 'pgBackRest + systemd timer', attrs: { schedule: model.backup.schedule, retentionDays: model.backup.retentionDays, validate: model.backup.validate } });
  }
  return out;
}

/** What the server's first-boot script is made of, in short; when it changes the server is rebuilt. */
function configSummary(model: PlanModel): string {
  const settings = Object.entries(model.postgres.settings).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${String(v)}`);
  return [`max_connections=${model.postgres.maxConnections}`, ...settings, `backup=${model.backup.enabled ? `${model.backup.schedule}/${model.backup.retentionDays}d/${model.backup.validate}` : 'off'}`, `allow=${model.network.allowedCidrs.join(',')}`, `replicas=${model.postgres.replicas}`].join(' ');
}
