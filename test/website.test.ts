// The Website and Profile kinds: schema, checks, resolve with profile provenance, the cloud plans
// (DNS names and certificates per cloud), transitions, the review on three clouds, budgets and
// quotas, and the cross-file references (a site naming a profile in another file).
import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import type { CloudData } from '../knowledge-base/catalog.ts';
import { awsKnowledge } from '../knowledge-base/clouds/aws/index.ts';
import { registerCloudKnowledge } from '../knowledge-base/clouds/registry.ts';
import { estimateCost } from '../knowledge-base/cost.ts';
import type { Diagnostic } from '../synth/core/diagnostics.ts';
import { MemoryReader } from '../synth/core/load/reader.ts';
import type { ReferencedDoc } from '../synth/core/registry/kinds.ts';
import { renderMarkdown } from '../synth/core/render/markdown.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import type { SettingsModel } from '../synth/core/resolve/settings.ts';
import { reviewChange } from '../synth/core/review/review.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { validateTree } from '../synth/core/validate/validate-tree.ts';
import { websiteKind } from '../synth/kinds/website/index.ts';
import type { WebsiteModel } from '../synth/kinds/website/model.ts';
import { covers, planCertificates } from '../synth/kinds/website/names.ts';

const NOW = new Date('2026-11-29T12:00:00Z');
const SETTINGS = 'apiVersion: autostack.dev/v1\nkind: Settings\nspec:\n  org: acme\n  platform:\n    domain: sites.example.net\n';
const settings: SettingsModel = { ...resolveSettings(undefined), org: 'acme', platform: { domain: 'sites.example.net' } };
const SITE_FILE = '.autostack/shop.yaml';

