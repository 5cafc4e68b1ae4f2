/**
 * Every GitHub REST route the App calls, with the permission it needs. app.yml must grant
 * exactly the union of these (test/app-manifest.test.ts compares them).
 */
export type Scope = 'actions' | 'checks' | 'contents' | 'deployments' | 'issues' | 'metadata' | 'pull_requests' | 'workflows';
export type Access = 'read' | 'write';

export const ROUTES = {
  getRepo: { route: 'GET /repos/{owner}/{repo}', permission: ['metadata', 'read'] },
  getCollaboratorPermission: { route: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission', permission: ['metadata', 'read'] },
  getTree: { route: 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}', permission: ['contents', 'read'] },
  getBlob: { route: 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}', permission: ['contents', 'read'] },
  getRef: { route: 'GET /repos/{owner}/{repo}/git/ref/{ref}', permission: ['contents', 'read'] },
  getCommit: { route: 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}', permission: ['contents', 'read'] },
  compareCommits: { route: 'GET /repos/{owner}/{repo}/compare/{basehead}', permission: ['contents', 'read'] },
  // GraphQL, used only to read blobs and trees (several files at two refs in one request).
  graphql: { route: 'POST /graphql', permission: ['contents', 'read'] },
  getContent: { route: 'GET /repos/{owner}/{repo}/contents/{path}', permission: ['contents', 'read'] },
  createBlob: { route: 'POST /repos/{owner}/{repo}/git/blobs', permission: ['contents', 'write'] },
  createTree: { route: 'POST /repos/{owner}/{repo}/git/trees', permission: ['contents', 'write'] },
  createCommit: { route: 'POST /repos/{owner}/{repo}/git/commits', permission: ['contents', 'write'] },
  createRef: { route: 'POST /repos/{owner}/{repo}/git/refs', permission: ['contents', 'write'] },
  updateRef: { route: 'PATCH /repos/{owner}/{repo}/git/refs/{ref}', permission: ['contents', 'write'] },
  getPull: { route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}', permission: ['pull_requests', 'read'] },
  listPulls: { route: 'GET /repos/{owner}/{repo}/pulls', permission: ['pull_requests', 'read'] },
  listPullFiles: { route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files', permission: ['pull_requests', 'read'] },
  listPullsForCommit: { route: 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', permission: ['pull_requests', 'read'] },
  createPull: { route: 'POST /repos/{owner}/{repo}/pulls', permission: ['pull_requests', 'write'] },
  listCheckRuns: { route: 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs', permission: ['checks', 'read'] },
  createCheckRun: { route: 'POST /repos/{owner}/{repo}/check-runs', permission: ['checks', 'write'] },
  updateCheckRun: { route: 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', permission: ['checks', 'write'] },
  listIssueEvents: { route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/events', permission: ['issues', 'read'] },
  listComments: { route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments', permission: ['issues', 'read'] },
  createComment: { route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', permission: ['issues', 'write'] },
  updateComment: { route: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', permission: ['issues', 'write'] },
  removeLabel: { route: 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', permission: ['issues', 'write'] },
  deleteComment: { route: 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', permission: ['issues', 'write'] },
  createCommentReaction: { route: 'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', permission: ['issues', 'write'] },
  listDeployments: { route: 'GET /repos/{owner}/{repo}/deployments', permission: ['deployments', 'read'] },
  createDeployment: { route: 'POST /repos/{owner}/{repo}/deployments', permission: ['deployments', 'write'] },
  createDeploymentStatus: { route: 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', permission: ['deployments', 'write'] },
  listDeploymentStatuses: { route: 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', permission: ['deployments', 'read'] },
  dispatchWorkflow: { route: 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', permission: ['actions', 'write'] },
} as const satisfies Record<string, { route: string; permission: readonly [Scope, Access] }>;

export type RouteName = keyof typeof ROUTES;

/**
 * Permissions no route implies: writing files under .github/workflows/ (the onboarding PR adds
 * the deploy workflow) needs `workflows: write` on top of `contents: write`.
 */
export const EXTRA_PERMISSIONS: Record<string, { access: Access; why: string }> = {
  workflows: { access: 'write', why: 'the onboarding pull request adds .github/workflows/autostack-deploy.yml' },
};

/** The least permissions that cover every route: one access level per scope, write wins. */
export function requiredPermissions(): Record<string, Access> {
  const out: Record<string, Access> = {};
  for (const { permission: [scope, access] } of Object.values(ROUTES)) {
    if (out[scope] !== 'write') out[scope] = access;
  }
  for (const [scope, { access }] of Object.entries(EXTRA_PERMISSIONS)) out[scope] = access;
  return out;
}

/** The least permissions that cover `names` (metadata: read always, as GitHub grants it to every token). */
export function permissionsFor(names: readonly RouteName[], extra: Record<string, Access> = {}): Record<string, Access> {
  const out: Record<string, Access> = { metadata: 'read' };
  for (const name of names) {
    const [scope, access] = ROUTES[name].permission;
    if (out[scope] !== 'write') out[scope] = access;
  }
  for (const [scope, access] of Object.entries(extra)) if (out[scope] !== 'write') out[scope] = access;
  return out;
}
