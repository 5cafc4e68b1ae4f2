import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { backupBucket, computeHourly, diskPerGiB, noCharge, publicIpv4Hourly, secretMonthly } from '../../pricing.ts';
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
    vm: computeHourly,
    disk: diskPerGiB,
    bucket: backupBucket,
    'public-ip': publicIpv4Hourly,
    secret: secretMonthly(),
    firewall: noCharge('VPC firewall rules have no charge'),
    'backup-schedule': noCharge('runs on the database server (systemd timer); its cost is the backup storage'),
  },
};
