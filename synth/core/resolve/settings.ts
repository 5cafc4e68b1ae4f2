import type { CloudId } from '../../../knowledge-base/types.ts';

export interface SettingsModel {
  org: string;
  defaults: { cloud: CloudId; region: string };
  budgets: { monthlyUsd?: number; projects: Record<string, number> };
  deployBranch: string;
  stateBackend: { type: 'local' | 's3' | 'azurerm' | 'gcs' } & Record<string, string>;
  network: Record<string, Record<string, unknown>>;
  accounts: { gcp?: { project?: string }; azure?: { subscriptionId?: string } };
}

export const DEFAULT_SETTINGS: SettingsModel = {
  org: 'default',
  defaults: { cloud: 'aws', region: 'us-east' },
  budgets: { projects: {} },
  deployBranch: 'autostack/deploy',
  stateBackend: { type: 'local' },
  network: {},
  accounts: {},
};

type SettingsSpec = {
  org?: string;
  defaults?: { cloud?: CloudId; region?: string };
  budgets?: { monthlyUsd?: number; projects?: Record<string, number> };
  deployBranch?: string;
  stateBackend?: SettingsModel['stateBackend'];
  network?: Record<string, Record<string, unknown>>;
  accounts?: SettingsModel['accounts'];
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
  };
}
