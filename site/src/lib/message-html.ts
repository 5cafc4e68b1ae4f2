import { escapeHtml } from './format.ts';

/**
 * A message from the server as HTML: escaped, `code` spans shown as code (not as raw backticks),
 * line breaks kept (a refusal lists one diagnostic per line).
 */
export function messageHtml(message: unknown): string {
  return escapeHtml(message).replace(/`([^`\n]+)`/g, '<code>$1</code>').replace(/\n/g, '<br>');
}
