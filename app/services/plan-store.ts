import type { FileChange } from '../local/local-repo.ts';
import type { RedeployResult } from './redeploy.ts';

export interface PlanDeployment {
  state: string;
  updatedAt: string;
  url?: string;
  environment: string;
  /** Local mode: where the rendered Terraform is and how to apply it (nothing is deployed to a cloud). */
  note?: string;
}

export interface ActivityItem {
  kind: 'pull' | 'deployment';
  title: string;
  state: string;
  at: string;
  url?: string;
  /** The plans a deployment or render was for (the page offers to deploy or render each again). */
  plans?: string[];
}

/**
 * The git-host operations the plan API needs, with two implementations: GitHub (as the signed-in
 * user) and a local git repository. Everything else (validation, naming rules, pull-request text)
 * is shared and lives in repo-plans.ts.
 */
export interface PlanStore {
  /** owner/name as shown to the user */
  repo: string;
  defaultBranch: string;
  canWrite: boolean;
  /** Every file under .autostack/ at `ref`. */
  readFiles(ref: string): Promise<Record<string, string>>;
  /** The latest deployment of each plan (null: never deployed). */
  latestDeployments(plans: string[]): Promise<Map<string, PlanDeployment | null>>;
  /**
   * One commit with `files` on the default branch's head, on a new branch, and a pull request;
   * a store may answer an open pull request that already makes this change (its branch, `existing`).
   */
  openPull(p: { branch: string; title: string; commitMessage: string; body: string; files: FileChange[] }): Promise<{ number: number; url: string; branch?: string; existing?: boolean }>;
  redeploy(plan: string): Promise<RedeployResult>;
  /** Recent AutoStack pull requests and deployments, newest first. */
  activity(): Promise<ActivityItem[]>;
}
