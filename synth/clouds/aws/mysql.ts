import { TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { ephemeralPassword } from '../../stack/password.ts';
import { provide, share, shared } from '../../stack/shared.ts';
import type { DbInstance } from '../../cdktf/aws.ts';
import { webGroupIngress } from './web-firewall.ts';
import { secretReplicas } from './secret.ts';
import { awsName, backupWindow, privateSubnetIds } from './web.ts';
import { activeRegionCidrs, awsRegion, idIn, regionIndexOf } from './region.ts';
import type { AwsRegion } from './region.ts';

/** The MySQL major the sites run; minor versions arrive through RDS's automatic minor upgrades. */
export const AWS_MYSQL_VERSION = '8.0';

/**
 * The site's managed MySQL: RDS in the private subnets, never publicly accessible, reachable from
 * the web servers only, storage encrypted and growing by itself (`max_allocated_storage`), Multi-AZ
 * when the plan asks for high availability, automated backups in the plan's window and retention,
 * deletion protection and a final snapshot. The user the site connects as is the master user
 * `wordpress`; its password is an ephemeral value given write-only (`password_wo`) to RDS and to a
 * Secrets Manager secret of its own (`secret_string_wo`), so it is in neither the state nor the
 * plan (synth/stack/password.ts). The web servers read that secret (group.ts grants it). Class, storage, Multi-AZ
 * and backups change in place; the plan's identity (engine, identifier, subnet group) never
 * changes with an ordinary edit, so the database is never replaced by one.
 */
export const awsMysql: ResourceSynth = (ctx, r) => {
  const region = awsRegion(ctx, regionIndexOf(r));
  if (region.index > 0) return awsMysqlReplica(ctx, r, region);
  const { stack } = ctx;
  const storage = Number(r.attrs.storageGiB);
  const window = backupWindow(String(r.attrs.backupSchedule ?? ''));
  const identifier = awsName(ctx, 'mysql', 63);
  const password = ephemeralPassword(ctx, 'mysql_password');
  const database = ctx.workload.database;
  if (!database) throw new Error(`synth: ${ctx.workload.title} servers name no database for ${r.key}`);
  const subnets = new aws.DbSubnetGroup(stack, 'mysql_subnets', { name: identifier, description: 'AutoStack website database: private subnets', subnetIds: privateSubnetIds(ctx) });
  const sg = webGroupIngress(ctx, 'mysql_sg', database.port, 'MySQL', awsRegion(ctx, 0), activeRegionCidrs(ctx));
  const db = share(ctx, 'database', new aws.DbInstance(stack, 'mysql', {
    identifier,
    engine: 'mysql',
    engineVersion: AWS_MYSQL_VERSION,
    autoMinorVersionUpgrade: true,
    allowMajorVersionUpgrade: false,
    instanceClass: r.type,
    allocatedStorage: storage,
    maxAllocatedStorage: Math.max(storage * 4, storage + 100),
    storageType: 'gp3',
    storageEncrypted: true,
    multiAz: r.attrs.highAvailability === true,
    dbName: database.name,
    username: database.user,
    passwordWo: password.value,
    passwordWoVersion: password.version,
    dbSubnetGroupName: subnets.name,
    vpcSecurityGroupIds: [sg.id],
    publiclyAccessible: false,
    port: database.port,
    caCertIdentifier: 'rds-ca-rsa2048-g1',
    backupRetentionPeriod: Number(r.attrs.backupRetentionDays),
    backupWindow: window.backup,
    maintenanceWindow: window.maintenance,
    copyTagsToSnapshot: true,
    deleteAutomatedBackups: false,
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: awsName(ctx, 'mysql-final', 255),
    enabledCloudwatchLogsExports: ['error', 'slowquery'],
    applyImmediately: false,
    tags: { Name: identifier },
    // Storage autoscaling grows allocated_storage beyond the file's figure: Terraform must not shrink it back.
    lifecycle: { ignoreChanges: ['allocated_storage'] },
  }));
  const secretName = `${ctx.names.secretPrefix}/${ctx.workload.slug}-db`;
  const secret = share(ctx, 'dbSecret', new aws.SecretsmanagerSecret(stack, 'mysql_password', {
    name: ctx.lit(secretName),
    description: ctx.lit(`Password of the MySQL user ${database.user} of AutoStack website ${ctx.subject.name} (written once by Terraform, write-only; read by the web servers)`),
    recoveryWindowInDays: 7,
    ...secretReplicas(ctx),
  }));
  share(ctx, 'dbSecretName', secretName);
  // A database made anew gets this run's ephemeral password: its secret is written again in the same run (never one without the other).
  new aws.SecretsmanagerSecretVersion(stack, 'mysql_password_value', { secretId: secret.id, secretStringWo: password.value, secretStringWoVersion: password.version, lifecycle: { replaceTriggeredBy: [`${ctx.synthesis.address(db)}.id`] } });
  provide(ctx, r.key, 'host', db.address);
  provide(ctx, r.key, 'password-secret', ctx.lit(secretName));
  new TerraformOutput(stack, 'database_endpoint', { value: db.address, description: 'The MySQL endpoint (private: reachable from the web servers only)' });
  new TerraformOutput(stack, 'database_password_secret', { value: secret.arn, description: 'Secrets Manager secret holding the database password (never in Terraform state)' });
};

/**
 * A cross-region read replica of the site's database in another region (the plan's `mysql/<site>-
 * replica-N`): `replicate_source_db` is the primary's ARN, in that region's private subnets
 * behind a group admitting its web servers only. Its storage is encrypted like the primary's,
 * which needs a key of its own region: RDS's AWS-managed key there (alias/aws/rds). It is the
 * database of its region's servers (read-only until promoted, docs/websites.md); its user and
 * password are the primary's, so the servers read the same secret (replicated to its region).
 * Promoting it (a failover) makes it a database of its own; Terraform then leaves
 * `replicate_source_db` as it is. Backups are kept like the primary's so that a promoted replica
 * has them from the start.
 */
function awsMysqlReplica(ctx: Parameters<ResourceSynth>[0], r: Parameters<ResourceSynth>[1], region: AwsRegion): void {
  const { stack } = ctx;
  const at = (name: string) => idIn(region, name);
  const primary = shared<DbInstance>(ctx, 'database');
  const database = ctx.workload.database;
  if (!database) throw new Error(`synth: ${ctx.workload.title} servers name no database for ${r.key}`);
  const identifier = awsName(ctx, 'mysql', 63);
  const window = backupWindow(String(r.attrs.backupSchedule ?? ''));
  const key = new aws.DataAwsKmsAlias(stack, at('rds_key'), { ...region.p, name: 'alias/aws/rds' });
  const subnets = new aws.DbSubnetGroup(stack, at('mysql_subnets'), { ...region.p, name: identifier, description: 'AutoStack website database replica: private subnets', subnetIds: region.privateSubnetIds });
  const sg = webGroupIngress(ctx, 'mysql_sg', database.port, 'MySQL', region);
  const replica = new aws.DbInstance(stack, at('mysql'), {
    ...region.p,
    identifier,
    replicateSourceDb: primary.arn,
    instanceClass: r.type,
    storageType: 'gp3',
    storageEncrypted: true,
    kmsKeyId: key.targetKeyArn,
    maxAllocatedStorage: Math.max(Number(r.attrs.storageGiB) * 4, Number(r.attrs.storageGiB) + 100),
    multiAz: false,
    dbSubnetGroupName: subnets.name,
    vpcSecurityGroupIds: [sg.id],
    publiclyAccessible: false,
    port: database.port,
    caCertIdentifier: 'rds-ca-rsa2048-g1',
    autoMinorVersionUpgrade: true,
    backupRetentionPeriod: Number(r.attrs.backupRetentionDays),
    backupWindow: window.backup,
    maintenanceWindow: window.maintenance,
    copyTagsToSnapshot: true,
    deletionProtection: true,
    skipFinalSnapshot: true,
    enabledCloudwatchLogsExports: ['error', 'slowquery'],
    applyImmediately: false,
    tags: { Name: identifier },
    // Storage grows by itself; a promoted replica (a failover) no longer replicates: Terraform leaves both.
    lifecycle: { ignoreChanges: ['allocated_storage', 'replicate_source_db'] },
  });
  replicas(ctx).set(region.index, replica);
  provide(ctx, r.key, 'host', replica.address);
  provide(ctx, r.key, 'password-secret', ctx.lit(shared<string>(ctx, 'dbSecretName')));
  new TerraformOutput(stack, at('database_endpoint'), { value: replica.address, description: `The MySQL read replica in ${region.region} (promote it on failover)` });
}

/** The read replicas by region index (the alarms watch their lag). */
export function replicas(ctx: Parameters<ResourceSynth>[0]): Map<number, DbInstance> {
  const m = ctx.shared.get('replicas') as Map<number, DbInstance> | undefined;
  return m ?? share(ctx, 'replicas', new Map<number, DbInstance>());
}
