import { displayName } from '../../../knowledge-base/clouds/registry.ts';
import { formatDiagnostic } from '../diagnostics.ts';
import { oneLine } from './escape.ts';
import { money, summaryLine } from './markdown.ts';
import { estimate, signedEstimate } from './money.ts';
import type { ReviewResult } from '../review/review.ts';

/** The review for a terminal: plain lines, no markup, no control characters. */
export function renderText(r: ReviewResult): string {
  const out = [summaryLine(r).replace(/^[✅❌] /, '')];
  for (const d of r.diagnostics) out.push(formatDiagnostic(d));
  for (const p of r.plans) {
    out.push('', `${p.name} (${p.file}): ${p.status}${p.cloud ? ` on ${displayName(p.cloud)} ${p.region ?? ''}` : ''}`);
    for (const c of p.changes) out.push(`  * ${c}`);
    for (const d of p.deployment) out.push(`  ${d.action.padEnd(7)} ${d.key}: ${d.before && d.after && d.before !== d.after ? `${d.before} -> ${d.after}` : (d.after ?? d.before ?? '')}${d.reason ? ` (${d.reason})` : ''}${d.effect ? ` - ${d.effect}` : ''}`);
    if (p.migration) {
      const m = p.migration;
      out.push(`  migration ${m.from.cloud} ${m.from.region} -> ${m.to.cloud} ${m.to.region}: about ${m.transferGiB} GiB out, ${m.transferUsd === null ? 'unpriced' : `${money(m.transferUsd)} once`}`);
      m.steps.forEach((s, i) => out.push(`    ${i + 1}. ${s}`));
    }
    for (const c of p.cost) {
      const tag = `${c.primary ? '*' : c.kept ? '+' : ' '} ${displayName(c.cloud).padEnd(5)} ${c.region.padEnd(13)}`;
      out.push(`  ${tag} ${money(c.monthlyUsdBefore).padStart(11)} -> ${estimate(c.monthlyUsdAfter, c.complete).padStart(11)} /month (${signedEstimate(c.deltaUsd, c.complete)})${c.complete ? '' : ' [prices missing]'}${c.cheapest ? ' cheapest' : ''}`);
    }
    for (const a of p.advice) out.push(`  advice: ${a}`);
  }
  for (const b of r.budgets) out.push(`budget ${b.scope} ${b.name}: ${estimate(b.estimateUsd, b.complete)} of ${money(b.limitUsd)}${b.exceeded ? ' EXCEEDED' : ''}${b.complete ? '' : ` CANNOT BE CHECKED (no price for ${b.unpriced.join('; ')})`}`);
  // Each entry is one line: a line break, an escape sequence or a bidi control from a plan never reaches the terminal.
  return `${out.map(oneLine).join('\n')}\n`;
}

export function renderJson(r: ReviewResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
