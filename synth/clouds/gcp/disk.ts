import { gcp } from '../../cdktf/gcp.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { share } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';

/** The data disk, created before its server (which attaches it) and kept when the server is rebuilt. */
export const gcpDisk: ResourceSynth = (ctx, r, i) => {
  const zones = catalogFor('gcp').zones(ctx.plan.region);
  share(ctx, `disk${i}`, new gcp.ComputeDisk(ctx.stack, `data_${i}`, {
    name: `${ctx.names.base}-${i}-data`,
    type: r.type,
    zone: zones[i % zones.length]!,
    size: Number(r.attrs.sizeGiB),
    labels: gcpLabels(ctx),
  }));
};
