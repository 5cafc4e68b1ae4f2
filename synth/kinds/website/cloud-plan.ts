import type { CloudPlan } from '../../../knowledge-base/cloud-plan.ts';
import { chooseInstance } from '../../../knowledge-base/cloud-plan.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import { cloudKnowledge, displayName } from '../../../knowledge-base/clouds/registry.ts';
import { counterpartRegion, resolveRegion } from '../../../knowledge-base/regions.ts';
import { WEBSITE_STACK_KINDS } from '../../../knowledge-base/types.ts';
import type { CloudId } from '../../../knowledge-base/types.ts';
import { FILE_SHARE_ASSUMPTION } from '../../../knowledge-base/prices/file-share.ts';
import { maxServers, minServers, WEBSITE_DEFAULTS } from './model.ts';
import { chooseImage } from '../../../knowledge-base/images.ts';
import type { WebsiteModel } from './model.ts';
import { planCertificates, platformNames, siteZone } from './names.ts';

/** Where the site's backups go in the stack's bucket (the servers' backup job writes there; the bucket's lifecycle rule expires them). */
export const WEBSITE_BACKUP_PREFIX = 'backups';

/** How the database's backups and the file backup are sized for the bucket's estimate. */
export const WEBSITE_BACKUP_ASSUMPTION = { dbFill: 0.5, compression: 0.4, dailyChange: 0.05 };

/** The site's cloud plans: its own cloud first, then every other registered cloud (a comparison in the like-for-like region). */
export function websitePlans(model: WebsiteModel, clouds: CloudId[]): CloudPlan[] {
  const own = buildWebsitePlan(model, model.cloud, model.region, true);
  const ownRegion = resolveRegion(model.cloud, model.region, WEBSITE_STACK_KINDS);
  const others = clouds.filter((c) => c !== model.cloud).map((c) => {
    const region = ownRegion.ok && ownRegion.alias ? ownRegion.alias : counterpartRegion(model.cloud, own.region, c);
    return buildWebsitePlan(model, c, region, false);
  });
  return [own, ...others];
}

/** A region of the site's own cloud, or its counterpart on a comparison cloud. */
function regionOn(model: WebsiteModel, cloud: CloudId, input: string): string {
  if (cloud === model.cloud) {
    const r = resolveRegion(cloud, input, WEBSITE_STACK_KINDS);
    return r.ok ? r.region : cloudKnowledge(cloud).regions.aliases[input] ?? input;
  }
  const mapped = cloudKnowledge(cloud).regions.aliases[input];
  if (mapped) return mapped;
  const own = resolveRegion(model.cloud, input, WEBSITE_STACK_KINDS);
  return counterpartRegion(model.cloud, own.ok ? own.region : input, cloud);
}

