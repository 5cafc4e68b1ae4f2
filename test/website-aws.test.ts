// The AWS stack of a Website (synth/clouds/aws/: alb, certificate, dns, group, efs, mysql, cache,
// cdn, alarms, with the VPC, NAT, bucket and secret the Plan's stacks use): a golden stack for a
// typical site, its wiring, its names and certificates against the cloud plan, what an ordinary
// change leaves alone, and its Terraform text checked offline (no provider download here).
import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CloudPlan } from '../knowledge-base/cloud-plan.ts';
import { registerKind } from '../synth/core/registry/kinds.ts';
import type { Workload } from '../synth/core/registry/kinds.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import type { SettingsModel } from '../synth/core/resolve/settings.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { websiteKind } from '../synth/kinds/website/index.ts';
import type { WebsiteModel } from '../synth/kinds/website/model.ts';
import { cloudStacks } from '../synth/stack/registry.ts';
import { synthesize } from '../synth/stack/synthesize.ts';
import { loadTemplates } from '../templates/load.ts';
import { renderTemplate } from '../synth/core/templates/templates.ts';
import { danglingReferences, SHOP_TAGS, taggedTypes, tempDir, typicalShop, websiteFile, writeFiles } from './helpers.ts';
import { needTool } from './tools.ts';

const NOW = new Date('2026-11-29T12:00:00Z');
const settings: SettingsModel = { ...resolveSettings(undefined), org: 'acme', platform: { domain: 'sites.example.net' } };

/**
 * TEST FIXTURE, not the product's workload: the Website kind's own `workload` (first-boot script
 * and site document, issue 12) is added separately. Until it is, the stack is built with this
 * one, which follows the Workload interface: a first-boot script per server and a day-2 document.
 * It carries the PHP version so a PHP change shows where it lands (the launch template only).
 */
const fixtureWorkload: Workload<WebsiteModel> = {
  title: 'WordPress',
  slug: 'wordpress',
  bootScript: (m, _plan, index) => `#!/bin/sh\n# test fixture first boot of ${m.name} server ${index}: php ${m.runtime.php}\nexit 0\n`,
  serverConfig: (m) => ({ key: 'autostack/config/website.json', content: JSON.stringify({ site: m.name, php: m.runtime.php }) }),
  outputs: { primaryAddress: 'the first web server', secret: 'the WordPress salts and passwords' },
  // The contract with the cloud is the product's: the values the servers read, their groups, their database.
  instanceValues: (...a) => productWorkload!.instanceValues!(...a),
  group: (...a) => productWorkload!.group!(...a),
  database: { name: 'wordpress', user: 'wordpress', port: 3306 },
};
const productWorkload = websiteKind.infrastructure!.workload;
registerKind({ ...websiteKind, infrastructure: { ...websiteKind.infrastructure!, workload: fixtureWorkload } });

const TYPICAL = typicalShop();

