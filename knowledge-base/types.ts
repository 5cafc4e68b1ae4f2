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

/** The resources of a server stack (a PostgreSQL Plan): a region is offered for it only where every one has a price. */
export const SERVER_STACK_KINDS = ['vm', 'disk', 'firewall', 'bucket', 'backup-schedule', 'secret', 'public-ip', 'nat'] as const;

/**
 * The resources a website hosting stack adds (the clouds' WordPress reference architectures):
 * HTTPS load balancer, managed MySQL, shared file storage, object cache, DNS zone, TLS
 * certificate, CDN, an instance group (servers min..max) and monitoring alarms with their
 * notification topic.
 */
export const WEB_KINDS = ['load-balancer', 'mysql', 'file-share', 'cache', 'dns-zone', 'certificate', 'cdn', 'instance-group', 'alarm'] as const;

/** The cloud-agnostic vocabulary of resources: every cloud prices and synthesizes each type it supports. */
export const RESOURCE_KINDS = [...SERVER_STACK_KINDS, ...WEB_KINDS] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/**
 * The resources a website stack creates: the web resources plus the server-stack ones it shares
 * (firewall, backup bucket, secret store, NAT). A region is offered for websites only where every
 * one has a price; a kind whose stack holds other resources names its own list.
 */
export const WEBSITE_STACK_KINDS: readonly ResourceKind[] = [...WEB_KINDS, 'firewall', 'bucket', 'secret', 'nat'];

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
  /** How a change of an attribute is applied in place, in a reviewer's words (shown on the review line). */
  inPlace?: Readonly<Record<string, string>>;
  /**
   * Changing the resource's type stops and starts it (an instance type): the downtime, in words.
   * Without it a type change is an ordinary in-place change.
   */
  restartOnType?: string;
  /** Replacing or restarting it interrupts a service holding data: the review asks for an acknowledgement. */
  disruptive?: boolean;
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
  /**
   * For a resource that scales between a minimum and a maximum (an instance group): the monthly
   * cost at the maximum. `monthlyUsd` (and the totals) are at the minimum.
   */
  maxMonthlyUsd?: number;
}

export interface UnpricedItem {
  resource: string;
  sku: string;
  /** Why there is no figure: free, usage-based (negligible), or missing from the knowledge base. */
  reason: string;
  missing: boolean;
}
