import { azureKnowledge } from '../../../knowledge-base/clouds/azure/index.ts';
import type { CloudDefinition } from '../../core/registry/clouds.ts';

// The constructs import CDKTF: loaded only when a stack is synthesized, never by the browser
// bundle or a review (a non-literal specifier keeps bundlers from following it).
const STACKS = './stacks.ts';

/** Azure: Linux VMs, managed disks, Blob backups, Key Vault; state in Azure Storage. */
export const azure: CloudDefinition = {
  ...azureKnowledge,
  schema: {
    instanceType: { description: 'Azure VM size, e.g. Standard_D2s_v5.', type: 'string', minLength: 1, maxLength: 40 },
    network: {
      description: 'Azure placement.',
      type: 'object',
      additionalProperties: false,
      properties: { subnetId: { description: 'Full resource id of an existing subnet.', type: 'string', maxLength: 400 } },
    },
    accounts: {
      description: 'Azure.',
      type: 'object',
      additionalProperties: false,
      properties: { subscriptionId: { description: 'Subscription id (a GUID).', type: 'string', pattern: '^[0-9a-fA-F-]{36}$' } },
    },
    stateBackend: {
      type: 'azurerm',
      properties: {
        resourceGroup: { description: 'Azure resource group of the state storage account.', type: 'string', maxLength: 90, pattern: '^[-\\w._()]{1,89}[-\\w_()]$' },
        storageAccount: { description: 'Azure storage account for state.', type: 'string', maxLength: 24, pattern: '^[a-z0-9]{3,24}$' },
        container: { description: 'Azure blob container for state.', type: 'string', maxLength: 63, pattern: '^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$' },
      },
      required: ['resourceGroup', 'storageAccount', 'container'],
    },
  },
  deploy: {
    steps: [
      '      - name: Azure credentials (OIDC)',
      "        if: ${{ vars.AUTOSTACK_AZURE_CLIENT_ID != '' }}",
      '        uses: azure/login@7184910d9eb2b1c5e48f7073824a90609bb9b6d6 # v2.3.1',
      '        with:',
      '          client-id: ${{ vars.AUTOSTACK_AZURE_CLIENT_ID }}',
      '          tenant-id: ${{ vars.AUTOSTACK_AZURE_TENANT_ID }}',
      '          subscription-id: ${{ vars.AUTOSTACK_AZURE_SUBSCRIPTION_ID }}',
    ].join('\n'),
    // The azurerm provider and backend authenticate with the same OIDC token.
    env: [
      "ARM_USE_OIDC: ${{ vars.AUTOSTACK_AZURE_CLIENT_ID != '' }}",
      'ARM_CLIENT_ID: ${{ vars.AUTOSTACK_AZURE_CLIENT_ID }}',
      'ARM_TENANT_ID: ${{ vars.AUTOSTACK_AZURE_TENANT_ID }}',
      'ARM_SUBSCRIPTION_ID: ${{ vars.AUTOSTACK_AZURE_SUBSCRIPTION_ID }}',
    ],
  },
  loadStacks: async () => (await import(/* @vite-ignore */ STACKS)).azureStacks,
};
