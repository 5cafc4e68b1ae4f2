import type { Diagnostic } from '../../synth/core/diagnostics.ts';
import { hasErrors } from '../../synth/core/diagnostics.ts';
import { loadDocument } from '../../synth/core/validate/document.ts';
import type { LoadedDoc } from '../../synth/core/validate/document.ts';
import type { RepoReader } from '../../synth/core/load/reader.ts';
import { SETTINGS_FILE } from '../../synth/core/load/reader.ts';
import { deployBranchDiagnostics } from '../../synth/core/resolve/deploy-branch.ts';
import { loadSettings as loadRepoSettings } from '../../synth/core/resolve/load-settings.ts';
import type { SettingsModel } from '../../synth/core/resolve/settings.ts';
import { MANIFEST_PATH, SOURCE_TRAILER } from '../../synth/contract/deploy-manifest.ts';
import type { DeployManifest, DeployStack } from '../../synth/contract/deploy-manifest.ts';
import type { StackProgress } from '../../synth/stack/synthesize.ts';

export type RenderOutcome =
  | { ok: true; settings: SettingsModel; rendered: { path: string; json: string }[]; stacks: DeployStack[] }
  | { ok: false; diagnostics: Diagnostic[]; errors: string[] };

/**
 * What a merged change renders, on any git host:
 * 1. settings and the changed plans at `after` (errors: nothing is rendered)
 * 2. the same files at `before` (none for a first push)
 * 3. synth of the changed plans (a migration keeps the old cloud's stack); stacks no longer rendered
 *    (plan removed or renamed, migration finished) are marked for destroy
 */
export async function renderChange(reader: RepoReader, before: string | undefined, after: string, changed: string[], options: { defaultBranch?: string; onStack?: StackProgress } = {}): Promise<RenderOutcome> {
  const settings = await loadSettings(reader, after, options.defaultBranch);
  const diagnostics: Diagnostic[] = [...settings.diagnostics];
  const old = before ? await loadModels(reader, before, changed, settings.model, []) : new Map<string, LoadedDoc>();
  const now = await loadModels(reader, after, changed, settings.model, diagnostics);
  if (hasErrors(diagnostics)) return { ok: false, diagnostics, errors: [] };
  // CDKTF and its providers load here, on the first render, not when the App starts (idle memory, start time).
  const { synthesize } = await import('../../synth/stack/synthesize.ts');
  const synth = await synthesize([...now.values()].map((d) => ({ kind: d.kind!, model: d.model })), settings.model, undefined, options.onStack);
  if (!synth.ok) return { ok: false, diagnostics: [], errors: synth.errors };
  const stacks: DeployStack[] = synth.stacks.map((s) => ({ name: s.name, plan: s.plan, cloud: s.cloud, action: 'apply', ...(s.rollout.length > 1 ? { rollout: s.rollout } : {}) }));
  // A stack that was deployed and no longer is (plan removed or renamed, moved without a kept stack, migration finished) is destroyed.
  const rendered = new Set(stacks.map((s) => s.name));
  for (const [, was] of old) {
    for (const a of placements(was)) {
      const name = `${a.name}-${a.cloud}`;
      if (!rendered.has(name) && !stacks.some((s) => s.name === name)) stacks.push({ name, plan: a.name, cloud: a.cloud, action: 'destroy' });
    }
  }
  return { ok: true, settings: settings.model, rendered: synth.stacks.map((s) => ({ path: s.path, json: s.json })), stacks };
}

/**
 * The deploy-branch commit for a source commit: the rendered stacks, stacks destroyed last time
 * removed, unchanged ones kept, the manifest, and a message naming the source in a trailer. Each
 * stack carries the time it was last rendered (kept stacks keep theirs).
 */
export function deployCommitContent(previous: DeployManifest | undefined, sourceSha: string, rendered: { path: string; json: string }[], stacks: DeployStack[]): { files: { path: string; content: string | null }[]; manifest: DeployManifest; message: string } {
  const gone = (previous?.stacks ?? []).filter((s) => s.action === 'destroy' && !stacks.some((x) => x.name === s.name));
  const renderedAt = new Date().toISOString();
  const kept = (previous?.stacks ?? []).filter((s) => s.action !== 'destroy' && !stacks.some((x) => x.name === s.name)).map((s) => ({ ...s, action: 'unchanged' as const, renderedAt: s.renderedAt ?? previous!.renderedAt }));
  const manifest: DeployManifest = { version: 1, sourceSha, renderedAt, stacks: [...stacks.map((s) => ({ ...s, renderedAt })), ...kept].sort((a, b) => a.name.localeCompare(b.name)) };
  const files = [
    ...rendered.map((r) => ({ path: r.path, content: r.json })),
    ...gone.map((s) => ({ path: `stacks/${s.name}/cdk.tf.json`, content: null })),
    { path: MANIFEST_PATH, content: `${JSON.stringify(manifest, null, 2)}\n` },
  ];
  const names = stacks.map((s) => `${s.name} (${s.action})`).join(', ');
  return { files, manifest, message: `Render ${sourceSha.slice(0, 7)}: ${names}\n\n${SOURCE_TRAILER}: ${sourceSha}\n` };
}

/**
 * Settings at a ref; only their errors matter to a render. A deploy branch git refuses, or the
 * default branch itself, is one of them: the render never writes there.
 */
export async function loadSettings(reader: RepoReader, ref: string, defaultBranch?: string): Promise<{ model: SettingsModel; diagnostics: Diagnostic[] }> {
  const loaded = await loadRepoSettings(reader, ref);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  const branch = deployBranchDiagnostics(loaded.doc?.parsed, defaultBranch).filter((d) => !errors.some((e) => e.path === d.path));
  return { model: loaded.model, diagnostics: [...errors, ...branch] };
}

/** Where a model's stacks live: its name on its own cloud, and on the old cloud during a migration (kinds without infrastructure have none). */
function placements(doc: LoadedDoc): { name: string; cloud: string }[] {
  const infra = doc.handler?.infrastructure;
  if (!infra || doc.model === undefined) return [];
  const name = infra.subject(doc.model).name;
  return infra.plan(doc.model).filter((p) => p.primary || p.kept).map((p) => ({ name, cloud: p.cloud }));
}

async function loadModels(reader: RepoReader, ref: string, files: string[], settings: SettingsModel, diagnostics: Diagnostic[]): Promise<Map<string, LoadedDoc>> {
  const out = new Map<string, LoadedDoc>();
  for (const f of files.filter((x) => x !== SETTINGS_FILE)) {
    const text = await reader.read(ref, f);
    if (text === undefined) continue;
    const doc = loadDocument(f, text, settings);
    diagnostics.push(...doc.diagnostics.filter((d) => d.severity === 'error'));
    if (doc.handler?.infrastructure && doc.model !== undefined) out.set(f, doc);
  }
  return out;
}
