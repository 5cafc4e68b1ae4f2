import { catalogFor } from '../../../knowledge-base/catalog.ts';
import { defaultDistro, latestVersion } from '../../../knowledge-base/images.ts';
import { NAMED_SIZES } from './model.ts';
import type { PlanModel } from './model.ts';
import { defaultVersionFor } from '../../../knowledge-base/postgres.ts';
import type { CloudId } from '../../../knowledge-base/types.ts';
import type { Plan } from '../../../schemas/types.generated.ts';
import type { SettingsModel } from '../../core/resolve/settings.ts';
import { documentIdentity } from '../../core/resolve/identity.ts';

/** The Plan file as the schema allows it; the types are generated from schemas/plan.schema.json. */
/** A schema-valid Plan file; instance types are keyed by any registered cloud's id. */
export type PlanDoc = Plan & { spec?: { compute?: { instanceType?: Partial<Record<CloudId, string>> } } };
export type PlanSpec = Plan['spec'];

export const PLAN_DEFAULTS = {
  sizeGiB: 20,
  maxConnections: 100,
  replicas: 2,
  schedule: '0 3 * * *',
  retentionDays: 7,
  validate: 'weekly' as const,
  allowedCidrs: ['10.0.0.0/8'],
};

export function planCloud(spec: PlanSpec, settings: SettingsModel): CloudId {
  return spec.cloud ?? settings.defaults.cloud;
}

/** Every default applied: from the plan, then the repository settings, then the knowledge base. */
export function resolvePlan(doc: PlanDoc, file: string, settings: SettingsModel): PlanModel {
  const spec = doc.spec ?? {};
  const cloud = planCloud(spec, settings);
  const distro = spec.os?.distro ?? defaultDistro(cloud);
  const topology = spec.postgres?.topology ?? 'single';
  const budget = spec.budget ? { monthlyUsd: spec.budget.monthlyUsd } : undefined;
  return {
    kind: 'Plan',
    ...documentIdentity(doc, file, settings),
    cloud,
    region: spec.region ?? settings.defaults.region,
    os: { distro, version: spec.os?.version !== undefined ? String(spec.os.version) : latestVersion(distro) },
    compute: resolveCompute(spec, cloud),
    storage: { type: 'ssd', sizeGiB: spec.storage?.sizeGiB ?? PLAN_DEFAULTS.sizeGiB },
    postgres: {
      version: spec.postgres?.version !== undefined ? String(spec.postgres.version) : defaultVersionFor(distro),
      topology,
      replicas: topology === 'cluster' ? (spec.postgres?.replicas ?? PLAN_DEFAULTS.replicas) : 0,
      maxConnections: spec.postgres?.maxConnections ?? PLAN_DEFAULTS.maxConnections,
      settings: spec.postgres?.settings ?? {},
    },
    backup: {
      enabled: spec.backup?.enabled ?? true,
      schedule: spec.backup?.schedule ?? PLAN_DEFAULTS.schedule,
      retentionDays: spec.backup?.retentionDays ?? PLAN_DEFAULTS.retentionDays,
      validate: spec.backup?.validate ?? PLAN_DEFAULTS.validate,
    },
    network: resolveNetwork(spec, settings),
    ...(budget ? { budget } : {}),
    ...(spec.acknowledge ? { acknowledge: { ...spec.acknowledge } } : {}),
    ...(spec.migration ? { migration: resolveMigration(spec, settings) } : {}),
  };
}

/** The stack kept on the old cloud runs what it ran: that cloud's default OS unless the plan names one. */
function resolveMigration(spec: PlanSpec, settings: SettingsModel): NonNullable<PlanModel['migration']> {
  const from = spec.migration!.from;
  const distro = spec.os?.distro ?? defaultDistro(from);
  return { from, region: spec.migration!.region ?? spec.region ?? settings.defaults.region, os: { distro, version: spec.os?.version !== undefined ? String(spec.os.version) : latestVersion(distro) } };
}

/** Egress defaults to a NAT (private servers), or to the servers' own addresses when they have public ones. */
function resolveNetwork(spec: PlanSpec, settings: SettingsModel): PlanModel['network'] {
  const egress = spec.network?.egress ?? (spec.network?.publicIp ? 'public-ip' : 'nat');
  const provided = Object.entries(settings.network).filter(([, v]) => v !== undefined && Object.keys(v as object).length > 0).map(([c]) => c).sort();
  return { allowedCidrs: spec.network?.allowedCidrs ?? PLAN_DEFAULTS.allowedCidrs, publicIp: egress === 'public-ip' || (spec.network?.publicIp ?? false), egress, provided };
}

function resolveCompute(spec: PlanSpec, cloud: CloudId): PlanModel['compute'] {
  const c = spec.compute ?? {};
  const instanceType: Partial<Record<CloudId, string>> = c.instanceType ?? {};
  if (c.size && NAMED_SIZES[c.size]) {
    const s = NAMED_SIZES[c.size]!;
    return { vcpu: s.vcpu, memoryGiB: s.memoryGiB, family: c.family ?? s.family, size: c.size, instanceType };
  }
  if (c.vcpu !== undefined && c.memoryGiB !== undefined) {
    return { vcpu: c.vcpu, memoryGiB: c.memoryGiB, family: c.family ?? 'general', instanceType };
  }
  // Only an explicit type: size the other clouds' comparison like it.
  const explicit = instanceType[cloud] ? catalogFor(cloud).instanceType(instanceType[cloud]!) : undefined;
  if (explicit) return { vcpu: explicit.vcpu, memoryGiB: explicit.memoryGiB, family: c.family ?? explicit.family, instanceType };
  const small = NAMED_SIZES.small!;
  return { vcpu: small.vcpu, memoryGiB: small.memoryGiB, family: c.family ?? small.family, size: 'small', instanceType };
}
