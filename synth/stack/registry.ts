import type { CloudId } from '../../knowledge-base/types.ts';
import { cloudDefinition } from '../core/registry/clouds.ts';
import type { CloudStacks } from './context.ts';

const loaded = new WeakMap<object, Promise<CloudStacks>>();

/** A cloud's constructs, imported on first use: CDKTF and the providers load only when a stack is built. */
export function cloudStacks(cloud: CloudId): Promise<CloudStacks> {
  const def = cloudDefinition(cloud);
  if (!def) return Promise.reject(new Error(`cloud "${cloud}" is not registered`));
  let p = loaded.get(def);
  if (!p) {
    p = def.loadStacks() as Promise<CloudStacks>;
    loaded.set(def, p);
  }
  return p;
}
