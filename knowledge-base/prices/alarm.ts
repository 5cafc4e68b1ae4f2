// The website's monitoring: alarms (CloudWatch alarms, Azure Monitor alert rules, Cloud
// Monitoring conditions) per month, and the notification topic's emails.
import { metered, withPriced } from '../pricing.ts';
import type { MeterPart, PriceComponent } from '../pricing.ts';

/** Emails the notification topic sends a month when the resource states none. */
export const ALARM_ASSUMPTION = {
  emailsPerMonth: 100,
  text: 'the account-wide free allowances (such as the first alarms or the first 1,000 emails a month) are not deducted: other stacks in the account share them',
};

/** attrs: `alarms` (default 1), `emailsPerMonth`. `alarm` per alarm-month, optional `notification-email` per 100,000. */
export function alarms(name: string, opts: { emailKey?: string } = {}): PriceComponent {
  return withPriced(({ resource: r, plan, catalog }) => {
    const count = Math.max(0, Number(r.attrs.alarms ?? 1));
    const emails = Math.max(0, Number(r.attrs.emailsPerMonth ?? ALARM_ASSUMPTION.emailsPerMonth));
    const parts: MeterPart[] = [{ label: 'per alarm-month', key: 'alarm', quantity: count, unit: count === 1 ? 'alarm' : 'alarms' }];
    if (opts.emailKey) parts.push({ label: 'per 100,000 emails', key: opts.emailKey, quantity: emails / 100_000, unit: '100,000 emails' });
    const words = opts.emailKey && typeof r.attrs.emailsPerMonth !== 'number' ? `assumes ${emails} notification emails a month; ` : '';
    return metered(r, name, parts, plan, catalog, `${words}${ALARM_ASSUMPTION.text}`);
  }, (c, region) => c.otherPrice(region, 'alarm') !== undefined && (opts.emailKey === undefined || c.otherPrice(region, opts.emailKey) !== undefined));
}
