// Build-time: each cloud's one display name, from the cloud registry (the pages never spell a cloud themselves).
import '../../../synth/node.ts';
import { cloudIds, displayName } from '../../../knowledge-base/clouds/registry.ts';

/** Cloud id → display name, for a page's script (passed as a data attribute). */
export function cloudNames(): Record<string, string> {
  return Object.fromEntries(cloudIds().map((id) => [id, displayName(id)]));
}

/** "AWS, Azure and GCP": every registered cloud, in registry order. */
export function cloudList(): string {
  const names = cloudIds().map((id) => displayName(id));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
}
