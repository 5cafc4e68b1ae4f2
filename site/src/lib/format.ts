// Formatting shared by the pages' scripts, the editor and the build-time pages.

/** Text made safe to put into HTML (element content and quoted attributes). */
export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A message for the page as HTML: escaped, and what it quotes in backticks (`spec.region`,
 * `.autostack/db.yaml`) set as <code> instead of showing the backticks.
 */
export function messageHtml(s: unknown): string {
  return escapeHtml(s).replace(/`([^`\n]+)`/g, '<code>$1</code>');
}

/** The same split for React: plain text and code parts, in order. */
export function messageParts(s: unknown): { code: boolean; text: string }[] {
  return String(s ?? '').split(/`([^`\n]+)`/).map((text, i) => ({ code: i % 2 === 1, text })).filter((p) => p.text !== '');
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

/**
 * A template parameter error from the schema check ("storageGiB must be >= 10") in plain words,
 * with the parameter it is about: { field: 'storageGiB', message: 'Storage (GiB) must be at least 10.' }.
 */
export function parameterError(error: string, titles: Record<string, string>): { field?: string; message: string } {
  const m = /^(\S+) (.*)$/.exec(error);
  const field = m && m[1]! in titles ? m[1]! : undefined;
  if (m?.[1] === 'parameters' && m[2] === 'must NOT have additional properties') return { message: 'There is a parameter this template does not know.' };
  const rest = (field ? m![2]! : error)
    .replace(/^must be >= (.+)$/, 'must be at least $1')
    .replace(/^must be <= (.+)$/, 'must be at most $1')
    .replace(/^must be > (.+)$/, 'must be more than $1')
    .replace(/^must be < (.+)$/, 'must be less than $1')
    .replace(/^must be integer$/, 'must be a whole number')
    .replace(/^must be number$/, 'must be a number')
    .replace(/^must be string$/, 'must be text')
    .replace(/^must match pattern .*$/, 'is not in the expected form (see the note under it)')
    .replace(/^must NOT have more than (\d+) characters$/, 'must be at most $1 characters long')
    .replace(/^must NOT have fewer than (\d+) characters$/, 'must be at least $1 characters long')
    .replace(/^must be equal to one of the allowed values$/, 'must be one of the listed values');
  const text = field ? `${titles[field]} ${rest}` : rest;
  return { ...(field ? { field } : {}), message: `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}` };
}
