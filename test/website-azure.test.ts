// The Azure stack of a Website (synth/clouds/azure/: Front Door with managed certificates, an
// Application Gateway, a VM scale set, Azure Files NFS, MySQL flexible server, Redis, Azure DNS,
// Monitor alerts, with the network, NAT, bucket and Key Vault the Plan's stacks use), built with
// the Website kind's own workload: golden stacks for a typical site and the blog template, the
// wiring, names and certificates against the cloud plan, what an ordinary change leaves alone,
// what Azure cannot build yet, and the Terraform text checked offline (no provider download).
//
// Azure's website prices are not in the knowledge base yet (a separate change), so the region is
// not offered and the plan carries that one problem: the stacks are built here from the plan
// directly, with that problem (and no other) set aside.
import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CloudPlan } from '../knowledge-base/cloud-plan.ts';
import { cloudKnowledge } from '../knowledge-base/clouds/registry.ts';
import { Synthesis } from '../synth/cdktf/index.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import type { SettingsModel } from '../synth/core/resolve/settings.ts';
import { renderTemplate } from '../synth/core/templates/templates.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { websiteKind } from '../synth/kinds/website/index.ts';
import type { WebsiteModel } from '../synth/kinds/website/model.ts';
import { buildStack } from '../synth/stack/build.ts';
import { cloudStacks } from '../synth/stack/registry.ts';
import { loadTemplates } from '../templates/load.ts';
import { AZURE_CUSTOM_DATA_LIMIT } from '../synth/clouds/azure/vm.ts';
import { rollingPolicy } from '../synth/clouds/azure/group.ts';
import { danglingReferences, SHOP_TAGS, taggedTypes, tempDir, typicalShop, websiteFile, writeFiles } from './helpers.ts';
import { needTool } from './tools.ts';

const NOW = new Date('2026-11-29T12:00:00Z');
const settings: SettingsModel = { ...resolveSettings(undefined), org: 'acme', platform: { domain: 'sites.example.net' } };
const infra = websiteKind.infrastructure!;

const TYPICAL = typicalShop('large');

