import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { commonPrices, diskPerGiB, noCharge, secretMonthly } from '../../pricing.ts';
import type { CloudKnowledge } from '../registry.ts';
import data from './data.json' with { type: 'json' };
import images from './images.json' with { type: 'json' };
import regions from './regions.json' with { type: 'json' };

export const awsKnowledge: CloudKnowledge = {
  id: 'aws',
  displayName: 'AWS',
  data: data as CloudData,
  regions,
  images: images as CloudImages,
  names: { firewall: 'security group', secret: 'Secrets Manager secret', vm: 'EC2 instance', bucket: 'S3 bucket', 'public-ip': 'public IPv4 address' },
  prices: {
    ...commonPrices,
    disk: diskPerGiB,
    secret: secretMonthly(),
    firewall: noCharge('security groups have no charge'),
  },
};
