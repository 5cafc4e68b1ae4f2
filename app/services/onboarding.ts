import { renderDeployWorkflow } from '../../synth/contract/deploy-workflow.ts';
import type { GitHubClient } from '../github/client.ts';
import { ONBOARDING_BRANCH, WORKFLOW_PATH } from './config.ts';

export function deployWorkflow(actionRef: string, deployBranch = 'autostack/deploy'): string {
  return renderDeployWorkflow({ deployBranch, actionRef });
}

export function settingsFile(org: string): string {
  return `# AutoStack repository settings: https://autostack.dev/docs (schema: schemas/settings.schema.json)
apiVersion: autostack.dev/v1
kind: Settings
spec:
  org: ${org}
  defaults: { cloud: aws, region: us-east }
  deployBranch: autostack/deploy
  # Keep Terraform state in your cloud before deploying anything real, e.g.:
  # stateBackend: { type: s3, bucket: ${org}-terraform-state, region: us-east-1 }
`;
}

export const EXAMPLE_PLAN = `# An example PostgreSQL server. Edit it, or delete it and add your own plans next to it.
# yaml-language-server: $schema=https://autostack.dev/schemas/plan.schema.json
apiVersion: autostack.dev/v1
kind: Plan
metadata:
  name: example-db
  project: example
spec:
  cloud: aws
  region: us-east
  compute: { size: small }
  storage: { sizeGiB: 20 }
  backup: { schedule: "0 3 * * *", retentionDays: 7, validate: weekly }
  network: { allowedCidrs: [10.0.0.0/8], publicIp: false }
`;

const BODY = `This pull request sets up **AutoStack** in this repository. Nothing is deployed until you merge it.

It adds:
- \`.autostack/autostack.yaml\` — repository settings (organisation, defaults, deploy branch, Terraform state backend);
- \`.autostack/example-db.yaml\` — an example PostgreSQL plan; this pull request's AutoStack check shows what it would cost on AWS, Azure and GCP;
- \`${WORKFLOW_PATH}\` — the workflow that applies the rendered Terraform with **your** cloud credentials (OIDC, no stored keys).

After merging:
1. set the repository variables for the cloud you use (\`AUTOSTACK_AWS_ROLE_ARN\`, or \`AUTOSTACK_AZURE_CLIENT_ID\`/\`_TENANT_ID\`/\`_SUBSCRIPTION_ID\`, or \`AUTOSTACK_GCP_WORKLOAD_IDENTITY_PROVIDER\`/\`_SERVICE_ACCOUNT\`);
2. open pull requests that add or change files under \`.autostack/\`: every one gets a review with costs;
3. merging renders Terraform to the \`autostack/deploy\` branch and runs the workflow.

Comment \`/autostack help\` on a pull request for commands.`;

export type OnboardingOutcome = 'opened' | 'exists' | 'configured';

/**
 * One onboarding pull request per repository, never a second:
 * 1. a repository that already has .autostack/autostack.yaml needs none
 * 2. an onboarding pull request that exists (open or closed) is not repeated
 * 3. otherwise: one commit on the default branch's head with the three files, a branch, a PR
 */
export async function openOnboardingPullRequest(client: GitHubClient, defaultBranch: string, actionRef: string): Promise<OnboardingOutcome> {
  if (await client.maybe('getContent', { path: '.autostack/autostack.yaml', ref: defaultBranch })) return 'configured';
  const pulls = await client.call('listPulls', { head: `${client.repo.owner}:${ONBOARDING_BRANCH}`, state: 'all', per_page: 1 });
  if ((pulls.data as unknown[]).length > 0) return 'exists';
  const base = (await client.call('getRef', { ref: `heads/${defaultBranch}` })).data.object.sha as string;
  const baseTree = (await client.call('getCommit', { commit_sha: base })).data.tree.sha as string;
  const org = client.repo.owner.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'default';
  const files: [string, string][] = [
    ['.autostack/autostack.yaml', settingsFile(org)],
    ['.autostack/example-db.yaml', EXAMPLE_PLAN],
    [WORKFLOW_PATH, deployWorkflow(actionRef)],
  ];
  const tree = await client.call('createTree', { base_tree: baseTree, tree: files.map(([path, content]) => ({ path, mode: '100644', type: 'blob', content })) });
  const commit = await client.call('createCommit', { message: 'Set up AutoStack', tree: tree.data.sha, parents: [base] });
  try {
    await client.call('createRef', { ref: `refs/heads/${ONBOARDING_BRANCH}`, sha: commit.data.sha });
  } catch (e) {
    if ((e as { status?: number }).status === 422) return 'exists';
    throw e;
  }
  await client.call('createPull', { title: 'Set up AutoStack', head: ONBOARDING_BRANCH, base: defaultBranch, body: BODY, maintainer_can_modify: true });
  return 'opened';
}
