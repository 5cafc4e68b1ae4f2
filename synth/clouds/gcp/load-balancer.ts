import { TerraformOutput } from '../../cdktf/index.ts';
import { gcp } from '../../cdktf/gcp.ts';
import type { ComputeGlobalAddress, ComputeHealthCheck, ComputeRegionInstanceGroupManager } from '../../cdktf/gcp.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { maybeShared, share, shared } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';
import type { SiteCertificate } from './certificate.ts';
import { gcpSiteRecords } from './dns.ts';
import { gcpName, primaryRegionOnly } from './web.ts';

/**
 * The load balancer's reserved global address. With `ip: dedicated` it is the plan's public-ip
 * resource (misc.ts), kept by Terraform (`prevent_destroy`); with the shared address it is made
 * here with the load balancer. A global load balancer always has an address of its own on GCP:
 * it is reserved either way, so the zone's A records stay valid when the proxies change.
 */
export function gcpLoadBalancerAddress(ctx: StackContext, dedicated: boolean): ComputeGlobalAddress {
  return share(ctx, 'lbAddress', new gcp.ComputeGlobalAddress(ctx.stack, 'lb_address', {
    name: gcpName(ctx, 'lb', 63),
    description: dedicated ? 'AutoStack website: the load balancer\'s dedicated address (kept across changes)' : 'AutoStack website: the load balancer\'s address',
    addressType: 'EXTERNAL',
    ipVersion: 'IPV4',
    labels: gcpLabels(ctx),
    ...(dedicated ? { lifecycle: { preventDestroy: true } } : {}),
  }));
}

/**
 * A global external Application Load Balancer (EXTERNAL_MANAGED): the backend service over the
 * web servers' managed instance group (port name http, utilization balancing, the health path's
 * check, request logging), a URL map, and with certificates a target HTTPS proxy (TLS 1.2+ with
 * the MODERN profile) taking them from a Certificate Manager certificate map (an entry per host
 * name, the first certificate also the primary for clients without SNI), and HTTP answered with a
 * permanent redirect to HTTPS. Without any name (no platform domain, no custom domain) it serves
 * plain HTTP at its address, as the review says. The platform names' A records point at the
 * address. Cloud CDN, when on, is a setting of the backend service (cdn.ts).
 */
export const gcpLoadBalancer: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const { stack } = ctx;
  const labels = gcpLabels(ctx);
  const address = maybeShared<ComputeGlobalAddress>(ctx, 'lbAddress') ?? gcpLoadBalancerAddress(ctx, false);
  const group = shared<ComputeRegionInstanceGroupManager>(ctx, 'group');
  const backend = share(ctx, 'backendService', new gcp.ComputeBackendService(stack, 'web_backend', {
    name: gcpName(ctx, 'web', 63),
    description: ctx.lit(`AutoStack website ${ctx.subject.name}: web servers`),
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    protocol: 'HTTP',
    portName: 'http',
    timeoutSec: 65,
    connectionDrainingTimeoutSec: 30,
    healthChecks: [shared<ComputeHealthCheck>(ctx, 'healthCheck').id],
    backend: [{ group: group.instanceGroup, balancingMode: 'UTILIZATION', maxUtilization: 0.8, capacityScaler: 1 }],
    logConfig: { enable: true, sampleRate: 1 },
    enableCdn: false,
  }));
  const urlMap = new gcp.ComputeUrlMap(stack, 'web_urls', { name: gcpName(ctx, 'web', 63), description: 'AutoStack website: every request to the web servers', defaultService: backend.id });
  const certs = maybeShared<SiteCertificate[]>(ctx, 'certificates') ?? [];
  if (Number(r.attrs.certificates ?? certs.length) !== certs.length) throw new Error(`synth: ${r.key} expects ${String(r.attrs.certificates)} certificates, ${certs.length} were built`);
  if (certs.length) {
    const map = new gcp.CertificateManagerCertificateMap(stack, 'certificate_map', { name: gcpName(ctx, 'certs', 63), description: ctx.lit(`AutoStack website ${ctx.subject.name}: its certificates by host name`), labels });
    new gcp.CertificateManagerCertificateMapEntry(stack, 'certificate_map_primary', { name: gcpName(ctx, 'primary', 63), map: map.name, certificates: [certs[0]!.ref], matcher: 'PRIMARY', labels });
    let n = 0;
    for (const c of certs) {
      for (const host of c.names) {
        new gcp.CertificateManagerCertificateMapEntry(stack, `certificate_map_entry_${n}`, { name: gcpName(ctx, `host-${n}`, 63), map: map.name, certificates: [c.ref], hostname: ctx.lit(host), labels });
        n += 1;
      }
    }
    const tls = new gcp.ComputeSslPolicy(stack, 'tls', { name: gcpName(ctx, 'tls', 63), description: 'AutoStack website: TLS 1.2 and later, modern ciphers', profile: 'MODERN', minTlsVersion: 'TLS_1_2' });
    const https = new gcp.ComputeTargetHttpsProxy(stack, 'https', { name: gcpName(ctx, 'https', 63), urlMap: urlMap.id, certificateMap: `//certificatemanager.googleapis.com/${map.id}`, sslPolicy: tls.id, quicOverride: 'NONE' });
    new gcp.ComputeGlobalForwardingRule(stack, 'https_rule', { name: gcpName(ctx, 'https', 63), target: https.id, ipAddress: address.address, ipProtocol: 'TCP', portRange: '443', loadBalancingScheme: 'EXTERNAL_MANAGED', labels });
    const redirect = new gcp.ComputeUrlMap(stack, 'http_redirect', { name: gcpName(ctx, 'redirect', 63), description: 'AutoStack website: HTTP to HTTPS', defaultUrlRedirect: { httpsRedirect: true, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT', stripQuery: false } });
    const http = new gcp.ComputeTargetHttpProxy(stack, 'http', { name: gcpName(ctx, 'http', 63), urlMap: redirect.id });
    new gcp.ComputeGlobalForwardingRule(stack, 'http_rule', { name: gcpName(ctx, 'http', 63), target: http.id, ipAddress: address.address, ipProtocol: 'TCP', portRange: '80', loadBalancingScheme: 'EXTERNAL_MANAGED', labels });
  } else {
    const http = new gcp.ComputeTargetHttpProxy(stack, 'http', { name: gcpName(ctx, 'http', 63), urlMap: urlMap.id });
    new gcp.ComputeGlobalForwardingRule(stack, 'http_rule', { name: gcpName(ctx, 'http', 63), target: http.id, ipAddress: address.address, ipProtocol: 'TCP', portRange: '80', loadBalancingScheme: 'EXTERNAL_MANAGED', labels });
  }
  gcpSiteRecords(ctx, address.address);
  new TerraformOutput(stack, 'load_balancer_address', { value: address.address, description: ctx.workload.outputs.primaryAddress ?? 'The load balancer\'s address: point custom domains at it (A record)' });
};