function site(spec: string, name = 'shop'): string {
  return `apiVersion: autostack.dev/v1\nkind: Website\nmetadata:\n  name: ${name}\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
}
function profile(name: string, website: string): string {
  return `apiVersion: autostack.dev/v1\nkind: Profile\nmetadata:\n  name: ${name}\nspec:\n  description: test profile\n  website:\n${website.replace(/^/gm, '    ')}\n`;
}
/** A lookup over loaded Profile files, as the review's index gives it. */
function lookupOf(files: Record<string, string>): (kind: string, name: string) => ReferencedDoc | undefined {
  return (kind, name) => {
    for (const [file, text] of Object.entries(files)) {
      const d = loadDocument(file, text, settings);
      if (d.kind === kind && d.name === name) return { kind, name, file, ...(d.model !== undefined ? { model: d.model } : {}) };
    }
    return undefined;
  };
}
function load(text: string, opts: { lookup?: ReturnType<typeof lookupOf>; settings?: SettingsModel; now?: Date } = {}) {
  return loadDocument(SITE_FILE, text, opts.settings ?? settings, { now: opts.now ?? NOW, ...(opts.lookup ? { lookup: opts.lookup } : {}) });
}
const errors = (d: { diagnostics: Diagnostic[] }) => d.diagnostics.filter((x) => x.severity === 'error');

describe('Website schema and checks', () => {
  it('takes a minimal file, every other field defaulted', () => {
    const d = load(site('region: us-east-1'));
    expect(errors(d)).toEqual([]);
    const m = d.model as WebsiteModel;
    expect(m).toMatchObject({ cloud: 'aws', org: 'acme', names: { route: 'www', platformDomain: 'sites.example.net', custom: [] }, source: { type: 'blank' }, ip: 'shared', updates: { strategy: 'rolling' }, availability: { mode: 'single' } });
    expect(m.runtime.scaling).toEqual({ mode: 'auto', min: 1, max: 2, cpuTarget: 60 });
  });

  it('refuses a route that is not one DNS label (it could climb out of the site subtree)', () => {
    const d = load(site('domains:\n  route: www.other-org'));
    expect(errors(d)[0]).toMatchObject({ code: 'schema/format', path: 'spec.domains.route', line: 7 });
  });

  it('refuses a custom domain outside the org subtree of the platform, positioned on it, with the fix', () => {
    for (const taken of ['www.shop.other.www.sites.example.net', 'www.blog.acme.www.sites.example.net', 'www.sites.example.net', '*.www.sites.example.net']) {
      const d = load(site(`domains:\n  custom: [shop.example.com, "${taken}"]`));
      const e = errors(d);
      expect(e, taken).toHaveLength(1);
      expect(e[0]).toMatchObject({ code: 'website/name-outside-org', path: 'spec.domains.custom.1', line: 7 });
      expect(e[0]!.message).toContain('shop.acme.www.sites.example.net');
      expect(d.model).toBeUndefined();
    }
    // Reported together with other mistakes, in one pass.
    expect(errors(load(site('runtime:\n  php: "7.4"\ndomains:\n  custom: [www.x.other.www.sites.example.net]'))).map((x) => x.code)).toEqual(['website/php-version', 'website/name-outside-org']);
    // The site's own names and a domain of the customer's are fine.
    expect(errors(load(site('domains:\n  custom: [shop.example.com, "*.example.org"]')))).toEqual([]);
  });

  it('checks versions against what the servers install (Debian 12), with the source and the version to write', () => {
    for (const v of ['7.4', '8.1', '8.3', '8.4']) {
      const php = errors(load(site(`runtime:\n  php: "${v}"`)));
      expect(php, v).toHaveLength(1);
      expect(php[0]).toMatchObject({ code: 'website/php-version', path: 'spec.runtime.php' });
      expect(php[0]!.message).toContain('packages.debian.org/bookworm/php8.2-fpm');
      expect(php[0]!.message).toContain('Write php: "8.2"');
    }
    for (const v of ['5.9', '6.8', '6.9', '6.1.7']) {
      const wp = errors(load(site(`runtime:\n  wordpress: "${v}"`)));
      expect(wp[0], v).toMatchObject({ code: 'website/wordpress-version', path: 'spec.runtime.wordpress' });
      expect(wp[0]!.message).toContain('Write wordpress: "6.1.9"');
    }
    // What the servers install is accepted; a branch names the packaged version; the defaults are the installed ones.
    for (const ok of ['runtime:\n  php: "8.2"', 'runtime:\n  wordpress: "6.1"', 'runtime:\n  wordpress: "6.1.9"']) expect(errors(load(site(ok))), ok).toEqual([]);
    expect((load(site('runtime:\n  wordpress: "6.1"')).model as WebsiteModel).runtime.wordpress).toBe('6.1.9');
    expect((load(site('region: us-east-1')).model as WebsiteModel).runtime).toMatchObject({ php: '8.2', wordpress: '6.1.9' });
    // Debian's support ends: flagged 90 days before, refused after.
    expect(load(site('runtime:\n  php: "8.2"'), { now: new Date('2028-05-01T00:00:00Z') }).diagnostics.find((x) => x.code === 'website/php-eol-soon')).toMatchObject({ severity: 'warning' });
    expect(errors(load(site('runtime:\n  php: "8.2"'), { now: new Date('2028-07-01T00:00:00Z') }))[0]).toMatchObject({ code: 'website/php-eol' });
  });

  it('reports conflicting or incomplete settings where they are written', () => {
    expect(errors(load(site('runtime:\n  scaling: { min: 3, max: 2 }')))[0]).toMatchObject({ code: 'website/scaling-range', path: 'spec.runtime.scaling.max' });
    expect(errors(load(site('runtime:\n  scaling: { min: 2 }\n  notifyOnly: { notify: [ops@example.com] }')))[0]).toMatchObject({ code: 'website/scaling-conflict' });
    expect(errors(load(site('updates:\n  strategy: canary\n  steps: [10, 50]')))[0]).toMatchObject({ code: 'website/canary-steps', path: 'spec.updates.steps' });
    expect(errors(load(site('updates:\n  verifyPath: /ok')))[0]).toMatchObject({ code: 'website/update-field', path: 'spec.updates.verifyPath' });
    expect(errors(load(site('availability:\n  mode: activePassive')))[0]).toMatchObject({ code: 'website/standby-missing' });
    expect(errors(load(site('region: us-east-1\navailability:\n  mode: activePassive\n  standbyRegion: us-east-1')))[0]).toMatchObject({ code: 'website/same-region' });
    expect(errors(load(site('source:\n  type: git')))[0]).toMatchObject({ code: 'website/source-incomplete' });
    expect(errors(load(site('source:\n  type: zip\n  archive: ../../etc/site.zip'))).map((x) => x.code)).toEqual(['website/source-not-built', 'website/archive-path']);
    // What the servers cannot deploy yet is refused in the review, with what to write instead.
    expect(errors(load(site('source:\n  type: git\n  repository: https://github.com/acme/site.git\n  layout: bedrock')))).toEqual([expect.objectContaining({ code: 'website/source-not-built', path: 'spec.source.layout', message: expect.stringContaining('use layout: wp-content') })]);
    expect(errors(load(site('source:\n  type: git\n  repository: https://github.com/acme/site.git\n  layout: wp-content')))).toEqual([]);
    expect(errors(load(site('source:\n  type: git\n  repository: "https://github.com/acme/site.git?x=$(id)"')))[0]).toMatchObject({ code: 'website/repository-url', path: 'spec.source.repository' });
    expect(errors(load(site('source:\n  type: git\n  repository: https://user:token@github.com/acme/site.git'))).map((x) => x.code)).toEqual(expect.arrayContaining(['website/plaintext-secret', 'website/repository-credentials']));
    expect(errors(load(site('database:\n  backup:\n    schedule: "61 3 * * *"')))[0]).toMatchObject({ code: 'website/backup-schedule', path: 'spec.database.backup.schedule' });
    expect(errors(load(site('alerts:\n  emails: ["ops\u202e@example.com"]')))[0]).toMatchObject({ code: 'website/characters', path: 'spec.alerts.emails.0' });
  });

  it('refuses a region where not every website resource has a price, and names the offered ones', () => {
    const d = errors(load(site('cloud: azure\nregion: eastus')));
    expect(d[0]).toMatchObject({ code: 'website/unknown-region', path: 'spec.region' });
    expect(d[0]!.message).toMatch(/not offered for websites on Azure/);
    const west = errors(load(site('region: us-west-2')));
    expect(west[0]!.message).toMatch(/Region "us-west-2" is not offered for websites on AWS: not every website resource has a price there yet\..* Use one of us-east-1, us-east\./);
  });
});

describe('Profiles: values applied with provenance', () => {
  const profiles = {
    '.autostack/profiles/shop-ha.yaml': profile('shop-ha', 'runtime:\n  size: medium\n  scaling: { min: 2, max: 6 }\n  objectCache: true\ndatabase:\n  highAvailability: true\nupdates:\n  strategy: canary\n  steps: [25, 100]'),
    '.autostack/profiles/default.yaml': profile('default', 'database:\n  backup:\n    retentionDays: 14'),
  };
  const lookup = lookupOf(profiles);

  it('applies the named profile where the file sets nothing, and records which fields came from it', () => {
    const m = load(site('profile: shop-ha\nruntime:\n  size: large'), { lookup }).model as WebsiteModel;
    expect(m.runtime.size).toBe('large');
    expect(m.runtime.scaling).toMatchObject({ min: 2, max: 6 });
    expect(m.database.highAvailability).toBe(true);
    expect(m.updates).toEqual({ strategy: 'canary', steps: [25, 100], pause: '10m' });
    expect(m.profile).toEqual({ name: 'shop-ha', file: '.autostack/profiles/shop-ha.yaml', fields: ['database.highAvailability', 'runtime.objectCache', 'runtime.scaling.max', 'runtime.scaling.min', 'updates.steps', 'updates.strategy'] });
  });

  it('takes a group the file sets as a whole: notifyOnly in the file drops the profile scaling', () => {
    const m = load(site('profile: shop-ha\nruntime:\n  notifyOnly: { servers: 1, notify: [ops@example.com] }'), { lookup }).model as WebsiteModel;
    expect(m.runtime.scaling).toEqual({ mode: 'notify', servers: 1, cpuAbove: 80, notify: ['ops@example.com'] });
    expect(m.profile!.fields).not.toContain('runtime.scaling.min');
  });

  it('applies the default profile when the file names none', () => {
    const m = load(site('region: us-east-1'), { lookup }).model as WebsiteModel;
    expect(m.database.backup.retentionDays).toBe(14);
    expect(m.profile).toMatchObject({ name: 'default', fields: ['database.backup.retentionDays'] });
  });

  it('refuses a profile that does not exist, and says so only as information when there is no repository to look in', () => {
    expect(errors(load(site('profile: nope'), { lookup }))[0]).toMatchObject({ code: 'website/unknown-profile', path: 'spec.profile', line: 6 });
    const alone = load(site('profile: nope'));
    expect(errors(alone)).toEqual([]);
    expect(alone.diagnostics.find((x) => x.code === 'website/profile-unchecked')).toMatchObject({ severity: 'info' });
  });

  it('points a mistake that came from the profile at spec.profile and names the profile', () => {
    const bad = lookupOf({ '.autostack/p.yaml': profile('old', 'runtime:\n  php: "8.1"') });
    const e = errors(load(site('profile: old'), { lookup: bad }));
    expect(e[0]).toMatchObject({ code: 'website/php-version', path: 'spec.profile' });
    expect(e[0]!.message).toContain('from profile old');
  });
});

describe('DNS names and certificates per cloud (model level)', () => {
  const m = load(site('region: us-east-1\ndomains:\n  route: www\n  extraRoutes: [shop]\n  custom: [example.com, www.example.com, "*.example.org", a.example.org]'), { settings }).model as WebsiteModel;

  it('plans one wildcard certificate for the platform names (one label below the site), custom domains on their own, on every cloud', () => {
    const plans = websiteKind.infrastructure!.plan(m);
    expect(plans.map((p) => p.cloud)).toEqual(['aws', 'azure', 'gcp']);
    for (const plan of plans) {
      const certs = plan.resources.filter((r) => r.kind === 'certificate');
      expect(certs.map((c) => [c.key, c.attrs.names]), plan.cloud).toEqual([
        ['certificate/shop-platform', ['*.shop.acme.www.sites.example.net']],
        // a.example.org is covered by the wildcard *.example.org on the list.
        ['certificate/shop-custom-1', ['example.com', 'www.example.com', '*.example.org']],
      ]);
      expect(certs[0]!.attrs.covers).toEqual(['www.shop.acme.www.sites.example.net', 'shop.shop.acme.www.sites.example.net']);
      const zone = plan.resources.find((r) => r.kind === 'dns-zone')!;
      expect(zone.attrs).toMatchObject({ zone: 'shop.acme.www.sites.example.net', records: ['www.shop.acme.www.sites.example.net', 'shop.shop.acme.www.sites.example.net'] });
      // Never a wildcard over the platform or another org.
      for (const c of certs) for (const n of c.attrs.names as string[]) expect(n.endsWith('.www.sites.example.net') ? n.endsWith('.shop.acme.www.sites.example.net') : true).toBe(true);
      const lb = plan.resources.find((r) => r.kind === 'load-balancer')!;
      expect(lb.attrs.certificates).toBe(2);
    }
  });

  it('a wildcard covers exactly one label', () => {
    expect(covers('*.shop.acme.www.d.net', 'www.shop.acme.www.d.net')).toBe(true);
    expect(covers('*.shop.acme.www.d.net', 'a.b.shop.acme.www.d.net')).toBe(false);
    expect(covers('*.shop.acme.www.d.net', 'shop.acme.www.d.net')).toBe(false);
  });

  it('splits custom domains by the cloud\'s names-per-certificate limit and warns when a certificate nears it', () => {
    const many = Array.from({ length: 12 }, (_, i) => `d${i}.example.com`);
    const model = { ...m, names: { ...m.names, extraRoutes: [], custom: many } };
    const aws = planCertificates(model, 'aws');
    expect(aws.certificates.map((c) => c.names.length)).toEqual([1, 10, 2]);
    expect(aws.warnings.join('\n')).toMatch(/holds 10 of the 10 domain names on one ACM certificate.*acm-limits/);
    expect(aws.uncovered).toEqual([]);
    const gcp = planCertificates(model, 'gcp');
    expect(gcp.certificates.map((c) => c.names.length)).toEqual([1, 12]);
    expect(gcp.warnings).toEqual([]);
  });

  it('the review warns on the site file when a certificate nears the cloud limit', () => {
    const many = Array.from({ length: 10 }, (_, i) => `d${i}.example.com`).join(', ');
    const d = load(site(`region: us-east-1\ndomains:\n  custom: [${many}]`));
    expect(d.diagnostics.find((x) => x.code === 'website/certificate-limit-near')).toMatchObject({ severity: 'warning', path: 'spec.domains' });
  });
});

/** Runs `fn` with the AWS knowledge base lacking one figure (as for a class no source prices yet), then restores it. */
async function withoutAwsFigure<T>(key: string, fn: () => T | Promise<T>): Promise<T> {
  const data = structuredClone(awsKnowledge.data) as CloudData;
  data.otherPrices = data.otherPrices.map((b) => ({ ...b, prices: Object.fromEntries(Object.entries(b.prices).filter(([k]) => k !== key)) }));
  registerCloudKnowledge({ ...awsKnowledge, data });
  try {
    return await fn();
  } finally {
    registerCloudKnowledge(awsKnowledge);
  }
}

describe('Website cloud plans', () => {
  it('sizes the servers from the catalog, counts servers at max scale for quotas, and never shows an unknown price as $0', async () => {
    const m = load(site('region: us-east-1\nruntime:\n  size: medium\n  scaling: { min: 2, max: 5 }\ndatabase:\n  size: xlarge'), { settings }).model as WebsiteModel;
    const [aws] = websiteKind.infrastructure!.plan(m);
    const group = aws!.resources.find((r) => r.kind === 'instance-group')!;
    expect(group.attrs).toMatchObject({ min: 2, max: 5 });
    expect(aws!.instance!.memoryGiB).toBeGreaterThanOrEqual(8);
    expect(websiteKind.infrastructure!.servers(aws!)).toBe(5);
    expect(estimateCost(aws!).items.find((i) => i.resource === 'mysql/shop')!.sku).toContain('db.m6g.xlarge');
    // A class the knowledge base has no figure for is missing, never $0.
    await withoutAwsFigure('mysql:db.m6g.xlarge', () => {
      const cost = estimateCost(aws!);
      expect(cost.complete).toBe(false);
      expect(cost.unpriced.find((u) => u.resource === 'mysql/shop')).toMatchObject({ missing: true });
      expect(cost.items.find((i) => i.resource === 'mysql/shop')).toBeUndefined();
    });
  });

  it('prices a dedicated IP as what AWS builds for it: an address per zone and the Network Load Balancer holding them; a missing figure makes the line missing', async () => {
    const m = load(site('region: us-east-1\nip: dedicated'), { settings }).model as WebsiteModel;
    const [aws] = websiteKind.infrastructure!.plan(m);
    const line = estimateCost(aws!).items.find((i) => i.resource === 'public-ip/shop')!;
    // 3 × 730 address-hours × $0.005 + 730 h × $0.0225 + 730 NLCU-hours × $0.006
    expect(line.sku).toBe('3 public IPv4 addresses on a Network Load Balancer (2190 address-hours × $0.005 per address-hour + 730 h × $0.0225 per load balancer-hour + 730 NLCU-hours × $0.006 per NLCU-hour)');
    expect(line.monthlyUsd).toBe(Math.round((2190 * 0.005 + 730 * 0.0225 + 730 * 0.006) * 100) / 100);
    expect(line.assumption).toContain('assumes 1 NLCU an hour on average on the Network Load Balancer');
    await withoutAwsFigure('nlb-hour', () => {
      const cost = estimateCost(aws!);
      expect(cost.complete).toBe(false);
      expect(cost.unpriced.find((u) => u.resource === 'public-ip/shop')).toMatchObject({ missing: true, reason: expect.stringContaining('nlb-hour') });
    });
    // A server's own address stays one plain line.
    const shared = estimateCost(websiteKind.infrastructure!.plan(load(site('region: us-east-1'), { settings }).model as WebsiteModel)[0]!);
    expect(shared.items.find((i) => i.resource === 'public-ip/shop-nat')).toMatchObject({ sku: 'public IPv4', quantity: 730 });
  });

  it('prices both secrets a site has (its own and its database password\'s) and each replica a standby region keeps; the failover health check is missing without a figure', () => {
    const single = estimateCost(websiteKind.infrastructure!.plan(load(site('region: us-east-1'), { settings }).model as WebsiteModel)[0]!);
    expect(single.items.find((i) => i.resource === 'secret/shop')).toMatchObject({ sku: expect.stringMatching(/^2 × Secrets Manager secret \(2 × \$0\.4 per secret-month in us-east-1\)$/), monthlyUsd: 0.8 });
    const m = { ...(load(site('region: us-east-1'), { settings }).model as WebsiteModel), availability: { mode: 'activePassive', standbyRegion: 'us-west-2' } } as WebsiteModel;
    const standby = estimateCost(websiteKind.infrastructure!.plan(m)[0]!);
    const line = [...standby.items, ...standby.unpriced].find((i) => i.resource === 'secret/shop')!;
    // The failover records' health check has no figure in the knowledge base: the zone's line is missing, never the check left out.
    expect(standby.unpriced.find((u) => u.resource === 'dns-zone/shop')).toMatchObject({ missing: true, reason: expect.stringContaining('dns-health-check') });
    // Priced in both regions, or missing naming the one without a figure: never one region's secrets only.
    if ('monthlyUsd' in line) expect(line.sku).toContain('replicated to us-west-2');
    else expect(line.reason).toContain('us-west-2');
  });

  it('sizes the backup bucket from the site (uploads and database dumps), not from a server disk it does not have', () => {
    const m = load(site('region: us-east-1\ndatabase:\n  storageGiB: 100\nfileBackup:\n  retentionDays: 20'), { settings }).model as WebsiteModel;
    const line = estimateCost(websiteKind.infrastructure!.plan(m)[0]!).items.find((i) => i.resource === 'bucket/shop-backups')!;
    // (10 GiB of uploads + 100 × 0.5 × 0.4 GiB of dump) × (1 + 0.05 × 20 days)
    expect(line.quantity).toBe(60);
    expect(line.monthlyUsd).toBeGreaterThan(0);
    expect(line.assumption).toMatch(/10 GiB of uploads and a database dump of 20 GiB/);
  });

  it('refuses a standby region where website resources have no price, positioned on it', () => {
    const m = load(site('region: us-east-1\navailability:\n  mode: activePassive\n  standbyRegion: us-west-2'), { settings });
    expect(errors(m)[0]).toMatchObject({ code: 'website/unknown-region', path: 'spec.availability.standbyRegion' });
  });

  it('plans a standby region for active/passive and several for active/active, and states the limits', () => {
    const base = load(site('region: us-east-1\nruntime:\n  scaling: { min: 2, max: 4 }'), { settings }).model as WebsiteModel;
    const passive = websiteKind.infrastructure!.plan({ ...base, availability: { mode: 'activePassive', standbyRegion: 'us-west' } })[0]!;
    // The standby's servers reach the internet (packages at boot) through a NAT of their own region, priced there.
    expect(passive.resources.filter((r) => r.attrs.region === 'us-west-2').map((r) => r.key)).toEqual(['load-balancer/shop-standby-1', 'instance-group/shop-standby-1', 'file-share/shop-standby-1', 'mysql/shop-replica-1', 'nat/shop-standby-1', 'public-ip/shop-nat-standby-1']);
    expect(passive.resources.find((r) => r.key === 'public-ip/shop-nat-standby-1')!.attrs).toMatchObject({ for: 'nat' });
    // Failover DNS needs a health check (a priced item of the zone).
    expect(passive.resources.find((r) => r.kind === 'dns-zone')!.attrs.healthChecks).toBe(1);
    // The secrets are kept in the standby region too (its servers read them there).
    expect(passive.resources.find((r) => r.kind === 'secret')!.attrs.replicaRegions).toEqual(['us-west-2']);
    expect(passive.resources.find((r) => r.key === 'instance-group/shop-standby-1')!.attrs).toMatchObject({ min: 1, max: 4, role: 'standby' });
    expect(passive.resources.find((r) => r.kind === 'dns-zone')!.attrs.routing).toBe('failover on health checks');
    expect(passive.notes.join('\n')).toMatch(/standby in us-west-2.*writes since its last replication are lost/);
    expect(websiteKind.infrastructure!.servers(passive)).toBe(8);
    const active = websiteKind.infrastructure!.plan({ ...base, availability: { mode: 'activeActive', regions: ['us-west', 'eu-west'] } })[0]!;
    expect(active.resources.filter((r) => r.kind === 'instance-group').map((r) => r.attrs.region)).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
    expect(active.notes.join('\n')).toMatch(/one writer database in us-east-1/);
    expect(active.resources.filter((r) => r.kind === 'nat').map((r) => r.attrs.region)).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
    expect(active.resources.find((r) => r.kind === 'dns-zone')!.attrs).not.toHaveProperty('healthChecks');
  });

  it('says how many addresses a dedicated IP takes on each cloud and what carries them', () => {
    const m = load(site('region: us-east-1\nip: dedicated'), { settings }).model as WebsiteModel;
    const plans = websiteKind.infrastructure!.plan(m);
    const ip = (cloud: string) => plans.find((p) => p.cloud === cloud)!.resources.find((r) => r.key === 'public-ip/shop')!.attrs;
    // An ALB has no static address: AWS puts a Network Load Balancer with an Elastic IP per zone in front.
    expect(ip('aws')).toMatchObject({ for: 'load balancer', addresses: 3, via: 'Network Load Balancer' });
    // The review says what the address is.
    expect(plans.find((p) => p.cloud === 'aws')!.notes.join('\n')).toMatch(/address: 3 dedicated static public IPs \(one per zone, on a Network Load Balancer in front of the Application Load Balancer\), kept across changes/);
    for (const cloud of ['azure', 'gcp']) {
      expect(ip(cloud)).toMatchObject({ for: 'load balancer', addresses: 1 });
      expect(ip(cloud)).not.toHaveProperty('via');
    }
  });

  it('prices each standby resource at its own region\'s rates, and a figure missing there as missing (never the primary region\'s)', () => {
    const base = load(site('region: us-east-1\nruntime:\n  scaling: { min: 2, max: 4 }'), { settings }).model as WebsiteModel;
    const plan = websiteKind.infrastructure!.plan({ ...base, availability: { mode: 'activePassive', standbyRegion: 'us-west' } })[0]!;
    const group = plan.resources.find((r) => r.key === 'instance-group/shop')!.type;
    // AWS with invented us-west-2 figures that differ from us-east-1's, and no EFS figure there.
    const data = structuredClone(awsKnowledge.data) as CloudData;
    const invented = { source: 'test figure, invented', date: '2026-11-29' };
    data.computePrices.push({ regions: ['us-west-2'], ...invented, unit: 'hour', prices: { [group]: 9 } });
    data.otherPrices = data.otherPrices.map((b) => ({ ...b, prices: Object.fromEntries(Object.entries(b.prices).filter(([k]) => !(k === 'file-share' && b.regions.includes('us-west-2')))) }));
    data.otherPrices.push({ regions: ['us-west-2'], ...invented, prices: { 'lb-hour': { unit: 'hour', price: 1 }, 'lb-capacity-unit': { unit: 'LCU-hour', price: 0.5 } } });
    registerCloudKnowledge({ ...awsKnowledge, data });
    try {
      const cost = estimateCost(plan);
      const line = (key: string) => cost.items.find((i) => i.resource === key);
      expect(line('instance-group/shop-standby-1')).toMatchObject({ unitPriceUsd: 9 * 730, monthlyUsd: 9 * 730, priceSource: 'test figure, invented (2026-11-29)' });
      expect(line('instance-group/shop-standby-1')!.assumption).toMatch(/^priced at us-west-2 rates/);
      expect(line('load-balancer/shop-standby-1')).toMatchObject({ monthlyUsd: 730 + 0.5 * 730 });
      expect(line('load-balancer/shop-standby-1')!.sku).toContain('730 h × $1 per gateway-hour');
      // The primary region's lines keep the primary's figures and say nothing of a region.
      expect(line('load-balancer/shop')!.sku).toContain('730 h × $0.0225');
      expect(line('load-balancer/shop')!.assumption).not.toMatch(/priced at/);
      expect(line('instance-group/shop')!.unitPriceUsd).not.toBe(9 * 730);
      // No EFS figure in us-west-2: the standby share is missing, the primary one priced.
      expect(cost.unpriced.find((u) => u.resource === 'file-share/shop-standby-1')).toMatchObject({ missing: true, reason: expect.stringContaining('no file-share price for us-west-2') });
      expect(line('file-share/shop')).toBeDefined();
      expect(cost.complete).toBe(false);
      expect(plan.notes.join('\n')).not.toMatch(/priced at/);
    } finally {
      registerCloudKnowledge(awsKnowledge);
    }
  });
});

describe('Website transitions', () => {
  const before = site('region: us-east-1\ndatabase:\n  size: small\n  storageGiB: 50');
  const review = (after: string, opts: { ack?: string } = {}) =>
    reviewChange(new MemoryReader({ a: { '.autostack/autostack.yaml': SETTINGS, [SITE_FILE]: before }, b: { '.autostack/autostack.yaml': SETTINGS, [SITE_FILE]: after } }), 'a', 'b', undefined, { now: NOW, ...(opts.ack ? { acknowledgedDowntime: opts.ack } : {}) });

  it('asks for the downtime acknowledgement when the database restarts on a new class, and takes it when written', async () => {
    const r = await review(site('region: us-east-1\ndatabase:\n  size: medium\n  storageGiB: 50'));
    expect(r.diagnostics.find((d) => d.code === 'website/downtime-unacknowledged')).toMatchObject({ severity: 'error', path: 'spec.database' });
    expect(r.plans[0]!.changes).toContain('database size small → medium');
    const ok = await review(site('region: us-east-1\ndatabase:\n  size: medium\n  storageGiB: 50\nacknowledge:\n  downtime: resize in the Sunday window'));
    expect(ok.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect((await review(site('region: us-east-1\ndatabase:\n  size: medium\n  storageGiB: 50'), { ack: 'label' })).ok).toBe(true);
  });

  it('lets servers change without an acknowledgement (they are replaced by the update strategy) and refuses shrinking storage', async () => {
    const r = await review(site('region: us-east-1\nruntime:\n  size: large\ndatabase:\n  size: small\n  storageGiB: 50'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plans[0]!.deployment.find((c) => c.key === 'instance-group/shop')).toMatchObject({ action: 'change' });
    const shrink = await review(site('region: us-east-1\ndatabase:\n  size: small\n  storageGiB: 20'));
    expect(shrink.diagnostics.map((d) => d.code)).toContain('website/storage-shrink');
  });
});

describe('Cross-file references: a Website names a Profile in another file', () => {
  const PROFILE = '.autostack/profiles/small-blog.yaml';
  const base = { '.autostack/autostack.yaml': SETTINGS, [PROFILE]: profile('small-blog', 'runtime:\n  size: small\n  scaling: { min: 1, max: 2 }'), [SITE_FILE]: site('profile: small-blog\nregion: us-east-1') };

  it('resolves a changed website against the profile at the same ref', async () => {
    const head = { ...base, [SITE_FILE]: site('profile: small-blog\nregion: us-east-1\nruntime:\n  cdn: true') };
    const r = await reviewChange(new MemoryReader({ a: base, b: head }), 'a', 'b', undefined, { now: NOW });
    const p = r.plans.find((x) => x.file === SITE_FILE)!;
    expect(p.changes).toEqual(['CDN off → on']);
    expect(p.advice[0]).toContain('From profile small-blog (.autostack/profiles/small-blog.yaml): runtime.scaling.max, runtime.scaling.min, runtime.size');
  });

  it('reviews the websites naming a profile again when only the profile changes, saying the value came from it', async () => {
    const head = { ...base, [PROFILE]: profile('small-blog', 'runtime:\n  size: medium\n  scaling: { min: 1, max: 2 }') };
    const r = await reviewChange(new MemoryReader({ a: base, b: head }), 'a', 'b', undefined, { now: NOW });
    expect(r.plans.map((p) => [p.file, p.status])).toEqual([[PROFILE, 'changed'], [SITE_FILE, 'changed']]);
    const p = r.plans.find((x) => x.file === SITE_FILE)!;
    expect(p.changes).toEqual(['server size small (2 vCPU / 4 GiB) → medium (2 vCPU / 8 GiB) (from profile small-blog)']);
    expect(p.deployment.find((c) => c.key === 'instance-group/shop')).toMatchObject({ action: 'change' });
  });

  it('re-reviews sites that name no profile when the default profile appears', async () => {
    const plain = { '.autostack/autostack.yaml': SETTINGS, [SITE_FILE]: site('region: us-east-1') };
    const head = { ...plain, '.autostack/default.yaml': profile('default', 'runtime:\n  objectCache: true') };
    const r = await reviewChange(new MemoryReader({ a: plain, b: head }), 'a', 'b', undefined, { now: NOW });
    const p = r.plans.find((x) => x.file === SITE_FILE)!;
    expect(p.changes).toEqual(['profile none → default', 'object cache off → on (small) (from profile default)']);
    expect(p.deployment.find((c) => c.key === 'cache/shop')).toMatchObject({ action: 'add' });
  });

  it('fails the review of a site whose profile is deleted, on the site file', async () => {
    const { [PROFILE]: _gone, ...head } = base;
    const r = await reviewChange(new MemoryReader({ a: base, b: head }), 'a', 'b', undefined, { now: NOW });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.find((d) => d.code === 'website/unknown-profile')).toMatchObject({ file: SITE_FILE, path: 'spec.profile' });
  });

  it('validates a whole tree with the references resolved', async () => {
    const v = await validateTree(new MemoryReader({ a: base }), 'a');
    expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const broken = await validateTree(new MemoryReader({ a: { ...base, [SITE_FILE]: site('profile: shop-ha\nregion: us-east-1') } }), 'a');
    expect(broken.diagnostics.map((d) => d.code)).toContain('website/unknown-profile');
  });
});

describe('Tenancy: quotas per org and the platform domain from the base branch', () => {
  const files = { '.autostack/autostack.yaml': SETTINGS, '.autostack/a.yaml': site('region: us-east-1\nruntime:\n  scaling: { min: 1, max: 4 }', 'a') };

  it('counts websites per kind and servers at the maximum scale', async () => {
    const head = { ...files, '.autostack/b.yaml': site('region: us-east-1\nruntime:\n  scaling: { min: 1, max: 3 }', 'b') };
    const r = await reviewChange(new MemoryReader({ a: files, b: head }), 'a', 'b', undefined, { now: NOW, quota: { scope: 'org acme', maxPerKind: { Website: 1 }, maxVms: 6 } });
    expect(r.diagnostics.find((d) => d.code === 'quota/max-per-kind')).toMatchObject({ file: '.autostack/b.yaml', severity: 'error' });
    expect(r.diagnostics.find((d) => d.code === 'quota/max-per-kind')!.message).toContain('2 Website files, the quota is 1');
    expect(r.diagnostics.find((d) => d.code === 'quota/max-vms')!.message).toContain('7 servers');
    const fine = await reviewChange(new MemoryReader({ a: files, b: head }), 'a', 'b', undefined, { now: NOW, quota: { scope: 'org acme', maxPerKind: { Website: 2 }, maxVms: 7 } });
    expect(fine.diagnostics.filter((d) => d.code.startsWith('quota/'))).toEqual([]);
  });

  it('takes the platform domain from the base branch: a pull request cannot move its sites under another domain', async () => {
    const moved = SETTINGS.replace('sites.example.net', 'evil.example.com');
    const head = { ...files, '.autostack/autostack.yaml': moved, '.autostack/a.yaml': site('region: us-east-1\nruntime:\n  cdn: true', 'a') };
    const r = await reviewChange(new MemoryReader({ a: files, b: head }), 'a', 'b', undefined, { now: NOW });
    expect(r.diagnostics.find((d) => d.code === 'settings/policy-change')!.message).toContain('Platform domain sites.example.net → evil.example.com');
    const zone = r.plans.find((p) => p.file === '.autostack/a.yaml')!.resources.find((x) => x.kind === 'dns-zone' && x.cloud === 'aws')!;
    expect(zone.key).toBe('dns-zone/a');
    expect(r.plans.find((p) => p.file === '.autostack/a.yaml')!.notes.join('\n')).toContain('www.a.acme.www.sites.example.net');
  });
});

describe('Website review on three clouds', () => {
  const PROFILE = profile('shop-ha', 'runtime:\n  size: medium\n  scaling: { min: 2, max: 6 }\n  objectCache: true\ndatabase:\n  size: medium\n  highAvailability: true\nupdates:\n  strategy: canary\n  steps: [10, 50, 100]\n  pause: 15m');
  const base = { '.autostack/autostack.yaml': SETTINGS, '.autostack/profiles/shop-ha.yaml': PROFILE, [SITE_FILE]: site('profile: shop-ha\nregion: us-east-1\ndomains:\n  custom: [shop.example.com]\nalerts:\n  emails: [ops@example.com]') };
  const head = { ...base, [SITE_FILE]: site('profile: shop-ha\nregion: us-east-1\ndomains:\n  extraRoutes: [admin]\n  custom: [shop.example.com, www.shop.example.com]\nruntime:\n  cdn: true\nalerts:\n  emails: [ops@example.com]\nbudget:\n  monthlyUsd: 400') };

  it('shows the spec diff, the resource diff and the cost per cloud, unpriced where a figure is missing (golden)', async () => {
    const r = await reviewChange(new MemoryReader({ a: base, b: head }), 'a', 'b', undefined, { now: NOW });
    const p = r.plans[0]!;
    expect(p.changes).toEqual([
      'platform names www.shop.acme.www.sites.example.net → www.shop.acme.www.sites.example.net, admin.shop.acme.www.sites.example.net',
      'custom domains added: www.shop.example.com (new certificate names, DNS-validated)',
      'CDN off → on',
      'budget none → $400/month',
    ]);
    expect(p.deployment.map((c) => `${c.action} ${c.key}`)).toEqual(expect.arrayContaining(['replace certificate/shop-platform', 'replace certificate/shop-custom-1', 'add cdn/shop', 'change dns-zone/shop']));
    // AWS us-east-1 and Azure East US price every line of this shop (East US is not offered for
    // websites: the small database and the medium cache have no figure there); GCP us-east1 lacks some.
    for (const cloud of ['aws', 'azure']) expect(p.cost.find((c) => c.cloud === cloud)!.complete, cloud).toBe(true);
    const gcp = p.cost.find((x) => x.cloud === 'gcp')!;
    expect(gcp.complete).toBe(false);
    expect(gcp.unpriced.filter((u) => u.missing).length).toBeGreaterThan(0);
    expect(r.budgets).toEqual([expect.objectContaining({ scope: 'plan', name: 'shop', complete: true, limitUsd: 400 })]);
    const md = renderMarkdown(r);
    expect(md).toContain('**missing**');
    await expect(md).toMatchFileSnapshot('__golden__/website-review.md');
  });

  it('refuses a site whose own region lacks the figure of a named size (so its budget is never checked against a partial price)', async () => {
    const unpriced = { ...base, [SITE_FILE]: site('region: us-east-1\ndatabase:\n  size: xlarge\nbudget:\n  monthlyUsd: 1000') };
    // The xlarge class (db.m6g.xlarge) without its figure, as for any class no source prices yet:
    // us-east-1 is then not offered for websites at all, whichever size the file names.
    const r = await withoutAwsFigure('mysql:db.m6g.xlarge', () => reviewChange(new MemoryReader({ a: base, b: unpriced }), 'a', 'b', undefined, { now: NOW }));
    expect(r.ok).toBe(false);
    expect(r.diagnostics.find((d) => d.code === 'website/unknown-region')).toMatchObject({ severity: 'error', path: 'spec.region' });
    expect(r.budgets.filter((b) => b.complete)).toEqual([]);
  });
});

describe('a Website\'s address on the dashboard', () => {
  it('lists the site with how clients reach it (dedicated IP or the load balancer\'s address); a PostgreSQL plan has none', async () => {
    const { listPlans } = await import('../app/api/repo-plans.ts');
    const files = {
      '.autostack/autostack.yaml': SETTINGS,
      '.autostack/shop.yaml': site('region: us-east-1\nip: dedicated'),
      '.autostack/blog.yaml': site('region: us-east-1', 'blog'),
      '.autostack/db.yaml': 'apiVersion: autostack.dev/v1\nkind: Plan\nmetadata:\n  name: db\nspec:\n  cloud: aws\n  region: us-east-1\n',
    };
    const store = { repo: 'acme/infra', defaultBranch: 'main', canWrite: true, readFiles: async () => files, latestDeployments: async () => new Map() } as never;
    const { plans } = await listPlans(store);
    const by = Object.fromEntries(plans.map((p) => [p.name, p]));
    expect(by.shop!.address).toMatch(/^3 dedicated static public IPs \(one per zone, on a Network Load Balancer in front of the Application Load Balancer\)/);
    expect(by.blog!.address).toMatch(/^the load balancer's own address \(Application Load Balancer\)/);
    expect(by.db).not.toHaveProperty('address');
  });
});
