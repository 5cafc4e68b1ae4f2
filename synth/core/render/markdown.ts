import { displayName } from '../../../knowledge-base/clouds/registry.ts';
import { mdCode, mdCodeBlock, mdText, mdTrusted } from './escape.ts';
import { estimate, money, signedEstimate, signedMoney, unitMoney } from './money.ts';
import type { CloudId } from '../../../knowledge-base/types.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { ResourceChange } from '../diff/diff.ts';
import { deployedCost } from '../review/review.ts';
import type { BudgetCheck, CloudCost, Migration, PlanReview, ReviewResult } from '../review/review.ts';

/** GitHub rejects comments over 65,536 characters; leave room for the App's marker and footer. */
export const COMMENT_LIMIT = 65_536;
const DEFAULT_BUDGET = 60_000;
const MAX_DIAGNOSTICS = 50;

const cloudName = (c: CloudId) => displayName(c);

export { money, signedMoney, unitMoney };
const SYMBOL: Record<ResourceChange['action'], string> = { add: '+', change: '~', replace: '±', remove: '-', 'no-op': ' ' };

/** One-line verdict: the first thing a reviewer reads. */
export function summaryLine(r: ReviewResult): string {
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning').length;
  const over = r.budgets.filter((b) => b.exceeded).length;
  const changed = r.plans.filter((p) => p.status !== 'unchanged').length;
  const parts = [`${changed} plan${changed === 1 ? '' : 's'} changed`];
  // An invalid plan has no estimate at all: the total is then not known either.
  const complete = r.plans.every((p) => p.status === 'removed' || (p.cost.length > 0 && p.cost.every((c) => !(c.primary || c.kept) || c.complete)));
  parts.push(`${money(r.totals.monthlyUsdBefore)} → ${estimate(r.totals.monthlyUsdAfter, complete)}/month (${signedEstimate(r.totals.deltaUsd, complete)})`);
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  if (over) parts.push(`${over} budget${over === 1 ? '' : 's'} exceeded`);
  return `${r.ok ? '✅' : '❌'} AutoStack: ${parts.join(' · ')}`;
}

/**
 * The review as pull-request markdown: summary first, then diagnostics, then one section per
 * plan. Stays under `maxChars` for any number of plans by dropping details, then sections.
 */
export function renderMarkdown(r: ReviewResult, maxChars = DEFAULT_BUDGET): string {
  const head = [`### ${summaryLine(r)}`, '', overviewTable(r), renderDiagnostics(r.diagnostics), renderBudgets(r.budgets)].filter((s) => s !== undefined).join('\n');
  const full = r.plans.map((p) => planSection(p, true));
  const compact = r.plans.map((p) => planSection(p, false));
  const sections: string[] = [];
  let used = head.length;
  let omitted = 0;
  for (let i = 0; i < r.plans.length; i++) {
    // Full sections while they fit with room for the rest in compact form; then compact; then stop.
    const restCompact = compact.slice(i + 1).reduce((s, c) => s + c.length + 2, 0);
    const pick = used + full[i]!.length + restCompact < maxChars ? full[i]! : compact[i]!;
    if (used + pick.length + 200 > maxChars) {
      omitted = r.plans.length - i;
      break;
    }
    sections.push(pick);
    used += pick.length + 2;
  }
  const tail = omitted ? `\n_…and ${omitted} more plan${omitted === 1 ? '' : 's'} not shown to stay under GitHub's comment size limit; the check run lists every diagnostic._` : '';
  return `${head}\n\n${sections.join('\n\n')}${tail}\n`;
}

function overviewTable(r: ReviewResult): string {
  if (r.plans.length === 0) return '_No AutoStack plans changed._';
  const rows = r.plans.slice(0, 300).map((p) => {
    const own = deployedCost(p);
    const priced = p.cost.length > 0;
    return `| ${mdCode(p.name, true)} | ${p.status} | ${p.cloud ? `${cloudName(p.cloud)} ${mdText(p.region ?? '')}` : '—'} | ${money(own.before)} | ${priced ? estimate(own.after, own.complete) : 'n/a'}${priced && !own.complete ? '*' : ''} | ${priced ? signedEstimate(own.delta, own.complete) : 'n/a'} |`;
  });
  const more = r.plans.length > 300 ? `\n\n_${r.plans.length - 300} more plans in the sections below._` : '';
  const star = r.plans.some((p) => p.cost.some((c) => (c.primary || c.kept) && !c.complete)) ? '\n\n\\* some prices are missing from the knowledge base: the figure is a lower bound, and no budget can pass on it.' : '';
  return ['| Plan | Status | Cloud | Before | After | Δ / month |', '|---|---|---|---:|---:|---:|', ...rows].join('\n') + more + star;
}

function renderDiagnostics(list: Diagnostic[]): string {
  if (list.length === 0) return '';
  const shown = list.slice(0, MAX_DIAGNOSTICS).map((d) => `- ${d.severity === 'error' ? '❌' : d.severity === 'warning' ? '⚠️' : 'ℹ️'} ${mdCode(`${d.file}:${d.line}:${d.column}`)} ${mdText(d.message)}`);
  const more = list.length > MAX_DIAGNOSTICS ? [`- …and ${list.length - MAX_DIAGNOSTICS} more: the check run annotates the first 250, and \`autostack validate\` lists every one`] : [];
  return ['', '#### Diagnostics', ...shown, ...more].join('\n');
}

