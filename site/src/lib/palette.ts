// The editor's palette: each component knows its default document and how to label a node.
// Websites and pipeline steps join by adding an entry here (and their kind to the core).
export interface PaletteItem {
  kind: string;
  label: string;
  description: string;
  /** A new document of this kind, named `name`. */
  create(name: string): Record<string, any>;
  /** A one-line summary shown on the node. */
  summary(doc: Record<string, any>): string;
}

export const PALETTE: PaletteItem[] = [
  {
    kind: 'Plan',
    label: 'PostgreSQL server',
    description: 'A managed-by-you PostgreSQL VM with backups',
    create: (name) => ({
      apiVersion: 'autostack.dev/v1',
      kind: 'Plan',
      metadata: { name, project: 'default' },
      spec: {
        cloud: 'aws',
        region: 'us-east',
        os: { distro: 'ubuntu', version: '24.04' },
        compute: { vcpu: 2, memoryGiB: 8 },
        storage: { type: 'ssd', sizeGiB: 50 },
        postgres: { version: '17', topology: 'single', maxConnections: 100 },
        backup: { schedule: '0 3 * * *', retentionDays: 7, validate: 'weekly' },
        network: { allowedCidrs: ['10.0.0.0/8'], publicIp: false },
      },
    }),
    summary: (d) => {
      const s = d.spec ?? {};
      const size = s.compute?.size ?? (s.compute?.vcpu ? `${s.compute.vcpu} vCPU / ${s.compute.memoryGiB ?? '?'} GiB` : 'custom');
      return `${String(s.cloud ?? 'aws').toUpperCase()} ${s.region ?? ''} · ${size} · ${s.storage?.sizeGiB ?? 20} GiB · PG ${s.postgres?.version ?? ''}`;
    },
  },
];

export const paletteFor = (kind: string) => PALETTE.find((p) => p.kind === kind);
