import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { commonPrices, diskPerGiB, natGateway, noCharge, secretMonthly } from '../../pricing.ts';
import type { CloudKnowledge } from '../registry.ts';
import data from './data.json' with { type: 'json' };
import images from './images.json' with { type: 'json' };
import regions from './regions.json' with { type: 'json' };

export const awsKnowledge: CloudKnowledge = {
  id: 'aws',
  displayName: 'AWS',
  // JSON blocks differ in their price keys; test/knowledge-base-data.test.ts checks the shape.
  data: data as unknown as CloudData,
  regions,
  images: images as CloudImages,
  names: { firewall: 'security group', secret: 'Secrets Manager secret', vm: 'EC2 instance', bucket: 'S3 bucket', 'public-ip': 'public IPv4 address', nat: 'NAT gateway' },
  privateServices: { ok: false, why: 'Secrets Manager is reached only through the internet or a paid interface endpoint, which the plan\'s own VPC does not have (S3 has a free gateway endpoint)' },
  prices: {
    ...commonPrices,
    disk: diskPerGiB,
    secret: secretMonthly(),
    nat: natGateway(),
    firewall: noCharge('security groups have no charge'),
  },
};
