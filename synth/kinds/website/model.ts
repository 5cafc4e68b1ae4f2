import type { CloudId, Family } from '../../../knowledge-base/types.ts';

/** A fully specified, cloud-agnostic WordPress site: every default applied (file, then profile, then the knowledge base). */
export interface WebsiteModel {
  kind: 'Website';
  name: string;
  project: string;
  org: string;
  labels: Record<string, string>;
  file: string;
  cloud: CloudId;
  /** As written (a cloud region or an alias); each cloud plan resolves it. */
  region: string;
  /** The profile whose values apply, and which fields took its value (dotted spec paths). */
  profile?: { name: string; file: string; fields: string[] };
  names: {
    /** The operator's platform domain (autostack.yaml spec.platform.domain); absent: no platform name. */
    platformDomain?: string;
    route: string;
    extraRoutes: string[];
    custom: string[];
  };
  source: { type: 'blank' } | { type: 'zip'; archive: string } | { type: 'git'; repository: string; ref: string; layout: 'bedrock' | 'wp-content' };
  runtime: {
    php: string;
    wordpress: string;
    size: Size;
    vcpu: number;
    memoryGiB: number;
    family: Family;
    scaling: { mode: 'auto'; min: number; max: number; cpuTarget: number } | { mode: 'notify'; servers: number; cpuAbove: number; notify: string[] };
    objectCache: boolean;
    cacheSize: 'small' | 'medium' | 'large';
    cdn: boolean;
  };
  database: { size: Size; storageGiB: number; highAvailability: boolean; backup: { schedule: string; retentionDays: number } };
  fileBackup: { enabled: boolean; schedule: string; retentionDays: number };
  updates: { strategy: 'rolling' } | { strategy: 'canary'; steps: number[]; pause: string } | { strategy: 'blueGreen'; verifyPath: string };
  availability: { mode: 'single' } | { mode: 'activePassive'; standbyRegion: string } | { mode: 'activeActive'; regions: string[] };
  ip: 'shared' | 'dedicated';
  alerts: { emails: string[] };
  traffic?: { requestsPerMonth?: number; gibPerMonth?: number };
  budget?: { monthlyUsd: number };
  acknowledge?: { downtime?: string };
}

export type Size = 'small' | 'medium' | 'large' | 'xlarge';

/** Web server sizes (the cheapest type of the cloud with at least this is chosen). */
export const WEB_SIZES: Record<Size, { vcpu: number; memoryGiB: number; family: Family }> = {
  small: { vcpu: 2, memoryGiB: 4, family: 'burstable' },
  medium: { vcpu: 2, memoryGiB: 8, family: 'general' },
  large: { vcpu: 4, memoryGiB: 16, family: 'general' },
  xlarge: { vcpu: 8, memoryGiB: 32, family: 'general' },
};

export const WEBSITE_DEFAULTS = {
  route: 'www',
  scaling: { min: 1, max: 2, cpuTarget: 60 },
  notifyOnly: { servers: 1, cpuAbove: 80 },
  storageGiB: 20,
  databaseBackup: { schedule: '0 3 * * *', retentionDays: 7 },
  fileBackup: { schedule: '30 3 * * *', retentionDays: 14 },
  canary: { steps: [10, 50, 100], pause: '10m' },
  healthPath: '/healthz',
  gitRef: 'main',
};

/** The most servers a site runs in its own region (scaling max, or the fixed count). */
export function maxServers(m: WebsiteModel): number {
  return m.runtime.scaling.mode === 'auto' ? m.runtime.scaling.max : m.runtime.scaling.servers;
}

export function minServers(m: WebsiteModel): number {
  return m.runtime.scaling.mode === 'auto' ? m.runtime.scaling.min : m.runtime.scaling.servers;
}
