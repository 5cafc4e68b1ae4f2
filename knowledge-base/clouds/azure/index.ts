import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { commonPrices, diskPerTier, natGateway, noCharge, secretOperations } from '../../pricing.ts';
import type { CloudKnowledge } from '../registry.ts';
import data from './data.json' with { type: 'json' };
import images from './images.json' with { type: 'json' };
import regions from './regions.json' with { type: 'json' };

export const azureKnowledge: CloudKnowledge = {
  id: 'azure',
  displayName: 'Azure',
  // JSON blocks differ in their price keys; test/knowledge-base-data.test.ts checks the shape.
  data: data as unknown as CloudData,
  regions,
  images: images as CloudImages,
  names: { firewall: 'network security group', secret: 'Key Vault secret', vm: 'Linux VM', bucket: 'Blob container', 'public-ip': 'public IP address', nat: 'NAT gateway' },
  privateServices: { ok: true },
  prices: {
    ...commonPrices,
    // Managed disks are billed as the smallest size tier that holds them (200 GiB is a P15).
    disk: diskPerTier,
    // Key Vault bills operations (per 10,000), not stored secrets: priced under SECRET_OPERATIONS_ASSUMPTION.
    secret: secretOperations(),
    nat: natGateway(),
    firewall: noCharge('network security groups have no charge'),
  },
};
