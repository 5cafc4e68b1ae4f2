// Formatting shared by the pages' scripts, the editor and the build-time pages.

/** Text made safe to put into HTML (element content and quoted attributes). */
export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

import { estimate as reviewEstimate, money as reviewMoney } from '../../../synth/core/render/money.ts';

/** Monthly dollars as the review shows them; null (no price) as a dash. */
export function money(n: number | null): string {
  return reviewMoney(n, '—');
}

/** An estimate: exact, a lower bound ("≥ $12.00") or "unpriced" — never $0.00 for a missing price. */
export function estimate(n: number | null, complete: boolean): string {
  return n === null ? 'not priced' : reviewEstimate(n, complete);
}
