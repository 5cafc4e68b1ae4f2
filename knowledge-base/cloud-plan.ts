import { catalogFor } from './catalog.ts';
import type { CloudCatalog } from './catalog.ts';
import type { ImageRef } from './images.ts';
import type { AbstractResource, CloudId, Family, InstanceType } from './types.ts';

export interface CloudPlan {
  cloud: CloudId;
  region: string;
  /** True for the plan's own cloud; the others are price comparisons. */
  primary: boolean;
  /** A stack kept on another cloud while a migration moves the data: deployed and paid for, not a comparison. */
  kept?: boolean;
  instance?: InstanceType;
  image?: ImageRef;
  resources: AbstractResource[];
  /** Things the reviewer should know (an OS substituted, a price region without offering data). */
  notes: string[];
  /** Why this cloud cannot run the plan as written (errors for the primary cloud). */
  problems: string[];
  /** How clients reach the deployment once applied (a dedicated static IP, a load balancer's address), for the review and the dashboard. */
  address?: string;
}

/** What a kind asks of a server: a size (the cheapest type that fits is chosen) or an explicit type per cloud. */
export interface ComputeRequest {
  vcpu: number;
  memoryGiB: number;
  family: Family;
  instanceType: Partial<Record<CloudId, string>>;
}

/** The instance type for a compute request on one cloud and region; problems and notes go on the plan. */
export function chooseInstance(compute: ComputeRequest, cloud: CloudId, region: string, plan: CloudPlan): InstanceType | undefined {
  const catalog = catalogFor(cloud);
  const explicit = compute.instanceType[cloud];
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
  const { vcpu, memoryGiB, family } = compute;
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
