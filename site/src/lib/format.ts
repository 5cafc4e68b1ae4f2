// Formatting shared by the pages' scripts, the editor and the build-time pages.

/** Text made safe to put into HTML (element content and quoted attributes). */
export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

import { money as reviewMoney } from '../../../synth/core/render/money.ts';

/** Monthly dollars as the review shows them; null (no price) as a dash. */
export function money(n: number | null): string {
  return reviewMoney(n, '—');
}
