/**
 * Redacts secret values from everything the Action prints or posts. Values are collected from
 * terraform's JSON plan (variables and attributes marked sensitive) before any output is shown.
 * Known secret formats are redacted too, wherever they appear, even in attributes nobody marked
 * sensitive: a private key block, an AWS access key ID or secret access key, the password of a
 * connection string (`postgres://user:password@host`), and the quoted value of an attribute
 * whose name says it holds a secret (`password`, `secret_key`, `token`, …).
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

  /** A whole text (a plan, a report): registered values, then every known secret format. */
  redact(text: string): string {
    const inKey = keyBlock();
    return redactFormats(this.redactValues(text)).split('\n').map(inKey).join('\n');
  }

  /**
   * For text that arrives one line at a time (terraform's streamed output): a private key spans
   * lines, so once a line opens a key block its body lines are redacted up to the block's end.
   */
  lineRedactor(): (line: string) => string {
    const inKey = keyBlock();
    return (line) => inKey(redactFormats(this.redactValues(line)));
  }

  private redactValues(text: string): string {
    if (this.values.size === 0) return text;
    let out = text;
    // Longest first, so a value containing another is redacted whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(v).join(Masker.REDACTED);
    return out;
  }
}

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;

/**
 * Lines of a private key block whose end is not on the same line: the opening line from its
 * marker on, then every body line (base64, or a `Proc-Type:`-style header) up to the end marker.
 */
function keyBlock(): (line: string) => string {
  let inKey = false;
  return (line) => {
    if (inKey) {
      const end = PEM_END.exec(line);
      if (end) {
        inKey = false;
        return Masker.REDACTED + line.slice(end.index + end[0].length);
      }
      if (/^[\s"'|>]*(?:[A-Za-z0-9+/=]*|[A-Za-z-]+: .*)[\s"',]*$/.test(line)) return Masker.REDACTED;
      inKey = false;
    }
    const open = PEM_BEGIN.exec(line);
    if (!open) return line;
    inKey = true;
    return line.slice(0, open.index) + Masker.REDACTED;
  };
}

/** Secret formats redacted wherever they appear, with what replaces them. */
const FORMATS: [RegExp, string | ((...m: string[]) => string)][] = [
  // A whole private key block, also when terraform shows it with `\n` escapes on one line.
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/g, Masker.REDACTED],
  // AWS access key IDs (long-term AKIA…, temporary ASIA…, and the other documented prefixes).
  [/\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, Masker.REDACTED],
  // An AWS secret access key: 40 characters of base64 with upper case, lower case and digits (a hex SHA has no upper case).
  [/(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, Masker.REDACTED],
  // The password of a connection string: scheme://user:password@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'`]*:)([^\s@/"'`]+)@/gi, (_m, head) => `${head}${Masker.REDACTED}@`],
  // The quoted value of an attribute named like a secret (`password = "…"`, `"secret_key": "…"`).
  [/\b([\w-]*(?:password|passwd|passphrase|secret|secret_key|secret_access_key|access_key|private_key|api_key|token|credentials?)"?\s*[=:]\s*)"(?:[^"\\]|\\.)+"/gi, (_m, head) => `${head}"${Masker.REDACTED}"`],
];

function redactFormats(text: string): string {
  let out = text;
  for (const [re, by] of FORMATS) out = out.replace(re, by as never);
  return out;
}
