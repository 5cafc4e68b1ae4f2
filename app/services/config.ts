import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Quota } from '../../synth/core/review/review.ts';

/** Where the onboarding workflow points: this repository's action/ folder at a release tag. */
export const DEFAULT_ACTION_REF = 'autostack-dev/autostack/action@v1';
export const WORKFLOW_FILE = 'autostack-deploy.yml';
export const WORKFLOW_PATH = `.github/workflows/${WORKFLOW_FILE}`;
export const ONBOARDING_BRANCH = 'autostack/onboarding';
/** The pull-request label that acknowledges stopping or replacing servers for that pull request. */
export const DOWNTIME_LABEL = 'autostack/downtime-ok';
/**
 * The pull-request label that accepts a change to the repository's policy (.autostack/autostack.yaml):
 * it counts only when the person who added it last is a maintainer or admin of the repository.
 */
export const POLICY_LABEL = 'autostack/policy-ok';
/** The repository roles whose policy label counts (anyone with triage can add a label). */
export const POLICY_ROLES = ['admin', 'maintain'] as const;

export interface AppConfig {
  actionRef: string;
  /** The organisation's quota: by its id (`id:<number>` in the file, which a rename keeps), else by its name, else the default. */
  quotaFor(org: string, orgId?: number): Quota | undefined;
}

type QuotaFile = { default?: Omit<Quota, 'scope'>; orgs?: Record<string, Omit<Quota, 'scope'>> };

/**
 * Operator settings from the environment: AUTOSTACK_ACTION_REF, and per-organisation quotas in
 * AUTOSTACK_QUOTAS (JSON) or AUTOSTACK_QUOTAS_FILE (YAML or JSON):
 * `{ default: { maxMonthlyUsd, maxVms, maxPerKind }, orgs: { acme: { maxMonthlyUsd: 5000, maxVms: 20, maxPerKind: { Website: 10 } } } }`
 * (maxVms counts servers at their maximum scale; maxPerKind counts files per kind).
 * An organisation may also be named by its id (`"id:1234567"`), which stays the same when it is renamed.
 */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  let quotas: QuotaFile = {};
  const text = env.AUTOSTACK_QUOTAS ?? (env.AUTOSTACK_QUOTAS_FILE ? readFileSync(env.AUTOSTACK_QUOTAS_FILE, 'utf8') : undefined);
  if (text) {
    try {
      quotas = (parse(text) ?? {}) as QuotaFile;
    } catch (e) {
      throw new Error(`AUTOSTACK_QUOTAS is not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return {
    actionRef: env.AUTOSTACK_ACTION_REF ?? DEFAULT_ACTION_REF,
    quotaFor(org, orgId) {
      const q = (orgId !== undefined ? quotas.orgs?.[`id:${orgId}`] : undefined) ?? quotas.orgs?.[org.toLowerCase()] ?? quotas.orgs?.[org];
      if (q) return { scope: `organisation ${org}`, ...q };
      return quotas.default ? { scope: 'the platform default', ...quotas.default } : undefined;
    },
  };
}
