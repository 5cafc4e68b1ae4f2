import { TerraformOutput } from '../../cdktf/index.ts';
import { azure } from '../../cdktf/azure.ts';
import type { ResourceGroup } from '../../cdktf/azure.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { isNatAddress, share, shared } from '../../stack/shared.ts';
import { azureGatewayAddress } from './appgw.ts';
import { azureNatAddress } from './nat.ts';

/** A static Standard public IP per server, in the server's zone; the NIC picks it up. The NAT's is in nat.ts. */
export const azurePublicIp: ResourceSynth = (ctx, r, i) => {
  if (isNatAddress(r)) {
    azureNatAddress(ctx, r, i);
    return;
  }
  if (r.attrs.for === 'load balancer') {
    azureGatewayAddress(ctx, r, i);
    return;
  }
  const rg = shared<ResourceGroup>(ctx, 'rg');
  const zones = catalogFor('azure').zones(ctx.plan.region);
  share(ctx, `pip${i}`, new azure.PublicIp(ctx.stack, `public_ip_${i}`, {
    name: `${ctx.names.base}-${i}-ip`, resourceGroupName: rg.name, location: rg.location, allocationMethod: 'Static', sku: 'Standard',
    ...(zones.length ? { zones: [zones[i % zones.length]!] } : {}), tags: ctx.tags,
  }));
};

/** Backups run on the primary (pgBackRest + systemd timer, see bootstrap.ts); the stack records the schedule. */
export const azureBackupSchedule: ResourceSynth = (ctx, r) => {
  new TerraformOutput(ctx.stack, 'backup_schedule', { value: ctx.lit(`${String(r.attrs.schedule)} (UTC), kept ${String(r.attrs.retentionDays)} days, restore test ${String(r.attrs.validate)}`), description: ctx.workload.outputs.backupSchedule ?? 'When backups run' });
};
