// gcp's provider constructs, by deep path (a provider package root costs seconds and hundreds of MB).
import { CertificateManagerCertificateMapEntry } from '@cdktf/provider-google/lib/certificate-manager-certificate-map-entry/index.js';
import { CertificateManagerCertificateMap } from '@cdktf/provider-google/lib/certificate-manager-certificate-map/index.js';
import { CertificateManagerCertificate } from '@cdktf/provider-google/lib/certificate-manager-certificate/index.js';
import { CertificateManagerDnsAuthorization } from '@cdktf/provider-google/lib/certificate-manager-dns-authorization/index.js';
import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address/index.js';
import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service/index.js';
import { ComputeDisk } from '@cdktf/provider-google/lib/compute-disk/index.js';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall/index.js';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address/index.js';
import { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule/index.js';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check/index.js';
import { ComputeInstanceTemplate } from '@cdktf/provider-google/lib/compute-instance-template/index.js';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance/index.js';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network/index.js';
import { ComputeRegionAutoscaler } from '@cdktf/provider-google/lib/compute-region-autoscaler/index.js';
import { ComputeRegionInstanceGroupManager } from '@cdktf/provider-google/lib/compute-region-instance-group-manager/index.js';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat/index.js';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router/index.js';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy/index.js';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork/index.js';
import { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy/index.js';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy/index.js';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map/index.js';
import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config/index.js';
import { DnsManagedZone } from '@cdktf/provider-google/lib/dns-managed-zone/index.js';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set/index.js';
import { FilestoreInstance } from '@cdktf/provider-google/lib/filestore-instance/index.js';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy/index.js';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel/index.js';
import { MonitoringUptimeCheckConfig } from '@cdktf/provider-google/lib/monitoring-uptime-check-config/index.js';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider/index.js';
import { RedisInstance } from '@cdktf/provider-google/lib/redis-instance/index.js';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member/index.js';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version/index.js';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret/index.js';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account/index.js';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection/index.js';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance/index.js';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database/index.js';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user/index.js';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member/index.js';
import { StorageBucketObject } from '@cdktf/provider-google/lib/storage-bucket-object/index.js';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket/index.js';

export type { ComputeAddress, ComputeBackendService, ComputeDisk, ComputeGlobalAddress, ComputeHealthCheck, ComputeInstance, ComputeRegionInstanceGroupManager, ComputeRouterNat, DnsManagedZone, FilestoreInstance, RedisInstance, SecretManagerSecret, ServiceAccount, ServiceNetworkingConnection, SqlDatabaseInstance, StorageBucket };

export const gcp = {
  CertificateManagerCertificate, CertificateManagerCertificateMap, CertificateManagerCertificateMapEntry, CertificateManagerDnsAuthorization, ComputeAddress, ComputeBackendService, ComputeDisk, ComputeFirewall, ComputeGlobalAddress, ComputeGlobalForwardingRule, ComputeHealthCheck, ComputeInstance, ComputeInstanceTemplate, ComputeNetwork, ComputeRegionAutoscaler, ComputeRegionInstanceGroupManager, ComputeRouter, ComputeRouterNat, ComputeSslPolicy, ComputeSubnetwork, ComputeTargetHttpProxy, ComputeTargetHttpsProxy, ComputeUrlMap, DataGoogleClientConfig, DnsManagedZone, DnsRecordSet, FilestoreInstance, GoogleProvider, MonitoringAlertPolicy, MonitoringNotificationChannel, MonitoringUptimeCheckConfig, RedisInstance, SecretManagerSecret, SecretManagerSecretIamMember, SecretManagerSecretVersion, ServiceAccount, ServiceNetworkingConnection, SqlDatabase, SqlDatabaseInstance, SqlUser, StorageBucket, StorageBucketIamMember, StorageBucketObject,
};
