import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { commonPrices, diskPerGiB, natGateway, noCharge, secretMonthly } from '../../pricing.ts';
import type { CloudKnowledge } from '../registry.ts';
import data from './data.json' with { type: 'json' };
import images from './images.json' with { type: 'json' };
import regions from './regions.json' with { type: 'json' };

export const gcpKnowledge: CloudKnowledge = {
  id: 'gcp',
  displayName: 'GCP',
  // JSON blocks differ in their price keys; test/knowledge-base-data.test.ts checks the shape.
  data: data as unknown as CloudData,
  regions,
  images: images as CloudImages,
  names: { firewall: 'VPC firewall rule', secret: 'Secret Manager secret', vm: 'Compute Engine instance', bucket: 'Cloud Storage bucket', 'public-ip': 'external IPv4 address', nat: 'Cloud NAT' },
  privateServices: { ok: true },
  prices: {
    ...commonPrices,
    disk: diskPerGiB,
    secret: secretMonthly(),
    // Cloud NAT bills per VM-hour for the VMs using the gateway, capped at 32 VMs.
    nat: natGateway({ perVmHour: { maxVms: 32 } }),
    firewall: noCharge('VPC firewall rules have no charge'),
  },
};
