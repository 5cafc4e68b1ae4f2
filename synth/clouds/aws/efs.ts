import { TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { provide, share } from '../../stack/shared.ts';
import { webGroupIngress } from './web-firewall.ts';
import { awsName, primaryRegionOnly, privateSubnetIds } from './web.ts';

/**
 * The site's shared storage (uploads): an encrypted EFS file system with elastic throughput, a
 * mount target in every private subnet behind a group admitting NFS from the web servers only,
 * and AWS Backup's daily backups on. Nothing an ordinary change touches replaces it: its only
 * replacing attributes (encryption, performance mode, creation token) are fixed here, and
 * Terraform refuses to destroy it (`prevent_destroy`): moving a site's region is a migration,
 * not an apply.
 */
export const awsFileShare: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const { stack } = ctx;
  const fs = share(ctx, 'fileSystem', new aws.EfsFileSystem(stack, 'shared_files', {
    creationToken: awsName(ctx, 'files', 64),
    encrypted: true,
    performanceMode: 'generalPurpose',
    throughputMode: 'elastic',
    lifecyclePolicy: [{ transitionToIa: 'AFTER_30_DAYS' }, { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }],
    protection: { replicationOverwrite: 'ENABLED' },
    tags: { Name: awsName(ctx, 'files', 255) },
    lifecycle: { preventDestroy: true },
  }));
  new aws.EfsBackupPolicy(stack, 'shared_files_backup', { fileSystemId: fs.id, backupPolicy: { status: 'ENABLED' } });
  const sg = webGroupIngress(ctx, 'files_sg', 2049, 'NFS (shared files)');
  // The servers mount at first boot: the group waits for the mount targets (group.ts).
  share(ctx, 'mountTargets', privateSubnetIds(ctx).map((subnetId, z) => new aws.EfsMountTarget(stack, `shared_files_${z}`, { fileSystemId: fs.id, subnetId, securityGroups: [sg.id] })));
  // The servers mount `<dns name>:/` (the regional name resolves to the mount target of their zone).
  provide(ctx, r.key, 'nfs-export', `${fs.dnsName}:/`);
  new TerraformOutput(stack, 'shared_files_id', { value: fs.id, description: 'EFS file system holding the site\'s uploads' });
};
