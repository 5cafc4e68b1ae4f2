import { registerCloud } from '../registry.ts';

registerCloud({
  id: 'gcp',
  displayName: 'GCP',
  diskBilling: 'per-gib',
  names: { firewall: 'VPC firewall rule', secret: 'Secret Manager secret', vm: 'Compute Engine instance', bucket: 'Cloud Storage bucket', publicIp: 'external IPv4 address' },
  freeResources: {
    firewall: 'VPC firewall rules have no charge',
    'backup-schedule': 'runs on the database server (systemd timer); its cost is the backup storage',
  },
});
