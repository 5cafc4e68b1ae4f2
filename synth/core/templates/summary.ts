import { renderTemplate } from './templates.ts';
import type { TemplateBundle } from './templates.ts';
import { evaluateFiles } from '../review/evaluate.ts';

export interface TemplateSummary {
  name: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  parameters: TemplateBundle['meta']['parameters'];
  /** Clouds the template's default rendering can be priced on, cheapest first. */
  costs: { cloud: string; region: string; monthlyUsd: number; complete: boolean }[];
  cheapest: { cloud: string; monthlyUsd: number } | null;
  /** The kinds of the files the template renders (from the kind registry, never assumed). */
  kinds: string[];
  /**
   * What the price line can honestly say: `priced` (a complete estimate on some cloud), `incomplete`
   * (priced, but a figure is missing everywhere), `no-cost` (the files have no infrastructure of
   * their own, e.g. a profile) or `refused` (the default rendering does not pass the review today).
   */
  price: 'priced' | 'incomplete' | 'no-cost' | 'refused';
}

/** A template with its default parameters rendered and priced on every cloud. */
export async function summarizeTemplate(t: TemplateBundle): Promise<TemplateSummary> {
  const rendered = renderTemplate(t.meta, t.sources, {});
  const costs: TemplateSummary['costs'] = [];
  const kinds: string[] = [];
  let reviewOk = false;
  if (rendered.ok) {
    const review = await evaluateFiles(Object.fromEntries(rendered.files.map((f) => [f.path, f.text])));
    reviewOk = review.ok;
    for (const p of review.plans) if (!kinds.includes(p.kind)) kinds.push(p.kind);
    const byCloud = new Map<string, TemplateSummary['costs'][number]>();
    for (const c of review.plans.flatMap((p) => p.cost)) {
      if (c.monthlyUsdAfter === null) continue;
      const prev = byCloud.get(c.cloud);
      byCloud.set(c.cloud, { cloud: c.cloud, region: c.region, monthlyUsd: Math.round(((prev?.monthlyUsd ?? 0) + c.monthlyUsdAfter) * 100) / 100, complete: (prev?.complete ?? true) && c.complete });
    }
    costs.push(...[...byCloud.values()].sort((a, b) => a.monthlyUsd - b.monthlyUsd));
  }
  // Only a complete estimate is a price; a partial one is "price unknown", never a lower figure.
  const first = costs.find((c) => c.complete);
  return {
    name: t.meta.name,
    title: t.meta.title,
    description: t.meta.description,
    category: t.meta.category,
    tags: t.meta.tags,
    parameters: t.meta.parameters,
    costs,
    cheapest: first ? { cloud: first.cloud, monthlyUsd: first.monthlyUsd } : null,
    kinds,
    price: !reviewOk ? 'refused' : first ? 'priced' : costs.length ? 'incomplete' : 'no-cost',
  };
}
