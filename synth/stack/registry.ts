import type { CloudId } from '../../knowledge-base/types.ts';
import type { CloudStackSynth } from './context.ts';

const stacks = new Map<CloudId, CloudStackSynth>();

export function registerCloudStack(s: CloudStackSynth): void {
  stacks.set(s.cloud, s);
}

export function cloudStack(cloud: CloudId): CloudStackSynth | undefined {
  return stacks.get(cloud);
}

export function registeredCloudStacks(): CloudStackSynth[] {
  return [...stacks.values()];
}
