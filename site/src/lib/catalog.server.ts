// Build-time data for the static pages: the templates and their prices, computed by the same
// code the API uses (so the marketplace never shows a number the review would not).
import '../../../synth/node.ts';
import { summarizeTemplate } from '../../../synth/core/templates/summary.ts';
import { loadTemplates } from '../../../templates/load.ts';

// The build bundles this file, so import.meta.url is not beside templates/: the build runs at the project root.
const TEMPLATES = `${process.cwd().replace(/\/site$/, '')}/templates`;

export async function templateSummaries() {
  const bundles = await loadTemplates(TEMPLATES);
  return Promise.all(bundles.map(async (b) => ({ summary: await summarizeTemplate(b), sources: b.sources })));
}
