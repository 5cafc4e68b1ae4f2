// The GCP stack of a Website (synth/clouds/gcp/: load-balancer, certificate, dns, group, filestore,
// mysql, cache, cdn, alarms, web-firewall, with the VPC, NAT, bucket and secret the Plan's stacks
// use), built with the Website kind's own workload: golden stacks for a typical site and the three
// website templates' sites, their wiring, names and certificates against the cloud plan, what an
// ordinary change leaves alone, and the Terraform text checked offline (no provider download).
//
// The review does not offer websites on GCP until every GCP website resource has a price (a
// prices helper fills them in): the stacks are built here from the site's GCP cloud plan directly,
// after checking that the missing prices are the plan's only problem.
import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CloudPlan } from '../knowledge-base/cloud-plan.ts';
import { cloudKnowledge } from '../knowledge-base/clouds/registry.ts';
import { counterpartRegion } from '../knowledge-base/regions.ts';
import { Synthesis } from '../synth/cdktf/index.ts';
import type { Workload } from '../synth/core/registry/kinds.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import type { SettingsModel } from '../synth/core/resolve/settings.ts';
import { renderTemplate } from '../synth/core/templates/templates.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { gcpAccess } from '../synth/clouds/gcp/access.ts';
import { websiteKind } from '../synth/kinds/website/index.ts';
import type { WebsiteModel } from '../synth/kinds/website/model.ts';
import { buildStack } from '../synth/stack/build.ts';
import { cloudStacks } from '../synth/stack/registry.ts';
import { loadTemplates } from '../templates/load.ts';
import { danglingReferences, SHOP_TAGS, taggedTypes, tempDir, typicalShop, websiteFile, writeFiles } from './helpers.ts';
import { needTool } from './tools.ts';

const NOW = new Date('2026-11-29T12:00:00Z');
const settings: SettingsModel = { ...resolveSettings(undefined), org: 'acme', platform: { domain: 'sites.example.net' } };
const infra = websiteKind.infrastructure!;
const templates = await loadTemplates();
/** The one problem a GCP website plan has today: its prices (knowledge-base/clouds/gcp). */
const UNPRICED = /is not offered on gcp: not every resource has a price there yet/;

const TYPICAL = typicalShop();

const site = websiteFile;