function renderBudgets(list: BudgetCheck[]): string {
  if (list.length === 0) return '';
  const status = (b: BudgetCheck) => (b.exceeded ? `❌ over by ${money(b.estimateUsd - b.limitUsd)}` : !b.complete ? `❌ cannot be checked: ${b.unpriced.length} item${b.unpriced.length === 1 ? '' : 's'} without a price` : `✅ ${Math.round((b.estimateUsd / b.limitUsd) * 100)}% used`);
  const rows = list.map((b) => `| ${b.scope} ${mdCode(b.name, true)} | ${estimate(b.estimateUsd, b.complete)} | ${money(b.limitUsd)} | ${status(b)} |`);
  return ['', '#### Budgets', '| Budget | Estimate / month | Limit | Status |', '|---|---:|---:|---|', ...rows].join('\n');
}

function planSection(p: PlanReview, details: boolean): string {
  const where = p.cloud ? ` (${cloudName(p.cloud)} ${mdText(p.region ?? '')})` : '';
  const lines = [`#### ${mdCode(p.name)} — ${p.status}${where}`, `<sub>${mdText(p.file)}</sub>`];
  if (p.changes.length) lines.push('', '**Changes**', ...p.changes.map((c) => `- ${mdText(c)}`));
  const deploy = p.deployment;
  if (deploy.length) {
    const counts = (['add', 'change', 'replace', 'remove'] as const).map((a) => [a, deploy.filter((d) => d.action === a).length] as const).filter(([, n]) => n > 0);
    lines.push('', `**Resources**: ${counts.map(([a, n]) => `${n} to ${a}`).join(', ')}`);
    if (details) lines.push(mdCodeBlock('diff', deploy.map((d) => `${SYMBOL[d.action]} ${d.key}: ${d.before && d.after && d.before !== d.after ? `${d.before} → ${d.after}` : (d.after ?? d.before ?? '')}${d.reason ? ` (${d.reason})` : ''}${d.effect ? ` — ${d.effect}` : ''}`)));
  }
  if (p.migration) lines.push('', migrationSection(p.migration));
  if (p.cost.length) lines.push('', costTable(p.cost));
  if (p.advice.length) lines.push('', '**Advice**', ...p.advice.map((a) => `- ${mdText(a)}`));
  if (details && p.notes.length) lines.push('', ...p.notes.map((n) => `> ${mdText(n)}`));
  if (details) for (const c of p.cost.filter((x) => x.items.length || x.unpriced.length)) lines.push('', lineItems(c));
  return lines.join('\n');
}

function migrationSection(m: Migration): string {
  const transfer = m.transferUsd === null ? 'unpriced (no internet data transfer price for the old region)' : `${money(m.transferUsd)} once`;
  return [
    `**Migration** ${cloudName(m.from.cloud)} ${mdText(m.from.region)} → ${cloudName(m.to.cloud)} ${mdText(m.to.region)}: the new stack is added and the old one is kept (and billed) until \`migration\` is removed.`,
    '',
    ...m.steps.map((s, i) => `${i + 1}. ${mdTrusted(s)}`),
    '',
    `Data copied out of ${cloudName(m.from.cloud)}: about ${m.transferGiB} GiB, ${transfer} (${mdText(m.assumption)}).`,
  ].join('\n');
}

function costTable(rows: CloudCost[]): string {
  const body = rows.map((c) => {
    const name = `${c.primary ? '**' : ''}${cloudName(c.cloud)}${c.primary ? '** (this plan)' : ''}${c.kept ? ' (kept during the migration)' : ''}${c.cheapest ? ' ★ cheapest' : ''}`;
    return `| ${name} | ${mdText(c.region)} | ${money(c.monthlyUsdBefore)} | ${estimate(c.monthlyUsdAfter, c.complete)}${c.complete ? '' : '*'} | ${signedEstimate(c.deltaUsd, c.complete)} |`;
  });
  return ['| Cloud | Region | Before | After | Δ / month |', '|---|---|---:|---:|---:|', ...body].join('\n');
}

function lineItems(c: CloudCost): string {
  const rows = c.items.map((i) => `| ${mdText(i.resource)} | ${mdText(i.sku)} | ${i.quantity} ${mdText(i.unit)} | ${unitMoney(i.unitPriceUsd)} | ${money(i.monthlyUsd)} |`);
  const none = c.unpriced.map((u) => `| ${mdText(u.resource)} | ${mdText(u.sku)} | — | ${u.missing ? '**missing**' : 'no charge'} | ${mdText(u.reason)} |`);
  const sources = [...new Set(c.items.map((i) => i.priceSource))].map((s) => `- ${mdTrusted(s)}`);
  const assumptions = [...new Map(c.items.filter((i) => i.assumption).map((i) => [i.assumption!, i.resource.startsWith('bucket/') ? 'backups' : i.resource.split('/')[0]!])).entries()].map(([a, what]) => `- ${mdText(what)}: ${mdText(a)}`);
  return [
    `<details><summary>${cloudName(c.cloud)} line items (${mdText(c.region)})</summary>`,
    '',
    '| Resource | SKU | Quantity | Unit price | Monthly |',
    '|---|---|---:|---:|---:|',
    ...rows,
    ...none,
    '',
    'Sources:',
    ...sources,
    ...assumptions,
    '</details>',
  ].join('\n');
}
