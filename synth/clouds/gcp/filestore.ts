import { Fn, TerraformOutput } from '../../cdktf/index.ts';
import { gcp } from '../../cdktf/gcp.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import type { ResourceSynth } from '../../stack/context.ts';
import { provide, share, shared } from '../../stack/shared.ts';
import { gcpLabels } from './base.ts';
import { gcpLimit, gcpName, primaryRegionOnly, privateServiceAccess, WEB_SUBNET_CIDR } from './web.ts';

/** Filestore Basic HDD's smallest share, GiB: it is billed as provisioned (the knowledge base's `filestore-basic-hdd-min-gib`). */
export const FILESTORE_BASIC_HDD_MIN_GIB = gcpLimit('filestore-basic-hdd-min-gib');
/** The share the web servers mount (a Filestore share name: letters, digits and '_', up to 16). */
export const FILESTORE_SHARE = 'uploads';

/**
 * The site's shared storage (uploads): a Filestore Basic HDD instance of the smallest size (1 TiB)
 * in the first zone of the region, reached through the stack's private services access, its export
 * limited to the web servers' subnetwork (read-write, root not squashed: the servers' first boot
 * sets the uploads' owner). Deletion protection is on and Terraform refuses to destroy it
 * (`prevent_destroy`); its replacing attributes (name, zone, tier, network) never change with an
 * ordinary edit. The servers mount `<address>:/uploads` (NFSv3, the knowledge base's options).
 */
export const gcpFileShare: ResourceSynth = (ctx, r, i) => {
  primaryRegionOnly(ctx, r, i);
  const psa = privateServiceAccess(ctx, 'file share');
  const zone = catalogFor('gcp').zones(ctx.plan.region)[0]!;
  const fs = share(ctx, 'fileShare', new gcp.FilestoreInstance(ctx.stack, 'shared_files', {
    name: gcpName(ctx, 'files', 63),
    description: ctx.lit(`AutoStack website ${ctx.subject.name}: uploads`),
    location: zone,
    tier: 'BASIC_HDD',
    fileShares: {
      name: FILESTORE_SHARE,
      capacityGb: FILESTORE_BASIC_HDD_MIN_GIB,
      nfsExportOptions: [{ ipRanges: [WEB_SUBNET_CIDR], accessMode: 'READ_WRITE', squashMode: 'NO_ROOT_SQUASH' }],
    },
    networks: [{ network: shared<string>(ctx, 'networkName'), modes: ['MODE_IPV4'], connectMode: 'PRIVATE_SERVICE_ACCESS' }],
    deletionProtectionEnabled: true,
    deletionProtectionReason: 'the site\'s uploads',
    labels: gcpLabels(ctx),
    dependsOn: [psa],
    lifecycle: { preventDestroy: true },
  }));
  provide(ctx, r.key, 'nfs-export', `${Fn.element(fs.networks.get(0).ipAddresses, 0)}:/${FILESTORE_SHARE}`);
  new TerraformOutput(ctx.stack, 'shared_files_id', { value: fs.id, description: 'Filestore instance holding the site\'s uploads' });
};
