import { TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { Lb } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { maybeShared, shared } from '../../stack/shared.ts';
import type { SiteCertificate } from './certificate.ts';

/** AWS's managed CloudFront policies (ids are fixed by AWS: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';

/**
 * The CDN (on when the plan has one): a CloudFront distribution in front of the load balancer.
 * Pages pass through uncached with every header and cookie (WordPress decides per request);
 * `wp-content/` and `wp-includes/` assets are cached. The origin is the site's first platform
 * name over HTTPS (the load balancer's certificate covers it), or the load balancer's own address
 * over HTTP when the site has no name. Viewers reach it at its cloudfront.net name (output): the
 * site's names keep pointing at the load balancer until a us-east-1 certificate for them is added.
 */
export const awsCdn: ResourceSynth = (ctx) => {
  const lb = shared<Lb>(ctx, 'lb');
  const names = maybeShared<readonly string[]>(ctx, 'zoneRecords') ?? [];
  const https = names.length > 0 && (maybeShared<SiteCertificate[]>(ctx, 'certificates') ?? []).length > 0;
  const originId = 'load-balancer';
  const assets = (pathPattern: string) => ({ pathPattern, targetOriginId: originId, viewerProtocolPolicy: 'redirect-to-https', allowedMethods: ['GET', 'HEAD', 'OPTIONS'], cachedMethods: ['GET', 'HEAD'], cachePolicyId: CACHING_OPTIMIZED, compress: true });
  const cdn = new aws.CloudfrontDistribution(ctx.stack, 'cdn', {
    enabled: true,
    isIpv6Enabled: true,
    comment: ctx.lit(`AutoStack website ${ctx.subject.name}`),
    priceClass: 'PriceClass_100',
    httpVersion: 'http2and3',
    origin: [{
      originId,
      domainName: https ? ctx.lit(names[0]!) : lb.dnsName,
      customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: https ? 'https-only' : 'http-only', originSslProtocols: ['TLSv1.2'] },
    }],
    defaultCacheBehavior: {
      targetOriginId: originId, viewerProtocolPolicy: 'redirect-to-https', allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'], cachedMethods: ['GET', 'HEAD'],
      cachePolicyId: CACHING_DISABLED, originRequestPolicyId: ALL_VIEWER, compress: true,
    },
    orderedCacheBehavior: [assets('/wp-content/*'), assets('/wp-includes/*')],
    restrictions: { geoRestriction: { restrictionType: 'none' } },
    viewerCertificate: { cloudfrontDefaultCertificate: true },
  });
  new TerraformOutput(ctx.stack, 'cdn_domain_name', { value: cdn.domainName, description: 'The CDN\'s address (CloudFront)' });
};
