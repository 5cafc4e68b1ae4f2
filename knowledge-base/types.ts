// Shapes shared by the knowledge base, the core pipeline and the renderers.

/** A registered cloud's id (`aws`, `azure`, `gcp`, …): the clouds are a registry, not a closed list. */
export type CloudId = string;

export type Family = 'general' | 'burstable' | 'memory';
export type Arch = 'x86_64' | 'arm64';

export interface InstanceType {
  name: string;
  family: Family;
  vcpu: number;
  memoryGiB: number;
  arch: Arch;
  burstable: boolean;
}

export interface Price {
  price: number;
  unit: string;
  source: string;
  date: string;
}

/** The cloud-agnostic vocabulary of resources: every cloud prices and synthesizes each type it supports. */
export const RESOURCE_KINDS = ['vm', 'disk', 'firewall', 'bucket', 'backup-schedule', 'secret', 'public-ip', 'nat'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** An abstract resource of a cloud plan: what will exist, with the concrete choices made. */
export interface AbstractResource {
  kind: ResourceKind;
  /** Stable key within the plan (e.g. vm/orders-db-0); diffs match resources by it. */
  key: string;
  /** What it is in the cloud's words: instance type, disk SKU, storage class. */
  type: string;
  /** Attributes that matter for review and cost; a change in `replaceOn` attributes means replace. */
  attrs: Record<string, string | number | boolean | readonly string[]>;
  replaceOn?: readonly string[];
  /** Numeric attributes that can only grow in place (a disk's size): a decrease replaces the resource. */
  growOnly?: readonly string[];
}

export interface CostItem {
  resource: string;
  sku: string;
  unit: string;
  quantity: number;
  unitPriceUsd: number;
  monthlyUsd: number;
  priceSource: string;
  assumption?: string;
}

export interface UnpricedItem {
  resource: string;
  sku: string;
  /** Why there is no figure: free, usage-based (negligible), or missing from the knowledge base. */
  reason: string;
  missing: boolean;
}
