// The one module that imports CDK for Terraform and its providers, always by deep path:
// a provider package root costs seconds and hundreds of MB. CDKTF was deprecated upstream in
// December 2025; moving to its fork (CDK Terrain) is a change to this file only.
import { randomBytes } from 'node:crypto';
import { App, AzurermBackend, Fn, GcsBackend, LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami/index.js';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter/index.js';
import { DataAwsSubnets } from '@cdktf/provider-aws/lib/data-aws-subnets/index.js';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc/index.js';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume/index.js';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { Instance } from '@cdktf/provider-aws/lib/instance/index.js';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy/index.js';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning/index.js';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment/index.js';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider/index.js';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config/index.js';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault/index.js';
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine/index.js';
import { ManagedDisk } from '@cdktf/provider-azurerm/lib/managed-disk/index.js';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface/index.js';
import { NetworkInterfaceSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/network-interface-security-group-association/index.js';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group/index.js';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip/index.js';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group/index.js';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment/index.js';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account/index.js';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container/index.js';
import { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy/index.js';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet/index.js';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association/index.js';
import { VirtualMachineDataDiskAttachment } from '@cdktf/provider-azurerm/lib/virtual-machine-data-disk-attachment/index.js';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network/index.js';
import { ComputeDisk } from '@cdktf/provider-google/lib/compute-disk/index.js';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall/index.js';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance/index.js';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network/index.js';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork/index.js';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider/index.js';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret/index.js';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member/index.js';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account/index.js';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket/index.js';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member/index.js';

export type { Construct };
export type { Instance, IamRole, S3Bucket, SecretsmanagerSecret, SecurityGroup };
export type { KeyVault, LinuxVirtualMachine, NetworkInterface, NetworkSecurityGroup, PublicIp, ResourceGroup, StorageAccount, DataAzurermClientConfig };
export type { ComputeDisk, ComputeInstance, ServiceAccount, StorageBucket };
export { Fn, TerraformOutput, TerraformStack };
export const backends = { AzurermBackend, GcsBackend, LocalBackend, S3Backend };

export const aws = {
  AwsProvider, DataAwsAmi, DataAwsIamPolicyDocument, DataAwsSsmParameter, DataAwsSubnets, DataAwsVpc, EbsVolume, IamInstanceProfile, IamRole, IamRolePolicy, Instance,
  S3Bucket, S3BucketLifecycleConfiguration, S3BucketOwnershipControls, S3BucketPolicy, S3BucketPublicAccessBlock, S3BucketServerSideEncryptionConfigurationA, S3BucketVersioningA,
  SecretsmanagerSecret, SecurityGroup, VolumeAttachment,
};

export const azure = {
  AzurermProvider, DataAzurermClientConfig, KeyVault, LinuxVirtualMachine, ManagedDisk, NetworkInterface, NetworkInterfaceSecurityGroupAssociation, NetworkSecurityGroup, PublicIp, ResourceGroup, RoleAssignment,
  StorageAccount, StorageContainer, StorageManagementPolicy, Subnet, SubnetNetworkSecurityGroupAssociation, VirtualMachineDataDiskAttachment, VirtualNetwork,
};

export const gcp = {
  ComputeDisk, ComputeFirewall, ComputeInstance, ComputeNetwork, ComputeSubnetwork, GoogleProvider, SecretManagerSecret, SecretManagerSecretIamMember, ServiceAccount, StorageBucket, StorageBucketIamMember,
};

/**
 * Escapes a string so Terraform reads it literally: `${` and `%{` start interpolations and
 * directives. A function replacer is required: as a replacement *string*, '$${' means '${'.
 */
export function escapeTerraform(s: string): string {
  return s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * One synthesis run. Strings that come from users (or contain `${`) enter constructs as opaque
 * placeholders via `literal()`; after CDKTF has resolved its own tokens, each placeholder is
 * replaced by the Terraform-escaped text. CDKTF therefore never parses user text (it would read
 * `${TfToken[TOKEN.1]}` in a label as one of its tokens) and Terraform never interpolates it.
 */
export class Synthesis {
  private readonly app = new App({ outdir: '.', skipValidation: true, context: { excludeStackIdFromLogicalIds: true } });
  private readonly nonce = randomBytes(6).toString('hex');
  private readonly literals: string[] = [];

  stack(name: string): TerraformStack {
    return new TerraformStack(this.app, name);
  }

  literal(text: string): string {
    this.literals.push(text);
    return `@@as${this.nonce}_${this.literals.length - 1}@@`;
  }

  /** The stack as cdk.tf.json text, with every literal substituted and escaped. */
  toJson(stack: TerraformStack): string {
    const json = JSON.stringify(stack.toTerraform(), null, 2);
    const pattern = new RegExp(`@@as${this.nonce}_(\\d+)@@`, 'g');
    return `${json.replace(pattern, (_m, i: string) => JSON.stringify(escapeTerraform(this.literals[Number(i)]!)).slice(1, -1))}\n`;
  }
}
