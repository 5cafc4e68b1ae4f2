import { TerraformOutput } from '../../cdktf/index.ts';
import { aws } from '../../cdktf/aws.ts';
import type { EfsFileSystem, EfsMountTarget } from '../../cdktf/aws.ts';
import type { ResourceSynth, StackContext } from '../../stack/context.ts';
import { maybeShared, provide, share, shared } from '../../stack/shared.ts';
import { webGroupIngress } from './web-firewall.ts';
import { awsName } from './web.ts';
import { awsRegion, idIn, regionIndexOf } from './region.ts';

/**
 * The site's shared storage (uploads): an encrypted EFS file system with elastic throughput, a
 * mount target in every private subnet behind a group admitting NFS from the web servers only,
 * and AWS Backup's daily backups on. Nothing an ordinary change touches replaces it: its only
 * replacing attributes (encryption, performance mode, creation token) are fixed here, and
 * Terraform refuses to destroy it (`prevent_destroy`): moving a site's region is a migration,
 * not an apply.
 *
 * A site's other region (the plan's file share with `replicaOf`) gets a file system of its own
 * that EFS replication keeps in step with the primary's (minutes behind; an
 * aws_efs_replication_configuration on the primary naming it as destination, so it is ours:
 * tagged, encrypted, protected). A replication destination is read-only: the servers there mount
 * it and serve the uploads it has, and WordPress cannot add uploads there until a failover deletes
 * the replication configuration (docs/websites.md), which makes it writable.
 */
export const awsFileShare: ResourceSynth = (ctx, r) => {
  const { stack } = ctx;
  const region = awsRegion(ctx, regionIndexOf(r));
  const at = (name: string) => idIn(region, name);
  const replica = region.index > 0;
  const fs = new aws.EfsFileSystem(stack, at('shared_files'), {
    ...region.p,
    creationToken: awsName(ctx, 'files', 64),
    encrypted: true,
    performanceMode: 'generalPurpose',
    throughputMode: 'elastic',
    lifecyclePolicy: [{ transitionToIa: 'AFTER_30_DAYS' }, { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }],
    // A replication destination must allow the replication to overwrite it; the primary must not be overwritten.
    protection: { replicationOverwrite: replica ? 'DISABLED' : 'ENABLED' },
    tags: { Name: awsName(ctx, 'files', 255) },
    // Deleting the replication (a failover) turns the replica's overwrite protection back on (EFS does): Terraform leaves it.
    lifecycle: { preventDestroy: true, ...(replica ? { ignoreChanges: ['protection'] } : {}) },
  });
  if (replica) {
    // https://docs.aws.amazon.com/efs/latest/ug/API_CreateReplicationConfiguration.html: one destination, and a file system is part of one replication only.
    const first = maybeShared<string>(ctx, 'replicatedTo');
    if (first !== undefined) throw new Error(`AWS cannot replicate the uploads of ${ctx.subject.name} to ${region.region}: an EFS file system replicates to one other region only, and ${first} already takes them; list one region in availability.regions, or use activePassive`);
    share(ctx, 'replicatedTo', region.region);
    const primary = shared<EfsFileSystem>(ctx, 'fileSystem');
    new aws.EfsReplicationConfiguration(stack, at('shared_files_replication'), { sourceFileSystemId: primary.id, destination: { fileSystemId: fs.id, region: region.region } });
  } else {
    share(ctx, 'fileSystem', fs);
    new aws.EfsBackupPolicy(stack, 'shared_files_backup', { fileSystemId: fs.id, backupPolicy: { status: 'ENABLED' } });
  }
  const sg = webGroupIngress(ctx, 'files_sg', 2049, 'NFS (shared files)', region);
  // The servers mount at first boot: the group waits for the mount targets (group.ts).
  const targets = region.privateSubnetIds.map((subnetId, z) => new aws.EfsMountTarget(stack, `${at('shared_files')}_${z}`, { ...region.p, fileSystemId: fs.id, subnetId, securityGroups: [sg.id] }));
  mountTargets(ctx).set(region.index, targets);
  // The servers mount `<dns name>:/` (the regional name resolves to the mount target of their zone).
  provide(ctx, r.key, 'nfs-export', `${fs.dnsName}:/`);
  new TerraformOutput(stack, at('shared_files_id'), { value: fs.id, description: replica ? `EFS replica of the uploads in ${region.region} (read-only until a failover deletes the replication)` : 'EFS file system holding the site\'s uploads' });
};

function mountTargets(ctx: StackContext): Map<number, EfsMountTarget[]> {
  return maybeShared<Map<number, EfsMountTarget[]>>(ctx, 'mountTargetsByRegion') ?? share(ctx, 'mountTargetsByRegion', new Map<number, EfsMountTarget[]>());
}
