import type { Distro } from '../../../knowledge-base/images.ts';
import type { CloudId, Family } from '../../../knowledge-base/types.ts';

/** A fully specified, cloud-agnostic PostgreSQL plan (the "cs-json"): every default applied. */
export interface PlanModel {
  kind: 'Plan';
  name: string;
  project: string;
  org: string;
  labels: Record<string, string>;
  file: string;
  cloud: CloudId;
  /** As written (a cloud region or an alias); each cloud plan resolves it. */
  region: string;
  os: { distro: Distro; version: string };
  compute: {
    vcpu: number;
    memoryGiB: number;
    family: Family;
    size?: string;
    instanceType: Partial<Record<CloudId, string>>;
  };
  storage: { type: 'ssd'; sizeGiB: number };
  postgres: {
    version: string;
    topology: 'single' | 'cluster';
    replicas: number;
    maxConnections: number;
    settings: Record<string, string | number | boolean>;
  };
  backup: { enabled: boolean; schedule: string; retentionDays: number; validate: 'never' | 'daily' | 'weekly' | 'monthly' };
  network: {
    allowedCidrs: string[];
    /** Every server has a public address (asked for, or the egress path). */
    publicIp: boolean;
    egress: Egress;
    /** Clouds on which autostack.yaml names an existing network: its own route out is used. */
    provided: CloudId[];
  };
  budget?: { monthlyUsd: number };
  /** Why servers may be stopped or replaced, as written in this change (see checkPlanTransition). */
  acknowledge?: { downtime?: string };
  /** The stack kept on the previous cloud while the data moves. */
  migration?: { from: CloudId; region: string; os: { distro: Distro; version: string } };
}

/** How servers reach the internet: a NAT, their own public address, or not at all. */
export type Egress = 'nat' | 'public-ip' | 'none';

export const NAMED_SIZES: Record<string, { vcpu: number; memoryGiB: number; family: Family }> = {
  small: { vcpu: 2, memoryGiB: 4, family: 'burstable' },
  medium: { vcpu: 2, memoryGiB: 8, family: 'general' },
  large: { vcpu: 4, memoryGiB: 16, family: 'general' },
  xlarge: { vcpu: 8, memoryGiB: 32, family: 'general' },
};

export function serverCount(model: PlanModel): number {
  return 1 + (model.postgres.topology === 'cluster' ? model.postgres.replicas : 0);
}
