import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { commonPrices, diskPerTier, noCharge, secretMonthly } from '../../pricing.ts';
import type { CloudKnowledge } from '../registry.ts';
import data from './data.json' with { type: 'json' };
import images from './images.json' with { type: 'json' };
import regions from './regions.json' with { type: 'json' };

export const azureKnowledge: CloudKnowledge = {
  id: 'azure',
  displayName: 'Azure',
  data: data as CloudData,
  regions,
  images: images as CloudImages,
  names: { firewall: 'network security group', secret: 'Key Vault secret', vm: 'Linux VM', bucket: 'Blob container', 'public-ip': 'public IP address' },
  prices: {
    ...commonPrices,
    // Managed disks are billed as the smallest size tier that holds them (200 GiB is a P15).
    disk: diskPerTier,
    secret: secretMonthly('Key Vault bills per 10,000 operations (about $0.03); reading a password a few times a month rounds to $0.00'),
    firewall: noCharge('network security groups have no charge'),
  },
};
