import { TerraformIterator, TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { Route53Zone } from '../../cdktf/aws.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { maybeShared } from '../../stack/shared.ts';
import { inZone, keySuffix } from './web.ts';
import { awsRegion, idIn, siteRegions } from './region.ts';
import type { AwsRegion } from './region.ts';

/** What the load balancer's HTTPS listener takes: the validated certificates, the platform's first. */
export interface SiteCertificate {
  id: string;
  /** The ARN of the issued certificate (from its validation: the listener never takes a pending one). */
  arn: string;
}

/**
 * One ACM certificate per plan certificate, DNS-validated, with exactly the plan's names. The
 * platform certificate's validation records go into the site's zone (dns.ts); a custom domain's
 * records are the customer's to create at their DNS provider: they are an output, and the apply
 * waits (up to 45 minutes) for the certificate to be issued. Replaced before it is destroyed, so
 * the listener always has one. ACM certificates are regional: a site's other regions get their
 * own, with the same names; ACM asks the same validation record of every region for a name, so
 * the records are created once and every region's validation waits for them.
 */
export const awsCertificate: ResourceSynth = (ctx, r) => {
  const names = r.attrs.names as readonly string[];
  if (!names?.length) throw new Error(`synth: ${r.key} has no names`);
  const id = `certificate_${keySuffix(ctx, r)}`;
  const zone = maybeShared<Route53Zone>(ctx, 'zone');
  const zoneName = maybeShared<string>(ctx, 'zoneName');
  const inSiteZone = zone !== undefined && zoneName !== undefined && names.every((n) => inZone(n, zoneName));
  const certificateIn = (region: AwsRegion) => new aws.AcmCertificate(ctx.stack, idIn(region, id), {
    ...region.p,
    domainName: ctx.lit(names[0]!),
    ...(names.length > 1 ? { subjectAlternativeNames: names.slice(1).map((n) => ctx.lit(n)) } : {}),
    validationMethod: 'DNS',
    keyAlgorithm: 'EC_prime256v1',
    options: { certificateTransparencyLoggingPreference: 'ENABLED' },
    tags: { Name: ctx.lit(names[0]!) },
    lifecycle: { createBeforeDestroy: true },
  });
  const primary = awsRegion(ctx, 0);
  const cert = certificateIn(primary);
  const options = TerraformIterator.fromComplexList(cert.domainValidationOptions, 'domain_name');
  const dependsOn = [];
  if (inSiteZone) {
    dependsOn.push(new aws.Route53Record(ctx.stack, `${id}_validation`, {
      forEach: options,
      zoneId: zone.zoneId,
      name: options.getString('resource_record_name'),
      type: options.getString('resource_record_type'),
      records: [options.getString('resource_record_value')],
      ttl: 300,
      allowOverwrite: true,
    }));
  } else {
    new TerraformOutput(ctx.stack, `${id}_validation_records`, {
      value: cert.domainValidationOptions,
      description: ctx.lit(`Create these CNAME records at your DNS provider so ${names.join(', ')} can be validated (the apply waits for them)`),
    });
  }
  for (const where of siteRegions(ctx)) {
    const region = awsRegion(ctx, where.index);
    const c = where.index === 0 ? cert : certificateIn(region);
    const validation = new aws.AcmCertificateValidation(ctx.stack, `${idIn(region, id)}_issued`, {
      ...region.p,
      certificateArn: c.arn,
      dependsOn,
      timeouts: { create: '45m' },
    });
    const key = where.index === 0 ? 'certificates' : `certificates${region.id}`;
    const list = maybeShared<SiteCertificate[]>(ctx, key) ?? [];
    list.push({ id, arn: validation.certificateArn });
    ctx.shared.set(key, list);
  }
};

/** The certificates of region `region` for its load balancer's listener, the platform's first. */
export function certificatesIn(ctx: StackContext, region: AwsRegion): SiteCertificate[] {
  return maybeShared<SiteCertificate[]>(ctx, region.index === 0 ? 'certificates' : `certificates${region.id}`) ?? [];
}
