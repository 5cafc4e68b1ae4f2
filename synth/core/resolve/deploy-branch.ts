import type { Diagnostic } from '../diagnostics.ts';
import { SETTINGS_FILE } from '../load/reader.ts';
import { locate } from '../parse/parse.ts';
import type { ParsedFile } from '../parse/parse.ts';

export const DEPLOY_BRANCH_CODE = 'settings/deploy-branch';

/**
 * Why `name` cannot be the deploy branch, or undefined when it can: it must be a branch name git
 * accepts (the rules of `git check-ref-format --branch`, checked here without git so the App, the
 * browser and local mode share them) and, when the default branch is known, not be that branch
 * (rendered Terraform would be committed over the plans).
 */
export function deployBranchProblem(name: string, defaultBranch?: string): string | undefined {
  if (!isGitBranchName(name)) return `deployBranch "${name}" is not a branch name git accepts (see git check-ref-format: no "..", no ".lock" ending, no spaces or ~^:?*[\\, no leading "-" or "/"): use a name such as autostack/deploy.`;
  if (defaultBranch !== undefined && name === defaultBranch) return `deployBranch "${name}" is the default branch: rendered Terraform would be committed over your plans. Use a branch of its own, such as autostack/deploy.`;
  return undefined;
}

/** `git check-ref-format --branch <name>` without git (git's refs.c rules, applied to refs/heads/<name>). */
export function isGitBranchName(name: string): boolean {
  if (!name || name.startsWith('-') || name === 'HEAD' || name === '@') return false;
  // Control characters, space and ~^:?*[\ are refused anywhere; so are "..", "@{" and "//".
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name) || name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  return name.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'));
}

/**
 * The deploy-branch diagnostic for a settings document (at spec.deployBranch), when its value is
 * refused; `data` is the document as parsed. Used by the settings validation (name only) and by
 * the review, the merge render and local mode (which also know the default branch).
 */
export function deployBranchDiagnostics(parsed: ParsedFile | undefined, defaultBranch?: string): Diagnostic[] {
  const spec = (parsed?.data as { spec?: { deployBranch?: unknown } } | null | undefined)?.spec;
  const name = spec && typeof spec === 'object' ? spec.deployBranch : undefined;
  if (typeof name !== 'string') return [];
  const message = deployBranchProblem(name, defaultBranch);
  if (!message) return [];
  return [{ file: SETTINGS_FILE, ...locate(parsed!, ['spec', 'deployBranch']), severity: 'error', code: DEPLOY_BRANCH_CODE, path: 'spec.deployBranch', message }];
}
