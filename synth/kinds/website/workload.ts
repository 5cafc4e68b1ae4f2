import type { CloudPlan } from '../../../knowledge-base/cloud-plan.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import { cloudKnowledge, displayName } from '../../../knowledge-base/clouds/registry.ts';
import type { AbstractResource } from '../../../knowledge-base/types.ts';
import type { CloudAccess, GroupPolicy, InstanceValue, Workload } from '../../core/registry/kinds.ts';
import { cronToOnCalendar } from '../../core/validate/cron.ts';
import { renderSiteDocument, renderWordPressBootstrap, WEBSITE_CONFIG_KEY } from './boot/bootstrap.ts';
import { instanceValue } from './boot/config.ts';
import type { WordPressServerConfig } from './boot/config.ts';
import { WEBSITE_DEFAULTS } from './model.ts';
import type { WebsiteModel } from './model.ts';
import { platformNames } from './names.ts';

/**
 * What the cloud's stack provides a site's web servers, and how they find it (the contract
 * between this kind and the clouds' Website constructs):
 *
 * - one instance group per `instance-group` resource of the plan (`index` counts them: 0 is the
 *   primary region); every instance of a group runs `bootScript` (wrapped by the cloud as its
 *   user data) and applies the one document `serverConfig` returns (the same for every index:
 *   the cloud stores it once, at WEBSITE_CONFIG_KEY in the stack's bucket);
 * - on every instance, the tags or metadata values of `instanceValues` (`autostack-db-host`: the
 *   endpoint host name of the group's database — the writer MySQL for the primary region and for
 *   an active region, the read replica of its own region (`mysql/<site>-replica-<index>`) for a
 *   standby group: a standby reaches no database across regions, it serves read-only until its
 *   replica is promoted on failover; `autostack-nfs-export`: `host:/path` of the group's file
 *   share (a standby's is the read-only replica of the uploads); `autostack-cache-host` with the
 *   object cache, the group's region's): the script and the document name them, the server reads
 *   them with `instance_value` when it boots and whenever the document is applied;
 * - a MySQL database `wordpress` (utf8mb4) with a user `wordpress`, reached over TLS on port 3306,
 *   whose password the stack sets and stores as the whole value of a secret of its own (write-only:
 *   never in Terraform state, see synth/stack/password.ts); `autostack-db-secret` names that
 *   secret, the servers read it with `secret_read NAME` and never write it (the site's own secret,
 *   which they write, holds WordPress's keys and salts);
 * - a Redis endpoint on port 6379 inside the network, without TLS and without a password (the
 *   object cache: the WordPress drop-in wp-content/object-cache.php, keys prefixed with `<site>:`):
 *   the cloud must not require TLS or AUTH on it, and admits the web servers only;
 * - the load balancer's health check on `WEBSITE_HEALTH_PATH`, from the networks the cloud's
 *   knowledge base names (`loadBalancerSources`): only they are trusted for forwarded headers;
 * - the servers' identity may write objects under `backups/<site>/` of the stack's bucket, and
 *   read WEBSITE_CONFIG_KEY.
 */
export const WEBSITE_DB = { name: 'wordpress', user: 'wordpress', port: 3306 } as const;
export const WEBSITE_CACHE_PORT = 6379;
export const WEBSITE_HEALTH_PATH = WEBSITE_DEFAULTS.healthPath;
/** Largest upload (media library, plugin archives are off): nginx and PHP limits, in MiB. */
export const WEBSITE_UPLOAD_MIB = 64;
export const INSTANCE_VALUES = { dbHost: 'db-host', dbSecret: 'db-secret', nfsExport: 'nfs-export', cacheHost: 'cache-host' } as const;

/** The plan's instance groups in plan order (the workload's `index`). */
function groups(plan: CloudPlan): AbstractResource[] {
  return plan.resources.filter((r) => r.kind === 'instance-group');
}

