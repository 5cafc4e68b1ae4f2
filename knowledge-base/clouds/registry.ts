import type { CloudData } from '../catalog.ts';
import type { CloudImages } from '../images.ts';
import type { PriceComponent } from '../pricing.ts';
import type { CloudId, ResourceKind } from '../types.ts';

/** How a cloud maps the cloud-agnostic region aliases, and which alias each of its regions is nearest to. */
export interface CloudRegions {
  source: string;
  date: string;
  aliases: Record<string, string>;
  nearest: Record<string, string>;
}

/**
 * What the knowledge base knows of one cloud (browser-safe: the editor prices live). Each cloud
 * is a folder `knowledge-base/clouds/<cloud>/` exporting one of these.
 */
export interface CloudKnowledge {
  id: CloudId;
  displayName: string;
  /** Instance catalog, regions and price lists with their sources (data.json). */
  data: CloudData;
  regions: CloudRegions;
  images: CloudImages;
  /** The cloud's names for the abstract resources (shown in reviews). */
  names: Partial<Record<ResourceKind, string>>;
  /** One price component per abstract resource type the cloud supports. */
  prices: Partial<Record<ResourceKind, PriceComponent>>;
  /**
   * Whether servers without any way to the internet (egress none) still reach the cloud's storage
   * and secret services in the network AutoStack creates; when not, why (egress none then needs a
   * network of the customer's that provides it).
   */
  privateServices: { ok: true } | { ok: false; why: string };
  /**
   * Service limits a kind plans against (`certificates-per-load-balancer`, `names-per-certificate`,
   * …), each with the page that states it. A kind reads the ones it needs and says so when a
   * figure is missing.
   */
  limits?: Record<string, CloudLimit>;
  /**
   * The cloud's type for an abstract resource of a named size (`mysql.small` → `db.t4g.small`):
   * kinds that size managed services by name ask here, so the cloud's folder owns its SKUs.
   */
  sizes?: Partial<Record<ResourceKind, Record<string, SizedType>>>;
  /**
   * Where the cloud's HTTPS load balancer connects to its backends from (the networks a web
   * server trusts for X-Forwarded-For / X-Forwarded-Proto), with the page that states it.
   */
  loadBalancerSources?: { cidrs: string[]; source: string };
  /**
   * Whether a website's HTTPS is served at the cloud's edge service (its CDN) rather than at the
   * load balancer, with why: then every website plan has the `cdn` resource (billed whether or
   * not the site caches), its `caching` attribute saying whether the site's CDN is on.
   */
  edgeTls?: { why: string };
  /** Mount options of the cloud's NFS file share (EFS, Azure Files NFS, Filestore), as its documentation recommends. */
  nfsMountOptions?: { options: string; source: string };
  /**
   * How the cloud gives its HTTPS load balancer a dedicated static address (a website's `ip:
   * dedicated`): how many public addresses that takes (one per zone where the front spans zones)
   * and what carries them when the load balancer itself cannot (a network load balancer in front),
   * with the page that states it. Absent: one address on the load balancer itself.
   */
  dedicatedIp?: { addresses: number; via?: string; source: string };
}

/** A service limit of a cloud and where it is written. */
export interface CloudLimit {
  value: number;
  /** The documentation page that states it. */
  source: string;
  /** What it counts, in a reviewer's words. */
  what: string;
}

/** A managed service's type for a named size, with the vCPU and memory it gives (for the review and for clouds priced per vCPU and GiB). */
export interface SizedType {
  type: string;
  vcpu?: number;
  memoryGiB?: number;
  /**
   * The class taken instead when the resource is made highly available, where the cloud offers
   * high availability on some classes only (Azure MySQL: not on Burstable), with its size and why.
   */
  highAvailability?: { type: string; vcpu?: number; memoryGiB?: number; why: string };
}

const registry = new Map<CloudId, CloudKnowledge>();

/** Called by the wiring module (synth/index.ts) through the cloud registry; a second registration replaces the first. */
export function registerCloudKnowledge(cloud: CloudKnowledge): void {
  registry.set(cloud.id, cloud);
}

export function unregisterCloudKnowledge(id: CloudId): void {
  registry.delete(id);
}

export function cloudKnowledge(id: CloudId): CloudKnowledge {
  const c = registry.get(id);
  if (!c) throw new Error(`cloud "${id}" is not registered (registered: ${[...registry.keys()].join(', ')})`);
  return c;
}

export function cloudIds(): CloudId[] {
  return [...registry.keys()];
}

export function displayName(id: CloudId): string {
  return registry.get(id)?.displayName ?? id;
}
