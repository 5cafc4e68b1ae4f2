import type { Mode } from './inputs.ts';
import type { StackResult } from './run-stack.ts';

export const COMMENT_MARKER = '<!-- autostack:terraform-plan -->';
/** GitHub refuses comments over 65,536 characters; stay well below. */
export const COMMENT_BUDGET = 60_000;

const ICON: Record<StackResult['status'], string> = { applied: '✅ applied', destroyed: '✅ destroyed', planned: '📝 planned', 'no-changes': '✅ no changes', failed: '❌ failed', refused: '⛔ refused', 'already-deployed': '✅ already deployed' };

export interface ReportContext {
  mode: Mode;
  sourceSha?: string;
  runUrl?: string;
}

/** The job summary and the PR comment: a table, then each stack's plan, collapsed. */
export function renderReport(results: StackResult[], ctx: ReportContext, budget = Number.POSITIVE_INFINITY): string {
  const head = [
    `### AutoStack ${ctx.mode}${ctx.sourceSha ? ` · source ${ctx.sourceSha.slice(0, 7)}` : ''}`,
    '',
    '| Stack | Result | Add | Change | Destroy | Time |',
    '|---|---|--:|--:|--:|--:|',
    ...results.map((r) => `| \`${r.name}\`${r.action === 'destroy' ? ' (destroy)' : ''} | ${ICON[r.status]} | ${r.add} | ${r.change} | ${r.destroy} | ${(r.durationMs / 1000).toFixed(1)} s |`),
    '',
    ...results.filter((r) => r.error ?? r.note).map((r) => `- **${r.name}**: ${escapeHtml((r.error ?? r.note)!)}`),
    ...(ctx.runUrl ? ['', `[Workflow run](${ctx.runUrl})`] : []),
  ].join('\n');
  const details = (limit: number) => results.filter((r) => r.planText).map((r) => {
    const text = r.planText.length > limit ? `${r.planText.slice(0, limit)}\n… (${r.planText.length - limit} more characters in the workflow log)` : r.planText;
    return `<details><summary>${r.name}: ${r.resources.length} resource change${r.resources.length === 1 ? '' : 's'}</summary>\n\n<pre>${escapeHtml(text)}</pre>\n</details>`;
  }).join('\n');
  const room = budget - head.length - 200;
  const withPlans = results.some((r) => r.planText) ? details(Number.POSITIVE_INFINITY) : '';
  if (head.length + withPlans.length + 2 <= budget) return withPlans ? `${head}\n\n${withPlans}` : head;
  // Too long: share the room between the stacks' plans; with no room left, only the table.
  const per = Math.floor(room / Math.max(1, results.filter((r) => r.planText).length)) - 250;
  return per > 200 ? `${head}\n\n${details(per)}` : `${head}\n\nThe plans are too long for this view: see the workflow log.`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