/** The resources of group `index`'s region: the ones whose key carries the group's suffix. */
function groupParts(model: WebsiteModel, plan: CloudPlan, index: number): { group: AbstractResource; writer: AbstractResource; share?: AbstractResource; cache?: AbstractResource } {
  const group = groups(plan)[index];
  if (!group) throw new Error(`${model.name} on ${plan.cloud}: the plan has no instance group ${index}`);
  const suffix = group.key.slice(`instance-group/${model.name}`.length);
  const byKey = (key: string) => plan.resources.find((r) => r.key === key);
  // A standby group's database is its region's read replica (read-only until promoted); every other group's is the writer.
  const dbKey = group.attrs.role === 'standby' ? `mysql/${model.name}-replica-${index}` : `mysql/${model.name}`;
  const writer = byKey(dbKey);
  if (!writer) throw new Error(`${model.name} on ${plan.cloud}: the plan has no MySQL ${group.attrs.role === 'standby' ? 'replica' : 'writer'} for instance group ${index} (${dbKey})`);
  const share = byKey(`file-share/${model.name}${suffix}`);
  const cache = byKey(`cache/${model.name}${suffix}`);
  return { group, writer, ...(share ? { share } : {}), ...(cache ? { cache } : {}) };
}

/** The apply-time values the cloud sets on every server of group `index`. */
export function websiteInstanceValues(model: WebsiteModel, plan: CloudPlan, index: number): InstanceValue[] {
  const { writer, share, cache } = groupParts(model, plan, index);
  return [
    { name: INSTANCE_VALUES.dbHost, resource: writer.key, attribute: 'host', description: writer.key.includes('-replica-') ? 'the endpoint host name of the MySQL read replica of the group\'s region' : 'the MySQL writer\'s endpoint host name' },
    { name: INSTANCE_VALUES.dbSecret, resource: writer.key, attribute: 'password-secret', description: 'the secret holding the MySQL user\'s password' },
    ...(share ? [{ name: INSTANCE_VALUES.nfsExport, resource: share.key, attribute: 'nfs-export' as const, description: 'the file share\'s NFS export (host:/path) holding the uploads' }] : []),
    ...(cache ? [{ name: INSTANCE_VALUES.cacheHost, resource: cache.key, attribute: 'host' as const, description: 'the object cache\'s endpoint host name' }] : []),
  ];
}

/**
 * The server configuration of group `index`: the site's names (platform names first, then the
 * custom domains), the database, shared storage and cache as instance values, the memory of the
 * group's instance type, the load balancer's networks, and the file backup's schedule.
 */
