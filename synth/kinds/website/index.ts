import { cloudIds } from '../../../knowledge-base/clouds/registry.ts';
import { WEBSITE_STACK_KINDS } from '../../../knowledge-base/types.ts';
import type { KindDefinition } from '../../core/registry/kinds.ts';
import { adviseWebsite } from './advice.ts';
import { describeWebsiteChanges } from './changes.ts';
import { checkWebsite, checkWebsiteTransition } from './check.ts';
import { websitePlans } from './cloud-plan.ts';
import { websiteEditor } from './editor.ts';
import { websiteWorkload } from './workload.ts';
import type { WebsiteModel } from './model.ts';
import { profileName, resolveWebsite } from './resolve.ts';
import type { WebsiteDoc } from './resolve.ts';
import schema from './website.schema.json' with { type: 'json' };

/**
 * `Website`: a WordPress site on the cloud's reference architecture, on any registered cloud.
 * Its servers (an instance group per region) boot from `websiteWorkload`; a cloud without the
 * constructs for the web resources is refused by synthesis, naming the resource types it lacks.
 */
export const websiteKind: KindDefinition<WebsiteModel> = {
  kind: 'Website',
  schema,
  check: checkWebsite,
  resolve: (data, ctx) => resolveWebsite(data as WebsiteDoc, ctx),
  name: (m) => m.name,
  project: (m) => m.project,
  checkTransition: checkWebsiteTransition,
  describeChanges: describeWebsiteChanges,
  references: {
    kinds: ['Profile'],
    of(data) {
      const doc = data as WebsiteDoc;
      if (!doc || typeof doc !== 'object') return [];
      const { name, explicit } = profileName(doc);
      return [{ kind: 'Profile', name, path: explicit ? ['spec', 'profile'] : [], ...(explicit ? {} : { optional: true }) }];
    },
  },
  infrastructure: {
    subject: (m) => ({ name: m.name, project: m.project, org: m.org, labels: m.labels }),
    primaryCloud: (m) => m.cloud,
    stackKinds: WEBSITE_STACK_KINDS,
    plan: (m) => websitePlans(m, cloudIds()),
    budget: (m) => (m.budget ? { monthlyUsd: m.budget.monthlyUsd, path: ['spec', 'budget', 'monthlyUsd'] } : undefined),
    // Quotas count servers at the maximum scale, in every region of the site.
    servers: (plan) => plan.resources.filter((r) => r.kind === 'instance-group').reduce((n, r) => n + Number(r.attrs.max ?? 0), 0),
    advise: adviseWebsite,
    workload: websiteWorkload,
  },
  editor: websiteEditor,
};
