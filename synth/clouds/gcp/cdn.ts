import { TerraformOutput } from '../../cdktf/index.ts';
import type { ComputeBackendService } from '../../cdktf/gcp.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { shared } from '../../stack/shared.ts';

/**
 * The CDN (on when the plan has one): Cloud CDN on the load balancer's backend service, so the
 * site keeps its names, address and certificates. CACHE_ALL_STATIC caches static content (images,
 * scripts, style sheets, fonts: by content type) and whatever the servers mark cacheable; pages
 * (HTML) are not static content and WordPress marks none cacheable, so they pass through, and a
 * response that sets a cookie or says `private`/`no-store` is never cached (Cloud CDN's rule:
 * https://cloud.google.com/cdn/docs/caching#cacheability). The cache key is host, protocol and
 * query string; stale assets are served up to a day while the servers are unreachable.
 */
export const gcpCdn: ResourceSynth = (ctx) => {
  const backend = shared<ComputeBackendService>(ctx, 'backendService');
  backend.enableCdn = true;
  backend.putCdnPolicy({
    cacheMode: 'CACHE_ALL_STATIC',
    defaultTtl: 3600,
    clientTtl: 3600,
    maxTtl: 86400,
    serveWhileStale: 86400,
    negativeCaching: false,
    requestCoalescing: true,
    cacheKeyPolicy: { includeHost: true, includeProtocol: true, includeQueryString: true },
  });
  new TerraformOutput(ctx.stack, 'cdn', { value: 'Cloud CDN on the load balancer: the site\'s own names and address', description: 'Where the CDN serves the site' });
};
