import type { CloudId } from '../types.ts';

/** What a cloud must provide for AutoStack to plan and price resources on it. */
export interface CloudRules {
  id: CloudId;
  displayName: string;
  /** How data disks are billed: per GiB provisioned, or as the smallest size tier that holds the disk. */
  diskBilling: 'per-gib' | 'tier';
  /** Cloud names for the abstract resources the Plan kind produces (shown in reviews). */
  names: { firewall: string; secret: string; vm: string; bucket: string; publicIp: string };
  /** Why resources without a price have none (free, or usage-based and negligible). */
  freeResources: Partial<Record<'firewall' | 'backup-schedule' | 'secret', string>>;
}

const registry = new Map<CloudId, CloudRules>();

export function registerCloud(rules: CloudRules): void {
  registry.set(rules.id, rules);
}

export function cloudRules(id: CloudId): CloudRules {
  const r = registry.get(id);
  if (!r) throw new Error(`cloud ${id} is not registered`);
  return r;
}

export function registeredClouds(): CloudRules[] {
  return [...registry.values()];
}
