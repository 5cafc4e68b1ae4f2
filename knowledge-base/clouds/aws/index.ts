import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { alarms } from '../../prices/alarm.ts';
import { cacheNodes } from '../../prices/cache.ts';
import { cdn } from '../../prices/cdn.ts';
import { dnsZone } from '../../prices/dns-zone.ts';
import { fileShare } from '../../prices/file-share.ts';
import { instanceGroup } from '../../prices/instance-group.ts';
import { loadBalancer } from '../../prices/load-balancer.ts';
import { managedMysql } from '../../prices/mysql.ts';
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
  names: { firewall: 'security group', secret: 'Secrets Manager secret', vm: 'EC2 instance', bucket: 'S3 bucket', 'public-ip': 'public IPv4 address', nat: 'NAT gateway',
    'load-balancer': 'Application Load Balancer', mysql: 'RDS for MySQL instance', 'file-share': 'EFS file system', cache: 'ElastiCache (Valkey) node',
    'dns-zone': 'Route 53 hosted zone', certificate: 'ACM public certificate', cdn: 'CloudFront distribution', 'instance-group': 'Auto Scaling group', alarm: 'CloudWatch alarms and SNS topic',
  },
  privateServices: { ok: false, why: 'Secrets Manager is reached only through the internet or a paid interface endpoint, which the plan\'s own VPC does not have (S3 has a free gateway endpoint)' },
  prices: {
    ...commonPrices,
    disk: diskPerGiB,
    secret: secretMonthly(),
    nat: natGateway(),
    firewall: noCharge('security groups have no charge'),
    // The website stack (WordPress reference architecture: ALB + Auto Scaling + EFS + RDS + ElastiCache + CloudFront + Route 53).
    'load-balancer': loadBalancer({ name: 'Application Load Balancer', hourKey: 'lb-hour', capacity: { key: 'lb-capacity-unit', unit: 'LCU', definition: 'an LCU is 25 new connections a second, 3,000 active connections a minute, 1 GB processed an hour or 1,000 rule evaluations a second, whichever is highest' } }),
    mysql: managedMysql({ name: 'RDS for MySQL', compute: 'class' }),
    'file-share': fileShare({ name: 'EFS Standard', billing: 'stored', note: 'bursting throughput mode: no throughput charge' }),
    cache: cacheNodes('ElastiCache for Valkey'),
    'dns-zone': dnsZone('Route 53 hosted zone'),
    certificate: noCharge('public certificates from AWS Certificate Manager have no charge (https://aws.amazon.com/certificate-manager/pricing/); only private CA certificates are billed'),
    cdn: cdn('CloudFront'),
    'instance-group': instanceGroup('Auto Scaling group'),
    alarm: alarms('CloudWatch alarms and SNS topic', { emailKey: 'notification-email' }),
  },
};
