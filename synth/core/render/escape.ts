/**
 * Text a plan's author controls (file names, plan names, setting and label values, and the messages
 * that quote them) placed into review markdown. Each helper makes such text inert where it lands:
 * no HTML tag, no markdown structure (emphasis, links, cells, list items, headings, fences), no line
 * break out of its line or cell, no @mention, issue reference or autolink, no control or bidi
 * characters. What a reader sees is the text itself.
 */

const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
const CONTROL = /\p{Cc}/gu;
/** Bidi overrides and isolates, zero-width characters, byte-order marks, lone surrogates, private use. */
const INVISIBLE = /[\p{Cf}\p{Cs}\p{Co}]/gu;
const ZWSP = '\u200b';

/** One line of visible characters: line breaks and tabs become spaces, other control and format characters U+FFFD. */
export function oneLine(s: string): string {
  return String(s).replace(LINE_BREAK, ' ').replace(CONTROL, (c) => (c === '\t' ? ' ' : '\ufffd')).replace(INVISIBLE, '\ufffd');
}

/** Breaks what GitHub (and GFM renderers) would turn into a mention, a reference or a link, with a zero-width space. */
function neutralise(s: string): string {
  return s
    .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZWSP}`)
    .replace(/#(?=[\p{L}\p{N}])/gu, `#${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/www\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`);
}

/**
 * Text anywhere inline: a paragraph, a list item, a heading, a table cell, inside `<sub>` or
 * `<summary>`. HTML is written as entities, markdown punctuation is backslash-escaped, and a leading
 * block marker (`#`, `>`, `-`, `1.`) is escaped so a list item cannot become a heading or a quote.
 */
export function mdText(s: string): string {
  const escaped = neutralise(oneLine(s))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~$]/g, (c) => `\\${c}`);
  // A backslash escapes punctuation only: "1." becomes "1\." (an ordered-list marker needs the dot).
  return escaped.replace(/^(\s*)([#+\-=])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** Text as an inline code span, fenced with more backticks than it holds. */
export function mdCode(s: string, inTable = false): string {
  let text = oneLine(s);
  // A pipe would end the table cell even inside a code span (and "\\|" is read as a backslash and a
  // cell boundary): in a table it is shown as the look-alike U+2223.
  if (inTable) text = text.replace(/\|/g, '\u2223');
  if (text.trim() === '') return '` `';
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Lines as a fenced code block (e.g. ```diff): the fence is longer than any run of backticks inside, so nothing closes it early. */
export function mdCodeBlock(info: string, lines: string[]): string {
  const body = lines.map(oneLine);
  const longest = Math.max(0, ...body.flatMap((l) => [...l.matchAll(/`+/g)].map((m) => m[0].length)));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...body, fence].join('\n');
}

/**
 * Text AutoStack writes with markdown of its own (price sources with their links, migration steps
 * with commands in code spans) around values already validated (plan names, regions): kept as
 * markdown, but on one line, without mentions, with HTML as entities and pipes escaped so it stays in its cell or item.
 */
export function mdTrusted(s: string): string {
  return oneLine(s).replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZWSP}`).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}
