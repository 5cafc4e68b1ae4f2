import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { commonPrices, diskPerGiB, noCharge, secretMonthly } from '../../pricing.ts';
import type { CloudKnowledge } from '../registry.ts';
import data from './data.json' with { type: 'json' };
import images from './images.json' with { type: 'json' };
import regions from './regions.json' with { type: 'json' };

export const gcpKnowledge: CloudKnowledge = {
  id: 'gcp',
  displayName: 'GCP',
  data: data as CloudData,
  regions,
  images: images as CloudImages,
  names: { firewall: 'VPC firewall rule', secret: 'Secret Manager secret', vm: 'Compute Engine instance', bucket: 'Cloud Storage bucket', 'public-ip': 'external IPv4 address' },
  prices: {
    ...commonPrices,
    disk: diskPerGiB,
    secret: secretMonthly(),
    firewall: noCharge('VPC firewall rules have no charge'),
  },
};
