import { gcpKnowledge } from '../../../knowledge-base/clouds/gcp/index.ts';
import { STATE_BUCKET_FIELD } from '../../core/registry/clouds.ts';
import type { CloudDefinition } from '../../core/registry/clouds.ts';

// The constructs import CDKTF: loaded only when a stack is synthesized, never by the browser
// bundle or a review (a non-literal specifier keeps bundlers from following it).
const STACKS = './stacks.ts';

/** Google Cloud: Compute Engine servers, persistent disks, Cloud Storage backups, Secret Manager; state in GCS. */
export const gcp: CloudDefinition = {
  ...gcpKnowledge,
  schema: {
    instanceType: { description: 'Compute Engine machine type, e.g. e2-standard-2.', type: 'string', minLength: 1, maxLength: 40 },
    network: {
      description: 'GCP placement.',
      type: 'object',
      additionalProperties: false,
      properties: {
        network: { description: 'Self link or name of an existing VPC network.', type: 'string', maxLength: 400 },
        subnetwork: { description: 'Self link or name of an existing subnetwork.', type: 'string', maxLength: 400 },
      },
    },
    accounts: {
      description: 'Google Cloud.',
      type: 'object',
      additionalProperties: false,
      properties: { project: { description: 'Project id that owns the resources, e.g. acme-prod.', type: 'string', pattern: '^[a-z][-a-z0-9]{4,28}[a-z0-9]$' } },
    },
    stateBackend: { type: 'gcs', properties: { bucket: STATE_BUCKET_FIELD }, required: ['bucket'] },
  },
  deploy: {
    steps: [
      '      - name: Google Cloud credentials (OIDC)',
      "        if: ${{ vars.AUTOSTACK_GCP_WORKLOAD_IDENTITY_PROVIDER != '' }}",
      '        uses: google-github-actions/auth@c200f3691d83b41bf9bbd8638997a462592937ed # v2.1.13',
      '        with:',
      '          workload_identity_provider: ${{ vars.AUTOSTACK_GCP_WORKLOAD_IDENTITY_PROVIDER }}',
      '          service_account: ${{ vars.AUTOSTACK_GCP_SERVICE_ACCOUNT }}',
    ].join('\n'),
  },
  loadStacks: async () => (await import(/* @vite-ignore */ STACKS)).gcpStacks,
};
