import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { backupBucket, computeHourly, diskPerTier, noCharge, publicIpv4Hourly, secretMonthly } from '../../pricing.ts';
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
    vm: computeHourly,
    // Managed disks are billed as the smallest size tier that holds them (200 GiB is a P15).
    disk: diskPerTier,
    bucket: backupBucket,
    'public-ip': publicIpv4Hourly,
    secret: secretMonthly('Key Vault bills per 10,000 operations (about $0.03); reading a password a few times a month rounds to $0.00'),
    firewall: noCharge('network security groups have no charge'),
    'backup-schedule': noCharge('runs on the database server (systemd timer); its cost is the backup storage'),
  },
};