/** The site resolved (on AWS, where the review offers it today), then moved to GCP's counterpart region. */
function onGcp(model: WebsiteModel): WebsiteModel {
  return { ...model, cloud: 'gcp', region: counterpartRegion(model.cloud, model.region, 'gcp') };
}
function modelOf(text: string, s: SettingsModel = settings): WebsiteModel {
  const d = loadDocument('.autostack/shop.yaml', text, s, { now: NOW });
  const errors = d.diagnostics.filter((x) => x.severity === 'error');
  if (!d.model || errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  return onGcp(d.model as WebsiteModel);
}
function gcpPlan(model: WebsiteModel): CloudPlan {
  const plan = infra.plan(model).find((p) => p.cloud === 'gcp')!;
  expect(plan.problems.filter((p) => !UNPRICED.test(p))).toEqual([]);
  return { ...plan, problems: [] };
}
async function build(model: WebsiteModel, s: SettingsModel = settings): Promise<{ raw: string; json: Record<string, any>; plan: CloudPlan }> {
  const plan = gcpPlan(model);
  const built = await buildStack(new Synthesis(), await cloudStacks('gcp'), infra as never, model, plan, s);
  return { raw: built.json, json: JSON.parse(built.json), plan };
}
async function stackOf(text: string, s: SettingsModel = settings) {
  return build(modelOf(text, s), s);
}
/** The synth's refusal of a model (its message, as the CLI prints it). */
async function refusal(model: WebsiteModel, s: SettingsModel = settings): Promise<string> {
  try {
    await build(model, s);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the stack was built');
}
const unescape = (s: string) => s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');

describe('a Website on GCP', () => {
  it('synthesizes the typical site to its reviewed golden stack', async () => {
    const { raw } = await stackOf(site(TYPICAL));
    await expect(raw).toMatchFileSnapshot('__golden__/synth/website-shop-gcp.tf.json');
  });

  for (const name of ['wp-blog', 'wp-shop-ha'] as const) {
    it(`synthesizes the ${name} template's site to its reviewed golden stack`, async () => {
      const t = templates.find((x) => x.meta.name === name)!;
      const r = renderTemplate(t.meta, t.sources, { cloud: 'aws' });
      if (!r.ok) throw new Error(r.errors.join());
      // The shop deploys its wp-content from git: the servers' document names the repository and ref.
      const { raw } = await build(modelOf(r.files[0]!.text));
      if (name === 'wp-shop-ha') expect(raw).toContain('CODE_REPOSITORY=');
      await expect(raw).toMatchFileSnapshot(`__golden__/synth/website-${name}-gcp.tf.json`);
    });
  }

  it('refuses the wp-agency-standby template\'s site with what GCP lacks: the second region', async () => {
    const t = templates.find((x) => x.meta.name === 'wp-agency-standby')!;
    const r = renderTemplate(t.meta, t.sources, { cloud: 'aws' });
    if (!r.ok) throw new Error(r.errors.join());
    // AWS refuses it too (its standby region is not priced): the site is resolved as a single-region one, then given its standby.
    const single = modelOf(r.files[0]!.text.replace(/^\s*availability: .*\n/m, ''));
    const model: WebsiteModel = { ...single, availability: { mode: 'activePassive', standbyRegion: 'us-west1' } };
    expect(await refusal(model)).toMatch(/^GCP cannot build public-ip\/agency-nat-standby-1 in us-west1 yet: a site's second region \(activePassive, activeActive\) is not built on GCP — a standby group behind the global load balancer needs preferred backends \(a service load balancing policy, only in Google's beta provider\) and Filestore Basic does not replicate the uploads between regions; use availability single$/);
  });

  it('wires the HTTPS proxy to the backend service over the managed instance group, HTTP redirected, health on the health path', async () => {
    const { json } = await stackOf(site(TYPICAL));
    const r = json.resource;
    const backend = r.google_compute_backend_service.web_backend;
    expect(backend).toMatchObject({ load_balancing_scheme: 'EXTERNAL_MANAGED', protocol: 'HTTP', port_name: 'http', health_checks: ['${google_compute_health_check.web_health.id}'], backend: [{ group: '${google_compute_region_instance_group_manager.web_group.instance_group}', balancing_mode: 'UTILIZATION' }], log_config: { enable: true, sample_rate: 1 }, enable_cdn: false });
    expect(backend).not.toHaveProperty('cdn_policy');
    expect(r.google_compute_health_check.web_health.http_health_check).toEqual({ port: 80, request_path: '/healthz' });
    expect(r.google_compute_url_map.web_urls.default_service).toBe('${google_compute_backend_service.web_backend.id}');
    expect(r.google_compute_target_https_proxy.https).toMatchObject({ url_map: '${google_compute_url_map.web_urls.id}', certificate_map: '//certificatemanager.googleapis.com/${google_certificate_manager_certificate_map.certificate_map.id}', ssl_policy: '${google_compute_ssl_policy.tls.id}' });
    expect(r.google_compute_target_https_proxy.https).not.toHaveProperty('ssl_certificates');
    expect(r.google_compute_ssl_policy.tls).toMatchObject({ min_tls_version: 'TLS_1_2', profile: 'MODERN' });
    expect(r.google_compute_global_forwarding_rule.https_rule).toMatchObject({ target: '${google_compute_target_https_proxy.https.id}', port_range: '443', load_balancing_scheme: 'EXTERNAL_MANAGED', ip_address: '${google_compute_global_address.lb_address.address}' });
    expect(r.google_compute_global_forwarding_rule.http_rule).toMatchObject({ target: '${google_compute_target_http_proxy.http.id}', port_range: '80', ip_address: '${google_compute_global_address.lb_address.address}' });
    expect(r.google_compute_target_http_proxy.http.url_map).toBe('${google_compute_url_map.http_redirect.id}');
    expect(r.google_compute_url_map.http_redirect.default_url_redirect).toEqual({ https_redirect: true, redirect_response_code: 'MOVED_PERMANENTLY_DEFAULT', strip_query: false });
    // The group: from the template, over the region's zones, auto-healed on the same check, scaled on CPU.
    const mig = r.google_compute_region_instance_group_manager.web_group;
    expect(mig).toMatchObject({ region: 'us-east1', version: [{ name: 'current', instance_template: '${google_compute_instance_template.web.self_link_unique}' }], named_port: [{ name: 'http', port: 80 }], auto_healing_policies: { health_check: '${google_compute_health_check.web_health.id}' } });
    expect(mig.distribution_policy_zones.length).toBeGreaterThanOrEqual(3);
    expect(mig).not.toHaveProperty('target_size');
    expect(mig.lifecycle).toEqual({ ignore_changes: ['target_size'] });
    expect(mig.depends_on).toEqual(expect.arrayContaining(['google_storage_bucket_object.site_config', 'google_compute_router_nat.nat']));
    expect(r.google_compute_region_autoscaler.web_autoscaler).toMatchObject({ target: '${google_compute_region_instance_group_manager.web_group.id}', autoscaling_policy: { min_replicas: 2, max_replicas: 6, cpu_utilization: { target: 0.55 } } });
    // Canary on GCP: new servers in batches (at least one per zone), never one fewer serving.
    expect(mig.update_policy).toMatchObject({ type: 'PROACTIVE', minimal_action: 'REPLACE', max_unavailable_fixed: 0, max_surge_fixed: 3 });
    expect(json.output.web_rollout.value).toMatch(/^canary: batches of 10% .* the later steps \(50, 100%\) and the 900 s pause are not separate stages on GCP$/);
    // The template: Debian 12, Shielded VM, no external address, the servers' account, the startup script.
    const t = r.google_compute_instance_template.web;
    expect(t.disk[0]).toMatchObject({ boot: true, source_image: 'projects/debian-cloud/global/images/family/debian-12' });
    expect(t.network_interface).toEqual([{ subnetwork: '${google_compute_subnetwork.subnet.id}' }]);
    expect(t.shielded_instance_config).toEqual({ enable_integrity_monitoring: true, enable_secure_boot: true, enable_vtpm: true });
    expect(t.service_account.email).toBe('${google_service_account.server_sa.email}');
    expect(t.metadata).toMatchObject({ 'enable-oslogin': 'TRUE', 'block-project-ssh-keys': 'TRUE' });
    expect(t.metadata_startup_script).toMatch(/^#!\/bin\/bash\n/);
    expect(t.lifecycle).toEqual({ create_before_destroy: true });
    expect(t.name_prefix.length).toBeLessThanOrEqual(37);
    // The web servers take HTTP from Google's load balancer ranges only, by their tag.
    expect(Object.keys(r.google_compute_firewall)).toEqual(['web_from_lb']);
    expect(r.google_compute_firewall.web_from_lb).toMatchObject({ direction: 'INGRESS', allow: [{ protocol: 'tcp', ports: ['80'] }], source_ranges: [...cloudKnowledge('gcp').loadBalancerSources!.cidrs], target_tags: t.tags });
    // The platform name points at the load balancer's address.
    expect(r.google_dns_record_set.site_name_0).toMatchObject({ name: 'www.shop.acme.www.sites.example.net.', type: 'A', managed_zone: '${google_dns_managed_zone.site_zone.name}', rrdatas: ['${google_compute_global_address.lb_address.address}'] });
    expect(r.google_compute_router_nat.nat).toBeDefined();
  });

  it('sets every instance value as the metadata attribute the servers\' instance_value reads', async () => {
    const { json } = await stackOf(site(TYPICAL));
    const metadata = json.resource.google_compute_instance_template.web.metadata;
    // gcp access.ts reads /computeMetadata/v1/instance/attributes/autostack-NAME.
    const fn = gcpAccess({ names: { bucket: 'b' }, subject: { name: 'shop' }, workload: { slug: 'wordpress' } } as never).shellFunctions;
    expect(fn).toContain('/instance/attributes/autostack-$1');
    expect(metadata).toEqual(expect.objectContaining({
      'autostack-db-host': '${google_sql_database_instance.mysql.private_ip_address}',
      'autostack-db-secret': 'autostack-shop-wordpress-db',
      'autostack-nfs-export': '${element(google_filestore_instance.shared_files.networks[0].ip_addresses, 0)}:/uploads',
      'autostack-cache-host': '${google_redis_instance.cache.host}',
    }));
    // The names the site's servers read are exactly these (the workload's instance values).
    const model = modelOf(site(TYPICAL));
    const names = infra.workload!.instanceValues!(model, gcpPlan(model), 0).map((v) => `autostack-${v.name}`);
    expect(Object.keys(metadata).filter((k) => k.startsWith('autostack-')).sort()).toEqual(names.sort());
    // The password secret is the one secret_read NAME reads (`gcloud secrets versions access latest --secret=NAME`).
    expect(json.resource.google_secret_manager_secret.mysql_password.secret_id).toBe(metadata['autostack-db-secret']);
    expect(fn).toContain('gcloud secrets versions access latest --secret="${1:-$SECRET_NAME}"');
  });

  it('gives the servers\' account the site secret (read, add), the password secret (read only) and the bucket (read; write under backups/ only)', async () => {
    const { json } = await stackOf(site(TYPICAL));
    const r = json.resource;
    const members = Object.values(r.google_secret_manager_secret_iam_member as Record<string, any>).map((m) => [m.secret_id, m.role]);
    expect(members.sort()).toEqual([
      ['${google_secret_manager_secret.mysql_password.id}', 'roles/secretmanager.secretAccessor'],
      ['${google_secret_manager_secret.wordpress_secret.id}', 'roles/secretmanager.secretAccessor'],
      ['${google_secret_manager_secret.wordpress_secret.id}', 'roles/secretmanager.secretVersionAdder'],
    ]);
    expect(r.google_storage_bucket_iam_member.backups_reader.role).toBe('roles/storage.objectViewer');
    expect(r.google_storage_bucket_iam_member.backups_writer.condition.expression).toMatch(/^resource\.name\.startsWith\("projects\/_\/buckets\/autostack-shop-[0-9a-f]{8}\/objects\/backups\/"\)$/);
    expect(r.google_storage_bucket.backups.lifecycle_rule[0]).toEqual({ action: { type: 'Delete' }, condition: { age: 14, matches_prefix: ['backups/'] } });
    expect(r.google_storage_bucket_object.site_config).toMatchObject({ bucket: '${google_storage_bucket.backups.name}', name: 'autostack/config/website.json' });
  });

  it('gives each certificate of the cloud plan exactly its names, platform names authorized in the site zone, custom ones by the customer', async () => {
    const { json, plan } = await stackOf(site(TYPICAL.replace('domains:\n', 'domains:\n  extraRoutes: [shop, api]\n').replace('[shop.example.com, www.shop.example.com]', '[shop.example.com, "*.shop.example.com", www.example.org]')));
    const r = json.resource;
    const planned = plan.resources.filter((x) => x.kind === 'certificate');
    expect(planned.map((c) => c.attrs.names)).toEqual([['*.shop.acme.www.sites.example.net'], ['shop.example.com', '*.shop.example.com', 'www.example.org']]);
    const certs = Object.values(r.google_certificate_manager_certificate as Record<string, any>);
    expect(certs.map((c) => c.managed.domains)).toEqual(planned.map((c) => c.attrs.names));
    for (const c of certs) expect(c).toMatchObject({ scope: 'DEFAULT', lifecycle: { create_before_destroy: true } });
    // A DNS authorization per domain (the wildcard's is its parent's; *.x and x share one).
    const auths = r.google_certificate_manager_dns_authorization as Record<string, any>;
    expect(Object.values(auths).map((a) => a.domain)).toEqual(['shop.acme.www.sites.example.net', 'shop.example.com', 'www.example.org']);
    expect(r.google_certificate_manager_certificate.certificate_platform.managed.dns_authorizations).toEqual(['${google_certificate_manager_dns_authorization.dns_authorization_0.id}']);
    expect(r.google_certificate_manager_certificate.certificate_custom_1.managed.dns_authorizations).toEqual(['${google_certificate_manager_dns_authorization.dns_authorization_1.id}', '${google_certificate_manager_dns_authorization.dns_authorization_2.id}']);
    // The platform's authorization record is in the site's zone; the custom ones are an output for the customer, not in our zone.
    expect(r.google_dns_record_set.dns_authorization_0_record).toMatchObject({ managed_zone: '${google_dns_managed_zone.site_zone.name}', name: '${google_certificate_manager_dns_authorization.dns_authorization_0.dns_resource_record[0].name}', type: '${google_certificate_manager_dns_authorization.dns_authorization_0.dns_resource_record[0].type}', rrdatas: ['${google_certificate_manager_dns_authorization.dns_authorization_0.dns_resource_record[0].data}'] });
    expect(Object.keys(r.google_dns_record_set).filter((k) => k.startsWith('dns_authorization_'))).toEqual(['dns_authorization_0_record']);
    expect(json.output.certificate_custom_1_validation_records.value).toEqual(['${google_certificate_manager_dns_authorization.dns_authorization_1.dns_resource_record}', '${google_certificate_manager_dns_authorization.dns_authorization_2.dns_resource_record}']);
    expect(json.output.certificate_platform_validation_records).toBeUndefined();
    // The zone is the site's subtree; every platform name has an A record; nothing outside the subtree is in it.
    expect(r.google_dns_managed_zone.site_zone).toMatchObject({ dns_name: 'shop.acme.www.sites.example.net.', visibility: 'public' });
    const records = Object.entries(r.google_dns_record_set as Record<string, any>).filter(([k]) => k.startsWith('site_name_')).map(([, v]) => v.name);
    expect(records.sort()).toEqual(['api.shop.acme.www.sites.example.net.', 'shop.shop.acme.www.sites.example.net.', 'www.shop.acme.www.sites.example.net.']);
    // The map: the platform certificate is the primary; an entry per host name with its certificate.
    const entries = Object.values(r.google_certificate_manager_certificate_map_entry as Record<string, any>);
    expect(entries.find((e) => e.matcher === 'PRIMARY').certificates).toEqual(['${google_certificate_manager_certificate.certificate_platform.id}']);
    expect(entries.filter((e) => e.hostname).map((e) => [e.hostname, e.certificates[0]])).toEqual([
      ['*.shop.acme.www.sites.example.net', '${google_certificate_manager_certificate.certificate_platform.id}'],
      ['shop.example.com', '${google_certificate_manager_certificate.certificate_custom_1.id}'],
      ['*.shop.example.com', '${google_certificate_manager_certificate.certificate_custom_1.id}'],
      ['www.example.org', '${google_certificate_manager_certificate.certificate_custom_1.id}'],
    ]);
    for (const e of entries) expect(e.map).toBe('${google_certificate_manager_certificate_map.certificate_map.name}');
  });

  it('keeps the database, files and cache private, the database protected and TLS-only, with the password never in Terraform', async () => {
    const { json, raw } = await stackOf(site(TYPICAL));
    const r = json.resource;
    const db = r.google_sql_database_instance.mysql;
    expect(db).toMatchObject({ database_version: 'MYSQL_8_0', deletion_protection: true, region: 'us-east1', depends_on: ['google_service_networking_connection.private_services'] });
    expect(db.settings).toMatchObject({
      tier: 'db-custom-2-7680', edition: 'ENTERPRISE', availability_type: 'REGIONAL', disk_size: 50, disk_autoresize: true, deletion_protection_enabled: true,
      ip_configuration: { ipv4_enabled: false, private_network: '${google_compute_network.network.id}', ssl_mode: 'ENCRYPTED_ONLY' },
      backup_configuration: { enabled: true, binary_log_enabled: true, start_time: '02:15', backup_retention_settings: { retained_backups: 14, retention_unit: 'COUNT' }, transaction_log_retention_days: 7 },
    });
    expect(db.settings.ip_configuration).not.toHaveProperty('authorized_networks');
    expect(r.google_sql_database.mysql_database).toMatchObject({ name: 'wordpress', charset: 'utf8mb4', instance: '${google_sql_database_instance.mysql.name}' });
    // The user's password and the secret's value are the same ephemeral value, write-only: in neither state nor plan.
    expect(json.ephemeral.random_password.mysql_password).toMatchObject({ length: 40, special: false });
    expect(r.google_sql_user.mysql_user).toMatchObject({ name: 'wordpress', host: '%', password_wo: '${ephemeral.random_password.mysql_password.result}', password_wo_version: 1 });
    expect(r.google_secret_manager_secret_version.mysql_password_value).toEqual(expect.objectContaining({ secret: '${google_secret_manager_secret.mysql_password.id}', secret_data_wo: '${ephemeral.random_password.mysql_password.result}', secret_data_wo_version: 1 }));
    expect(json.terraform.required_version).toBe('>= 1.11.0');
    expect(raw).not.toMatch(/"password"|"secret_data"|"auth_string"|random_password\.mysql_password\.result(?!}")/);
    expect([...raw.matchAll(/ephemeral\.random_password\.mysql_password\.result/g)]).toHaveLength(2);
    // Private services access: one reserved range and peering for the database, files and cache.
    expect(r.google_compute_global_address.private_services_range).toMatchObject({ purpose: 'VPC_PEERING', address_type: 'INTERNAL', prefix_length: 16, network: '${google_compute_network.network.id}' });
    expect(r.google_service_networking_connection.private_services.reserved_peering_ranges).toEqual(['${google_compute_global_address.private_services_range.name}']);
    const fs = r.google_filestore_instance.shared_files;
    expect(fs).toMatchObject({ tier: 'BASIC_HDD', deletion_protection_enabled: true, lifecycle: { prevent_destroy: true }, networks: [{ connect_mode: 'PRIVATE_SERVICE_ACCESS' }] });
    expect(fs.file_shares).toMatchObject({ name: 'uploads', capacity_gb: 1024, nfs_export_options: [{ ip_ranges: ['10.240.1.0/24'], access_mode: 'READ_WRITE' }] });
    expect(r.google_compute_subnetwork.subnet.ip_cidr_range).toBe('10.240.1.0/24');
    // The object cache: Redis without TLS or AUTH inside the network, as the servers' contract says.
    expect(r.google_redis_instance.cache).toMatchObject({ tier: 'BASIC', memory_size_gb: 1, connect_mode: 'PRIVATE_SERVICE_ACCESS', transit_encryption_mode: 'DISABLED', auth_enabled: false, authorized_network: '${google_compute_network.network.id}' });
    expect(r.google_redis_instance.cache.name.length).toBeLessThanOrEqual(40);
  });

  it('starts Cloud SQL\'s one daily backup at the schedule\'s first minute and hour, maintenance three hours later', async () => {
    const at = async (schedule: string) => (await stackOf(site(TYPICAL.replace('"15 2 * * *"', `"${schedule}"`)))).json.resource.google_sql_database_instance.mysql.settings;
    expect((await at('15 2 * * *')).backup_configuration.start_time).toBe('02:15');
    const sixHourly = await at('0 */6 * * *');
    expect(sixHourly.backup_configuration.start_time).toBe('00:00');
    expect(sixHourly.maintenance_window).toMatchObject({ day: 7, hour: 3 });
    expect((await at('45 22 * * *')).maintenance_window.hour).toBe(1);
  });

  it('labels everything labellable with the org, project and site, and escapes user text', async () => {
    const { json, raw } = await stackOf(site(TYPICAL, '  labels: { probe: \'${file("/etc/passwd")}\' }\n'));
    const impl = await cloudStacks('gcp');
    const seen = taggedTypes(json, impl, SHOP_TAGS, expect);
    expect(new Set(seen)).toEqual(new Set(['google_secret_manager_secret', 'google_storage_bucket', 'google_compute_global_address', 'google_compute_address', 'google_dns_managed_zone', 'google_certificate_manager_dns_authorization', 'google_certificate_manager_certificate', 'google_filestore_instance', 'google_sql_database_instance', 'google_redis_instance', 'google_compute_instance_template', 'google_certificate_manager_certificate_map', 'google_certificate_manager_certificate_map_entry', 'google_compute_global_forwarding_rule', 'google_monitoring_notification_channel', 'google_monitoring_uptime_check_config', 'google_monitoring_alert_policy']));
    // GCP labels take [a-z0-9_-] only: the label arrives cleaned, with nothing left to interpolate.
    expect(json.resource.google_filestore_instance.shared_files.labels.probe).toBe('__file___etc_passwd___');
    expect(raw).not.toMatch(/[^$]\$\{file\(/);
  });

  it('replaces neither the database, the file share, the cache nor the zone on an ordinary change (scaling max, alerts, PHP, canary pause)', async () => {
    const a = (await stackOf(site(TYPICAL))).json.resource;
    const b = (await stackOf(site(TYPICAL.replace('max: 6', 'max: 9').replace('[ops@example.com]', '[ops@example.com, oncall@example.com]').replace('pause: 15m', 'pause: 30m')))).json.resource;
    expect([a.google_compute_region_autoscaler.web_autoscaler.autoscaling_policy.max_replicas, b.google_compute_region_autoscaler.web_autoscaler.autoscaling_policy.max_replicas]).toEqual([6, 9]);
    expect(Object.keys(b.google_monitoring_notification_channel)).toHaveLength(2);
    for (const [type, name] of [['google_sql_database_instance', 'mysql'], ['google_sql_database', 'mysql_database'], ['google_sql_user', 'mysql_user'], ['google_filestore_instance', 'shared_files'], ['google_redis_instance', 'cache'], ['google_dns_managed_zone', 'site_zone'], ['google_compute_global_address', 'private_services_range'], ['google_service_networking_connection', 'private_services'], ['google_compute_network', 'network'], ['google_storage_bucket', 'backups'], ['google_compute_global_address', 'lb_address']] as const) {
      expect(b[type][name], `${type}.${name}`).toEqual(a[type][name]);
    }
    // A bigger class, more storage and no HA change the instance in place: no attribute that replaces a Cloud SQL instance moves.
    const c = (await stackOf(site(TYPICAL.replace('size: medium\n  storageGiB: 50\n  highAvailability: true', 'size: large\n  storageGiB: 80\n  highAvailability: false')))).json.resource;
    const REPLACES_SQL = ['name', 'region', 'database_version', 'master_instance_name', 'encryption_key_name', 'project', 'replica_configuration', 'clone'];
    for (const attr of REPLACES_SQL) expect(c.google_sql_database_instance.mysql[attr], attr).toEqual(a.google_sql_database_instance.mysql[attr]);
    expect(c.google_sql_database_instance.mysql.settings).toMatchObject({ tier: 'db-custom-4-15360', disk_size: 80, availability_type: 'ZONAL' });
    expect(c.google_sql_database_instance.mysql.lifecycle).toEqual({ ignore_changes: ['settings[0].disk_size'] });
    expect(c.google_filestore_instance.shared_files).toEqual(a.google_filestore_instance.shared_files);
    // A PHP version reaches the servers through a new instance template, made before the old one goes.
    const d = (await stackOf(site(TYPICAL.replace('php: "8.2"', 'php: "8.2"\n  wordpress: "6.1"')))).json.resource;
    expect(d.google_sql_database_instance.mysql).toEqual(a.google_sql_database_instance.mysql);
  });

  it('builds a site with custom domains only: no zone, its certificate authorized by the customer; refuses a site without any name', async () => {
    const bare: SettingsModel = { ...settings, platform: {} } as SettingsModel;
    const { json } = await stackOf(site('region: us-east-1\ndomains: { custom: [shop.example.com] }'), bare);
    const r = json.resource;
    expect(r.google_dns_managed_zone).toBeUndefined();
    expect(r.google_dns_record_set).toBeUndefined();
    expect(Object.keys(r.google_certificate_manager_certificate)).toEqual(['certificate_custom_1']);
    expect(json.output.certificate_custom_1_validation_records.value).toEqual(['${google_certificate_manager_dns_authorization.dns_authorization_0.dns_resource_record}']);
    expect(Object.keys(r.google_compute_global_forwarding_rule).sort()).toEqual(['http_rule', 'https_rule']);
    expect(r.google_redis_instance).toBeUndefined();
    expect(r.google_monitoring_uptime_check_config.health_check).toMatchObject({ http_check: { use_ssl: true, port: 443, path: '/healthz' }, monitored_resource: { labels: { host: 'shop.example.com' } } });
    // Without any name the servers have nothing to serve: the kind says so, whatever the cloud.
    expect(await refusal(modelOf(site('region: us-east-1'), bare), bare)).toMatch(/the site has no name to serve: set spec.platform.domain in autostack.yaml/);
  });

  it('reserves the load balancer address either way; a dedicated one is kept across changes', async () => {
    const shared = (await stackOf(site('region: us-east-1'))).json.resource.google_compute_global_address.lb_address;
    const dedicated = (await stackOf(site('region: us-east-1\nip: dedicated'))).json.resource.google_compute_global_address.lb_address;
    expect(shared).toMatchObject({ address_type: 'EXTERNAL', ip_version: 'IPV4' });
    expect(shared).not.toHaveProperty('lifecycle');
    expect(dedicated).toMatchObject({ address_type: 'EXTERNAL', lifecycle: { prevent_destroy: true } });
  });

  it('says plainly what GCP does not build yet: a second region', async () => {
    const standby: WebsiteModel = { ...modelOf(site('region: us-east-1')), availability: { mode: 'activePassive', standbyRegion: 'us-west1' } };
    expect(await refusal(standby)).toMatch(/^GCP cannot build public-ip\/shop-nat-standby-1 in us-west1 yet: a site's second region .* is not built on GCP — .*; use availability single$/);
    const active: WebsiteModel = { ...modelOf(site('region: us-east-1')), availability: { mode: 'activeActive', regions: ['us-west1'] } };
    expect(await refusal(active)).toMatch(/^GCP cannot build public-ip\/shop-nat-active-1 in us-west1 yet/);
  });

  it('keeps a fixed count in notify-only mode: no autoscaler, the CPU alert at the announced threshold', async () => {
    const { json } = await stackOf(site('region: us-east-1\nruntime:\n  notifyOnly: { servers: 3, cpuAbove: 70, notify: [ops@example.com] }'));
    const r = json.resource;
    expect(r.google_compute_region_instance_group_manager.web_group.target_size).toBe(3);
    expect(r.google_compute_region_instance_group_manager.web_group).not.toHaveProperty('lifecycle');
    expect(r.google_compute_region_autoscaler).toBeUndefined();
    const cpu = r.google_monitoring_alert_policy.alarm_web_cpu;
    expect(cpu.conditions[0].condition_threshold).toMatchObject({ threshold_value: 0.7, comparison: 'COMPARISON_GT' });
    expect(cpu.conditions[0].condition_threshold.filter).toContain('metadata.user_labels."autostack-plan" = "shop"');
    expect(cpu.notification_channels).toEqual(['${google_monitoring_notification_channel.alerts_email_0.id}']);
    expect(r.google_monitoring_notification_channel.alerts_email_0).toMatchObject({ type: 'email', labels: { email_address: 'ops@example.com' } });
    // Rolling by default: one new server per zone at a time, none fewer serving.
    expect(r.google_compute_region_instance_group_manager.web_group.update_policy).toMatchObject({ max_surge_fixed: 3, max_unavailable_fixed: 0 });
  });

  it('builds the alerts the plan priced: 5xx, health path, web CPU, database CPU and disk, cache memory', async () => {
    const { json, plan } = await stackOf(site(TYPICAL));
    const policies = json.resource.google_monitoring_alert_policy as Record<string, any>;
    expect(Object.keys(policies)).toHaveLength(Number(plan.resources.find((x) => x.kind === 'alarm')!.attrs.alarms));
    expect(policies.alarm_5xx.conditions[0].condition_threshold.filter).toContain('resource.label.backend_target_name = "${google_compute_backend_service.web_backend.name}"');
    expect(policies.alarm_unhealthy.conditions[0].condition_threshold.filter).toContain('metric.label.check_id = "${google_monitoring_uptime_check_config.health_check.uptime_check_id}"');
    expect(policies.alarm_db_cpu.conditions[0].condition_threshold.filter).toContain('resource.label.database_id = "${google_sql_database_instance.mysql.project}:${google_sql_database_instance.mysql.name}"');
    expect(policies.alarm_cache_memory.conditions[0].condition_threshold.filter).toContain('"${google_redis_instance.cache.id}"');
    expect(json.resource.google_monitoring_uptime_check_config.health_check).toMatchObject({ http_check: { path: '/healthz', port: 443, use_ssl: true, validate_ssl: true }, monitored_resource: { type: 'uptime_url', labels: { host: 'www.shop.acme.www.sites.example.net', project_id: '${data.google_client_config.current.project}' } } });
    expect(json.data.google_client_config.current).toBeDefined();
  });

  it('blue/green launches a whole new set first', async () => {
    const { json } = await stackOf(site(TYPICAL.replace('strategy: canary\n  steps: [10, 50, 100]\n  pause: 15m', 'strategy: blueGreen\n  verifyPath: /shop/')));
    expect(json.resource.google_compute_region_instance_group_manager.web_group.update_policy).toMatchObject({ max_surge_fixed: 6, max_unavailable_fixed: 0 });
  });

  it('puts Cloud CDN on the backend service when on: static assets cached, pages passed through', async () => {
    const { json } = await stackOf(site(TYPICAL.replace('objectCache: true', 'objectCache: true\n  cdn: true')));
    const backend = json.resource.google_compute_backend_service.web_backend;
    expect(backend.enable_cdn).toBe(true);
    expect(backend.cdn_policy).toMatchObject({ cache_mode: 'CACHE_ALL_STATIC', cache_key_policy: { include_host: true, include_protocol: true } });
  });

  it('names every resource within GCP\'s limits for the longest site name', async () => {
    const long = `xn--${'a'.repeat(36)}`; // the schema's longest name (40)
    const { json } = await stackOf(site(TYPICAL.replace('domains:\n', 'domains:\n  extraRoutes: [shop]\n'), '', long));
    const r = json.resource as Record<string, Record<string, any>>;
    const limits: Record<string, number> = { google_redis_instance: 40 };
    const checked: string[] = [];
    for (const [type, byName] of Object.entries(r)) {
      for (const [id, res] of Object.entries(byName)) {
        const name = res.name_prefix ?? res.secret_id ?? res.account_id ?? (['google_dns_record_set', 'google_sql_user', 'google_sql_database', 'google_storage_bucket_object'].includes(type) ? undefined : res.name);
        if (typeof name !== 'string' || name.startsWith('${')) continue;
        const max = res.name_prefix ? 37 : res.account_id ? 30 : limits[type] ?? (type === 'google_storage_bucket' ? 63 : 63);
        expect(name.length, `${type}.${id}: ${name}`).toBeLessThanOrEqual(max);
        expect(name, `${type}.${id}`).toMatch(res.name_prefix ? /^[a-z][-a-z0-9]*-$/ : /^[a-z][-a-z0-9]*[a-z0-9]$/);
        checked.push(type);
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['google_sql_database_instance', 'google_filestore_instance', 'google_redis_instance', 'google_compute_instance_template', 'google_dns_managed_zone', 'google_certificate_manager_certificate', 'google_certificate_manager_certificate_map_entry', 'google_compute_backend_service', 'google_compute_region_instance_group_manager']));
  });

  it('keeps the startup script within the metadata limit and refuses one over it', async () => {
    const { json } = await stackOf(site(TYPICAL));
    const script = unescape(json.resource.google_compute_instance_template.web.metadata_startup_script as string);
    expect(Buffer.byteLength(script)).toBeLessThan(256 * 1024);
    const product = infra.workload!;
    const huge: Workload<WebsiteModel> = { ...(product as Workload<WebsiteModel>), bootScript: () => `#!/bin/sh\n${'# padding\n'.repeat(27_000)}` };
    const model = modelOf(site(TYPICAL));
    await expect(buildStack(new Synthesis(), await cloudStacks('gcp'), { ...infra, workload: huge } as never, model, gcpPlan(model), settings)).rejects.toThrow(/^synth: the web servers' startup script is 270010 bytes, over the cloud's limit of 262144$/);
  });

  it('refers only to resources, data sources and ephemeral values the stack declares, and real terraform reads its user strings back literally', async (ctx) => {
    const { json, raw } = await stackOf(site(TYPICAL));
    const refs = [...raw.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(50);
    expect(danglingReferences(raw, 'google').dangling).toEqual([]);
    needTool('terraform').guard(ctx);
    // The startup script is full of shell `${…}`: Terraform must hand it to the servers as written.
    const model = modelOf(site(TYPICAL));
    const fakeCtx = { names: { bucket: json.resource.google_storage_bucket.backups.name }, subject: { name: 'shop' }, workload: { slug: 'wordpress' } } as never;
    const script = infra.workload!.bootScript(model, gcpPlan(model), 0, gcpAccess(fakeCtx));
    expect(script).toMatch(/\$\{/);
    const dir = await tempDir('autostack-tf-website-gcp-');
    await writeFiles(dir, { 'main.tf.json': JSON.stringify({ output: { script: { value: json.resource.google_compute_instance_template.web.metadata_startup_script }, zone: { value: json.resource.google_dns_managed_zone.site_zone.dns_name }, rollout: { value: json.output.web_rollout.value } } }) });
    const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    await promisify(execFile)('terraform', ['init', '-input=false', '-backend=false'], { cwd: dir, env });
    await promisify(execFile)('terraform', ['apply', '-auto-approve', '-input=false'], { cwd: dir, env, maxBuffer: 8 * 1024 * 1024 });
    const out = JSON.parse((await promisify(execFile)('terraform', ['output', '-json'], { cwd: dir, env, maxBuffer: 8 * 1024 * 1024 })).stdout);
    expect(out.script.value).toBe(script);
    expect(out.zone.value).toBe('shop.acme.www.sites.example.net.');
  });
  it('writes the password\'s secret again whenever the database user is made anew (the two always hold the same write-only value)', async () => {
    const { json } = await stackOf(site(TYPICAL));
    expect(json.resource.google_secret_manager_secret_version.mysql_password_value.lifecycle.replace_triggered_by).toEqual(['google_sql_user.mysql_user.id']);
  });
});