const site = websiteFile;
function modelOf(text: string): WebsiteModel {
  const d = loadDocument('.autostack/shop.yaml', text, settings, { now: NOW });
  const errors = d.diagnostics.filter((x) => x.severity === 'error');
  if (!d.model || errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  return d.model as WebsiteModel;
}
async function stackOf(text: string): Promise<{ raw: string; json: Record<string, any>; plan: CloudPlan }> {
  const model = modelOf(text);
  const out = await synthesize([{ kind: 'Website', model }], settings, ['aws']);
  if (!out.ok) throw new Error(out.errors.join('\n'));
  return { raw: out.stacks[0]!.json, json: JSON.parse(out.stacks[0]!.json), plan: websiteKind.infrastructure!.plan(model)[0]! };
}
const unescape = (s: string) => s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
async function stackOfModel(model: WebsiteModel): Promise<{ raw: string; json: Record<string, any>; plan: CloudPlan }> {
  const out = await synthesize([{ kind: 'Website', model }], settings, ['aws']);
  if (!out.ok) throw new Error(out.errors.join('\n'));
  return { raw: out.stacks[0]!.json, json: JSON.parse(out.stacks[0]!.json), plan: websiteKind.infrastructure!.plan(model)[0]! };
}
/** References (`aws_x.y`, `data.aws_x.y`) in interpolations Terraform reads that the stack does not declare. */
function dangling(json: Record<string, any>, raw: string): string[] {
  const declared = new Set<string>([
    ...Object.entries(json.resource as Record<string, object>).flatMap(([t, byName]) => Object.keys(byName).map((n) => `${t}.${n}`)),
    ...Object.entries((json.data ?? {}) as Record<string, object>).flatMap(([t, byName]) => Object.keys(byName).map((n) => `data.${t}.${n}`)),
  ]);
  const refs = [...raw.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((m) => m[1]!);
  const providers = new Set((json.provider.aws as { alias?: string }[]).map((p) => (p.alias ? `aws.${p.alias}` : 'aws')));
  const unknownProviders = [...raw.matchAll(/"provider": "([^"]+)"/g)].map((m) => m[1]!).filter((p) => !providers.has(p));
  return [...refs.flatMap((expr) => [...expr.matchAll(/\b((?:data\.)?aws_[a-z0-9_]+\.[a-z0-9_]+)/g)].map((m) => m[1]!)).filter((ref) => !declared.has(ref)), ...unknownProviders];
}
/** Every taggable resource carries the org, project and plan tags. */
async function expectTagged(json: Record<string, any>): Promise<void> {
  const impl = await cloudStacks('aws');
  for (const [type, byName] of Object.entries(json.resource as Record<string, Record<string, any>>)) {
    if (impl.untaggable[type]) continue;
    for (const [name, res] of Object.entries(byName)) expect(impl.tagsOf(json, type, res), `${type}.${name}`).toMatchObject({ 'autostack-org': 'acme', 'autostack-plan': 'shop', 'managed-by': 'autostack' });
  }
}

describe('a Website on AWS', () => {
  it('synthesizes the typical site to its reviewed golden stack', async () => {
    const { raw } = await stackOf(site(TYPICAL));
    await expect(raw).toMatchFileSnapshot('__golden__/synth/website-shop-aws.tf.json');
  });

  it('wires the HTTPS listener to the target group the Auto Scaling group registers in, HTTP redirected, health on the health path', async () => {
    const { json } = await stackOf(site(TYPICAL));
    const r = json.resource;
    expect(r.aws_lb.lb).toMatchObject({ load_balancer_type: 'application', internal: false, drop_invalid_header_fields: true, security_groups: ['${aws_security_group.lb_sg.id}'] });
    expect(r.aws_lb.lb.subnets).toEqual(['${aws_subnet.public_0.id}', '${aws_subnet.public_1.id}', '${aws_subnet.public_2.id}']);
    expect(r.aws_lb_listener.https).toMatchObject({ load_balancer_arn: '${aws_lb.lb.arn}', port: 443, protocol: 'HTTPS', certificate_arn: '${aws_acm_certificate_validation.certificate_platform_issued.certificate_arn}', default_action: [{ type: 'forward', target_group_arn: '${aws_lb_target_group.web_targets.arn}' }] });
    expect(r.aws_lb_listener.https.ssl_policy).toMatch(/^ELBSecurityPolicy-TLS13/);
    expect(r.aws_lb_listener.http.default_action).toEqual([{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }]);
    expect(r.aws_lb_listener_certificate.https_certificate_custom_1).toMatchObject({ listener_arn: '${aws_lb_listener.https.arn}', certificate_arn: '${aws_acm_certificate_validation.certificate_custom_1_issued.certificate_arn}' });
    expect(r.aws_lb_target_group.web_targets.health_check).toMatchObject({ path: '/healthz', matcher: '200', protocol: 'HTTP' });
    const asg = r.aws_autoscaling_group.web_group;
    expect(asg).toMatchObject({ min_size: 2, max_size: 6, health_check_type: 'ELB', target_group_arns: ['${aws_lb_target_group.web_targets.arn}'], launch_template: { id: '${aws_launch_template.web.id}', version: '${aws_launch_template.web.latest_version}' } });
    expect(asg.vpc_zone_identifier).toEqual(['${aws_subnet.private_0.id}', '${aws_subnet.private_1.id}', '${aws_subnet.private_2.id}']);
    expect(asg.lifecycle).toEqual({ ignore_changes: ['desired_capacity'] });
    // A target group checks servers only once a listener forwards to it; the servers mount the file system at boot.
    expect(asg.depends_on).toEqual(expect.arrayContaining(['aws_lb_listener.https', 'aws_efs_mount_target.shared_files_0', 'aws_s3_object.site_config', 'aws_route.private_default_route']));
    // CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed key.
    expect(r.aws_sns_topic.alerts).not.toHaveProperty('kms_master_key_id');
    // Canary: checkpoints at the plan's steps with its pause, rolled back on failure or the unhealthy-servers alarm.
    expect(asg.instance_refresh).toMatchObject({ strategy: 'Rolling', preferences: { checkpoint_percentages: [10, 50, 100], checkpoint_delay: '900', auto_rollback: true, min_healthy_percentage: 100, alarm_specification: { alarms: [r.aws_cloudwatch_metric_alarm.alarm_unhealthy.alarm_name] } } });
    expect(r.aws_autoscaling_policy.web_cpu).toMatchObject({ autoscaling_group_name: '${aws_autoscaling_group.web_group.name}', policy_type: 'TargetTrackingScaling', target_tracking_configuration: { target_value: 55, predefined_metric_specification: { predefined_metric_type: 'ASGAverageCPUUtilization' } } });
    // The web servers take HTTP from the load balancer only; the database, files and cache from the web servers only.
    expect(r.aws_security_group.web_sg.ingress).toEqual([expect.objectContaining({ from_port: 80, to_port: 80, security_groups: ['${aws_security_group.lb_sg.id}'] })]);
    for (const [sg, port] of [['mysql_sg', 3306], ['files_sg', 2049], ['cache_sg', 6379]] as const) {
      expect(r.aws_security_group[sg].ingress, sg).toEqual([expect.objectContaining({ from_port: port, to_port: port, security_groups: ['${aws_security_group.web_sg.id}'] })]);
      expect(r.aws_security_group[sg].ingress[0].cidr_blocks ?? [], sg).toEqual([]);
    }
    // The launch template: IMDSv2, encrypted root volume, the servers' role, cloud-config user data, where to find the database and files.
    const lt = r.aws_launch_template.web;
    expect(lt.metadata_options).toMatchObject({ http_tokens: 'required', instance_metadata_tags: 'enabled' });
    expect(lt.block_device_mappings[0].ebs).toMatchObject({ encrypted: 'true', volume_type: 'gp3' });
    expect(lt.iam_instance_profile).toEqual({ name: '${aws_iam_instance_profile.server_profile.name}' });
    expect(Buffer.from(lt.user_data, 'base64').toString('utf8')).toMatch(/^#cloud-config\n/);
    const instanceTags = lt.tag_specifications.find((t: any) => t.resource_type === 'instance').tags;
    expect(instanceTags).toMatchObject({ 'autostack-org': 'acme', 'autostack-db-host': '${aws_db_instance.mysql.address}', 'autostack-nfs-export': '${aws_efs_file_system.shared_files.dns_name}:/', 'autostack-db-secret': 'autostack/acme/shop/wordpress-db', 'autostack-cache-host': '${aws_elasticache_replication_group.cache.primary_endpoint_address}' });
    // The site document in the stack's bucket; the servers may write backups only under the backups prefix.
    expect(r.aws_s3_object.site_config).toMatchObject({ bucket: '${aws_s3_bucket.backups.id}', key: 'autostack/config/website.json' });
    const policy = json.data.aws_iam_policy_document.server_access.statement;
    expect(policy.find((s: any) => s.sid === 'BackupObjects').resources).toEqual(['${aws_s3_bucket.backups.arn}/backups/*']);
    expect(policy.find((s: any) => s.sid === 'DatabasePassword').resources).toEqual(['${aws_secretsmanager_secret.mysql_password.arn}']);
    expect(r.aws_s3_bucket_lifecycle_configuration.backups_lifecycle.rule[0]).toMatchObject({ filter: [{ prefix: 'backups/' }], expiration: [{ days: 14 }] });
    // Route out through the NAT; alias records for the platform names to the load balancer.
    expect(r.aws_nat_gateway.nat).toBeDefined();
    expect(r.aws_route53_record.site_name_0).toMatchObject({ name: 'www.shop.acme.www.sites.example.net', type: 'A', zone_id: '${aws_route53_zone.site_zone.zone_id}', alias: { name: '${aws_lb.lb.dns_name}', zone_id: '${aws_lb.lb.zone_id}', evaluate_target_health: true } });
  });

  it('gives each certificate of the cloud plan exactly its names, platform names validated in the site zone, custom ones by the customer', async () => {
    const { json, plan } = await stackOf(site(TYPICAL.replace('domains:\n', 'domains:\n  extraRoutes: [shop, api]\n')));
    const r = json.resource;
    const planned = plan.resources.filter((x) => x.kind === 'certificate');
    expect(planned.map((c) => c.attrs.names)).toEqual([['*.shop.acme.www.sites.example.net'], ['shop.example.com', 'www.shop.example.com']]);
    const certs = Object.values(r.aws_acm_certificate as Record<string, any>);
    expect(certs.map((c) => [c.domain_name, ...(c.subject_alternative_names ?? [])])).toEqual(planned.map((c) => c.attrs.names));
    for (const c of certs) expect(c).toMatchObject({ validation_method: 'DNS', lifecycle: { create_before_destroy: true } });
    // The platform certificate's records go into the site's zone; the custom one's are an output for the customer.
    expect(r.aws_route53_record.certificate_platform_validation).toMatchObject({ zone_id: '${aws_route53_zone.site_zone.zone_id}', for_each: expect.stringContaining('aws_acm_certificate.certificate_platform.domain_validation_options') });
    expect(r.aws_route53_record.certificate_custom_1_validation).toBeUndefined();
    expect(json.output.certificate_custom_1_validation_records.value).toBe("${tolist(aws_acm_certificate.certificate_custom_1.domain_validation_options)}");
    expect(r.aws_route53_zone.site_zone.name).toBe('shop.acme.www.sites.example.net');
    // Every platform name has an alias record; no name outside the site's subtree is in its zone.
    const records = Object.entries(r.aws_route53_record as Record<string, any>).filter(([k]) => k.startsWith('site_name_')).map(([, v]) => v.name);
    expect(records.sort()).toEqual(['api.shop.acme.www.sites.example.net', 'shop.shop.acme.www.sites.example.net', 'www.shop.acme.www.sites.example.net']);
    // One listener certificate per further certificate.
    expect(Object.keys(r.aws_lb_listener_certificate)).toEqual(['https_certificate_custom_1']);
  });

  it('keeps the database and files private, encrypted and protected, with the password never in Terraform', async () => {
    const { json, raw } = await stackOf(site(TYPICAL));
    const db = json.resource.aws_db_instance.mysql;
    expect(db).toMatchObject({ engine: 'mysql', publicly_accessible: false, storage_encrypted: true, multi_az: true, deletion_protection: true, skip_final_snapshot: false, username: 'wordpress', backup_retention_period: 14, backup_window: '02:15-02:45', allocated_storage: 50, db_subnet_group_name: '${aws_db_subnet_group.mysql_subnets.name}' });
    expect(db.final_snapshot_identifier).toMatch(/^autostack-shop-mysql-final$/);
    expect(db.max_allocated_storage).toBeGreaterThan(50);
    expect(db).not.toHaveProperty('password');
    // The password is ephemeral: given write-only to the database and to the secret the servers read, in neither state nor plan.
    expect(json.ephemeral.random_password.mysql_password).toMatchObject({ length: 40, special: false });
    expect(db).toMatchObject({ password_wo: '${ephemeral.random_password.mysql_password.result}', password_wo_version: 1 });
    expect(json.resource.aws_secretsmanager_secret_version.mysql_password_value).toMatchObject({ secret_id: '${aws_secretsmanager_secret.mysql_password.id}', secret_string_wo: '${ephemeral.random_password.mysql_password.result}', secret_string_wo_version: 1 });
    expect(json.terraform.required_version).toBe('>= 1.11.0');
    expect(raw).not.toMatch(/"password"|"secret_string"|"auth_token"/);
    expect(json.resource.aws_db_subnet_group.mysql_subnets.subnet_ids).toEqual(['${aws_subnet.private_0.id}', '${aws_subnet.private_1.id}', '${aws_subnet.private_2.id}']);
    const efs = json.resource.aws_efs_file_system.shared_files;
    expect(efs).toMatchObject({ encrypted: true, lifecycle: { prevent_destroy: true } });
    expect(Object.keys(json.resource.aws_efs_mount_target)).toHaveLength(3);
    expect(json.resource.aws_efs_backup_policy.shared_files_backup.backup_policy).toEqual({ status: 'ENABLED' });
    // Redis without TLS inside the VPC, as the Website contract says (the servers' phpredis connects in plain text to host:6379).
    expect(json.resource.aws_elasticache_replication_group.cache).toMatchObject({ at_rest_encryption_enabled: 'true', transit_encryption_enabled: false, port: 6379 });
  });

  it('tags everything taggable with the org, project and site, and escapes user text', async () => {
    const { json, raw } = await stackOf(site(TYPICAL, '  labels: { probe: \'${file("/etc/passwd")}\' }\n'));
    const impl = await cloudStacks('aws');
    const seen = taggedTypes(json, impl, SHOP_TAGS, expect);
    expect(seen).toEqual(expect.arrayContaining(['aws_lb', 'aws_autoscaling_group', 'aws_db_instance', 'aws_efs_file_system', 'aws_acm_certificate', 'aws_route53_zone', 'aws_sns_topic', 'aws_cloudwatch_metric_alarm', 'aws_elasticache_replication_group']));
    // The group's own tags (default_tags never reach it) and the servers' tags carry the label, escaped.
    const asgTags = Object.fromEntries(json.resource.aws_autoscaling_group.web_group.tag.map((t: any) => [t.key, t.value]));
    expect(unescape(asgTags.probe)).toBe('${file("/etc/passwd")}');
    expect(raw).toContain('$${file(\\"/etc/passwd\\")}');
    expect(raw).not.toMatch(/[^$]\$\{file\(/);
  });

  it('replaces neither the database nor the file system on an ordinary change (scaling max, alerts)', async () => {
    const a = (await stackOf(site(TYPICAL))).json.resource;
    const b = (await stackOf(site(TYPICAL.replace('max: 6', 'max: 9').replace('[ops@example.com]', '[ops@example.com, oncall@example.com]')))).json.resource;
    // The change did reach the stack: the group's maximum and the servers' first-boot document.
    expect([a.aws_autoscaling_group.web_group.max_size, b.aws_autoscaling_group.web_group.max_size]).toEqual([6, 9]);
    // Nothing the servers run changed: the same first-boot script.
    expect(a.aws_launch_template.web.user_data).toBe(b.aws_launch_template.web.user_data);
    // What holds data is untouched, to the last attribute.
    for (const [type, name] of [['aws_db_instance', 'mysql'], ['aws_db_subnet_group', 'mysql_subnets'], ['aws_efs_file_system', 'shared_files'], ['aws_efs_mount_target', 'shared_files_0'], ['aws_security_group', 'mysql_sg'], ['aws_security_group', 'files_sg'], ['aws_s3_bucket', 'backups']] as const) {
      expect(b[type][name], `${type}.${name}`).toEqual(a[type][name]);
    }
    // A bigger database class and more storage change the instance in place: no attribute that replaces an RDS instance moves.
    const c = (await stackOf(site(TYPICAL.replace('size: medium\n  storageGiB: 50', 'size: large\n  storageGiB: 80')))).json.resource;
    const REPLACES_RDS = ['identifier', 'engine', 'db_name', 'username', 'storage_encrypted', 'kms_key_id', 'availability_zone', 'character_set_name', 'timezone', 'snapshot_identifier', 'replicate_source_db', 'db_subnet_group_name'];
    for (const attr of REPLACES_RDS) expect(c.aws_db_instance.mysql[attr], attr).toEqual(a.aws_db_instance.mysql[attr]);
    expect([a.aws_db_instance.mysql.instance_class, c.aws_db_instance.mysql.instance_class]).not.toEqual([a.aws_db_instance.mysql.instance_class, a.aws_db_instance.mysql.instance_class]);
    expect(c.aws_db_instance.mysql.allocated_storage).toBe(80);
    expect(c.aws_efs_file_system.shared_files).toEqual(a.aws_efs_file_system.shared_files);
    // With a standby region, its replica, replicated files and the replication itself are untouched too.
    const standby = (text: string) => stackOfModel({ ...modelOf(site(text)), availability: { mode: 'activePassive', standbyRegion: 'us-west-2' } });
    const s1 = (await standby(TYPICAL)).json.resource;
    const s2 = (await standby(TYPICAL.replace('max: 6', 'max: 9').replace('[ops@example.com]', '[ops@example.com, oncall@example.com]'))).json.resource;
    expect([s1.aws_autoscaling_group.web_group_standby_1.max_size, s2.aws_autoscaling_group.web_group_standby_1.max_size]).toEqual([6, 9]);
    for (const [type, name] of [['aws_db_instance', 'mysql_standby_1'], ['aws_db_subnet_group', 'mysql_subnets_standby_1'], ['aws_efs_file_system', 'shared_files_standby_1'], ['aws_efs_replication_configuration', 'shared_files_replication_standby_1'], ['aws_route53_zone', 'site_zone'], ['aws_vpc', 'vpc_standby_1']] as const) {
      expect(s2[type][name], `${type}.${name}`).toEqual(s1[type][name]);
    }
  });

  it('builds a site without names as plain HTTP at the load balancer, without a zone or certificate', async () => {
    const bare: SettingsModel = { ...settings, platform: {} } as SettingsModel;
    const model = loadDocument('.autostack/shop.yaml', site('region: us-east-1'), bare, { now: NOW }).model as WebsiteModel;
    const out = await synthesize([{ kind: 'Website', model }], bare, ['aws']);
    if (!out.ok) throw new Error(out.errors.join('\n'));
    const r = JSON.parse(out.stacks[0]!.json).resource;
    expect(r.aws_acm_certificate).toBeUndefined();
    expect(r.aws_route53_zone).toBeUndefined();
    expect(r.aws_lb_listener.https).toBeUndefined();
    expect(r.aws_lb_listener.http.default_action).toEqual([{ type: 'forward', target_group_arn: '${aws_lb_target_group.web_targets.arn}' }]);
    expect(r.aws_elasticache_replication_group).toBeUndefined();
  });

  it('builds an active/passive standby region: its own provider, VPC and servers, the replica and replicated files, failover records on a health check', async () => {
    // Only us-east-1 prices every website resource today: the standby region is set on the model directly.
    const model: WebsiteModel = { ...modelOf(site(TYPICAL)), availability: { mode: 'activePassive', standbyRegion: 'us-west-2' } };
    const { json, raw } = await stackOfModel(model);
    const r = json.resource;
    // An aliased provider for the standby region, with the same default tags.
    expect(json.provider.aws).toEqual([expect.objectContaining({ region: 'us-east-1' }), expect.objectContaining({ alias: 'standby_1', region: 'us-west-2', default_tags: json.provider.aws[0].default_tags })]);
    const inStandby = (type: string, name: string) => expect(r[type]?.[name]?.provider, `${type}.${name}`).toBe('aws.standby_1');
    // Its own network: VPC (a range of its own), public and private subnets, a NAT; the AMI of that region.
    expect(r.aws_vpc.vpc_standby_1.cidr_block).toBe('10.241.0.0/16');
    for (const [type, name] of [['aws_vpc', 'vpc_standby_1'], ['aws_subnet', 'public_standby_1_0'], ['aws_subnet', 'private_standby_1_2'], ['aws_nat_gateway', 'nat_standby_1'], ['aws_route', 'private_default_route_standby_1'], ['aws_lb', 'lb_standby_1'], ['aws_autoscaling_group', 'web_group_standby_1'], ['aws_launch_template', 'web_standby_1'], ['aws_db_instance', 'mysql_standby_1'], ['aws_efs_file_system', 'shared_files_standby_1'], ['aws_elasticache_replication_group', 'cache_standby_1'], ['aws_acm_certificate', 'certificate_platform_standby_1']] as const) inStandby(type, name);
    expect(json.data.aws_ssm_parameter.image_standby_1.provider).toBe('aws.standby_1');
    expect(r.aws_launch_template.web_standby_1.image_id).toBe('${data.aws_ssm_parameter.image_standby_1.insecure_value}');
    // The standby group: one server (it scales on failover), in the standby's private subnets, behind its load balancer; IAM is global (one profile).
    const standby = r.aws_autoscaling_group.web_group_standby_1;
    expect(standby).toMatchObject({ min_size: 1, target_group_arns: ['${aws_lb_target_group.web_targets_standby_1.arn}'], vpc_zone_identifier: ['${aws_subnet.private_standby_1_0.id}', '${aws_subnet.private_standby_1_1.id}', '${aws_subnet.private_standby_1_2.id}'] });
    expect(standby.depends_on).toEqual(expect.arrayContaining(['aws_lb_listener.https_standby_1', 'aws_route.private_default_route_standby_1', 'aws_efs_mount_target.shared_files_standby_1_0']));
    expect(Object.keys(r.aws_iam_instance_profile)).toEqual(['server_profile']);
    expect(r.aws_launch_template.web_standby_1.iam_instance_profile).toEqual({ name: '${aws_iam_instance_profile.server_profile.name}' });
    // The standby's servers find their own region's database (the replica), files and cache.
    const tags = r.aws_launch_template.web_standby_1.tag_specifications.find((t: any) => t.resource_type === 'instance').tags;
    expect(tags).toMatchObject({ 'autostack-db-host': '${aws_db_instance.mysql_standby_1.address}', 'autostack-db-secret': 'autostack/acme/shop/wordpress-db', 'autostack-nfs-export': '${aws_efs_file_system.shared_files_standby_1.dns_name}:/', 'autostack-cache-host': '${aws_elasticache_replication_group.cache_standby_1.primary_endpoint_address}' });
    // The replica: from the primary's ARN, its own subnets and group, encrypted with RDS's key of its region.
    expect(r.aws_db_instance.mysql_standby_1).toMatchObject({ replicate_source_db: '${aws_db_instance.mysql.arn}', storage_encrypted: true, kms_key_id: '${data.aws_kms_alias.rds_key_standby_1.target_key_arn}', db_subnet_group_name: '${aws_db_subnet_group.mysql_subnets_standby_1.name}', vpc_security_group_ids: ['${aws_security_group.mysql_sg_standby_1.id}'], publicly_accessible: false, deletion_protection: true });
    expect(r.aws_db_instance.mysql_standby_1).not.toHaveProperty('username');
    expect(r.aws_db_instance.mysql_standby_1).not.toHaveProperty('password_wo');
    expect(json.data.aws_kms_alias.rds_key_standby_1).toMatchObject({ name: 'alias/aws/rds', provider: 'aws.standby_1' });
    expect(r.aws_security_group.mysql_sg_standby_1.ingress).toEqual([expect.objectContaining({ from_port: 3306, security_groups: ['${aws_security_group.web_sg_standby_1.id}'] })]);
    // The files: EFS replication from the primary into the standby's (read-only) file system.
    expect(r.aws_efs_replication_configuration.shared_files_replication_standby_1).toMatchObject({ source_file_system_id: '${aws_efs_file_system.shared_files.id}', destination: { file_system_id: '${aws_efs_file_system.shared_files_standby_1.id}', region: 'us-west-2' } });
    expect(r.aws_efs_replication_configuration.shared_files_replication_standby_1).not.toHaveProperty('provider');
    expect(r.aws_efs_file_system.shared_files_standby_1).toMatchObject({ encrypted: true, protection: { replication_overwrite: 'DISABLED' }, lifecycle: { prevent_destroy: true } });
    // The secrets are replicated to the standby region; the servers may read the replicas.
    for (const secret of ['wordpress_secret', 'mysql_password']) expect(r.aws_secretsmanager_secret[secret].replica).toEqual([{ region: 'us-west-2' }]);
    const statements = json.data.aws_iam_policy_document.server_access.statement;
    expect(statements.find((x: any) => x.sid === 'DatabasePassword').resources).toEqual(['${aws_secretsmanager_secret.mysql_password.arn}', '${replace(aws_secretsmanager_secret.mysql_password.arn, ":us-east-1:", ":us-west-2:")}']);
    // Certificates are regional: the same names in the standby region, validated by the one set of records in the zone.
    expect(r.aws_acm_certificate.certificate_platform_standby_1.domain_name).toBe(r.aws_acm_certificate.certificate_platform.domain_name);
    expect(Object.keys(r.aws_route53_record).filter((k) => k.includes('validation'))).toEqual(['certificate_platform_validation']);
    expect(r.aws_acm_certificate_validation.certificate_platform_standby_1_issued).toMatchObject({ provider: 'aws.standby_1', certificate_arn: '${aws_acm_certificate.certificate_platform_standby_1.arn}', depends_on: ['aws_route53_record.certificate_platform_validation'] });
    expect(r.aws_lb_listener.https_standby_1.certificate_arn).toBe('${aws_acm_certificate_validation.certificate_platform_standby_1_issued.certificate_arn}');
    // Failover: PRIMARY on the primary's health check (HTTPS, health path), SECONDARY to the standby, both evaluating target health.
    expect(r.aws_route53_health_check.site_health).toMatchObject({ type: 'HTTPS', port: 443, fqdn: '${aws_lb.lb.dns_name}', resource_path: '/healthz' });
    expect(r.aws_route53_record.site_name_0).toMatchObject({ set_identifier: 'primary', failover_routing_policy: { type: 'PRIMARY' }, health_check_id: '${aws_route53_health_check.site_health.id}', alias: { name: '${aws_lb.lb.dns_name}', evaluate_target_health: true } });
    expect(r.aws_route53_record.site_name_0_standby_1).toMatchObject({ name: r.aws_route53_record.site_name_0.name, set_identifier: 'standby-1', failover_routing_policy: { type: 'SECONDARY' }, alias: { name: '${aws_lb.lb_standby_1.dns_name}', evaluate_target_health: true } });
    // The standby's instance refresh rolls back on an alarm of its own region; as many alarms as the plan priced.
    expect(standby.instance_refresh.preferences.alarm_specification.alarms).toEqual([r.aws_cloudwatch_metric_alarm.alarm_unhealthy_standby_1.alarm_name]);
    expect(r.aws_cloudwatch_metric_alarm.alarm_unhealthy_standby_1).toMatchObject({ provider: 'aws.standby_1', alarm_actions: ['${aws_sns_topic.alerts_standby_1.arn}'] });
    expect(r.aws_cloudwatch_metric_alarm.alarm_replica_lag_standby_1.dimensions).toEqual({ DBInstanceIdentifier: '${aws_db_instance.mysql_standby_1.identifier}' });
    const plan = websiteKind.infrastructure!.plan(model)[0]!;
    expect(Object.keys(r.aws_cloudwatch_metric_alarm)).toHaveLength(Number(plan.resources.find((x) => x.kind === 'alarm')!.attrs.alarms));
    // Every reference is declared; no tag-less type slipped in.
    expect(dangling(json, raw)).toEqual([]);
    await expectTagged(json);
  });

  it('builds an active/active site with latency records over every region and its servers reaching the one writer over a VPC peering', async () => {
    const model: WebsiteModel = { ...modelOf(site(TYPICAL)), availability: { mode: 'activeActive', regions: ['us-west-2'] } };
    const { json, raw } = await stackOfModel(model);
    const r = json.resource;
    expect(r.aws_route53_record.site_name_0).toMatchObject({ set_identifier: 'us-east-1', latency_routing_policy: { region: 'us-east-1' }, alias: { name: '${aws_lb.lb.dns_name}', evaluate_target_health: true } });
    expect(r.aws_route53_record.site_name_0_active_1).toMatchObject({ set_identifier: 'us-west-2', latency_routing_policy: { region: 'us-west-2' }, alias: { name: '${aws_lb.lb_active_1.dns_name}', evaluate_target_health: true } });
    expect(r.aws_route53_health_check).toBeUndefined();
    // The active region's servers write to the writer: peered VPCs, routes both ways, the writer admitting that region's range.
    const tags = r.aws_launch_template.web_active_1.tag_specifications.find((t: any) => t.resource_type === 'instance').tags;
    expect(tags['autostack-db-host']).toBe('${aws_db_instance.mysql.address}');
    expect(r.aws_vpc_peering_connection.peering_active_1).toMatchObject({ vpc_id: '${aws_vpc.vpc.id}', peer_vpc_id: '${aws_vpc.vpc_active_1.id}', peer_region: 'us-west-2' });
    expect(r.aws_vpc_peering_connection_accepter.peering_active_1_accepter).toMatchObject({ provider: 'aws.active_1', auto_accept: true });
    expect(r.aws_route.peering_active_1_route).toMatchObject({ route_table_id: '${aws_route_table.private_routes.id}', destination_cidr_block: '${aws_vpc.vpc_active_1.cidr_block}' });
    expect(r.aws_route.peering_active_1_return_route).toMatchObject({ provider: 'aws.active_1', route_table_id: '${aws_route_table.private_routes_active_1.id}', destination_cidr_block: '${aws_vpc.vpc.cidr_block}' });
    expect(r.aws_security_group.mysql_sg.ingress).toContainEqual(expect.objectContaining({ from_port: 3306, cidr_blocks: ['10.241.0.0/16'] }));
    expect(dangling(json, raw)).toEqual([]);
    await expectTagged(json);
    // EFS replicates a file system to one other region only: a third region is refused, saying so.
    const three = await synthesize([{ kind: 'Website', model: { ...model, availability: { mode: 'activeActive', regions: ['us-west-2', 'eu-west-1'] } } }], settings, ['aws']);
    expect(three.ok).toBe(false);
    expect(JSON.stringify(three)).toMatch(/AWS cannot replicate the uploads of shop to eu-west-1: an EFS file system replicates to one other region only, and us-west-2 already takes them; list one region in availability.regions, or use activePassive/);
  });

  it('gives a dedicated IP: Elastic IPs (one per zone, as priced) on a Network Load Balancer forwarding 443 and 80 to the ALB, the names on it', async () => {
    const model = modelOf(site(`${TYPICAL}\nip: dedicated`));
    const { json, raw, plan } = await stackOfModel(model);
    const r = json.resource;
    const ip = plan.resources.find((x) => x.key === 'public-ip/shop')!;
    expect(ip.attrs).toMatchObject({ for: 'load balancer', addresses: 3, via: 'Network Load Balancer' });
    expect(Object.keys(r.aws_eip).filter((k) => k.startsWith('lb_ip_'))).toHaveLength(3);
    expect(r.aws_lb.static_lb).toMatchObject({ load_balancer_type: 'network', internal: false });
    expect(r.aws_lb.static_lb.subnet_mapping).toEqual([0, 1, 2].map((z) => ({ subnet_id: `\${aws_subnet.public_${z}.id}`, allocation_id: `\${aws_eip.lb_ip_${z}.allocation_id}` })));
    for (const port of [443, 80]) {
      expect(r.aws_lb_target_group[`static_targets_${port}`]).toMatchObject({ target_type: 'alb', protocol: 'TCP', port, health_check: { protocol: 'HTTPS', path: '/healthz' } });
      expect(r.aws_lb_target_group_attachment[`static_${port}_alb`]).toMatchObject({ target_id: '${aws_lb.lb.arn}', port, depends_on: ['aws_lb_listener.https', 'aws_lb_listener.http'] });
      expect(r.aws_lb_listener[`static_${port}`]).toMatchObject({ load_balancer_arn: '${aws_lb.static_lb.arn}', protocol: 'TCP', port, default_action: [{ type: 'forward', target_group_arn: `\${aws_lb_target_group.static_targets_${port}.arn}` }] });
    }
    // The names resolve to the static addresses; the stack outputs them.
    expect(r.aws_route53_record.site_name_0.alias).toEqual({ name: '${aws_lb.static_lb.dns_name}', zone_id: '${aws_lb.static_lb.zone_id}', evaluate_target_health: true });
    expect(json.output.dedicated_ips.value).toEqual(['${aws_eip.lb_ip_0.public_ip}', '${aws_eip.lb_ip_1.public_ip}', '${aws_eip.lb_ip_2.public_ip}']);
    expect(dangling(json, raw)).toEqual([]);
    await expectTagged(json);
  });

  it('synthesizes the agency (standby) and shop (dedicated IP) templates\' sites to their reviewed golden stacks', async () => {
    const templates = await loadTemplates();
    const render = (name: string) => {
      const t = templates.find((x) => x.meta.name === name)!;
      const out = renderTemplate(t.meta, t.sources, { cloud: 'aws' });
      if (!out.ok) throw new Error(out.errors.join());
      return out.files[0]!;
    };
    // The agency's standby region (us-west) has no complete website prices yet: the site is loaded single-region and given its standby as the model holds it.
    const agencyFile = render('wp-agency-standby');
    const agency = loadDocument(agencyFile.path, agencyFile.text.replace(/availability: \{[^}]*\}/, 'availability: { mode: single }'), settings, { now: NOW }).model as WebsiteModel;
    const standby = await stackOfModel({ ...agency, availability: { mode: 'activePassive', standbyRegion: 'us-west-2' } });
    await expect(standby.raw).toMatchFileSnapshot('__golden__/synth/website-standby-aws.tf.json');
    const shopFile = render('wp-shop-ha');
    const shop = loadDocument(shopFile.path, shopFile.text, settings, { now: NOW });
    if (!shop.model) throw new Error(shop.diagnostics.map((d) => d.message).join('\n'));
    const dedicated = await stackOfModel(shop.model as WebsiteModel);
    await expect(dedicated.raw).toMatchFileSnapshot('__golden__/synth/website-dedicated-aws.tf.json');
  });

  it('keeps a fixed count in notify-only mode: no scaling policy, the CPU alarm at the announced threshold', async () => {
    const { json } = await stackOf(site('region: us-east-1\nruntime:\n  notifyOnly: { servers: 3, cpuAbove: 70, notify: [ops@example.com] }'));
    const r = json.resource;
    expect(r.aws_autoscaling_group.web_group).toMatchObject({ min_size: 3, max_size: 3 });
    expect(r.aws_autoscaling_policy).toBeUndefined();
    expect(r.aws_cloudwatch_metric_alarm.alarm_web_cpu).toMatchObject({ threshold: 70, alarm_actions: ['${aws_sns_topic.alerts.arn}'] });
    expect(r.aws_sns_topic_subscription.alerts_email_0).toMatchObject({ protocol: 'email', endpoint: 'ops@example.com' });
    // Rolling by default: launch before terminate, no checkpoints.
    expect(r.aws_autoscaling_group.web_group.instance_refresh.preferences).not.toHaveProperty('checkpoint_percentages');
    expect(r.aws_autoscaling_group.web_group.instance_refresh.preferences).toMatchObject({ min_healthy_percentage: 100, auto_rollback: true });
  });

  it('names every resource within AWS\'s limits for the longest site name, without two hyphens in a row', async () => {
    const long = `xn--${'a'.repeat(36)}`; // the schema's longest name (40)
    // With every name-bearing option: a standby region and a dedicated IP (its Network Load Balancer and target groups).
    const model: WebsiteModel = { ...modelOf(site(`${TYPICAL}\nip: dedicated`).replace('name: shop', `name: ${long}`)), availability: { mode: 'activePassive', standbyRegion: 'us-west-2' } };
    const out = await synthesize([{ kind: 'Website', model }], settings, ['aws']);
    if (!out.ok) throw new Error(out.errors.join('\n'));
    const r = JSON.parse(out.stacks[0]!.json).resource;
    const all = (type: string, attr: string) => Object.entries(r[type] as Record<string, any>).map(([n, x]) => [`${type}.${n}`, x[attr]] as const);
    const named = [
      ...all('aws_lb', 'name').map(([k, v]) => [k, v, 32] as const), ...all('aws_lb_target_group', 'name').map(([k, v]) => [k, v, 32] as const),
      ...all('aws_db_instance', 'identifier').map(([k, v]) => [k, v, 63] as const), ...all('aws_elasticache_replication_group', 'replication_group_id').map(([k, v]) => [k, v, 40] as const),
      ...all('aws_launch_template', 'name').map(([k, v]) => [k, v, 128] as const),
    ];
    expect(named.map(([k]) => k)).toEqual(expect.arrayContaining(['aws_lb.static_lb', 'aws_lb.lb_standby_1', 'aws_lb_target_group.static_targets_443', 'aws_db_instance.mysql_standby_1']));
    for (const [k, v, limit] of named) {
      expect(v.length, k).toBeLessThanOrEqual(limit);
      expect(v, k).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
      expect(v, k).not.toContain('--');
    }
  });

  it('puts a CDN in front of the load balancer when on, pages uncached and assets cached', async () => {
    const { json } = await stackOf(site(TYPICAL.replace('objectCache: true', 'objectCache: true\n  cdn: true')));
    const cdn = json.resource.aws_cloudfront_distribution.cdn;
    expect(cdn.origin[0]).toMatchObject({ domain_name: 'www.shop.acme.www.sites.example.net', custom_origin_config: { origin_protocol_policy: 'https-only' } });
    expect(cdn.default_cache_behavior).toMatchObject({ viewer_protocol_policy: 'redirect-to-https', cache_policy_id: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' });
    expect(cdn.ordered_cache_behavior.map((b: any) => b.path_pattern)).toEqual(['/wp-content/*', '/wp-includes/*']);
  });

  it('refers only to resources, data sources and iterators the stack declares, and real terraform reads its user strings back literally', async (ctx) => {
    const { json, raw } = await stackOf(site(TYPICAL, '  labels: { probe: \'${file("/etc/passwd")} %{ if true }x%{ endif }\' }\n'));
    // Every interpolation Terraform will read (not an escaped $${): its references must be declared.
    const { refs, dangling } = danglingReferences(raw, 'aws');
    expect(refs.length).toBeGreaterThan(50);
    expect(dangling).toEqual([]);
    expect(refs.filter((e) => /^each\./.test(e)).length).toBeGreaterThan(0);
    needTool('terraform').guard(ctx);
    const probe = json.provider.aws[0].default_tags[0].tags.probe as string;
    const asgProbe = json.resource.aws_autoscaling_group.web_group.tag.find((t: any) => t.key === 'probe').value as string;
    const dir = await tempDir('autostack-tf-website-');
    await writeFiles(dir, { 'main.tf.json': JSON.stringify({ output: { probe: { value: probe }, asg: { value: asgProbe }, zone: { value: json.resource.aws_route53_zone.site_zone.name } } }) });
    const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    await promisify(execFile)('terraform', ['init', '-input=false', '-backend=false'], { cwd: dir, env });
    await promisify(execFile)('terraform', ['apply', '-auto-approve', '-input=false'], { cwd: dir, env });
    const out = JSON.parse((await promisify(execFile)('terraform', ['output', '-json'], { cwd: dir, env })).stdout);
    expect(out.probe.value).toBe('${file("/etc/passwd")} %{ if true }x%{ endif }');
    expect(out.asg.value).toBe(out.probe.value);
    expect(out.zone.value).toBe('shop.acme.www.sites.example.net');
  });

  it('builds the stack with the Website kind\'s own workload too', async () => {
    expect(productWorkload).toBeDefined();
    registerKind(websiteKind);
    try {
      const { json } = await stackOf(site(TYPICAL));
      expect(json.resource.aws_autoscaling_group.web_group).toBeDefined();
    } finally {
      registerKind({ ...websiteKind, infrastructure: { ...websiteKind.infrastructure!, workload: fixtureWorkload } });
    }
  });
  it('writes the password\'s secret again whenever the database user is made anew (the two always hold the same write-only value)', async () => {
    const { json } = await stackOf(site(TYPICAL));
    expect(json.resource.aws_secretsmanager_secret_version.mysql_password_value.lifecycle.replace_triggered_by).toEqual(['aws_db_instance.mysql.id']);
  });
});
