import { TerraformOutput } from '../../cdktf/index.ts';
import { azure } from '../../cdktf/azure.ts';
import type { DnsZone } from '../../cdktf/azure.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { maybeShared } from '../../stack/shared.ts';
import { edgeDomains, FRONT_DOOR_DOMAINS_PER_PROFILE, frontDoor } from './edge.ts';
import { inZone, keySuffix, relativeName } from './web.ts';

/**
 * A plan certificate on Azure: one Front Door custom domain per name, each with its Front Door
 * managed certificate (issued and renewed by Azure, DNS-validated with a `_dnsauth.<name>` TXT
 * record; its private key never reaches Terraform). A managed certificate covers one exact name:
 * the platform certificate's one-label wildcard becomes a custom domain per platform name it
 * covers (all in the site's zone, where their validation records are written); a custom wildcard
 * domain would need a certificate of the customer's own in Key Vault, which AutoStack does not
 * take, so it is refused. A custom domain's records are the customer's to create: an output says
 * which. The domains are attached to the routes in cdn.ts.
 */
export const azureCertificate: ResourceSynth = (ctx, r) => {
  const names = r.attrs.names as readonly string[];
  if (!names?.length) throw new Error(`synth: ${r.key} has no names`);
  const zone = maybeShared<DnsZone>(ctx, 'zone');
  const zoneName = maybeShared<string>(ctx, 'zoneName');
  const covers = (r.attrs.covers as readonly string[] | undefined) ?? [];
  const hosts = names.flatMap((name) => {
    if (!name.startsWith('*.')) return [name];
    if (zoneName && inZone(name.slice(2), zoneName)) return covers.filter((h) => !h.startsWith('*.') && h.endsWith(name.slice(1)));
    throw new Error(`Azure cannot serve the wildcard domain ${name} of ${ctx.subject.name}: Front Door's managed certificates cover exact names only (a wildcard needs the customer's own certificate in Key Vault, which AutoStack does not take); list the exact names in spec.domains.custom instead`);
  });
  const { profile, endpoint } = frontDoor(ctx);
  const list = edgeDomains(ctx);
  const suffix = keySuffix(ctx, r);
  const outside: { host: string; validation: string }[] = [];
  hosts.forEach((host, n) => {
    const inSiteZone = zone !== undefined && zoneName !== undefined && inZone(host, zoneName);
    const domain = new azure.CdnFrontdoorCustomDomain(ctx.stack, `domain_${suffix}_${n}`, {
      name: `${suffix.replace(/_/g, '-')}-${n}`,
      cdnFrontdoorProfileId: profile.id,
      hostName: ctx.lit(host),
      ...(inSiteZone ? { dnsZoneId: zone.id } : {}),
      tls: { certificateType: 'ManagedCertificate', minimumTlsVersion: 'TLS12' },
    });
    if (inSiteZone) {
      new azure.DnsTxtRecord(ctx.stack, `domain_${suffix}_${n}_validation`, {
        name: ctx.lit(`_dnsauth.${relativeName(host, zoneName)}`.replace(/\.@$/, '')),
        zoneName: zone.name,
        resourceGroupName: zone.resourceGroupName,
        ttl: 3600,
        record: [{ value: domain.validationToken }],
        tags: ctx.tags,
      });
    } else {
      outside.push({ host, validation: domain.validationToken });
    }
    list.push({ host, domain, inSiteZone });
  });
  if (list.length > FRONT_DOOR_DOMAINS_PER_PROFILE) throw new Error(`Azure cannot serve ${ctx.subject.name}'s ${list.length} names: Front Door Standard takes at most ${FRONT_DOOR_DOMAINS_PER_PROFILE} custom domains per profile; use fewer custom domains`);
  if (outside.length) {
    new TerraformOutput(ctx.stack, `certificate_${suffix}_validation_records`, {
      value: outside.map((o) => ({ name: ctx.lit(o.host), cname: endpoint.hostName, validation_txt_name: ctx.lit(`_dnsauth.${o.host}`), validation_txt_value: o.validation })),
      description: ctx.lit(`Create these records at your DNS provider for ${outside.map((o) => o.host).join(', ')}: the TXT record lets Front Door issue the certificate, the CNAME sends visitors to the site`),
    });
  }
};
