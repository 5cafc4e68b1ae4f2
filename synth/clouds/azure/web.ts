import type { AbstractResource } from '../../../knowledge-base/types.ts';
import type { StackContext } from '../../stack/context.ts';
import { maybeShared } from '../../stack/shared.ts';
import { fitName } from '../../stack/naming.ts';

/**
 * Helpers shared by the website resource files (appgw, edge, certificate, dns, group, files,
 * mysql, cache, cdn, alarms). They read the cloud plan's abstract resources only, never a kind's model.
 */

/** Whether the stack is a website's (its plan has an instance group): the network, secret and bucket differ. */
export function isWebsite(ctx: StackContext): boolean {
  return ctx.plan.resources.some((r) => r.kind === 'instance-group');
}

/**
 * A resource of a second region (standby or active): Azure resources take a location, but the
 * standby's group, gateway, share and the MySQL read replica are not built yet.
 */
export function primaryRegionOnly(ctx: StackContext, r: AbstractResource, index: number): void {
  if (index > 0 || (r.attrs.region !== undefined && r.attrs.region !== ctx.plan.region)) {
    throw new Error(`Azure cannot build ${r.key} in ${String(r.attrs.region)} yet: a site's second region (activePassive, activeActive: a standby scale set, Application Gateway and file share, and a MySQL read replica) is not built on Azure; use availability single`);
  }
}

/** The website's subnets of the stack's virtual network (base.ts); a subnet named in settings cannot hold them. */
export interface WebSubnets {
  web: string;
  gateway: string;
  gatewayPrefix: string;
  mysql: string;
  endpoints: string;
  vnetId: string;
}

export function webSubnets(ctx: StackContext, what: string): WebSubnets {
  const s = maybeShared<WebSubnets>(ctx, 'webSubnets');
  if (!s) throw new Error(`Azure cannot place the ${what} of ${ctx.subject.name}: autostack.yaml network.azure names an existing subnet, and a website needs the stack's own virtual network (a gateway subnet, a delegated database subnet and the servers' subnet); remove network.azure`);
  return s;
}

/**
 * An Azure resource name `autostack-<site>-<suffix>` within `max` characters (no two hyphens in a
 * row: MySQL, Redis and Front Door refuse them). `global` names (a DNS label under an Azure
 * domain: MySQL, Redis) carry the stack's hash so two orgs' sites of the same name never collide.
 */
export function azName(ctx: StackContext, suffix: string, max: number, global = false): string {
  const base = (global ? `as-${ctx.subject.name}-${ctx.names.hash}` : ctx.names.base).replace(/-{2,}/g, '-');
  const s = `${base}-${suffix}`;
  if (s.length <= max) return s;
  if (global) {
    const keep = max - suffix.length - ctx.names.hash.length - 5;
    return `as-${ctx.subject.name.replace(/-{2,}/g, '-').slice(0, Math.max(1, keep)).replace(/-+$/, '')}-${ctx.names.hash}-${suffix}`.slice(0, max).replace(/-+$/, '');
  }
  return fitName(base, suffix, ctx.names.hash, max);
}

export { inZone, keySuffix } from '../../stack/naming.ts';

/** A record's name relative to its zone (`www` for www.<zone>, `@` for the zone itself). */
export function relativeName(name: string, zone: string): string {
  return name === zone ? '@' : name.slice(0, -(zone.length + 1));
}

/** The minute and hour (UTC) of a plan's cron schedule `m h * * *` (03:00 when it names no fixed time). */
export function scheduleTime(schedule: string): { hour: number; minute: number } {
  const m = /^(\d{1,2}) (\d{1,2})\s/.exec(`${schedule.trim()} `);
  return m ? { minute: Number(m[1]) % 60, hour: Number(m[2]) % 24 } : { minute: 0, hour: 3 };
}
