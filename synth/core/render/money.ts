// Dollar amounts as every surface shows them (comment, terminal, site): one formatter, created once.
const DOLLARS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** $1,234.50; null (no price known) as `missing`. */
export function money(n: number | null, missing = 'n/a'): string {
  if (n === null) return missing;
  const sign = n < 0 ? '-' : '';
  return `${sign}$${DOLLARS.format(Math.abs(n))}`;
}

/** Unit prices keep their precision ($0.0416/hour), totals round to cents. */
export function unitMoney(n: number): string {
  if (n >= 1) return money(n);
  const fixed = n.toFixed(6).replace(/0+$/, '');
  return `$${fixed.split('.')[1]!.length < 2 ? n.toFixed(2) : fixed}`;
}

export function signedMoney(n: number | null): string {
  if (n === null) return 'n/a';
  if (n === 0) return '±$0.00';
  return n > 0 ? `+${money(n)}` : money(n);
}

/**
 * An estimate as shown everywhere: exact when every price is known; otherwise a lower bound
 * ("≥ $12.00") or "unpriced" — never $0.00 for something that has no price.
 */
export function estimate(n: number | null, complete: boolean): string {
  if (n === null) return 'n/a';
  if (complete) return money(n);
  return n > 0 ? `≥ ${money(n)}` : 'unpriced';
}

/** A change of an estimate: unknown when either side lacks a price. */
export function signedEstimate(n: number | null, complete: boolean): string {
  return complete ? signedMoney(n) : 'n/a';
}
