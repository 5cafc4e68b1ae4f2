import { TerraformOutput } from '../../cdktf/index.ts';
import { gcp } from '../../cdktf/gcp.ts';
import type { ServiceAccount } from '../../cdktf/gcp.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { ephemeralPassword } from '../../stack/password.ts';
import { provide, share, shared } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';
import { backupStart, gcpLimit, gcpName, primaryRegionOnly, privateServiceAccess } from './web.ts';

/** The MySQL major the sites run; minor versions arrive through Cloud SQL's maintenance. */
export const GCP_MYSQL_VERSION = 'MYSQL_8_0';

/** Binary logs (point-in-time recovery) are kept at most 7 days on Enterprise edition (the knowledge base's `cloudsql-log-retention-days`). */
const MAX_LOG_DAYS = gcpLimit('cloudsql-log-retention-days');

/**
 * The site's managed MySQL: Cloud SQL for MySQL 8.0 (Enterprise edition: the plan's
 * db-custom-N-M tiers) with a private IP only (no public address, reached through the stack's
 * private services access), TLS required (`ENCRYPTED_ONLY`), REGIONAL (a standby in another zone)
 * when the plan asks for high availability, daily backups from the plan's hour with binary logs
 * (point-in-time recovery) kept the plan's retention, storage growing by itself, deletion
 * protection in Terraform and in the API. Database `wordpress` (utf8mb4) and user `wordpress`
 * (any host): its password is an ephemeral value given write-only to the user (`password_wo`) and
 * to a Secret Manager secret of its own (`secret_data_wo`), never in state or plan
 * (synth/stack/password.ts); the web servers' account may read that secret only. Tier, HA,
 * storage and backups change in place; the name, region, version and network never change with an
 * ordinary edit, so the instance is never replaced by one.
 */
export const gcpMysql: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const { stack } = ctx;
  const psa = privateServiceAccess(ctx, 'database');
  const database = ctx.workload.database;
  if (!database) throw new Error(`synth: ${ctx.workload.title} servers name no database for ${r.key}`);
  const retention = Math.max(1, Number(r.attrs.backupRetentionDays));
  const window = backupStart(String(r.attrs.backupSchedule ?? ''));
  const labels = gcpLabels(ctx);
  const db = share(ctx, 'database', new gcp.SqlDatabaseInstance(stack, 'mysql', {
    name: gcpName(ctx, 'mysql', 63),
    region: ctx.plan.region,
    databaseVersion: GCP_MYSQL_VERSION,
    deletionProtection: true,
    settings: {
      edition: 'ENTERPRISE',
      tier: r.type,
      availabilityType: r.attrs.highAvailability === true ? 'REGIONAL' : 'ZONAL',
      diskType: 'PD_SSD',
      diskSize: Number(r.attrs.storageGiB),
      diskAutoresize: true,
      diskAutoresizeLimit: 0,
      deletionProtectionEnabled: true,
      retainBackupsOnDelete: true,
      ipConfiguration: { ipv4Enabled: false, privateNetwork: shared<string>(ctx, 'network'), sslMode: 'ENCRYPTED_ONLY', enablePrivatePathForGoogleCloudServices: false },
      backupConfiguration: {
        enabled: true,
        binaryLogEnabled: true,
        startTime: window.start,
        transactionLogRetentionDays: Math.min(MAX_LOG_DAYS, retention),
        backupRetentionSettings: { retainedBackups: retention, retentionUnit: 'COUNT' },
      },
      maintenanceWindow: { day: 7, hour: window.maintenanceHour, updateTrack: 'stable' },
      insightsConfig: { queryInsightsEnabled: true },
      userLabels: labels,
    },
    dependsOn: [psa],
    // Autoresize grows disk_size beyond the file's figure: Terraform must not shrink it back.
    lifecycle: { ignoreChanges: ['settings[0].disk_size'] },
  }));
  new gcp.SqlDatabase(stack, 'mysql_database', { instance: db.name, name: database.name, charset: 'utf8mb4', collation: 'utf8mb4_0900_ai_ci' });
  const password = ephemeralPassword(ctx, 'mysql_password');
  const user = new gcp.SqlUser(stack, 'mysql_user', { instance: db.name, name: database.user, host: '%', passwordWo: password.value, passwordWoVersion: password.version });
  const secretId = `${ctx.names.base}-${ctx.workload.slug}-db`;
  const secret = share(ctx, 'dbSecret', new gcp.SecretManagerSecret(stack, 'mysql_password', { secretId, replication: { auto: {} }, labels }));
  // A user made anew (with its instance) gets this run's ephemeral password: its secret version is written again in the same run.
  new gcp.SecretManagerSecretVersion(stack, 'mysql_password_value', { secret: secret.id, secretDataWo: password.value, secretDataWoVersion: password.version, lifecycle: { replaceTriggeredBy: [`${ctx.synthesis.address(user)}.id`] } });
  // The web servers read the password; they never add a version of it.
  new gcp.SecretManagerSecretIamMember(stack, 'mysql_password_reader', { secretId: secret.id, role: 'roles/secretmanager.secretAccessor', member: `serviceAccount:${shared<ServiceAccount>(ctx, 'serviceAccount').email}` });
  provide(ctx, r.key, 'host', db.privateIpAddress);
  provide(ctx, r.key, 'password-secret', secretId);
  new TerraformOutput(stack, 'database_endpoint', { value: db.privateIpAddress, description: 'The MySQL private address (reachable from the stack\'s network only)' });
  new TerraformOutput(stack, 'database_password_secret', { value: secret.id, description: 'Secret Manager secret holding the database password (never in Terraform state)' });
};
