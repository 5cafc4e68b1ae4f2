import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * A review's markdown as HTML safe to insert into the page. marked passes raw HTML through, and a
 * review quotes what the plan's author wrote (file names, setting and label values), so the HTML
 * is sanitised: no scripts, event handlers, javascript: URLs or forms, whatever the plan says.
 */
export async function reviewHtml(markdown: string): Promise<string> {
  return DOMPurify.sanitize(await marked.parse(markdown, { async: true }));
}
