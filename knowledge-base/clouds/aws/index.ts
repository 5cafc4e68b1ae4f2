import { registerCloud } from '../registry.ts';

registerCloud({
  id: 'aws',
  displayName: 'AWS',
  diskBilling: 'per-gib',
  names: { firewall: 'security group', secret: 'Secrets Manager secret', vm: 'EC2 instance', bucket: 'S3 bucket', publicIp: 'public IPv4 address' },
  freeResources: {
    firewall: 'security groups have no charge',
    'backup-schedule': 'runs on the database server (systemd timer); its cost is the backup storage',
  },
});
