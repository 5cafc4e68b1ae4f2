import type { CloudData } from '../../catalog.ts';
import type { CloudImages } from '../../images.ts';
import { alarms } from '../../prices/alarm.ts';
import { cacheNodes } from '../../prices/cache.ts';
import { cdn } from '../../prices/cdn.ts';
import { dnsZone } from '../../prices/dns-zone.ts';
import { fileShare } from '../../prices/file-share.ts';
import { instanceGroup } from '../../prices/instance-group.ts';
import { loadBalancer, publicAddresses } from '../../prices/load-balancer.ts';
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
  // A website's other regions (activePassive, activeActive: up to 4) have VPCs 10.241.0.0/16 to 10.244.0.0/16.
  loadBalancerSources: { cidrs: ['10.240.0.0/16', '10.241.0.0/16', '10.242.0.0/16', '10.243.0.0/16', '10.244.0.0/16'], source: 'the Application Load Balancer runs in the stack\'s VPC (10.240.0.0/16, a website\'s N-th other region 10.24N.0.0/16, synth/clouds/aws/base.ts) and connects to its targets from its private addresses: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html' },
  // An ALB has no static address: a Network Load Balancer with an Elastic IP in each of the VPC's three zones forwards TCP 80/443 to it (synth/clouds/aws/lb-address.ts).
  dedicatedIp: { addresses: 3, via: 'Network Load Balancer', source: 'an NLB takes one Elastic IP per enabled zone (subnet_mapping) and can forward to an ALB target: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/application-load-balancer-target.html' },
  nfsMountOptions: { options: 'nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev,nofail', source: 'https://docs.aws.amazon.com/efs/latest/ug/mounting-fs-nfs-mount-settings.html' },
  privateServices: { ok: false, why: 'Secrets Manager is reached only through the internet or a paid interface endpoint, which the plan\'s own VPC does not have (S3 has a free gateway endpoint)' },
  limits: {
    'certificates-per-load-balancer': { value: 25, what: 'certificates on one Application Load Balancer (besides the default one; a quota AWS can raise)', source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html' },
    'names-per-certificate': { value: 10, what: 'domain names on one ACM certificate (a quota AWS can raise to 100)', source: 'https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html' },
  },
  // Managed services by named size (the website's database and object cache).
  sizes: {
    mysql: { small: { type: 'db.t4g.small', vcpu: 2, memoryGiB: 2 }, medium: { type: 'db.t4g.medium', vcpu: 2, memoryGiB: 4 }, large: { type: 'db.t4g.large', vcpu: 2, memoryGiB: 8 }, xlarge: { type: 'db.m6g.xlarge', vcpu: 4, memoryGiB: 16 } },
    cache: { small: { type: 'cache.t4g.micro', memoryGiB: 0.5 }, medium: { type: 'cache.t4g.small', memoryGiB: 1.37 }, large: { type: 'cache.t4g.medium', memoryGiB: 3.09 } },
  },
  prices: {
    ...commonPrices,
    disk: diskPerGiB,
    secret: secretMonthly(),
    nat: natGateway(),
    firewall: noCharge('security groups have no charge'),
    // The website stack (WordPress reference architecture: ALB + Auto Scaling + EFS + RDS + ElastiCache + CloudFront + Route 53).
    // A dedicated IP: an Elastic IP per zone on a Network Load Balancer in front of the ALB (synth/clouds/aws/lb-address.ts).
    'public-ip': publicAddresses({ name: 'Network Load Balancer', hourKey: 'nlb-hour', capacity: { key: 'nlb-capacity-unit', unit: 'NLCU', definition: 'an NLCU is 800 new TCP connections a second, 100,000 active connections or 1 GB processed an hour, whichever is highest' } }),
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
