/**
 * Characters that must never reach a cloud tag, a configuration file or a message unseen: control
 * characters (C0, DEL, C1), format characters (bidi overrides and isolates, zero-width spaces and
 * joiners, the byte-order mark, soft hyphen), line and paragraph separators, private-use code points
 * and lone halves of surrogate pairs. A well-formed pair (an emoji) is one code point and passes.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u;
const UNSAFE_ALL = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/gu;

export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE.test(text);
}

/** The text in double quotes with every unsafe character written as \n, \t or \uXXXX, so a message never carries it raw. */
export function quoteVisible(text: string): string {
  const short: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`).replace(UNSAFE_ALL, (c) => short[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}
