// The website's managed MySQL: the instance (per class-hour, or per vCPU-hour and GiB-hour), its
// provisioned storage, and high availability (a standby billed like the primary).
import { HOURS_PER_MONTH, metered, missing, regionOf, withPriced } from '../pricing.ts';
import type { MeterPart, PriceComponent } from '../pricing.ts';

export interface MysqlPricing {
  name: string;
  /**
   * `class`: `mysql:<instance class>` per hour (RDS, Azure flexible server SKUs), `mysql-ha:<class>`
   * where the cloud lists the high-availability rate; `vcpu-memory`: `mysql-vcpu` per vCPU-hour and
   * `mysql-memory` per GiB-hour (Cloud SQL custom machines, from `attrs.vcpu` and `attrs.memoryGiB`).
   */
  compute: 'class' | 'vcpu-memory';
}

/**
 * attrs: `storageGiB` (provisioned), `highAvailability` (Multi-AZ, zone-redundant HA, regional).
 * High availability multiplies compute and storage by `mysql-ha-factor` (a standby billed like the
 * primary), except the instance when a `mysql-ha:<class>` rate is listed.
 */
export function managedMysql(opts: MysqlPricing): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const region = regionOf(r, plan);
    const ha = r.attrs.highAvailability === true;
    const storage = Math.max(0, Number(r.attrs.storageGiB ?? 0));
    const haKey = ha ? 'mysql-ha-factor' : undefined;
    const parts: MeterPart[] = [];
    if (opts.compute === 'class') {
      const listed = ha ? catalog.otherPrice(region, `mysql-ha:${r.type}`) : undefined;
      if (!catalog.otherPrice(region, `mysql:${r.type}`) && !listed) {
        const known = catalog.otherKeys(region, 'mysql:').map((k) => k.slice('mysql:'.length));
        return missing(r, `${opts.name} ${r.type}`, `no price for ${r.type} in ${region}${known.length ? ` (priced there: ${known.join(', ')})` : ''}: add it to knowledge-base/sources/${plan.cloud}.json and run npm run gen:prices`);
      }
      parts.push(listed
        ? { label: `per ${ha ? 'high-availability ' : ''}instance-hour`, key: `mysql-ha:${r.type}`, quantity: HOURS_PER_MONTH, unit: 'h' }
        : { label: 'per instance-hour', key: `mysql:${r.type}`, quantity: HOURS_PER_MONTH, unit: 'h', factorKey: haKey });
    } else {
      const vcpu = Math.max(0, Number(r.attrs.vcpu ?? 0));
      const memory = Math.max(0, Number(r.attrs.memoryGiB ?? 0));
      parts.push({ label: 'per vCPU-hour', key: 'mysql-vcpu', quantity: vcpu * HOURS_PER_MONTH, unit: 'vCPU-h', factorKey: haKey });
      parts.push({ label: 'per GiB-hour of memory', key: 'mysql-memory', quantity: memory * HOURS_PER_MONTH, unit: 'GiB-h', factorKey: haKey });
    }
    parts.push({ label: 'per GB-month of storage', key: 'mysql-storage', quantity: storage, unit: 'GB', factorKey: haKey });
    const type = opts.compute === 'class' ? r.type : `${r.attrs.vcpu} vCPU, ${r.attrs.memoryGiB} GiB`;
    return metered(r, `${opts.name} ${type}${ha ? ', high availability' : ''}`, parts, plan, catalog, ha ? 'high availability runs a standby billed like the primary (compute and storage)' : undefined);
  }, (c, region) => {
    const compute = opts.compute === 'class' ? c.otherKeys(region, 'mysql:').length > 0 : c.otherPrice(region, 'mysql-vcpu') !== undefined && c.otherPrice(region, 'mysql-memory') !== undefined;
    return compute && c.otherPrice(region, 'mysql-storage') !== undefined && c.otherPrice(region, 'mysql-ha-factor') !== undefined;
  });
}
