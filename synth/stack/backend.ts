import type { SettingsModel } from '../core/resolve/settings.ts';
import { backends } from '../cdktf/index.ts';
import type { TerraformStack } from '../cdktf/index.ts';

/**
 * The Terraform state backend from the repository settings; one state per stack. Backend
 * blocks take no expressions, so these (schema-validated) values go in as they are.
 */
export function addBackend(stack: TerraformStack, stackName: string, settings: SettingsModel): void {
  const b = settings.stateBackend;
  const prefix = b.prefix ?? 'autostack';
  switch (b.type) {
    case 's3': {
      const backend = new backends.S3Backend(stack, { bucket: b.bucket!, key: `${prefix}/${stackName}.tfstate`, region: b.region!, encrypt: true, ...(b.dynamodbTable ? { dynamodbTable: b.dynamodbTable } : {}) });
      // S3 native locking (Terraform 1.10+) unless a DynamoDB lock table is named.
      if (!b.dynamodbTable) backend.addOverride('use_lockfile', true);
      return;
    }
    case 'azurerm':
      new backends.AzurermBackend(stack, { resourceGroupName: b.resourceGroup!, storageAccountName: b.storageAccount!, containerName: b.container!, key: `${prefix}/${stackName}.tfstate`, useAzureadAuth: true });
      return;
    case 'gcs':
      new backends.GcsBackend(stack, { bucket: b.bucket!, prefix: `${prefix}/${stackName}` });
      return;
    default:
      new backends.LocalBackend(stack, { path: 'terraform.tfstate' });
  }
}