/** The abstract resources of a site on one cloud and region. */
export function buildWebsitePlan(model: WebsiteModel, cloud: CloudId, regionInput: string, primary: boolean): CloudPlan {
  const r = resolveRegion(cloud, regionInput, WEBSITE_STACK_KINDS);
  const listed = cloudKnowledge(cloud).regions.aliases[regionInput] ?? regionInput;
  const region = r.ok ? r.region : listed;
  const plan: CloudPlan = { cloud, region, primary, resources: [], notes: [], problems: [] };
  if (!r.ok) {
    if (primary) plan.problems.push(r.message);
    else plan.notes.push(`${region} is not offered for websites on ${displayName(cloud)}: ${r.unpriced ? 'some website resources have no price there yet (they are listed as missing)' : 'the knowledge base does not know it'}`);
  }
  const instance = chooseInstance({ vcpu: model.runtime.vcpu, memoryGiB: model.runtime.memoryGiB, family: model.runtime.family, instanceType: {} }, cloud, region, plan);
  if (instance) {
    plan.instance = instance;
    // The web servers run Debian 12's nginx, PHP-FPM and WordPress packages (boot/).
    const image = chooseImage(cloud, 'debian', '12', instance.arch);
    if (image.ok) plan.image = image.image;
    else plan.problems.push(image.message);
  }
  const names = cloudKnowledge(cloud).names;
  const sizes = cloudKnowledge(cloud).sizes ?? {};
  const out = plan.resources;
  const n = model.name;
  const traffic = { ...(model.traffic?.requestsPerMonth !== undefined ? { requestsPerMonth: model.traffic.requestsPerMonth } : {}), ...(model.traffic?.gibPerMonth !== undefined ? { gibPerMonth: model.traffic.gibPerMonth } : {}) };
  const certs = planCertificates(model, cloud);
  plan.problems.push(...(primary ? certs.problems : []));
  plan.notes.push(...(primary ? [] : certs.problems.map((p) => `cannot serve the site as written: ${p}`)), ...certs.warnings);
  const regions = siteRegions(model, cloud, region);

  for (const [i, where] of regions.entries()) {
    const suffix = i === 0 ? '' : `-${where.role}-${i}`;
    const min = i === 0 || where.role === 'active' ? minServers(model) : 1;
    const max = i === 0 || where.role === 'active' ? maxServers(model) : maxServers(model);
    out.push({
      kind: 'load-balancer', key: `load-balancer/${n}${suffix}`, type: names['load-balancer'] ?? 'HTTPS load balancer',
      attrs: { region: where.region, https: true, certificates: certs.certificates.length, ip: model.ip, healthPath: WEBSITE_DEFAULTS.healthPath, ...traffic },
      replaceOn: ['region'], inPlace: { certificates: 'in place: the listener takes the new certificate set; no interruption', ip: 'in place: the address changes — DNS records follow, clients with a cached address reconnect' },
    });
    if (model.ip === 'dedicated') {
      // Some clouds carry the static address in front of the load balancer, with one address per zone (the knowledge base says).
      const d = cloudKnowledge(cloud).dedicatedIp;
      out.push({ kind: 'public-ip', key: `public-ip/${n}${suffix}`, type: names['public-ip'] ?? 'static public IP', attrs: { region: where.region, for: 'load balancer', addresses: d?.addresses ?? 1, ...(d?.via ? { via: d.via } : {}) }, replaceOn: ['region'] });
    }
    const scaling = model.runtime.scaling;
    out.push({
      kind: 'instance-group', key: `instance-group/${n}${suffix}`, type: instance?.name ?? `${model.runtime.vcpu} vCPU / ${model.runtime.memoryGiB} GiB`,
      attrs: {
        region: where.region, min, max, role: where.role,
        scaling: scaling.mode === 'auto' ? `cpu ${scaling.cpuTarget}%` : `notify above cpu ${scaling.cpuAbove}%`,
        updates: updatesText(model), php: model.runtime.php, wordpress: model.runtime.wordpress, source: sourceText(model),
      },
      replaceOn: ['region'],
      inPlace: {
        min: 'in place: the group scales', max: 'in place: the group scales', scaling: 'in place: the scaling policy changes',
        updates: 'in place: the next rollout uses the new strategy',
        php: `in place: servers are replaced by the update strategy (${model.updates.strategy}), with automatic rollback when health checks fail`,
        wordpress: `in place: servers are replaced by the update strategy (${model.updates.strategy}), with automatic rollback when health checks fail`,
        source: `in place: servers are replaced by the update strategy (${model.updates.strategy}); content on the shared storage is kept`,
      },
      restartOnType: `servers are replaced by the update strategy (${model.updates.strategy}): ${minServers(model) >= 2 ? 'the site stays up' : 'with one server the site is down while it is replaced'}`,
    });
    out.push({
      kind: 'file-share', key: `file-share/${n}${suffix}`, type: names['file-share'] ?? 'shared file storage',
      attrs: { region: where.region, mountedBy: 'web servers (wp-content/uploads)', ...(i === 0 ? {} : { replicaOf: region }) },
      replaceOn: ['region'], disruptive: i === 0,
    });
    const sized = sizes.mysql?.[model.database.size];
    // A cloud offering high availability on some classes only takes its named class for it (said in the notes).
    const haClass = i === 0 && model.database.highAvailability ? sized?.highAvailability : undefined;
    const db = haClass ?? sized;
    if (haClass && sized) plan.notes.push(`database: ${haClass.type} instead of ${sized.type} for size ${model.database.size}, because ${haClass.why}`);
    out.push({
      kind: 'mysql', key: i === 0 ? `mysql/${n}` : `mysql/${n}-replica-${i}`, type: db?.type ?? `MySQL ${model.database.size}`,
      attrs: {
        region: where.region, size: model.database.size, storageGiB: model.database.storageGiB, highAvailability: i === 0 ? model.database.highAvailability : false,
        ...(db?.vcpu !== undefined ? { vcpu: db.vcpu } : {}), ...(db?.memoryGiB !== undefined ? { memoryGiB: db.memoryGiB } : {}),
        role: i === 0 ? 'writer' : 'read replica', backupSchedule: model.database.backup.schedule, backupRetentionDays: model.database.backup.retentionDays,
      },
      replaceOn: ['region'], growOnly: ['storageGiB'],
      inPlace: {
        storageGiB: 'in place: storage grows online',
        highAvailability: 'in place: the standby is added or removed (a failover of about a minute when removed)',
        backupSchedule: 'in place: the backup window moves', backupRetentionDays: 'in place: retention changes',
      },
      restartOnType: `the database restarts on the new class (${model.database.highAvailability ? 'a failover of about a minute' : 'several minutes of downtime'})`,
      disruptive: i === 0,
    });
    if (!db) plan.notes.push(`the knowledge base has no ${displayName(cloud)} database class for size ${model.database.size}`);
    if (model.runtime.objectCache) {
      const c = sizes.cache?.[model.runtime.cacheSize];
      out.push({ kind: 'cache', key: `cache/${n}${suffix}`, type: c?.type ?? `cache ${model.runtime.cacheSize}`, attrs: { region: where.region, nodes: 1, ...(c?.memoryGiB !== undefined ? { memoryGiB: c.memoryGiB } : {}) }, replaceOn: ['region'], restartOnType: 'the cache is rebuilt empty: pages are slower until it warms up' });
    }
  }
  const platform = platformNames(model);
  const zone = siteZone(model);
  if (zone) {
    out.push({
      kind: 'dns-zone', key: `dns-zone/${n}`, type: names['dns-zone'] ?? 'DNS zone',
      attrs: { zone, records: platform, routing: model.availability.mode === 'activePassive' ? 'failover on health checks' : model.availability.mode === 'activeActive' ? 'latency, over every region' : 'simple', ...(model.availability.mode === 'activePassive' ? { healthChecks: 1 } : {}), ...(model.traffic?.requestsPerMonth !== undefined ? { queriesPerMonth: Math.round(model.traffic.requestsPerMonth / 10) } : {}) },
      replaceOn: ['zone'], inPlace: { records: 'in place: records are added or removed', routing: 'in place: the routing policy changes' },
    });
  }
  for (const c of certs.certificates) {
    out.push({ kind: 'certificate', key: c.key, type: names.certificate ?? 'TLS certificate', attrs: { names: c.names, covers: c.covers, validation: 'dns' }, replaceOn: ['names'] });
  }
  // A cloud whose HTTPS is at its edge service has that service for every site; it caches only with the site's CDN on.
  const edge = cloudKnowledge(cloud).edgeTls;
  if (model.runtime.cdn || edge) {
    out.push({
      kind: 'cdn', key: `cdn/${n}`, type: names.cdn ?? 'CDN',
      attrs: { origin: 'load balancer', ...(edge ? { caching: model.runtime.cdn, tls: 'at the edge' } : {}), ...traffic },
      ...(edge ? { inPlace: { caching: 'in place: static assets are cached or no longer cached' } } : {}),
    });
    if (edge && !model.runtime.cdn) plan.notes.push(`HTTPS: ${displayName(cloud)} serves the site through its ${names.cdn ?? 'CDN'} even with the CDN off (${edge.why.split(' (')[0]}); nothing is cached`);
  }
  const alarms = 5 + (model.runtime.objectCache ? 1 : 0) + (regions.length - 1) * 2;
  const emails = model.runtime.scaling.mode === 'notify' ? [...new Set([...model.alerts.emails, ...model.runtime.scaling.notify])] : model.alerts.emails;
  out.push({ kind: 'alarm', key: `alarm/${n}`, type: names.alarm ?? 'alarms', attrs: { alarms, notify: emails, ...(model.runtime.scaling.mode === 'notify' ? { cpuAbove: model.runtime.scaling.cpuAbove } : {}) }, inPlace: { notify: 'in place: the subscriptions change', alarms: 'in place', cpuAbove: 'in place' } });
  // Every region's servers reach the internet (packages at boot) through a NAT of their region.
  for (const [i, where] of regions.entries()) {
    const suffix = i === 0 ? '' : `-${where.role}-${i}`;
    out.push({ kind: 'nat', key: `nat/${n}${suffix}`, type: names.nat ?? 'NAT gateway', attrs: { region: where.region, servers: maxServers(model) }, replaceOn: ['region'] });
  }
  for (const [i, where] of regions.entries()) {
    const suffix = i === 0 ? '' : `-${where.role}-${i}`;
    out.push({ kind: 'public-ip', key: `public-ip/${n}-nat${suffix}`, type: names['public-ip'] ?? 'public IP', attrs: { region: where.region, for: 'nat' } });
  }
  out.push({ kind: 'firewall', key: `firewall/${n}`, type: names.firewall ?? 'firewall', attrs: { ports: '80, 443 from the load balancer only; MySQL, NFS and cache from the web servers only' } });
  // The servers of every region read the secrets in their own region (a copy kept in step there), so a failover does not need the primary region.
  const replicaRegions = [...new Set(regions.slice(1).map((x) => x.region))];
  out.push({ kind: 'secret', key: `secret/${n}`, type: names.secret ?? 'secret', attrs: { holds: 'WordPress\'s keys and salts; the database password in a second secret', secrets: 2, ...(replicaRegions.length ? { replicaRegions } : {}) } });
  const stored = backupGiB(model);
  out.push({
    kind: 'bucket', key: `bucket/${n}-backups`, type: catalogFor(cloud).data.objectStorageClass,
    attrs: { region, prefix: WEBSITE_BACKUP_PREFIX, backups: model.fileBackup.enabled, retentionDays: model.fileBackup.enabled ? model.fileBackup.retentionDays : 0, schedule: model.fileBackup.enabled ? model.fileBackup.schedule : 'off', storedGiB: stored.gib, storedAssumption: stored.text },
    replaceOn: ['region'], inPlace: { retentionDays: 'in place: the lifecycle rule changes', schedule: 'in place: the servers\' backup timer changes', backups: 'in place' },
  });
  plan.notes.push(...websiteNotes(model, cloud, regions));
  plan.address = addressOf(model, cloud);
  return plan;
}

