/** A value as one single-quoted shell word: nothing in it is ever expanded. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
