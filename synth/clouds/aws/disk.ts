import { aws } from '../../cdktf/aws.ts';
import type { Instance } from '../../cdktf/aws.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { shared } from '../../stack/shared.ts';

/** The data volume lives apart from the instance: rebuilding a server reattaches the same data. */
export const awsDisk: ResourceSynth = (ctx, r, i) => {
  const instance = shared<Instance>(ctx, `vm${i}`);
  const volume = new aws.EbsVolume(ctx.stack, `data_${i}`, {
    availabilityZone: instance.availabilityZone,
    size: Number(r.attrs.sizeGiB),
    type: r.type,
    encrypted: true,
    tags: { Name: `${ctx.names.base}-data-${i}` },
    lifecycle: { preventDestroy: false },
  });
  const attachment = new aws.VolumeAttachment(ctx.stack, `data_${i}_attachment`, { deviceName: '/dev/sdf', volumeId: volume.id, instanceId: instance.id, stopInstanceBeforeDetaching: true });
  ctx.serverGroup(i, attachment);
};
