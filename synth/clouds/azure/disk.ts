import { azure } from '../../cdktf/azure.ts';
import type { LinuxVirtualMachine, ResourceGroup } from '../../cdktf/azure.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { shared } from '../../stack/shared.ts';

/** A Premium SSD data disk in the server's zone, attached at LUN 0; it outlives VM rebuilds. */
export const azureDisk: ResourceSynth = (ctx, r, i) => {
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const zones = catalogFor('azure').zones(ctx.plan.region);
  const disk = new azure.ManagedDisk(ctx.stack, `data_${i}`, {
    name: `${ctx.names.base}-${i}-data`,
    resourceGroupName: rg.name,
    location: rg.location,
    storageAccountType: r.type,
    createOption: 'Empty',
    diskSizeGb: Number(r.attrs.sizeGiB),
    ...(zones.length ? { zone: zones[i % zones.length] } : {}),
    tags: ctx.tags,
  });
  ctx.serverGroup(i, new azure.VirtualMachineDataDiskAttachment(ctx.stack, `data_${i}_attachment`, { managedDiskId: disk.id, virtualMachineId: shared<LinuxVirtualMachine>(ctx, `vm${i}`).id, lun: 0, caching: 'None' }));
};
