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

interface Run {
  id: number;
  head_sha: string;
  status?: string;
  conclusion?: string | null;
  completed_at?: string | null;
}

/**
 * The App's runs of this name on this head, oldest first. The oldest is the one that counts and
 * the one the App writes; more exist only when replicas raced to create it (see publishCheck).
 * `filter: 'all'`: GitHub's default ('latest') would show only the newest of them.
 */
export async function ourRuns(client: GitHubClient, name: string, headSha: string, appId?: number): Promise<Run[]> {
  const listed = await client.call('listCheckRuns', { ref: headSha, check_name: name, filter: 'all', ...(appId ? { app_id: appId } : {}) });
  return (listed.data.check_runs as Run[]).filter((r) => r.head_sha === headSha).sort((a, b) => a.id - b.id);
}

export interface Published {
  /** The run that counts: the oldest of the App's runs of this name on this head. */
  id: number;
  /** Set when this call created a run and found an older one made at the same moment by another replica: its own run, now marked as a duplicate. */
  duplicate?: number;
}

/** A duplicate carries the verdict too: a neutral one could pass a required check that the run which counts fails. */
function duplicateOutput(keeper: number, out: CheckOutput) {
  return {
    title: `Duplicate of check run ${keeper}: ${out.title}`.slice(0, 250),
    summary: `Two AutoStack servers handled this commit at the same moment and each created this check. Check run ${keeper} is the one AutoStack keeps up to date, with every diagnostic; this one repeats its conclusion (${out.conclusion}) so that whichever of the two GitHub shows, the verdict is the same.`,
  };
}

/**
 * One check run per name and head SHA: found if it exists (a duplicate delivery or a re-run
 * updates it), created otherwise, then filled in batches of 50 annotations and completed.
 *
 * Across replicas there is no lock: two handlers of the same head can both find nothing and both
 * create. So a created run is followed by one more listing. GitHub numbers runs in the order it
 * creates them, and each creator lists after its own create, so every creator but the first sees
 * an older run: it marks its own as a duplicate (same conclusion, pointing to the older one) and
 * leaves the rest to the first. Exactly one run counts, with no store shared between replicas.
 * The creating call carries the output and the conclusion (one batch of annotations: one request),
 * so the listing costs no more calls than creating in progress and completing did.
 */
export async function publishCheck(client: GitHubClient, out: CheckOutput): Promise<number> {
  return (await publishCheckRun(client, out)).id;
}

export async function publishCheckRun(client: GitHubClient, out: CheckOutput): Promise<Published> {
  const runs = await ourRuns(client, out.name, out.headSha, out.appId);
  const all = out.annotations ?? [];
  const annotations = all.slice(0, MAX_ANNOTATIONS).map(toAnnotation);
  const omitted = all.length > MAX_ANNOTATIONS ? `\n\n_Annotations show the first ${MAX_ANNOTATIONS} of ${all.length} diagnostics; \`autostack validate\` lists every one._` : '';
  const summary = out.summary.length > SUMMARY_LIMIT ? `${out.summary.slice(0, SUMMARY_LIMIT)}\n\n…(truncated)` : out.summary;
  const output = { title: out.title.slice(0, 250), summary: summary + omitted };
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  if (batches.length === 0) batches.push([]);
  const completion = () => ({ status: 'completed', conclusion: out.conclusion, completed_at: new Date().toISOString() });
  /** One request; GitHub counts the summary's limit its own way: a 422 "too long" gets one shorter try. */
  const send = async (request: (o: typeof output) => Promise<{ data: any }>) => {
    try {
      return await request(output);
    } catch (e) {
      if ((e as { status?: number }).status !== 422 || !/too long|maximum|characters are allowed/i.test(String((e as Error).message))) throw e;
      output.summary = `${out.summary.slice(0, Math.min(SUMMARY_LIMIT, out.summary.length) >> 1)}\n\n…(truncated: GitHub refused the full text as too long)`;
      return request(output);
    }
  };
  let id: number;
  let from = 0;
  if (runs[0]) {
    id = runs[0].id;
  } else {
    const first = batches[0]!;
    const single = batches.length === 1;
    id = (await send((o) => client.call('createCheckRun', {
      name: out.name,
      head_sha: out.headSha,
      started_at: new Date().toISOString(),
      ...(out.detailsUrl ? { details_url: out.detailsUrl } : {}),
      output: { ...o, ...(first.length ? { annotations: first } : {}) },
      ...(single ? completion() : { status: 'in_progress' }),
    }))).data.id as number;
    from = 1;
    const keeper = (await ourRuns(client, out.name, out.headSha, out.appId))[0];
    if (keeper && keeper.id < id) {
      // Another replica created this check first: that one counts, and its handler completes it.
      await client.call('updateCheckRun', { check_run_id: id, output: duplicateOutput(keeper.id, out), ...completion() });
      return { id: keeper.id, duplicate: id };
    }
  }
  for (let i = from; i < batches.length; i++) {
    const batch = batches[i]!;
    const last = i === batches.length - 1;
    await send((o) => client.call('updateCheckRun', {
      check_run_id: id,
      output: { ...o, ...(batch.length ? { annotations: batch } : {}) },
      ...(last ? completion() : {}),
    }));
  }
  // Duplicates left by an earlier race follow the verdict, whichever of them GitHub shows.
  for (const dup of runs.slice(1)) await client.call('updateCheckRun', { check_run_id: dup.id, output: duplicateOutput(id, out), ...completion() });
  return { id };
}
