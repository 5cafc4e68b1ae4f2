// gcp's provider constructs, by deep path (a provider package root costs seconds and hundreds of MB).
import { ComputeDisk } from '@cdktf/provider-google/lib/compute-disk/index.js';
import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address/index.js';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall/index.js';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance/index.js';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network/index.js';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat/index.js';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router/index.js';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork/index.js';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider/index.js';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member/index.js';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret/index.js';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account/index.js';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member/index.js';
import { StorageBucketObject } from '@cdktf/provider-google/lib/storage-bucket-object/index.js';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket/index.js';

export type { ComputeAddress, ComputeDisk, ComputeInstance, ComputeRouterNat, ServiceAccount, StorageBucket };

export const gcp = {
  ComputeAddress, ComputeDisk, ComputeFirewall, ComputeInstance, ComputeNetwork, ComputeRouter, ComputeRouterNat, ComputeSubnetwork, GoogleProvider, SecretManagerSecret, SecretManagerSecretIamMember, ServiceAccount, StorageBucket, StorageBucketIamMember, StorageBucketObject,
};