interface SiteRegion {
  region: string;
  role: 'primary' | 'standby' | 'active';
}

function siteRegions(model: WebsiteModel, cloud: CloudId, region: string): SiteRegion[] {
  const a = model.availability;
  if (a.mode === 'activePassive') return [{ region, role: 'primary' }, { region: regionOn(model, cloud, a.standbyRegion), role: 'standby' }];
  if (a.mode === 'activeActive') return [{ region, role: 'primary' }, ...a.regions.map((r) => ({ region: regionOn(model, cloud, r), role: 'active' as const }))];
  return [{ region, role: 'primary' }];
}

/** Uploads (the file share's assumed size) and database dumps, one full copy plus daily changes for the retention. */
function backupGiB(model: WebsiteModel): { gib: number; text: string } {
  if (!model.fileBackup.enabled) return { gib: 0, text: 'file backups are off' };
  const a = WEBSITE_BACKUP_ASSUMPTION;
  const dump = model.database.storageGiB * a.dbFill * a.compression;
  const full = FILE_SHARE_ASSUMPTION.gib + dump;
  const gib = Math.round(full * (1 + a.dailyChange * model.fileBackup.retentionDays) * 100) / 100;
  return { gib, text: `assumes ${FILE_SHARE_ASSUMPTION.gib} GiB of uploads and a database dump of ${Math.round(dump * 100) / 100} GiB (the database ${a.dbFill * 100}% full, compressed to ${a.compression * 100}%): one full copy plus daily changes of ${a.dailyChange * 100}% kept ${model.fileBackup.retentionDays} days` };
}

