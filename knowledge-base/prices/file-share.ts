// The website's shared file storage (wp-content/uploads on every server): per GiB-month, of the data
// stored (EFS, Azure Files) or of the provisioned capacity with the service's minimum (Filestore).
import { metered, withPriced } from '../pricing.ts';
import type { PriceComponent } from '../pricing.ts';

/** Uploads a new site holds when the resource states no size. */
export const FILE_SHARE_ASSUMPTION = { gib: 10 };

export interface FileSharePricing {
  name: string;
  /** `stored`: billed for the data stored; `provisioned`: for the capacity provisioned, at least `minGiB`. */
  billing: 'stored' | 'provisioned';
  minGiB?: number;
  /** What else the line should say (a throughput mode with no charge). */
  note?: string;
}

/** attrs: `sizeGiB` (data stored, or capacity asked for). The `file-share` figure is per GiB-month. */
export function fileShare(opts: FileSharePricing): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const stated = typeof r.attrs.sizeGiB === 'number';
    const asked = Math.max(0, Number(r.attrs.sizeGiB ?? FILE_SHARE_ASSUMPTION.gib));
    const billed = Math.max(asked, opts.minGiB ?? 0);
    const words: string[] = [];
    if (!stated) words.push(`assumes ${asked} GiB of uploads${opts.billing === 'provisioned' ? ' asked for' : ' stored'} (state the size to change it)`);
    if (billed > asked) words.push(`billed for ${billed.toLocaleString('en-US')} GiB: the minimum capacity of ${opts.name} is ${opts.minGiB!.toLocaleString('en-US')} GiB, whatever is stored`);
    if (opts.note) words.push(opts.note);
    return metered(r, opts.name, [{ label: 'per GiB-month', key: 'file-share', quantity: billed, unit: 'GiB' }], plan, catalog, words.join('; ') || undefined);
  }, (c, region) => c.otherPrice(region, 'file-share') !== undefined);
}
