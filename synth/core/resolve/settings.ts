import type { CloudId } from '../../../knowledge-base/types.ts';

export interface SettingsModel {
  org: string;
  defaults: { cloud: CloudId; region: string };
  budgets: { monthlyUsd?: number; projects: Record<string, number> };
  deployBranch: string;
  /** `local`, or a backend a registered cloud offers (s3, azurerm, gcs, …) with its fields. */
  stateBackend: { type: string } & Record<string, string>;
  /** Existing networks per cloud id, in that cloud's own shape. */
  network: Record<string, Record<string, unknown>>;
  /** Accounts per cloud id (a GCP project, an Azure subscription). */
  accounts: Record<string, Record<string, string | undefined> | undefined>;
  /** What the platform operator sets for every file (read from the base branch in a review, like budgets). */
  platform: { domain?: string };
}

export const DEFAULT_SETTINGS: SettingsModel = {
  org: 'default',
  defaults: { cloud: 'aws', region: 'us-east' },
  budgets: { projects: {} },
  deployBranch: 'autostack/deploy',
  stateBackend: { type: 'local' },
  network: {},
  accounts: {},
  platform: {},
};

type SettingsSpec = {
  org?: string;
  defaults?: { cloud?: CloudId; region?: string };
  budgets?: { monthlyUsd?: number; projects?: Record<string, number> };
  deployBranch?: string;
  stateBackend?: SettingsModel['stateBackend'];
  network?: Record<string, Record<string, unknown>>;
  accounts?: SettingsModel['accounts'];
  platform?: { domain?: string };
};

/** Settings with defaults applied; `data` has passed the Settings schema. */
export function resolveSettings(data: { spec?: SettingsSpec } | undefined): SettingsModel {
  const s = data?.spec ?? {};
  return {
    org: s.org ?? DEFAULT_SETTINGS.org,
    defaults: { cloud: s.defaults?.cloud ?? DEFAULT_SETTINGS.defaults.cloud, region: s.defaults?.region ?? DEFAULT_SETTINGS.defaults.region },
    budgets: { monthlyUsd: s.budgets?.monthlyUsd, projects: s.budgets?.projects ?? {} },
    deployBranch: s.deployBranch ?? DEFAULT_SETTINGS.deployBranch,
    stateBackend: s.stateBackend ?? DEFAULT_SETTINGS.stateBackend,
    network: s.network ?? {},
    accounts: s.accounts ?? {},
    platform: s.platform?.domain !== undefined ? { domain: s.platform.domain } : {},
  };
}