function updatesText(m: WebsiteModel): string {
  const u = m.updates;
  return u.strategy === 'canary' ? `canary ${u.steps.join('/')}% pause ${u.pause}` : u.strategy === 'blueGreen' ? `blue/green verify ${u.verifyPath}` : 'rolling';
}

function sourceText(m: WebsiteModel): string {
  const s = m.source;
  return s.type === 'git' ? `git ${s.repository}@${s.ref}` : s.type === 'zip' ? `zip ${s.archive}` : `blank WordPress ${m.runtime.wordpress}`;
}

/** How clients reach the site: its dedicated IP, or the load balancer's own address; behind the edge where the cloud terminates TLS there. */
function addressOf(model: WebsiteModel, cloud: CloudId): string {
  const k = cloudKnowledge(cloud);
  if (k.edgeTls) {
    const front = k.names.cdn ?? 'CDN';
    return `visitors reach the ${front}'s shared addresses; ${model.ip === 'dedicated' ? `the dedicated static public IP is the load balancer's, which answers the ${front} only` : 'point names at it with CNAME records'}`;
  }
  const d = k.dedicatedIp;
  if (model.ip === 'dedicated') {
    return d && d.addresses > 1
      ? `${d.addresses} dedicated static public IPs (one per zone${d.via ? `, on a ${d.via} in front of the ${k.names['load-balancer'] ?? 'load balancer'}` : ''}), kept across changes; the stack's outputs list them`
      : 'a dedicated static public IP, kept across changes; the stack\'s outputs show it';
  }
  return `the load balancer's own address (${k.names['load-balancer'] ?? 'load balancer'}); it may change when the load balancer is replaced, so point names at it with CNAME/alias records`;
}

