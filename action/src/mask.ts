/**
 * Redacts secret values from everything the Action prints or posts. Values are collected from
 * terraform's JSON plan (variables and attributes marked sensitive) before any output is shown.
 */
export class Masker {
  private readonly values = new Set<string>();
  static readonly REDACTED = '***';

  add(value: unknown): void {
    if (typeof value === 'string') {
      // Very short strings ("1", "on") would redact ordinary words; terraform shows those as (sensitive value) anyway.
      if (value.length >= 4) this.values.add(value);
      for (const line of value.split('\n')) if (line.trim().length >= 8) this.values.add(line.trim());
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      this.add(String(value));
    } else if (Array.isArray(value)) {
      for (const v of value) this.add(v);
    } else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) this.add(v);
    }
  }

  redact(text: string): string {
    if (this.values.size === 0) return text;
    let out = text;
    // Longest first, so a value containing another is redacted whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(v).join(Masker.REDACTED);
    return out;
  }
}
