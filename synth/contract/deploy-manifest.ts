/**
 * The contract between the App and the Action: `autostack-deploy.json` at the root of the deploy
 * branch, next to `stacks/<name>/cdk.tf.json`. The commit that writes it names its source commit
 * in a trailer (`AutoStack-Source: <sha>`); the Action refuses to apply any other source.
 */
export interface DeployManifest {
  version: 1;
  sourceSha: string;
  renderedAt: string;
  stacks: DeployStack[];
}

export interface DeployStack {
  name: string;
  plan: string;
  cloud: string;
  /** What this source commit asks for: apply changes, destroy a removed plan, or nothing. */
  action: 'apply' | 'destroy' | 'unchanged';
  /**
   * Resource addresses grouped per server, in the order they may change: when the plan changes
   * several groups, the Action applies them one group at a time (replicas first, the primary last).
   */
  rollout?: string[][];
  /** When this stack was last rendered (a stack kept unchanged keeps the time of its own render). */
  renderedAt?: string;
}

export const MANIFEST_PATH = 'autostack-deploy.json';
export const SOURCE_TRAILER = 'AutoStack-Source';

/**
 * A stack's (and a plan's) name as the render makes it, `<plan>-<cloud>`: lowercase letters, digits
 * and dashes. It becomes a folder under `stacks/`, so nothing else (no `/`, no `..`) is a stack.
 */
export const STACK_NAME = /^[a-z0-9][a-z0-9-]{0,80}$/;
/** A full commit SHA: the binding between a deploy commit and its source never trusts a prefix. */
export const FULL_SHA = /^[0-9a-f]{40}$/;

/** The source commit a deploy commit names in its trailer: a full 40-hex SHA, or nothing. */
export function sourceOf(commitMessage: string): string | undefined {
  return new RegExp(`^${SOURCE_TRAILER}: ([0-9a-f]{40})\\s*$`, 'm').exec(commitMessage)?.[1];
}

export function parseManifest(text: string | undefined): DeployManifest | undefined {
  if (!text) return undefined;
  try {
    const m = JSON.parse(text) as DeployManifest;
    return m.version === 1 && Array.isArray(m.stacks) ? m : undefined;
  } catch {
    return undefined;
  }
}
