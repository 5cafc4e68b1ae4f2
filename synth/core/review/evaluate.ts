import { MemoryReader } from '../load/reader.ts';
import { reviewChange } from './review.ts';
import type { ReviewResult } from './review.ts';

const NOTHING = 'autostack:nothing';
const PROPOSED = 'autostack:proposed';

/**
 * The pull-request review of a set of proposed files against an empty repository (or against
 * `base`, the files as they are now): the same diagnostics, costs and advice the App posts.
 */
export async function evaluateFiles(files: Record<string, string>, base: Record<string, string> = {}): Promise<ReviewResult> {
  const reader = new MemoryReader({ [NOTHING]: base, [PROPOSED]: { ...base, ...files } });
  return reviewChange(reader, NOTHING, PROPOSED, Object.keys(files).sort());
}
