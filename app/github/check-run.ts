import type { Diagnostic } from '../../synth/core/diagnostics.ts';
import type { GitHubClient } from './client.ts';

export const CHECK_NAME = 'AutoStack';
export const DEPLOY_CHECK_NAME = 'AutoStack deploy';
/** GitHub accepts at most 50 annotations per check-run request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** A check run carries at most this many annotations (5 requests); the summary says how many more there are. */
export const MAX_ANNOTATIONS = 250;
const SUMMARY_LIMIT = 65_000;

export interface CheckOutput {
  name: string;
  headSha: string;
  conclusion: 'success' | 'failure' | 'neutral' | 'action_required';
  title: string;
  summary: string;
  annotations?: Diagnostic[];
  detailsUrl?: string;
  appId?: number;
}

export function toAnnotation(d: Diagnostic) {
  return {
    path: d.file,
    start_line: d.line,
    end_line: d.line,
    start_column: d.column,
    end_column: d.column,
    annotation_level: d.severity === 'error' ? ('failure' as const) : d.severity === 'warning' ? ('warning' as const) : ('notice' as const),
    title: d.code,
    message: d.message,
  };
}

/**
 * One check run per name and head SHA: found if it exists (a duplicate delivery or a re-run
 * updates it), created otherwise, then filled in batches of 50 annotations and completed.
 */
export async function publishCheck(client: GitHubClient, out: CheckOutput): Promise<number> {
  const existing = await client.call('listCheckRuns', { ref: out.headSha, check_name: out.name, filter: 'latest', ...(out.appId ? { app_id: out.appId } : {}) });
  const run = (existing.data.check_runs as { id: number; head_sha: string }[]).find((r) => r.head_sha === out.headSha);
  const id = run?.id ?? (await client.call('createCheckRun', { name: out.name, head_sha: out.headSha, status: 'in_progress', started_at: new Date().toISOString(), ...(out.detailsUrl ? { details_url: out.detailsUrl } : {}) })).data.id;
  const all = out.annotations ?? [];
  const annotations = all.slice(0, MAX_ANNOTATIONS).map(toAnnotation);
  const omitted = all.length > MAX_ANNOTATIONS ? `\n\n_Annotations show the first ${MAX_ANNOTATIONS} of ${all.length} diagnostics; \`autostack validate\` lists every one._` : '';
  const summary = out.summary.length > SUMMARY_LIMIT ? `${out.summary.slice(0, SUMMARY_LIMIT)}\n\n…(truncated)` : out.summary;
  const output = { title: out.title.slice(0, 250), summary: summary + omitted };
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  if (batches.length === 0) batches.push([]);
  for (const [i, batch] of batches.entries()) {
    const last = i === batches.length - 1;
    const update = (o: typeof output) => client.call('updateCheckRun', {
      check_run_id: id,
      output: { ...o, ...(batch.length ? { annotations: batch } : {}) },
      ...(last ? { status: 'completed', conclusion: out.conclusion, completed_at: new Date().toISOString() } : {}),
    });
    try {
      await update(output);
    } catch (e) {
      // GitHub counts the summary's limit its own way: a 422 "too long" gets one shorter try.
      if ((e as { status?: number }).status !== 422 || !/too long|maximum|characters are allowed/i.test(String((e as Error).message))) throw e;
      output.summary = `${out.summary.slice(0, Math.min(SUMMARY_LIMIT, out.summary.length) >> 1)}\n\n…(truncated: GitHub refused the full text as too long)`;
      await update(output);
    }
  }
  return id;
}
