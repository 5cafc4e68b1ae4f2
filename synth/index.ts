// The one wiring module: every kind, cloud and export target AutoStack knows is registered here,
// one line each. Browser-safe (the site imports it): a cloud's Terraform constructs load lazily.
import { registerCloud } from './core/registry/clouds.ts';
import { registerKind } from './core/registry/kinds.ts';
import { aws } from './clouds/aws/index.ts';
import { azure } from './clouds/azure/index.ts';
import { gcp } from './clouds/gcp/index.ts';
import { planKind } from './kinds/plan/index.ts';
import { profileKind } from './kinds/profile/index.ts';
import { websiteKind } from './kinds/website/index.ts';

registerCloud(aws);
registerCloud(azure);
registerCloud(gcp);

registerKind(planKind);
registerKind(websiteKind);
registerKind(profileKind);