export function websiteServerConfig(model: WebsiteModel, plan: CloudPlan, index: number, access: CloudAccess): WordPressServerConfig {
  const { group, share, cache } = groupParts(model, plan, index);
  const where = `${model.name} on ${displayName(plan.cloud)}`;
  const source = model.source;
  if (source.type === 'zip') throw new Error(`${where}: a zip source is not deployed by the web servers yet (they install Debian's WordPress ${model.runtime.wordpress}): use source: { type: blank } or a git repository of wp-content, and bring the content in after the first deployment`);
  if (source.type === 'git' && source.layout !== 'wp-content') throw new Error(`${where}: a Bedrock project is not deployed by the web servers yet (Bedrock brings its own WordPress through Composer; the servers run Debian's WordPress ${model.runtime.wordpress}): use layout: wp-content with a repository of your wp-content directory`);
  const [platform, ...aliases] = platformNames(model);
  const custom = model.names.custom;
  // Without a platform name the first exact custom domain leads (WordPress's address is the first exact one either way).
  const first = platform ?? custom.find((d) => !d.startsWith('*.'));
  if (!first) throw new Error(`${where}: the site has no name to serve: set spec.platform.domain in autostack.yaml (the operator's platform domain) or add an exact name to spec.domains.custom`);
  const type = catalogFor(plan.cloud).instanceType(group.type);
  if (!type) throw new Error(`${where}: the instance type ${group.type} is not in the ${displayName(plan.cloud)} catalog, so the PHP workers cannot be sized`);
  const knowledge = cloudKnowledge(plan.cloud);
  if (!knowledge.loadBalancerSources) throw new Error(`${where}: the knowledge base does not say where the ${displayName(plan.cloud)} load balancer connects from (loadBalancerSources), so the servers cannot tell it from a client`);
  return {
    site: model.name,
    platformDomain: first,
    platformAliases: platform ? aliases : [],
    customDomains: platform ? custom : custom.filter((d) => d !== first),
    phpVersion: model.runtime.php,
    source: { type: 'debian', version: model.runtime.wordpress },
    ...(source.type === 'git' ? { code: { repository: source.repository, ref: source.ref } } : {}),
    ...(share ? { sharedStorage: { protocol: 'nfs' as const, source: instanceValue(INSTANCE_VALUES.nfsExport), ...(knowledge.nfsMountOptions ? { options: knowledge.nfsMountOptions.options } : {}) } } : {}),
    database: { host: instanceValue(INSTANCE_VALUES.dbHost), port: WEBSITE_DB.port, name: WEBSITE_DB.name, user: WEBSITE_DB.user, tls: true, passwordSecret: instanceValue(INSTANCE_VALUES.dbSecret) },
    access,
    ...(cache ? { objectCache: { host: instanceValue(INSTANCE_VALUES.cacheHost), port: WEBSITE_CACHE_PORT, tls: false } } : {}),
    healthPath: WEBSITE_HEALTH_PATH,
    memoryMiB: Math.round(type.memoryGiB * 1024),
    uploadMiB: WEBSITE_UPLOAD_MIB,
    trustedProxies: knowledge.loadBalancerSources.cidrs,
    xmlrpc: false,
    backup: { onCalendar: model.fileBackup.enabled ? cronToOnCalendar(model.fileBackup.schedule) : '', prefix: `backups/${model.name}` },
  };
}

/** Group `index`'s size, scaling and rollout from the model (the plan's attributes are display text). */
export function websiteGroupPolicy(model: WebsiteModel, plan: CloudPlan, index: number): GroupPolicy {
  const { group } = groupParts(model, plan, index);
  const s = model.runtime.scaling;
  const u = model.updates;
  return {
    min: Number(group.attrs.min),
    max: Number(group.attrs.max),
    ...(s.mode === 'auto' ? { cpuTarget: s.cpuTarget } : { notifyAbovePercent: s.cpuAbove }),
    healthPath: WEBSITE_HEALTH_PATH,
    rollout: u.strategy === 'canary' ? { strategy: 'canary', steps: [...u.steps], pauseSeconds: durationSeconds(u.pause) } : u.strategy === 'blueGreen' ? { strategy: 'blueGreen', verifyPath: u.verifyPath } : { strategy: 'rolling' },
  };
}

/** `10m`, `1h`, `90s` in seconds (the schema allows these forms only). */
function durationSeconds(text: string): number {
  const m = /^(\d{1,5})([smh])$/.exec(text);
  if (!m) throw new Error(`a pause of ${JSON.stringify(text)} is not a duration such as 10m or 1h`);
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
}

/** The Website kind's servers as the clouds build them. */
export const websiteWorkload: Workload<WebsiteModel> = {
  title: 'WordPress',
  slug: 'wordpress',
  bootScript: (model, plan, index, access) => renderWordPressBootstrap(websiteServerConfig(model, plan, index, access)),
  serverConfig: (model, plan, index, access) => ({ key: WEBSITE_CONFIG_KEY, content: renderSiteDocument(websiteServerConfig(model, plan, index, access)) }),
  instanceValues: websiteInstanceValues,
  group: websiteGroupPolicy,
  database: WEBSITE_DB,
  outputs: {
    primaryAddress: 'Address of the site\'s load balancer (point the custom domains at it)',
    secret: 'the database password (DB_PASSWORD) and WordPress\'s keys and salts',
    backupSchedule: 'When the web servers back up the database dump and the uploads',
  },
};
