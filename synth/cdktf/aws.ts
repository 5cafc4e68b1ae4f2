// aws's provider constructs, by deep path (a provider package root costs seconds and hundreds of MB).
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami/index.js';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones/index.js';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter/index.js';
import { DataAwsSubnets } from '@cdktf/provider-aws/lib/data-aws-subnets/index.js';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc/index.js';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume/index.js';
import { Eip } from '@cdktf/provider-aws/lib/eip/index.js';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { Instance } from '@cdktf/provider-aws/lib/instance/index.js';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway/index.js';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway/index.js';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association/index.js';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table/index.js';
import { Route } from '@cdktf/provider-aws/lib/route/index.js';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy/index.js';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning/index.js';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object/index.js';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { Subnet } from '@cdktf/provider-aws/lib/subnet/index.js';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment/index.js';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint/index.js';
import { Vpc } from '@cdktf/provider-aws/lib/vpc/index.js';

import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate/index.js';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation/index.js';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group/index.js';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy/index.js';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance/index.js';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group/index.js';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy/index.js';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system/index.js';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target/index.js';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group/index.js';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group/index.js';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template/index.js';
import { Lb } from '@cdktf/provider-aws/lib/lb/index.js';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener/index.js';
import { LbListenerCertificate } from '@cdktf/provider-aws/lib/lb-listener-certificate/index.js';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group/index.js';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record/index.js';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias/index.js';
import { EfsReplicationConfiguration } from '@cdktf/provider-aws/lib/efs-replication-configuration/index.js';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment/index.js';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check/index.js';
import { VpcPeeringConnection } from '@cdktf/provider-aws/lib/vpc-peering-connection/index.js';
import { VpcPeeringConnectionAccepterA } from '@cdktf/provider-aws/lib/vpc-peering-connection-accepter/index.js';

export type { AwsProvider, AcmCertificate, Route53HealthCheck, AutoscalingGroup, DbInstance, EfsFileSystem, EfsMountTarget, Eip, LaunchTemplate, Lb, LbListener, LbTargetGroup, Route53Zone, S3Object, SnsTopic, Instance, IamRole, Route, RouteTable, S3Bucket, SecretsmanagerSecret, SecurityGroup, Subnet, Vpc };

export const aws = {
  AwsProvider, DataAwsAmi, DataAwsAvailabilityZones, DataAwsIamPolicyDocument, DataAwsSsmParameter, DataAwsSubnets, DataAwsVpc, EbsVolume, Eip, IamInstanceProfile, IamRole, IamRolePolicy, Instance,
  InternetGateway, NatGateway, Route, RouteTable, RouteTableAssociation, S3Bucket, S3Object, Subnet, Vpc, VpcEndpoint, S3BucketLifecycleConfiguration, S3BucketOwnershipControls, S3BucketPolicy, S3BucketPublicAccessBlock, S3BucketServerSideEncryptionConfigurationA, S3BucketVersioningA,
  SecretsmanagerSecret, SecretsmanagerSecretVersion, SecurityGroup, VolumeAttachment,
  AcmCertificate, AcmCertificateValidation, AutoscalingGroup, AutoscalingPolicy, CloudfrontDistribution, CloudwatchMetricAlarm, DbInstance, DbSubnetGroup, EfsBackupPolicy, EfsFileSystem, EfsMountTarget, ElasticacheReplicationGroup, ElasticacheSubnetGroup, LaunchTemplate, Lb, LbListener, LbListenerCertificate, LbTargetGroup, Route53Record, Route53Zone, SnsTopic, SnsTopicSubscription,
  DataAwsKmsAlias, EfsReplicationConfiguration, LbTargetGroupAttachment, Route53HealthCheck, VpcPeeringConnection, VpcPeeringConnectionAccepterA,
};
