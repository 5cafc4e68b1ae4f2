import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// AutoStack does not create the clouds' trust for GitHub's OIDC tokens: README.md tells the user how
// (checklist C20). What it tells must pin the audience and the subject (this repository, the default
// branch the deploy workflow is dispatched on), with no wildcard that lets another branch or
// repository assume the deploy role.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('### Cloud credentials with OIDC'), readme.indexOf('## The site'));

describe('the OIDC trust README.md asks for', () => {
  it('AWS: a trust policy with StringEquals on aud (sts.amazonaws.com) and on a sub pinned to the repository and its default branch', () => {
    const json = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(json).toBeDefined();
    const policy = JSON.parse(json!) as { Statement: { Action: string; Condition: Record<string, Record<string, string>> }[] };
    expect(policy.Statement).toHaveLength(1);
    const { Action, Condition } = policy.Statement[0]!;
    expect(Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(Object.keys(Condition)).toEqual(['StringEquals']);
    expect(Condition.StringEquals).toEqual({
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': 'repo:<owner>/<repo>:ref:refs/heads/<default branch>',
    });
    expect(json).not.toMatch(/\*|StringLike/);
  });

  it('Azure: a federated credential for the default branch; Google Cloud: a condition on the repository and the branch', () => {
    expect(section).toMatch(/federated\s+credential for GitHub Actions with entity \*Branch\* = your default branch/);
    const condition = /attribute condition\s+`([^`]+)`/.exec(section)?.[1];
    expect(condition).toBe("assertion.repository == '<owner>/<repo>' && assertion.ref == 'refs/heads/<default branch>'");
  });

  it('the deploy workflow asks for an OIDC token and only on workflow_dispatch (no pull_request trigger could present another sub)', () => {
    const workflow = readFileSync(new URL('../action/autostack-deploy.yml', import.meta.url), 'utf8');
    expect(workflow).toMatch(/id-token: write/);
    expect(workflow).toMatch(/^on:\n {2}workflow_dispatch:/m);
    expect(workflow).not.toMatch(/pull_request|push:|schedule:/);
  });
});
