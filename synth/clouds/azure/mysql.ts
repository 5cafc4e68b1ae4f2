import { TerraformOutput } from '../../cdktf/index.ts';
import { azure } from '../../cdktf/azure.ts';
import type { KeyVault, ResourceGroup, RoleAssignment } from '../../cdktf/azure.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { ephemeralPassword } from '../../stack/password.ts';
import { provide, share, shared } from '../../stack/shared.ts';
import { azName, primaryRegionOnly, scheduleTime, webSubnets } from './web.ts';

/** The MySQL version the sites run; minor versions arrive through Azure's maintenance. */
export const AZURE_MYSQL_VERSION = '8.0.21';

/** The flexible server's smallest storage (https://learn.microsoft.com/en-us/azure/mysql/flexible-server/concepts-service-tiers-storage). */
export const AZURE_MYSQL_MIN_STORAGE_GIB = 20;

/**
 * The site's managed MySQL: an Azure Database for MySQL flexible server with private access only
 * (a subnet delegated to it, its name in a private DNS zone linked to the stack's network; no
 * public endpoint), TLS required (`require_secure_transport`), storage growing by itself (the
 * file's figure is the starting size: Terraform leaves the grown size alone), backups
 * kept the plan's retention (Azure takes them daily at a time of its choosing; the plan's schedule
 * sets the maintenance window three hours later), zone-redundant high availability when the plan
 * asks for it (Azure offers it on General Purpose and Business Critical classes, not Burstable),
 * geo-redundant backups off (a second region is not built on Azure yet). The database
 * `wordpress` is utf8mb4. The administrator the site connects as is the workload's user; its
 * password is an ephemeral value given write-only to the server (`administrator_password_wo`) and
 * to a Key Vault secret of its own (`value_wo`), so it is in neither state nor plan
 * (synth/stack/password.ts); the web servers may read that secret only (group.ts). Terraform
 * refuses to destroy the server (`prevent_destroy`); class, storage, HA and retention change in place.
 */
export const azureMysql: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const { stack } = ctx;
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const subnets = webSubnets(ctx, 'database');
  const database = ctx.workload.database;
  if (!database) throw new Error(`synth: ${ctx.workload.title} servers name no database for ${r.key}`);
  const sku = r.type;
  const ha = r.attrs.highAvailability === true;
  if (ha && sku.startsWith('B_')) throw new Error(`Azure cannot make ${r.key} highly available: zone-redundant high availability needs a General Purpose class, and ${sku} is Burstable; use database size large or bigger, or highAvailability: false`);
  const name = azName(ctx, 'mysql', 63, true);
  const password = ephemeralPassword(ctx, 'mysql_password');
  const dnsZone = new azure.PrivateDnsZone(stack, 'mysql_dns', { name: `${name}.private.mysql.database.azure.com`, resourceGroupName: rg.name, tags: ctx.tags });
  const link = new azure.PrivateDnsZoneVirtualNetworkLink(stack, 'mysql_dns_link', { name: 'site-network', resourceGroupName: rg.name, privateDnsZoneName: dnsZone.name, virtualNetworkId: subnets.vnetId, registrationEnabled: false, tags: ctx.tags });
  const at = scheduleTime(String(r.attrs.backupSchedule ?? ''));
  const server = share(ctx, 'database', new azure.MysqlFlexibleServer(stack, 'mysql', {
    name,
    resourceGroupName: rg.name,
    location: rg.location,
    version: AZURE_MYSQL_VERSION,
    skuName: sku,
    administratorLogin: database.user,
    administratorPasswordWo: password.value,
    administratorPasswordWoVersion: password.version,
    delegatedSubnetId: subnets.mysql,
    privateDnsZoneId: dnsZone.id,
    publicNetworkAccess: 'Disabled',
    backupRetentionDays: Math.min(35, Math.max(1, Number(r.attrs.backupRetentionDays))),
    geoRedundantBackupEnabled: false,
    storage: { sizeGb: Math.max(AZURE_MYSQL_MIN_STORAGE_GIB, Number(r.attrs.storageGiB)), autoGrowEnabled: true, ioScalingEnabled: true },
    ...(ha ? { highAvailability: { mode: 'ZoneRedundant' } } : {}),
    maintenanceWindow: { dayOfWeek: 0, startHour: (at.hour + 3) % 24, startMinute: 0 },
    tags: ctx.tags,
    dependsOn: [link],
    // Storage grows by itself beyond the file's figure; a failover moves the primary to the standby's zone.
    lifecycle: { preventDestroy: true, ignoreChanges: ['storage[0].size_gb', 'zone', 'high_availability[0].standby_availability_zone'] },
  }));
  new azure.MysqlFlexibleServerConfiguration(stack, 'mysql_tls', { name: 'require_secure_transport', resourceGroupName: rg.name, serverName: server.name, value: 'ON' });
  new azure.MysqlFlexibleDatabase(stack, 'mysql_database', { name: database.name, resourceGroupName: rg.name, serverName: server.name, charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci', lifecycle: { preventDestroy: true } });
  const secretName = `${ctx.workload.slug}-db`;
  const secret = share(ctx, 'dbSecret', new azure.KeyVaultSecret(stack, 'mysql_password', {
    name: secretName,
    keyVaultId: shared<KeyVault>(ctx, 'vault').id,
    valueWo: password.value,
    valueWoVersion: password.version,
    contentType: 'text/plain',
    tags: ctx.tags,
    dependsOn: [shared<RoleAssignment>(ctx, 'deployerSecrets')],
    // A server made anew gets this run's ephemeral password: its secret is written again in the same run.
    lifecycle: { replaceTriggeredBy: [`${ctx.synthesis.address(server)}.id`] },
  }));
  provide(ctx, r.key, 'host', server.fqdn);
  provide(ctx, r.key, 'password-secret', secretName);
  new TerraformOutput(stack, 'database_endpoint', { value: server.fqdn, description: 'The MySQL endpoint (private: reachable from the stack\'s network only)' });
  new TerraformOutput(stack, 'database_password_secret', { value: secret.versionlessId, description: 'Key Vault secret holding the database password (never in Terraform state)' });
};
