import { azureKnowledge } from '../../../knowledge-base/clouds/azure/index.ts';
import { azure } from '../../cdktf/azure.ts';
import type { CdnFrontdoorCustomDomain, CdnFrontdoorEndpoint, CdnFrontdoorProfile, ResourceGroup } from '../../cdktf/azure.ts';
import type { StackContext } from '../../stack/context.ts';
import { maybeShared, share, shared } from '../../stack/shared.ts';
import { azName } from './web.ts';

/**
 * The site's HTTPS front: a Front Door Standard profile. Azure has no free DNS-validated
 * certificate for an Application Gateway listener (Key Vault issues through paid certificate
 * authority accounts, and an ACME certificate made in Terraform would keep its private key in
 * state), while Front Door issues and renews a managed certificate per custom domain. Made by the
 * first file that needs it (certificate.ts, appgw.ts or cdn.ts).
 */
export function frontDoor(ctx: StackContext): { profile: CdnFrontdoorProfile; endpoint: CdnFrontdoorEndpoint } {
  const existing = maybeShared<{ profile: CdnFrontdoorProfile; endpoint: CdnFrontdoorEndpoint }>(ctx, 'frontDoor');
  if (existing) return existing;
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const profile = new azure.CdnFrontdoorProfile(ctx.stack, 'front_door', { name: azName(ctx, 'fd', 90), resourceGroupName: rg.name, skuName: 'Standard_AzureFrontDoor', responseTimeoutSeconds: 60, tags: ctx.tags });
  // Front Door adds a hash to the endpoint's host name (<name>-<hash>.z01.azurefd.net): the name itself need not be globally unique.
  const endpoint = new azure.CdnFrontdoorEndpoint(ctx.stack, 'front_door_endpoint', { name: azName(ctx, 'web', 46), cdnFrontdoorProfileId: profile.id, enabled: true, tags: ctx.tags });
  return share(ctx, 'frontDoor', { profile, endpoint });
}

/** A Front Door custom domain with its managed certificate: the host it serves, and whether its validation record is in the site's zone. */
export interface EdgeDomain {
  host: string;
  domain: CdnFrontdoorCustomDomain;
  inSiteZone: boolean;
}

export function edgeDomains(ctx: StackContext): EdgeDomain[] {
  return maybeShared<EdgeDomain[]>(ctx, 'edgeDomains') ?? share(ctx, 'edgeDomains', []);
}

/** Front Door Standard's custom domains per profile, from the knowledge base. */
export const FRONT_DOOR_DOMAINS_PER_PROFILE = azureKnowledge.limits!['custom-domains-per-edge-profile']!.value;
