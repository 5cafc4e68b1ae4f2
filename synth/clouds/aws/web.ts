import type { Subnet } from '../../cdktf/aws.ts';
import type { StackContext } from '../../stack/context.ts';
import { maybeShared, shared } from '../../stack/shared.ts';
import { fitName } from '../../stack/naming.ts';

/**
 * Helpers shared by the website resource files (alb, certificate, dns, group, efs, mysql, cache,
 * cdn, alarms). They read the cloud plan's abstract resources only, never a kind's model.
 */

/** The public subnets (load balancer, NAT): only the stack's own VPC has them. */
export function publicSubnetIds(ctx: StackContext, what: string): string[] {
  const pub = maybeShared<Subnet[]>(ctx, 'publicSubnets');
  if (!pub) throw new Error(`AWS cannot place the ${what} of ${ctx.subject.name}: autostack.yaml network.aws names an existing VPC, and a website needs the stack's own (public subnets for the load balancer, private ones for the servers); remove network.aws`);
  return pub.map((s) => s.id);
}

/** The servers' (private) subnets of the plan's region: the web servers, the database, the file system's mount targets and the cache. */
export function privateSubnetIds(ctx: StackContext): string[] {
  return shared<string[]>(ctx, 'subnetIds');
}

/** An AWS resource name: `autostack-<site>-<suffix>`, cut to `max` characters without a trailing hyphen. */
export function awsName(ctx: StackContext, suffix: string, max: number): string {
  // RDS and ElastiCache refuse two hyphens in a row (a site may be named xn--…).
  const base = ctx.names.base.replace(/-{2,}/g, '-');
  return fitName(base, suffix, ctx.names.hash, max);
}

export { inZone, keySuffix } from '../../stack/naming.ts';

/** The database's backup window from the plan's schedule (its minute and hour, UTC; RDS backs up daily): 30 minutes from then; RDS wants hh:mm-hh:mm. */
export function backupWindow(schedule: string): { backup: string; maintenance: string } {
  const m = /^(\d{1,2}) (\d{1,2})\s/.exec(`${schedule.trim()} `);
  const minute = m ? Number(m[1]) : 0;
  const hour = m ? Number(m[2]) : 3;
  const at = (h: number, min: number) => `${String(h % 24).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
  const end = minute + 30;
  const backup = `${at(hour, minute)}-${at(hour + Math.floor(end / 60), end)}`;
  // Maintenance a few hours after the backups, so the two never overlap.
  const day = 'sun';
  return { backup, maintenance: `${day}:${at(hour + 3, 0)}-${day}:${at(hour + 3, 30)}` };
}
