import { gcp } from '../../cdktf/gcp.ts';
import type { ServiceAccount } from '../../cdktf/gcp.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share, shared } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';

/** Regional bucket, uniform access, public access prevented, versioned, with a retention backstop. */
export const gcpBucket: ResourceSynth = (ctx, r) => {
  const bucket = share(ctx, 'bucket', new gcp.StorageBucket(ctx.stack, 'backups', {
    name: ctx.names.bucket,
    location: ctx.plan.region.toUpperCase(),
    storageClass: r.type,
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    versioning: { enabled: true },
    lifecycleRule: [
      // Backups only: the servers' configuration documents (autostack/) must never expire.
      { condition: { age: Number(r.attrs.retentionDays) + 14, matchesPrefix: ['pgbackrest/'] }, action: { type: 'Delete' } },
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
    condition: { title: 'backups-only', description: 'Objects under pgbackrest/ only', expression: `resource.name.startsWith("projects/_/buckets/${ctx.names.bucket}/objects/pgbackrest/")` },
  });
};
