import { gcp } from '../../cdktf/gcp.ts';
import type { ServiceAccount } from '../../cdktf/gcp.ts';
import type { AbstractResource } from '../../../knowledge-base/types.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';

/**
 * Regional bucket, uniform access, public access prevented, versioned, with a retention rule on
 * the backups. The servers' account reads every object (their configuration document included)
 * and writes only under the backups prefix: an IAM condition on the object's name
 * (`resource.name.startsWith("projects/_/buckets/<bucket>/objects/<prefix>/")`), so it can never
 * write a configuration document. The role there is objectUser, not objectCreator: a backup job
 * overwrites its `latest` pointer and pgBackRest rewrites and expires its files, and overwriting
 * or deleting an object in Cloud Storage needs `storage.objects.delete`.
 */
export const gcpBucket: ResourceSynth = (ctx, r) => {
  const prefix = backupPrefix(r);
  const retention = Number(r.attrs.retentionDays);
  const bucket = share(ctx, 'bucket', new gcp.StorageBucket(ctx.stack, 'backups', {
    name: ctx.names.bucket,
    location: ctx.plan.region.toUpperCase(),
    storageClass: r.type,
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    versioning: { enabled: true },
    lifecycleRule: [
      // Backups only: the servers' configuration documents (autostack/) must never expire.
      // A website's backups are kept exactly their retention (the rule is how they expire); pgBackRest expires its own, the rule is a backstop.
      { condition: { age: typeof r.attrs.prefix === 'string' ? Math.max(1, retention) : retention + 14, matchesPrefix: [`${prefix}/`] }, action: { type: 'Delete' } },
      { condition: { daysSinceNoncurrentTime: 7 }, action: { type: 'Delete' } },
    ],
    labels: gcpLabels(ctx),
  }));
  const member = `serviceAccount:${shared<ServiceAccount>(ctx, 'serviceAccount').email}`;
  // Read everything (its configuration document included); write only the backups, never a configuration document.
  new gcp.StorageBucketIamMember(ctx.stack, 'backups_reader', { bucket: bucket.name, role: 'roles/storage.objectViewer', member });
  new gcp.StorageBucketIamMember(ctx.stack, 'backups_writer', {
    bucket: bucket.name,
    role: 'roles/storage.objectUser',
    member,
    condition: { title: 'backups-only', description: `Objects under ${prefix}/ only`, expression: `resource.name.startsWith("projects/_/buckets/${ctx.names.bucket}/objects/${prefix}/")` },
  });
};

/** Where the backups live in the bucket: the plan's `prefix` (a website's), or pgBackRest's repository. */
export function backupPrefix(r: AbstractResource): string {
  return typeof r.attrs.prefix === 'string' ? r.attrs.prefix : 'pgbackrest';
}
