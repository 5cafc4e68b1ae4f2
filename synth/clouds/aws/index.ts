import { awsKnowledge } from '../../../knowledge-base/clouds/aws/index.ts';
import { STATE_BUCKET_FIELD } from '../../core/registry/clouds.ts';
import type { CloudDefinition } from '../../core/registry/clouds.ts';

// The constructs import CDKTF: loaded only when a stack is synthesized, never by the browser
// bundle or a review (a non-literal specifier keeps bundlers from following it).
const STACKS = './stacks.ts';

/** AWS: EC2 servers, EBS data volumes, S3 backups, Secrets Manager; state in S3. */
export const aws: CloudDefinition = {
  ...awsKnowledge,
  schema: {
    instanceType: { description: 'EC2 instance type, e.g. m6i.large.', type: 'string', minLength: 1, maxLength: 40 },
    network: {
      description: 'An existing VPC for the servers instead of the plan\'s own: its subnets and their route to the internet (your NAT) are used as they are.',
      type: 'object',
      additionalProperties: false,
      required: ['vpcId', 'subnetIds'],
      properties: {
        vpcId: { description: 'VPC id, e.g. vpc-0abc.', type: 'string', maxLength: 32, pattern: '^vpc-[0-9a-f]+$' },
        subnetIds: { description: 'Subnet ids to spread servers over (one per availability zone), with a route out for package downloads unless egress is none.', type: 'array', minItems: 1, items: { description: 'Subnet id.', type: 'string', maxLength: 32, pattern: '^subnet-[0-9a-f]+$' } },
      },
    },
    accounts: {
      description: 'AWS: the account that owns the resources, when it is not the one the deploy workflow signs in to (a hosting provider\'s account per org, for billing separation).',
      type: 'object',
      additionalProperties: false,
      properties: {
        roleArn: { description: 'IAM role Terraform assumes in the org\'s account, e.g. arn:aws:iam::123456789012:role/autostack-deploy. The deploy workflow\'s role must be allowed to assume it (sts:AssumeRole).', type: 'string', maxLength: 600, pattern: '^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$' },
      },
    },
    stateBackend: {
      type: 's3',
      properties: {
        bucket: STATE_BUCKET_FIELD,
        region: { description: 'Region of the S3 state bucket, e.g. us-east-1.', type: 'string', maxLength: 40, pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
        dynamodbTable: { description: 'Optional DynamoDB table for S3 locking (S3 native locking is used when absent).', type: 'string', maxLength: 255, pattern: '^[A-Za-z0-9_.-]{3,255}$' },
      },
      required: ['bucket', 'region'],
    },
  },
  deploy: {
    steps: [
      '      - name: AWS credentials (OIDC)',
      "        if: ${{ vars.AUTOSTACK_AWS_ROLE_ARN != '' }}",
      '        uses: aws-actions/configure-aws-credentials@7474bc4690e29a8392af63c5b98e7449536d5c3a # v4.3.1',
      '        with:',
      '          role-to-assume: ${{ vars.AUTOSTACK_AWS_ROLE_ARN }}',
      "          aws-region: ${{ vars.AUTOSTACK_AWS_REGION || 'us-east-1' }}",
    ].join('\n'),
  },
  loadStacks: async () => (await import(/* @vite-ignore */ STACKS)).awsStacks,
};
