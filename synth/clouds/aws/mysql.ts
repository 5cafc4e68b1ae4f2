import { TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share } from '../../stack/shared.ts';
import { serverTag } from './group.ts';
import { webGroupIngress } from './web-firewall.ts';
import { awsName, backupWindow, primaryRegionOnly, privateSubnetIds } from './web.ts';

/** The MySQL major the sites run; minor versions arrive through RDS's automatic minor upgrades. */
export const AWS_MYSQL_VERSION = '8.0';

/**
 * The site's managed MySQL: RDS in the private subnets, never publicly accessible, reachable from
 * the web servers only, storage encrypted and growing by itself (`max_allocated_storage`), Multi-AZ
 * when the plan asks for high availability, automated backups in the plan's window and retention,
 * deletion protection and a final snapshot. The master password is RDS's own managed secret in
 * Secrets Manager (`manage_master_user_password`): Terraform never sees it, and the state holds
 * only the secret's ARN. The web servers read it (group.ts grants it). Class, storage, Multi-AZ
 * and backups change in place; the plan's identity (engine, identifier, subnet group) never
 * changes with an ordinary edit, so the database is never replaced by one.
 */
export const awsMysql: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const { stack } = ctx;
  const storage = Number(r.attrs.storageGiB);
  const window = backupWindow(String(r.attrs.backupSchedule ?? ''));
  const identifier = awsName(ctx, 'mysql', 63);
  const subnets = new aws.DbSubnetGroup(stack, 'mysql_subnets', { name: identifier, description: 'AutoStack website database: private subnets', subnetIds: privateSubnetIds(ctx) });
  const sg = webGroupIngress(ctx, 'mysql_sg', 3306, 'MySQL');
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
    dbName: 'wordpress',
    username: 'autostack_admin',
    manageMasterUserPassword: true,
    dbSubnetGroupName: subnets.name,
    vpcSecurityGroupIds: [sg.id],
    publiclyAccessible: false,
    port: 3306,
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
  const secretArn = db.masterUserSecret.get(0).secretArn;
  share(ctx, 'dbSecretArn', secretArn);
  serverTag(ctx, 'db-host', db.address);
  serverTag(ctx, 'db-port', '3306');
  serverTag(ctx, 'db-secret', secretArn);
  new TerraformOutput(stack, 'database_endpoint', { value: db.address, description: 'The MySQL endpoint (private: reachable from the web servers only)' });
  new TerraformOutput(stack, 'database_password_secret', { value: secretArn, description: 'Secrets Manager secret RDS keeps the database password in (never in Terraform state)' });
};