/** What a reviewer should know about the site on this cloud: names, address, availability limits. */
function websiteNotes(model: WebsiteModel, cloud: CloudId, regions: SiteRegion[]): string[] {
  const notes: string[] = [];
  const platform = platformNames(model);
  const edge = cloudKnowledge(cloud).edgeTls;
  const front = edge ? cloudKnowledge(cloud).names.cdn ?? 'CDN' : 'load balancer';
  if (platform.length) notes.push(`names: ${platform.join(', ')}${model.names.custom.length ? `; custom: ${model.names.custom.join(', ')} (point them at the ${front}; each needs its DNS validation record at your DNS provider)` : ''}`);
  else if (model.names.custom.length) notes.push(`names: ${model.names.custom.join(', ')} (no platform name: autostack.yaml sets no spec.platform.domain)`);
  else notes.push('names: none — autostack.yaml sets no spec.platform.domain (the operator\'s setting) and the file lists no domains.custom, so the site gets no certificate and answers only at the load balancer\'s address over plain HTTP');
  notes.push(`address: ${addressOf(model, cloud)}`);
  const a = model.availability;
  if (a.mode === 'activePassive') notes.push(`availability: standby in ${regions[1]!.region} (a database replica, a standby group of 1 server that scales up on failover, a replicated file share); DNS fails over on health checks — failover takes minutes and promotes the replica, writes since its last replication are lost; the data transfer between the regions (database and file replication) is not in the estimate`);
  if (a.mode === 'activeActive') notes.push(`availability: active in ${regions.map((r) => r.region).join(', ')}; limits: one writer database in ${regions[0]!.region} (writes from the other regions cross regions, reads use local replicas), uploads replicate to the other regions' file shares with a delay, and sessions must not rely on a server's local disk; the data transfer between the regions (replication, writes to the one writer) is not in the estimate`);
  if (model.runtime.scaling.mode === 'notify') notes.push(`scaling: ${model.runtime.scaling.servers} server${model.runtime.scaling.servers === 1 ? '' : 's'}, fixed; above ${model.runtime.scaling.cpuAbove}% CPU the alarm tells ${model.runtime.scaling.notify.join(', ') || 'nobody (set notify)'} — scaling is announced, not performed`);
  return notes;
}
