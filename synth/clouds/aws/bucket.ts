import { aws } from '../../cdktf/aws.ts';
import type { AbstractResource } from '../../../knowledge-base/types.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share } from '../../stack/shared.ts';

/**
 * The backup bucket: versioned, encrypted, never public, TLS only. pgBackRest expires backups
 * itself after the retention period; the lifecycle rule is a backstop one full-backup cycle later.
 */
export const awsBucket: ResourceSynth = (ctx, r) => {
  const { stack } = ctx;
  const retention = Number(r.attrs.retentionDays);
  share(ctx, 'backupPrefix', backupPrefix(r));
  const bucket = share(ctx, 'bucket', new aws.S3Bucket(stack, 'backups', { bucket: ctx.names.bucket, forceDestroy: false }));
  new aws.S3BucketOwnershipControls(stack, 'backups_ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  new aws.S3BucketPublicAccessBlock(stack, 'backups_public_access', { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  new aws.S3BucketVersioningA(stack, 'backups_versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
  new aws.S3BucketServerSideEncryptionConfigurationA(stack, 'backups_encryption', { bucket: bucket.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }] });
  new aws.S3BucketLifecycleConfiguration(stack, 'backups_lifecycle', {
    bucket: bucket.id,
    rule: [{
      id: 'retention-backstop',
      status: 'Enabled',
      // Backups only: the servers' configuration documents (autostack/) must never expire.
      filter: [{ prefix: `${backupPrefix(r)}/` }],
      // A website's backups are kept exactly their retention (the rule is how they expire); pgBackRest expires its own, the rule is a backstop.
      expiration: [{ days: typeof r.attrs.prefix === 'string' ? Math.max(1, retention) : retention + 14 }],
      noncurrentVersionExpiration: [{ noncurrentDays: 7 }],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
    }],
  });
  const tlsOnly = new aws.DataAwsIamPolicyDocument(stack, 'backups_tls_only', {
    statement: [{ sid: 'DenyInsecureTransport', effect: 'Deny', actions: ['s3:*'], resources: [bucket.arn, `${bucket.arn}/*`], principals: [{ type: '*', identifiers: ['*'] }], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] }],
  });
  new aws.S3BucketPolicy(stack, 'backups_policy', { bucket: bucket.id, policy: tlsOnly.json });
};

/** Where the backups live in the bucket: the plan's `prefix` (a website's), or pgBackRest's repository. */
export function backupPrefix(r: AbstractResource): string {
  return typeof r.attrs.prefix === 'string' ? r.attrs.prefix : 'pgbackrest';
}
