import { registerCloud } from '../registry.ts';

registerCloud({
  id: 'azure',
  displayName: 'Azure',
  diskBilling: 'tier',
  names: { firewall: 'network security group', secret: 'Key Vault secret', vm: 'Linux VM', bucket: 'Blob container', publicIp: 'public IP address' },
  freeResources: {
    firewall: 'network security groups have no charge',
    'backup-schedule': 'runs on the database server (systemd timer); its cost is the backup storage',
    secret: 'Key Vault bills per 10,000 operations (about $0.03); reading a password a few times a month rounds to $0.00',
  },
});