const site = websiteFile;
/** The site loaded as written (on AWS, the one cloud with website prices), then moved to Azure's counterpart region. */
function onAzure(model: WebsiteModel, s: SettingsModel = settings): WebsiteModel {
  const alias = cloudKnowledge('aws').regions.nearest[model.region] ?? 'us-east';
  return { ...model, cloud: 'azure', region: cloudKnowledge('azure').regions.aliases[alias]!, org: s.org ?? model.org };
}
function modelOf(text: string, s: SettingsModel = settings): WebsiteModel {
  const d = loadDocument('.autostack/shop.yaml', text, s, { now: NOW });
  const errors = d.diagnostics.filter((x) => x.severity === 'error');
  if (!d.model || errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  return onAzure(d.model as WebsiteModel, s);
}
const UNPRICED = /is not offered on azure: not every resource has a price there yet/;
async function build(model: WebsiteModel, s: SettingsModel = settings): Promise<{ raw: string; json: Record<string, any>; plan: CloudPlan }> {
  const plan = infra.plan(model)[0]!;
  expect(plan.cloud).toBe('azure');
  // Only the missing prices stand in the way; any other problem is the test's to see.
  expect(plan.problems.filter((p) => !UNPRICED.test(p))).toEqual([]);
  const built = await buildStack(new Synthesis(), await cloudStacks('azure'), infra as never, model, { ...plan, problems: [] }, s);
  return { raw: built.json, json: JSON.parse(built.json), plan };
}
const stackOf = (text: string, s: SettingsModel = settings) => build(modelOf(text, s), s);
const unescape = (s: string) => s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');

describe('a Website on Azure', () => {
  it('synthesizes the typical site to its reviewed golden stack', async () => {
    const { raw } = await stackOf(site(TYPICAL));
    await expect(raw).toMatchFileSnapshot('__golden__/synth/website-shop-azure.tf.json');
  });

  it('synthesizes the website templates on Azure: the blog and the shop to their golden stacks, the standby agency refused with the reason', async () => {
    const templates = (await loadTemplates()).filter((t) => t.meta.name.startsWith('wp-'));
    expect(templates.map((t) => t.meta.name).sort()).toEqual(['wp-agency-standby', 'wp-blog', 'wp-shop-ha']);
    const outcome: Record<string, string> = {};
    for (const t of templates) {
      // AWS prices websites in us-east only: the agency's standby region is set on the model once loaded.
      const standby = 'standbyRegion' in t.meta.parameters.properties;
      const r = renderTemplate(t.meta, t.sources, { cloud: 'aws' });
      if (!r.ok) throw new Error(r.errors.join());
      const text = r.files[0]!.text;
      const availability = /^ {2}availability: \{ mode: activePassive, standbyRegion: "?([-a-z0-9]+)"? \}$/m.exec(text);
      expect(availability !== null).toBe(standby);
      const d = loadDocument(r.files[0]!.path, text.replace(/^ {2}availability: .*$/m, '  availability: { mode: single }'), settings, { now: NOW });
      if (!d.model) throw new Error(d.diagnostics.map((x) => x.message).join('\n'));
      const model = onAzure(d.model as WebsiteModel);
      if (availability) model.availability = { mode: 'activePassive', standbyRegion: availability[1]! };
      try {
        const { raw } = await build(model);
        await expect(raw).toMatchFileSnapshot(`__golden__/synth/website-${t.meta.name.replace(/^wp-/, '')}-azure.tf.json`);
        outcome[t.meta.name] = 'built';
      } catch (e) {
        outcome[t.meta.name] = (e as Error).message;
      }
    }
    expect(outcome['wp-blog']).toBe('built');
    // The shop's highly available database takes the General Purpose class; the agency asks for a second region.
    expect(outcome['wp-shop-ha']).toBe('built');
    expect(outcome['wp-agency-standby']).toMatch(/^Azure cannot build public-ip\/\S+-nat-standby-1 in \S+ yet: a site's second region .* is not built on Azure; use availability single$/);
  });

  it('fronts the site with Front Door: routes to the Application Gateway, which takes Front Door only and forwards to the scale set, health on the health path', async () => {
    const { json } = await stackOf(site(TYPICAL));
    const r = json.resource;
    expect(r.azurerm_cdn_frontdoor_profile.front_door.sku_name).toBe('Standard_AzureFrontDoor');
    expect(r.azurerm_cdn_frontdoor_origin.front_door_gateway).toMatchObject({ host_name: '${azurerm_public_ip.appgw_ip.ip_address}', http_port: 80, cdn_frontdoor_origin_group_id: '${azurerm_cdn_frontdoor_origin_group.front_door_origins.id}' });
    expect(r.azurerm_cdn_frontdoor_origin_group.front_door_origins.health_probe).toMatchObject({ path: '/healthz', protocol: 'Http' });
    // CDN off: one route, every path, nothing cached; HTTPS at the edge, HTTP to the gateway.
    expect(Object.keys(r.azurerm_cdn_frontdoor_route)).toEqual(['front_door_pages']);
    expect(r.azurerm_cdn_frontdoor_route.front_door_pages).toMatchObject({ patterns_to_match: ['/*'], forwarding_protocol: 'HttpOnly', https_redirect_enabled: true, supported_protocols: ['Http', 'Https'] });
    expect(r.azurerm_cdn_frontdoor_route.front_door_pages).not.toHaveProperty('cache');
    // The gateway: Standard_v2 in its own subnet, one HTTP listener, the health path checked (200 only).
    const gw = r.azurerm_application_gateway.appgw;
    expect(gw.sku).toEqual({ name: 'Standard_v2', tier: 'Standard_v2' });
    expect(gw.gateway_ip_configuration).toEqual([{ name: 'gateway', subnet_id: '${azurerm_subnet.gateway_subnet.id}' }]);
    expect(gw.http_listener).toEqual([expect.objectContaining({ protocol: 'Http', frontend_port_name: 'http' })]);
    expect(gw.frontend_port).toEqual([{ name: 'http', port: 80 }]);
    expect(gw.probe[0]).toMatchObject({ path: '/healthz', protocol: 'Http', match: { status_code: ['200'] } });
    expect(gw.backend_http_settings[0]).toMatchObject({ port: 80, protocol: 'Http', probe_name: 'health' });
    // Only this site's Front Door profile gets through: any other X-Azure-FDID has its Host rewritten to a name no server answers.
    expect(gw.rewrite_rule_set[0].rewrite_rule[0]).toMatchObject({
      condition: [{ variable: 'http_req_X-Azure-FDID', pattern: '^${azurerm_cdn_frontdoor_profile.front_door.resource_guid}$', negate: true }],
      request_header_configuration: [{ header_name: 'Host', header_value: 'not-through-front-door.invalid' }],
    });
    expect(gw.request_routing_rule[0]).toMatchObject({ rewrite_rule_set_name: 'front-door-only', backend_address_pool_name: 'web' });
    // The gateway's subnet takes 80 from Front Door's service tag and what a v2 gateway needs; the servers' subnet 80 from the gateway's subnet only.
    const rules = (nsg: string) => r.azurerm_network_security_group[nsg].security_rule.map((x: any) => [x.access, x.source_address_prefix, x.destination_port_range]);
    expect(rules('gateway_nsg')).toEqual([['Allow', 'AzureFrontDoor.Backend', '80'], ['Allow', 'GatewayManager', '65200-65535'], ['Allow', 'AzureLoadBalancer', '*'], ['Deny', 'Internet', '*']]);
    expect(rules('web_nsg')).toEqual([['Allow', '10.240.2.0/24', '80'], ['Allow', 'AzureLoadBalancer', '*'], ['Deny', 'VirtualNetwork', '*'], ['Deny', 'Internet', '*']]);
    expect(r.azurerm_subnet.gateway_subnet.address_prefixes).toEqual(['10.240.2.0/24']);
    // The servers trust forwarded headers from the knowledge base's networks: the gateway's subnet is inside them.
    expect(cloudKnowledge('azure').loadBalancerSources!.cidrs).toEqual(['10.240.0.0/16']);
    // The scale set: in the gateway's pool, health by the Application Health extension, rolling upgrades as the canary asks.
    const vmss = r.azurerm_linux_virtual_machine_scale_set.web_group;
    expect(vmss).toMatchObject({ sku: 'Standard_D2s_v5', instances: 2, upgrade_mode: 'Rolling', identity: { type: 'SystemAssigned' }, disable_password_authentication: true, automatic_instance_repair: { enabled: true } });
    expect(vmss.network_interface[0].ip_configuration[0]).toMatchObject({ subnet_id: '${azurerm_subnet.subnet.id}', application_gateway_backend_address_pool_ids: ['${tolist(azurerm_application_gateway.appgw.backend_address_pool).0.id}'] });
    expect(JSON.parse(vmss.extension[0].settings)).toEqual({ protocol: 'http', port: 80, requestPath: '/healthz' });
    expect(vmss.rolling_upgrade_policy).toMatchObject({ max_batch_instance_percent: 10, pause_time_between_batches: 'PT15M', maximum_surge_instances_enabled: true });
    expect(vmss.lifecycle).toEqual({ ignore_changes: ['instances'] });
    expect(vmss.depends_on).toEqual(expect.arrayContaining(['azurerm_storage_blob.site_config', 'azurerm_subnet_nat_gateway_association.nat_subnet', 'azurerm_storage_share.shared_files_share', 'azurerm_private_endpoint.cache_endpoint']));
    expect(Buffer.from(vmss.custom_data, 'base64').toString('utf8')).toMatch(/^#cloud-config\n/);
    // The values the servers read at boot are the scale set's tags (IMDS tagsList).
    expect(vmss.tags).toMatchObject({ 'autostack-org': 'acme', 'autostack-db-host': '${azurerm_mysql_flexible_server.mysql.fqdn}', 'autostack-db-secret': 'wordpress-db', 'autostack-nfs-export': expect.stringMatching(/^asf[0-9a-f]{8}shop\.file\.core\.windows\.net:\/asf[0-9a-f]{8}shop\/uploads$/), 'autostack-cache-host': '${azurerm_redis_cache.cache.hostname}' });
    // CPU autoscale between min and max around the target.
    const as = r.azurerm_monitor_autoscale_setting.web_autoscale;
    expect(as.profile[0].capacity).toEqual({ default: 2, minimum: 2, maximum: 6 });
    expect(as.profile[0].rule.map((x: any) => [x.metric_trigger.operator, x.metric_trigger.threshold, x.scale_action.direction])).toEqual([['GreaterThan', 55, 'Increase'], ['LessThan', 30, 'Decrease']]);
    // The identity: write its own site secret, read the password's, read the configuration, write the backups' container.
    const roles = Object.fromEntries(Object.entries(r.azurerm_role_assignment as Record<string, any>).filter(([k]) => k.startsWith('web_')).map(([k, v]) => [k, [v.role_definition_name, v.scope]]));
    expect(roles).toEqual({
      web_site_secret: ['Key Vault Secrets Officer', '${azurerm_key_vault_secret.wordpress_secret.resource_versionless_id}'],
      web_db_secret: ['Key Vault Secrets User', '${azurerm_key_vault_secret.mysql_password.resource_versionless_id}'],
      web_config_reader: ['Storage Blob Data Reader', '${azurerm_storage_account.backups.id}/blobServices/default/containers/${azurerm_storage_container.config_container.name}'],
      web_backups: ['Storage Blob Data Contributor', '${azurerm_storage_account.backups.id}/blobServices/default/containers/${azurerm_storage_container.backups_container.name}'],
    });
    expect(r.azurerm_storage_container.backups_container.name).toBe('site-backups');
    expect(r.azurerm_storage_management_policy.backups_lifecycle.rule[0]).toMatchObject({ filters: { prefix_match: ['site-backups/backups/'] }, actions: { base_blob: { delete_after_days_since_modification_greater_than: 14 } } });
    expect(r.azurerm_storage_blob.site_config).toMatchObject({ name: 'autostack/config/website.json', storage_container_name: '${azurerm_storage_container.config_container.name}' });
  });

  it('gives every name of the plan\'s certificates a Front Door custom domain with a managed certificate: platform names validated in the site zone, custom ones by the customer', async () => {
    const { json, plan } = await stackOf(site(TYPICAL.replace('domains:\n', 'domains:\n  extraRoutes: [shop, api]\n')));
    const r = json.resource;
    const planned = plan.resources.filter((x) => x.kind === 'certificate');
    expect(planned.map((c) => c.attrs.names)).toEqual([['*.shop.acme.www.sites.example.net'], ['shop.example.com', 'www.shop.example.com']]);
    // The one-label wildcard becomes the exact names it covers (a managed certificate covers one name).
    const domains = Object.values(r.azurerm_cdn_frontdoor_custom_domain as Record<string, any>);
    expect(domains.map((d) => d.host_name)).toEqual(['www.shop.acme.www.sites.example.net', 'shop.shop.acme.www.sites.example.net', 'api.shop.acme.www.sites.example.net', 'shop.example.com', 'www.shop.example.com']);
    for (const d of domains) expect(d.tls).toEqual({ certificate_type: 'ManagedCertificate', minimum_tls_version: 'TLS12' });
    expect(domains.filter((d) => d.dns_zone_id).map((d) => d.host_name)).toEqual(['www.shop.acme.www.sites.example.net', 'shop.shop.acme.www.sites.example.net', 'api.shop.acme.www.sites.example.net']);
    // Validation records in the site's zone for the platform names only.
    const txt = Object.values(r.azurerm_dns_txt_record as Record<string, any>);
    expect(txt.map((t) => t.name)).toEqual(['_dnsauth.www', '_dnsauth.shop', '_dnsauth.api']);
    for (const t of txt) expect(t).toMatchObject({ zone_name: '${azurerm_dns_zone.site_zone.name}', record: [{ value: expect.stringMatching(/^\$\{azurerm_cdn_frontdoor_custom_domain\.domain_platform_\d\.validation_token\}$/) }] });
    const out = json.output.certificate_custom_1_validation_records;
    expect(out.value.map((v: any) => [v.name, v.validation_txt_name])).toEqual([['shop.example.com', '_dnsauth.shop.example.com'], ['www.shop.example.com', '_dnsauth.www.shop.example.com']]);
    expect(r.azurerm_dns_zone.site_zone.name).toBe('shop.acme.www.sites.example.net');
    // Every platform name has a CNAME to the endpoint; no name outside the site's subtree is in its zone.
    const cnames = Object.values(r.azurerm_dns_cname_record as Record<string, any>);
    expect(cnames.map((c) => c.name).sort()).toEqual(['api', 'shop', 'www']);
    for (const c of cnames) expect(c).toMatchObject({ record: '${azurerm_cdn_frontdoor_endpoint.front_door_endpoint.host_name}', zone_name: '${azurerm_dns_zone.site_zone.name}', depends_on: ['azurerm_cdn_frontdoor_route.front_door_pages'] });
    // Every domain is on the routes.
    expect(Object.keys(r.azurerm_cdn_frontdoor_custom_domain_association)).toHaveLength(5);
    expect(r.azurerm_cdn_frontdoor_route.front_door_pages.cdn_frontdoor_custom_domain_ids).toHaveLength(5);
  });

  it('refuses a custom wildcard domain (Front Door\'s managed certificates cover exact names) and a name outside the org\'s subtree', async () => {
    await expect(stackOf(site(TYPICAL.replace('[shop.example.com, www.shop.example.com]', '["*.shop.example.com"]')))).rejects.toThrow(/Azure cannot serve the wildcard domain \*\.shop\.example\.com of shop: Front Door's managed certificates cover exact names only .* list the exact names in spec\.domains\.custom instead/);
    const d = loadDocument('.autostack/shop.yaml', site(TYPICAL.replace('[shop.example.com, www.shop.example.com]', '[blog.other.www.sites.example.net]')), settings, { now: NOW });
    expect(d.model === undefined || d.diagnostics.some((x) => x.severity === 'error')).toBe(true);
    expect(d.diagnostics.map((x) => x.message).join('\n')).toMatch(/blog\.other\.www\.sites\.example\.net/);
  });

  it('refuses more names than one Front Door Standard profile takes (100 custom domains), counting each platform name the wildcard covers', async () => {
    const custom = Array.from({ length: 98 }, (_, n) => `site${n}.example.com`);
    const spec = TYPICAL.replace('[shop.example.com, www.shop.example.com]', `[${custom.join(', ')}]`);
    // 98 custom domains and the platform's www: 99 custom domains, built.
    const { json } = await stackOf(site(spec));
    expect(Object.keys(json.resource.azurerm_cdn_frontdoor_custom_domain)).toHaveLength(99);
    // Two more platform names (the wildcard certificate covers three exact names on Azure): 101, refused.
    await expect(stackOf(site(spec.replace('domains:\n', 'domains:\n  extraRoutes: [shop, api]\n')))).rejects.toThrow(/^Azure cannot serve shop's 101 names: Front Door Standard takes at most 100 custom domains per profile; use fewer custom domains$/);
  });

  it('keeps the database, files and cache private, TLS-only and protected, with the password never in Terraform', async () => {
    const { json, raw } = await stackOf(site(TYPICAL));
    const r = json.resource;
    const db = r.azurerm_mysql_flexible_server.mysql;
    expect(db).toMatchObject({ sku_name: 'GP_Standard_D2ds_v4', administrator_login: 'wordpress', delegated_subnet_id: '${azurerm_subnet.mysql_subnet.id}', private_dns_zone_id: '${azurerm_private_dns_zone.mysql_dns.id}', public_network_access: 'Disabled', backup_retention_days: 14, geo_redundant_backup_enabled: false, high_availability: { mode: 'ZoneRedundant' }, storage: { size_gb: 50, auto_grow_enabled: true } });
    expect(db.lifecycle.prevent_destroy).toBe(true);
    expect(db.maintenance_window).toEqual({ day_of_week: 0, start_hour: 5, start_minute: 0 });
    expect(r.azurerm_private_dns_zone.mysql_dns.name).toMatch(/\.mysql\.database\.azure\.com$/);
    expect(r.azurerm_subnet.mysql_subnet.delegation[0].service_delegation.name).toBe('Microsoft.DBforMySQL/flexibleServers');
    expect(r.azurerm_mysql_flexible_server_configuration.mysql_tls).toMatchObject({ name: 'require_secure_transport', value: 'ON' });
    expect(r.azurerm_mysql_flexible_database.mysql_database).toMatchObject({ name: 'wordpress', charset: 'utf8mb4' });
    // The password is ephemeral: write-only to the server and to the secret the servers read.
    expect(json.ephemeral.random_password.mysql_password).toMatchObject({ length: 40, special: false });
    expect(db).toMatchObject({ administrator_password_wo: '${ephemeral.random_password.mysql_password.result}', administrator_password_wo_version: 1 });
    expect(db).not.toHaveProperty('administrator_password');
    expect(r.azurerm_key_vault_secret.mysql_password).toMatchObject({ name: 'wordpress-db', key_vault_id: '${azurerm_key_vault.vault.id}', value_wo: '${ephemeral.random_password.mysql_password.result}', value_wo_version: 1, depends_on: ['azurerm_role_assignment.deployer_secrets'] });
    expect(r.azurerm_role_assignment.deployer_secrets).toMatchObject({ role_definition_name: 'Key Vault Secrets Officer', principal_id: '${data.azurerm_client_config.current.object_id}' });
    for (const s of Object.values(r.azurerm_key_vault_secret as Record<string, any>)) expect(s).not.toHaveProperty('value');
    expect(json.terraform.required_version).toBe('>= 1.11.0');
    expect(raw).not.toMatch(/"(administrator_password|password|secret_string|primary_access_key)":/);
    // Files: NFS on a premium account that admits the servers' subnet only.
    const files = r.azurerm_storage_account.shared_files;
    expect(files).toMatchObject({ account_kind: 'FileStorage', account_tier: 'Premium', https_traffic_only_enabled: false, shared_access_key_enabled: false, network_rules: { default_action: 'Deny', virtual_network_subnet_ids: ['${azurerm_subnet.subnet.id}'] }, lifecycle: { prevent_destroy: true } });
    expect(r.azurerm_storage_share.shared_files_share).toMatchObject({ enabled_protocol: 'NFS', name: 'uploads' });
    expect(r.azurerm_subnet.subnet.service_endpoints).toContain('Microsoft.Storage');
    // The cache: no public access, a private endpoint in the stack's network.
    expect(r.azurerm_redis_cache.cache).toMatchObject({ sku_name: 'Basic', family: 'C', capacity: 1, public_network_access_enabled: false, non_ssl_port_enabled: true, minimum_tls_version: '1.2' });
    expect(r.azurerm_private_endpoint.cache_endpoint.private_service_connection).toMatchObject({ private_connection_resource_id: '${azurerm_redis_cache.cache.id}', subresource_names: ['redisCache'] });
  });

  it('tags everything taggable with the org, project and site, and escapes user text', async () => {
    const { json, raw } = await stackOf(site(TYPICAL, '  labels: { probe: \'${file("/etc/passwd")}\' }\n'));
    const impl = await cloudStacks('azure');
    const seen = taggedTypes(json, impl, SHOP_TAGS, expect);
    expect(seen).toEqual(expect.arrayContaining(['azurerm_application_gateway', 'azurerm_linux_virtual_machine_scale_set', 'azurerm_mysql_flexible_server', 'azurerm_storage_account', 'azurerm_cdn_frontdoor_profile', 'azurerm_cdn_frontdoor_endpoint', 'azurerm_dns_zone', 'azurerm_monitor_action_group', 'azurerm_monitor_metric_alert', 'azurerm_redis_cache', 'azurerm_key_vault_secret']));
    expect(unescape(json.resource.azurerm_linux_virtual_machine_scale_set.web_group.tags.probe)).toBe('${file("/etc/passwd")}');
    expect(raw).toContain('$${file(\\"/etc/passwd\\")}');
    expect(raw).not.toMatch(/[^$]\$\{file\(/);
  });

  it('keeps the web servers\' custom data within Azure\'s limit', async () => {
    const { json } = await stackOf(site(TYPICAL));
    const data = Buffer.from(json.resource.azurerm_linux_virtual_machine_scale_set.web_group.custom_data, 'base64');
    expect(data.length).toBeGreaterThan(1000);
    expect(data.length).toBeLessThanOrEqual(AZURE_CUSTOM_DATA_LIMIT);
  });

  it('replaces neither the database, the file share nor the zone on an ordinary change (scaling max, alerts, PHP, canary pause)', async () => {
    const a = (await stackOf(site(TYPICAL))).json.resource;
    const b = (await stackOf(site(TYPICAL.replace('max: 6', 'max: 9').replace('[ops@example.com]', '[ops@example.com, oncall@example.com]').replace('pause: 15m', 'pause: 30m')))).json.resource;
    expect([a.azurerm_monitor_autoscale_setting.web_autoscale.profile[0].capacity.maximum, b.azurerm_monitor_autoscale_setting.web_autoscale.profile[0].capacity.maximum]).toEqual([6, 9]);
    expect(b.azurerm_linux_virtual_machine_scale_set.web_group.rolling_upgrade_policy.pause_time_between_batches).toBe('PT30M');
    expect(b.azurerm_monitor_action_group.alerts.email_receiver).toHaveLength(2);
    for (const [type, name] of [['azurerm_mysql_flexible_server', 'mysql'], ['azurerm_mysql_flexible_database', 'mysql_database'], ['azurerm_private_dns_zone', 'mysql_dns'], ['azurerm_subnet', 'mysql_subnet'], ['azurerm_storage_account', 'shared_files'], ['azurerm_storage_share', 'shared_files_share'], ['azurerm_dns_zone', 'site_zone'], ['azurerm_storage_account', 'backups'], ['azurerm_key_vault', 'vault']] as const) {
      expect(b[type][name], `${type}.${name}`).toEqual(a[type][name]);
    }
    // A bigger class and more storage change the server in place: no attribute that replaces a flexible server moves.
    const c = (await stackOf(site(TYPICAL.replace('size: large\n  storageGiB: 50', 'size: xlarge\n  storageGiB: 80')))).json.resource;
    const REPLACES_MYSQL = ['name', 'resource_group_name', 'location', 'administrator_login', 'create_mode', 'delegated_subnet_id', 'private_dns_zone_id', 'geo_redundant_backup_enabled', 'version', 'source_server_id', 'public_network_access'];
    for (const attr of REPLACES_MYSQL) expect(c.azurerm_mysql_flexible_server.mysql[attr], attr).toEqual(a.azurerm_mysql_flexible_server.mysql[attr]);
    expect([a.azurerm_mysql_flexible_server.mysql.sku_name, c.azurerm_mysql_flexible_server.mysql.sku_name]).toEqual(['GP_Standard_D2ds_v4', 'GP_Standard_D4ds_v4']);
    expect(c.azurerm_mysql_flexible_server.mysql.storage.size_gb).toBe(80);
    expect(c.azurerm_storage_share.shared_files_share).toEqual(a.azurerm_storage_share.shared_files_share);
  });

  it('refuses to put a website in a subnet named in settings: it needs the stack\'s own network', async () => {
    const own: SettingsModel = { ...settings, network: { ...settings.network, azure: { subnetId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/virtualNetworks/z/subnets/w' } } } as SettingsModel;
    await expect(stackOf(site(TYPICAL), own)).rejects.toThrow(/^Azure cannot place website shop in the subnet autostack\.yaml network\.azure names: a website needs the stack's own virtual network .*; remove network\.azure$/);
  });

  it('says plainly what Azure does not build (a second region); a Burstable size made highly available takes the General Purpose class, said in the notes', async () => {
    const standby: WebsiteModel = { ...modelOf(site('region: us-east-1')), availability: { mode: 'activePassive', standbyRegion: 'westus2' } };
    await expect(build(standby)).rejects.toThrow(/^Azure cannot build public-ip\/shop-nat-standby-1 in westus2 yet: a site's second region .* is not built on Azure; use availability single$/);
    const { json, plan } = await stackOf(site(TYPICAL.replace('size: large\n  storageGiB', 'size: small\n  storageGiB')));
    expect(json.resource.azurerm_mysql_flexible_server.mysql).toMatchObject({ sku_name: 'GP_Standard_D2ds_v4', high_availability: { mode: 'ZoneRedundant' } });
    expect(plan.notes.join('\n')).toContain('database: GP_Standard_D2ds_v4 instead of B_Standard_B1ms for size small, because Azure offers zone-redundant high availability on General Purpose classes, not on Burstable');
    // Without high availability the size keeps its Burstable class.
    const single = await stackOf(site(TYPICAL.replace('size: large\n  storageGiB', 'size: small\n  storageGiB').replace('highAvailability: true', 'highAvailability: false')));
    expect(single.json.resource.azurerm_mysql_flexible_server.mysql.sku_name).toBe('B_Standard_B1ms');
  });

  it('gives the dedicated IP to the Application Gateway as the plan\'s own public IP', async () => {
    const { json, plan } = await stackOf(site(`${TYPICAL}\nip: dedicated`));
    expect(plan.resources.find((x) => x.key === 'public-ip/shop')?.attrs.for).toBe('load balancer');
    const r = json.resource;
    expect(r.azurerm_public_ip.lb_ip).toMatchObject({ allocation_method: 'Static', sku: 'Standard' });
    expect(r.azurerm_public_ip.appgw_ip).toBeUndefined();
    expect(r.azurerm_application_gateway.appgw.frontend_ip_configuration[0].public_ip_address_id).toBe('${azurerm_public_ip.lb_ip.id}');
  });

  it('keeps a fixed count in notify-only mode: no autoscale, the CPU alert at the announced threshold, rolling by default', async () => {
    const { json } = await stackOf(site('region: us-east-1\nruntime:\n  notifyOnly: { servers: 3, cpuAbove: 70, notify: [ops@example.com] }'));
    const r = json.resource;
    expect(r.azurerm_linux_virtual_machine_scale_set.web_group.instances).toBe(3);
    expect(r.azurerm_linux_virtual_machine_scale_set.web_group).not.toHaveProperty('lifecycle');
    expect(r.azurerm_monitor_autoscale_setting).toBeUndefined();
    expect(r.azurerm_monitor_metric_alert.alarm_web_cpu.criteria[0]).toMatchObject({ metric_name: 'Percentage CPU', threshold: 70, operator: 'GreaterThan' });
    expect(r.azurerm_monitor_metric_alert.alarm_web_cpu.action).toEqual([{ action_group_id: '${azurerm_monitor_action_group.alerts.id}' }]);
    expect(r.azurerm_monitor_action_group.alerts.email_receiver).toEqual([expect.objectContaining({ email_address: 'ops@example.com' })]);
    expect(r.azurerm_linux_virtual_machine_scale_set.web_group.rolling_upgrade_policy).toMatchObject({ max_batch_instance_percent: 20, pause_time_between_batches: 'PT0S', maximum_surge_instances_enabled: true });
    expect(Object.keys(r.azurerm_monitor_metric_alert).sort()).toEqual(['alarm_5xx', 'alarm_db_cpu', 'alarm_db_storage', 'alarm_unhealthy', 'alarm_web_cpu']);
  });

  it('maps the workload\'s rollouts to the scale set\'s rolling upgrade', () => {
    const base = { min: 2, max: 4, healthPath: '/healthz' };
    expect(rollingPolicy({ ...base, rollout: { strategy: 'rolling' } })).toMatchObject({ maxBatchInstancePercent: 20, pauseTimeBetweenBatches: 'PT0S' });
    expect(rollingPolicy({ ...base, rollout: { strategy: 'canary', steps: [25, 100], pauseSeconds: 90 } })).toMatchObject({ maxBatchInstancePercent: 25, pauseTimeBetweenBatches: 'PT1M30S' });
    // Azure waits at most an hour between batches; a batch is at least 5%.
    expect(rollingPolicy({ ...base, rollout: { strategy: 'canary', steps: [1, 100], pauseSeconds: 7200 } })).toMatchObject({ maxBatchInstancePercent: 5, pauseTimeBetweenBatches: 'PT60M' });
    expect(rollingPolicy({ ...base, rollout: { strategy: 'blueGreen', verifyPath: '/' } })).toMatchObject({ maxBatchInstancePercent: 100, maximumSurgeInstancesEnabled: true });
  });

  it('caches static assets at Front Door only when the site\'s CDN is on, never pages', async () => {
    const { json, plan } = await stackOf(site(TYPICAL.replace('objectCache: true', 'objectCache: true\n  cdn: true')));
    expect(plan.resources.find((x) => x.kind === 'cdn')?.attrs.caching).toBe(true);
    const routes = json.resource.azurerm_cdn_frontdoor_route;
    expect(routes.front_door_pages).not.toHaveProperty('cache');
    expect(routes.front_door_assets).toMatchObject({ patterns_to_match: ['/wp-content/*', '/wp-includes/*'], cache: { query_string_caching_behavior: 'UseQueryString', compression_enabled: true } });
    expect(json.resource.azurerm_cdn_frontdoor_custom_domain_association.front_door_domain_0.cdn_frontdoor_route_ids).toEqual(['${azurerm_cdn_frontdoor_route.front_door_pages.id}', '${azurerm_cdn_frontdoor_route.front_door_assets.id}']);
    // CDN off: the plan still has Front Door (TLS is at the edge on Azure), with caching off, and the review says so.
    const offPlan = (await stackOf(site(TYPICAL))).plan;
    expect(offPlan.resources.find((x) => x.kind === 'cdn')?.attrs).toMatchObject({ caching: false, tls: 'at the edge' });
    expect(offPlan.notes).toEqual(expect.arrayContaining([
      expect.stringMatching(/^HTTPS: Azure serves the site through its .* even with the CDN off .*; nothing is cached$/),
      expect.stringMatching(/custom: shop\.example\.com, www\.shop\.example\.com \(point them at the Front Door/),
      expect.stringMatching(/^address: visitors reach the Front Door/),
    ]));
    expect(offPlan.notes.join('\n')).not.toMatch(/point them at the load balancer|the load balancer's own address/);
  });

  it('names every resource within Azure\'s limits for the longest site name, without two hyphens in a row', async () => {
    const long = `xn--${'a'.repeat(36)}`; // the schema's longest name (40)
    const { json } = await stackOf(site(TYPICAL).replace('name: shop', `name: ${long}`));
    const r = json.resource;
    const names: Record<string, [string, number, RegExp]> = {
      mysql: [r.azurerm_mysql_flexible_server.mysql.name, 63, /^[a-z0-9][a-z0-9-]*[a-z0-9]$/],
      redis: [r.azurerm_redis_cache.cache.name, 63, /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/],
      files: [r.azurerm_storage_account.shared_files.name, 24, /^[a-z0-9]{3,24}$/],
      backups: [r.azurerm_storage_account.backups.name, 24, /^[a-z0-9]{3,24}$/],
      vault: [r.azurerm_key_vault.vault.name, 24, /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/],
      vmss: [r.azurerm_linux_virtual_machine_scale_set.web_group.name, 64, /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/],
      appgw: [r.azurerm_application_gateway.appgw.name, 80, /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/],
      endpoint: [r.azurerm_cdn_frontdoor_endpoint.front_door_endpoint.name, 46, /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/],
      profile: [r.azurerm_cdn_frontdoor_profile.front_door.name, 90, /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/],
      actionGroup: [r.azurerm_monitor_action_group.alerts.short_name, 12, /^[a-z]+$/],
    };
    for (const [k, [v, max, re]] of Object.entries(names)) {
      expect(v.length, k).toBeLessThanOrEqual(max);
      expect(v, k).toMatch(re);
      if (k !== 'vault') expect(v, k).not.toContain('--');
    }
    for (const d of Object.values(r.azurerm_cdn_frontdoor_custom_domain as Record<string, any>)) expect(d.name).toMatch(/^[a-zA-Z0-9]+(-*[a-zA-Z0-9])*$/);
  });

  it('finds a reference to something the stack does not declare (the check the stacks are held to)', () => {
    const raw = JSON.stringify({ resource: { azurerm_dns_zone: { site_zone: { name: 'x' } } }, output: { a: { value: '${azurerm_dns_zone.site_zone.name}' }, b: { value: '${azurerm_dns_zone.other.name}' }, c: { value: '$${azurerm_dns_zone.escaped.name}' } } });
    expect(danglingReferences(raw, 'azurerm').dangling).toEqual(['azurerm_dns_zone.other']);
  });

  it('refers only to resources and data sources the stack declares, and real terraform reads its user strings back literally', async (ctx) => {
    const { json, raw } = await stackOf(site(TYPICAL, '  labels: { probe: \'${file("/etc/passwd")} %{ if true }x%{ endif }\' }\n'));
    const { refs, dangling } = danglingReferences(raw, 'azurerm');
    expect(refs.length).toBeGreaterThan(50);
    expect(dangling).toEqual([]);
    needTool('terraform').guard(ctx);
    const probe = json.resource.azurerm_linux_virtual_machine_scale_set.web_group.tags.probe as string;
    const dir = await tempDir('autostack-tf-website-azure-');
    await writeFiles(dir, { 'main.tf.json': JSON.stringify({ output: { probe: { value: probe }, zone: { value: json.resource.azurerm_dns_zone.site_zone.name }, host: { value: json.resource.azurerm_cdn_frontdoor_custom_domain.domain_custom_1_0.host_name } } }) });
    const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    await promisify(execFile)('terraform', ['init', '-input=false', '-backend=false'], { cwd: dir, env });
    await promisify(execFile)('terraform', ['apply', '-auto-approve', '-input=false'], { cwd: dir, env });
    const out = JSON.parse((await promisify(execFile)('terraform', ['output', '-json'], { cwd: dir, env })).stdout);
    expect(out.probe.value).toBe('${file("/etc/passwd")} %{ if true }x%{ endif }');
    expect(out.zone.value).toBe('shop.acme.www.sites.example.net');
    expect(out.host.value).toBe('shop.example.com');
  });
  it('writes the password\'s secret again whenever the database user is made anew (the two always hold the same write-only value)', async () => {
    const { json } = await stackOf(site(TYPICAL));
    expect(json.resource.azurerm_key_vault_secret.mysql_password.lifecycle.replace_triggered_by).toEqual(['azurerm_mysql_flexible_server.mysql.id']);
  });
});
