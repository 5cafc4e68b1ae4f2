import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import { estimateCost } from '../knowledge-base/cost.ts';
import { MemoryReader } from '../synth/core/load/reader.ts';
import { renderMarkdown } from '../synth/core/render/markdown.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { reviewChange } from '../synth/core/review/review.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { kindDefinition } from '../synth/core/registry/kinds.ts';
import type { PlanModel } from '../synth/kinds/plan/model.ts';
import { synthesize } from '../synth/stack/synthesize.ts';
import { plan } from './helpers.ts';

const settings = resolveSettings(undefined);
const NOW = new Date('2026-11-29T12:00:00Z');

function model(spec: string, s = settings): PlanModel {
  const doc = loadDocument('.autostack/db.yaml', plan('db', spec), s, { now: NOW });
  expect(doc.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return doc.model as PlanModel;
}

async function stack(m: PlanModel, s = settings): Promise<Record<string, any>> {
  const r = await synthesize([{ kind: 'Plan', model: m }], s);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return JSON.parse(r.stacks[0]!.json).resource;
}

const cluster = 'region: us-east\npostgres: { version: "17", topology: cluster, replicas: 1 }';

describe('egress: every server has a way out, shown and priced', () => {
  it('AWS: a NAT gateway with an Elastic IP in a public subnet; the servers in private subnets route through it', async () => {
    const r = await stack(model(`cloud: aws\n${cluster}`));
    expect(Object.keys(r.aws_nat_gateway)).toEqual(['nat']);
    expect(r.aws_nat_gateway.nat.allocation_id).toBe('${aws_eip.nat_ip.allocation_id}');
    expect(r.aws_nat_gateway.nat.subnet_id).toBe('${aws_subnet.public_0.id}');
    expect(r.aws_route.private_default_route).toMatchObject({ destination_cidr_block: '0.0.0.0/0', nat_gateway_id: '${aws_nat_gateway.nat.id}', route_table_id: '${aws_route_table.private_routes.id}' });
    expect(r.aws_route_table.public_routes.route[0]).toMatchObject({ cidr_block: '0.0.0.0/0', gateway_id: '${aws_internet_gateway.igw.id}' });
    for (const [i, vm] of Object.entries(r.aws_instance) as [string, any][]) {
      expect(vm.associate_public_ip_address, i).toBe(false);
      expect(vm.subnet_id).toMatch(/^\$\{aws_subnet\.private_\d\.id\}$/);
      expect(vm.depends_on).toContain('aws_route.private_default_route');
    }
    // Backups reach S3 through the free gateway endpoint, not through the NAT.
    expect(r.aws_vpc_endpoint.s3_endpoint).toMatchObject({ vpc_endpoint_type: 'Gateway', service_name: 'com.amazonaws.us-east-1.s3' });
    expect(r.aws_subnet.private_0.availability_zone).not.toBe(r.aws_subnet.private_1.availability_zone);
  });

  it('GCP: Cloud NAT on a Cloud Router with a reserved address; the servers keep private addresses', async () => {
    const r = await stack(model(`cloud: gcp\n${cluster}`));
    expect(r.google_compute_router_nat.nat).toMatchObject({ nat_ip_allocate_option: 'MANUAL_ONLY', nat_ips: ['${google_compute_address.nat_ip.self_link}'], source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES', router: '${google_compute_router.router.name}' });
    for (const vm of Object.values(r.google_compute_instance) as any[]) {
      expect(vm.network_interface[0].access_config).toBeUndefined();
      expect(vm.depends_on).toContain('google_compute_router_nat.nat');
    }
  });

  it('Azure: a NAT gateway on the subnet, whose default outbound access is off', async () => {
    const r = await stack(model(`cloud: azure\n${cluster}`));
    expect(r.azurerm_subnet.subnet.default_outbound_access_enabled).toBe(false);
    expect(r.azurerm_subnet_nat_gateway_association.nat_subnet).toMatchObject({ subnet_id: '${azurerm_subnet.subnet.id}', nat_gateway_id: '${azurerm_nat_gateway.nat.id}' });
    expect(r.azurerm_nat_gateway_public_ip_association.nat_ip_association.public_ip_address_id).toBe('${azurerm_public_ip.nat_ip.id}');
    expect(Object.keys(r.azurerm_public_ip)).toEqual(['nat_ip']);
    for (const nic of Object.values(r.azurerm_network_interface) as any[]) expect(nic.ip_configuration[0].public_ip_address_id).toBeUndefined();
  });

  it('prices the NAT (gateway hours, data, its address) on every cloud, and shows the path in the review', async () => {
    const m = model(`cloud: aws\n${cluster}`);
    for (const p of kindDefinition('Plan')!.infrastructure!.plan(m)) {
      const cost = estimateCost(p);
      expect(cost.complete, `${p.cloud} ${p.region}: ${cost.unpriced.map((u) => u.reason).join('; ')}`).toBe(true);
      expect(cost.items.find((i) => i.resource === 'nat/db')?.monthlyUsd, p.cloud).toBeGreaterThan(0);
      expect(cost.items.find((i) => i.resource === 'public-ip/db-nat')?.monthlyUsd, p.cloud).toBeGreaterThan(0);
    }
    const r = await reviewChange(new MemoryReader({ base: {}, head: { '.autostack/db.yaml': plan('db', `cloud: aws\n${cluster}`) } }), 'base', 'head', undefined, { now: NOW });
    const md = renderMarkdown(r);
    expect(md).toContain('+ nat/db: NAT gateway');
    expect(md).toContain('egress: NAT gateway with one public address');
  });

  it('egress public-ip: each server gets its own address (inbound still limited), no NAT', async () => {
    const r = await stack(model(`cloud: aws\n${cluster}\nnetwork: { egress: public-ip, allowedCidrs: [203.0.113.0/24] }`));
    expect(r.aws_nat_gateway).toBeUndefined();
    for (const vm of Object.values(r.aws_instance) as any[]) {
      expect(vm.associate_public_ip_address).toBe(true);
      expect(vm.subnet_id).toMatch(/^\$\{aws_subnet\.public_\d\.id\}$/);
    }
    const sg = Object.values(r.aws_security_group)[0] as any;
    expect(sg.ingress.flatMap((x: any) => x.cidr_blocks ?? [])).toEqual(['203.0.113.0/24']);
    const g = await stack(model(`cloud: gcp\n${cluster}\nnetwork: { egress: public-ip }`));
    expect(g.google_compute_router_nat).toBeUndefined();
    for (const vm of Object.values(g.google_compute_instance) as any[]) expect(vm.network_interface[0].access_config).toEqual([{}]);
  });

  it('egress none: nothing leads out, the review says what the image must hold', async () => {
    const awsNet = resolveSettings({ spec: { network: { aws: { vpcId: 'vpc-0abc', subnetIds: ['subnet-0a'] } } } });
    for (const cloud of ['aws', 'azure', 'gcp']) {
      const s = cloud === 'aws' ? awsNet : settings;
      const r = await stack(model(`cloud: ${cloud}\n${cluster}\nnetwork: { egress: none }`, s), s);
      expect(r.aws_nat_gateway ?? r.google_compute_router_nat ?? r.azurerm_nat_gateway).toBeUndefined();
      expect(r.azurerm_public_ip ?? r.aws_eip ?? r.google_compute_address).toBeUndefined();
    }
    const review = await reviewChange(new MemoryReader({ base: {}, head: { '.autostack/db.yaml': plan('db', `cloud: gcp\n${cluster}\nnetwork: { egress: none }`) } }), 'base', 'head', undefined, { now: NOW });
    expect(review.ok).toBe(true);
    expect(review.plans[0]!.notes.join('\n')).toContain('egress: none');
    expect(review.diagnostics.find((d) => d.code === 'plan/egress-none')?.message).toContain('pgBackRest');
    expect(review.plans[0]!.resources.some((x) => x.kind === 'nat')).toBe(false);
  });

  it('in a network from autostack.yaml, uses that network\'s own way out and creates no NAT', async () => {
    const s = resolveSettings({ spec: { network: { aws: { vpcId: 'vpc-0abc', subnetIds: ['subnet-0a', 'subnet-0b'] } } } });
    const m = model(`cloud: aws\n${cluster}`, s);
    const r = await stack(m, s);
    expect(r.aws_nat_gateway).toBeUndefined();
    expect(r.aws_vpc).toBeUndefined();
    expect(Object.values(r.aws_instance).map((vm: any) => vm.subnet_id)).toEqual(['subnet-0a', 'subnet-0b']);
    const plans = kindDefinition('Plan')!.infrastructure!.plan(m);
    expect(plans[0]!.notes).toContain('egress: through the route out of your network from autostack.yaml (nothing is created for it)');
    // The comparison clouds still price their own NAT: they have no network of yours.
    expect(plans[1]!.resources.some((x) => x.kind === 'nat')).toBe(true);
  });

  it('refuses egress none where the plan\'s own network cannot reach the cloud\'s services privately (AWS Secrets Manager)', async () => {
    const r = await reviewChange(new MemoryReader({ base: {}, head: { '.autostack/db.yaml': plan('db', 'cloud: aws\nregion: us-east\nnetwork: { egress: none }') } }), 'base', 'head', undefined, { now: NOW });
    expect(r.ok).toBe(false);
    const d = r.diagnostics.find((x) => x.code === 'plan/egress-none-unreachable')!;
    expect(d).toMatchObject({ severity: 'error', path: 'spec.network.egress' });
    expect(d.message).toContain('network.aws');
  });

  it('refuses egress public-ip with publicIp: false', () => {
    const doc = loadDocument('.autostack/db.yaml', plan('db', 'cloud: aws\nnetwork: { egress: public-ip, publicIp: false }'), settings, { now: NOW });
    expect(doc.diagnostics.map((d) => d.code)).toContain('plan/egress-conflict');
  });
});

describe('a server can read its configuration document but never write it', () => {
  it('AWS: objects readable, writable only under pgbackrest/', async () => {
    const r = await stack(model('cloud: aws\nregion: us-east'));
    const statements = r.data?.aws_iam_policy_document?.server_access?.statement ?? (await synthesize([{ kind: 'Plan', model: model('cloud: aws\nregion: us-east') }], settings).then((x) => (x.ok ? JSON.parse(x.stacks[0]!.json).data.aws_iam_policy_document.server_access.statement : [])));
    const put = statements.find((s: any) => s.actions.includes('s3:PutObject'));
    expect(put.resources).toEqual(['${aws_s3_bucket.backups.arn}/pgbackrest/*']);
    expect(statements.find((s: any) => s.actions.includes('s3:GetObject')).actions).toEqual(['s3:GetObject']);
  });

  it('GCP: viewer on the bucket, writer only for pgbackrest/ objects', async () => {
    const r = await stack(model('cloud: gcp\nregion: us-east'));
    expect(r.google_storage_bucket_iam_member.backups_reader.role).toBe('roles/storage.objectViewer');
    expect(r.google_storage_bucket_iam_member.backups_writer.condition.expression).toMatch(/^resource\.name\.startsWith\("projects\/_\/buckets\/autostack-db-[0-9a-f]{8}\/objects\/pgbackrest\/"\)$/);
  });

  it('Azure: contributor on the backups container, reader on the configuration container', async () => {
    const r = await stack(model('cloud: azure\nregion: us-east'));
    expect(r.azurerm_role_assignment.server_0_backups).toMatchObject({ role_definition_name: 'Storage Blob Data Contributor', scope: '${azurerm_storage_account.backups.id}/blobServices/default/containers/pgbackrest' });
    expect(r.azurerm_role_assignment.server_0_config_reader).toMatchObject({ role_definition_name: 'Storage Blob Data Reader', scope: '${azurerm_storage_account.backups.id}/blobServices/default/containers/autostack' });
    expect(r.azurerm_storage_blob.server_0_config).toMatchObject({ storage_container_name: '${azurerm_storage_container.config_container.name}', name: 'autostack/config/server-0.json' });
  });
});
