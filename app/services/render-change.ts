import type { PlanModel } from '../../synth/kinds/plan/model.ts';
import type { Diagnostic } from '../../synth/core/diagnostics.ts';
import { hasErrors } from '../../synth/core/diagnostics.ts';
import { loadDocument } from '../../synth/core/validate/document.ts';
import type { RepoReader } from '../../synth/core/load/reader.ts';
import { SETTINGS_FILE } from '../../synth/core/load/reader.ts';
import { resolveSettings } from '../../synth/core/resolve/settings.ts';
import type { SettingsModel } from '../../synth/core/resolve/settings.ts';
import { MANIFEST_PATH, SOURCE_TRAILER } from '../../synth/contract/deploy-manifest.ts';
import type { DeployManifest, DeployStack } from '../../synth/contract/deploy-manifest.ts';
import { synthesizePlans } from '../../synth/stack/synthesize.ts';

export type RenderOutcome =
  | { ok: true; settings: SettingsModel; rendered: { path: string; json: string }[]; stacks: DeployStack[] }
  | { ok: false; diagnostics: Diagnostic[]; errors: string[] };

/**
 * What a merged change renders, on any git host:
 * 1. settings and the changed plans at `after` (errors: nothing is rendered)
 * 2. the same files at `before` (none for a first push)
 * 3. synth of the changed plans; plans removed, renamed or moved to another cloud are marked for destroy
 */
export async function renderChange(reader: RepoReader, before: string | undefined, after: string, changed: string[]): Promise<RenderOutcome> {
  const settings = await loadSettings(reader, after);
  const diagnostics: Diagnostic[] = [...settings.diagnostics];
  const old = before ? await loadModels(reader, before, changed, settings.model, []) : new Map<string, PlanModel>();
  const now = await loadModels(reader, after, changed, settings.model, diagnostics);
  if (hasErrors(diagnostics)) return { ok: false, diagnostics, errors: [] };
  const synth = synthesizePlans([...now.values()], settings.model);
  if (!synth.ok) return { ok: false, diagnostics: [], errors: synth.errors };
  const stacks: DeployStack[] = synth.stacks.map((s) => ({ name: s.name, plan: s.plan, cloud: s.cloud, action: 'apply' }));
  for (const [file, was] of old) {
    const is = now.get(file);
    if (!is || is.cloud !== was.cloud || is.name !== was.name) stacks.push({ name: `${was.name}-${was.cloud}`, plan: was.name, cloud: was.cloud, action: 'destroy' });
  }
  return { ok: true, settings: settings.model, rendered: synth.stacks.map((s) => ({ path: s.path, json: s.json })), stacks };
}

/**
 * The deploy-branch commit for a source commit: the rendered stacks, stacks destroyed last time
 * removed, unchanged ones kept, the manifest, and a message naming the source in a trailer.
 */
export function deployCommitContent(previous: DeployManifest | undefined, sourceSha: string, rendered: { path: string; json: string }[], stacks: DeployStack[]): { files: { path: string; content: string | null }[]; manifest: DeployManifest; message: string } {
  const gone = (previous?.stacks ?? []).filter((s) => s.action === 'destroy' && !stacks.some((x) => x.name === s.name));
  const kept = (previous?.stacks ?? []).filter((s) => s.action !== 'destroy' && !stacks.some((x) => x.name === s.name)).map((s) => ({ ...s, action: 'unchanged' as const }));
  const manifest: DeployManifest = { version: 1, sourceSha, renderedAt: new Date().toISOString(), stacks: [...stacks, ...kept].sort((a, b) => a.name.localeCompare(b.name)) };
  const files = [
    ...rendered.map((r) => ({ path: r.path, content: r.json })),
    ...gone.map((s) => ({ path: `stacks/${s.name}/cdk.tf.json`, content: null })),
    { path: MANIFEST_PATH, content: `${JSON.stringify(manifest, null, 2)}\n` },
  ];
  const names = stacks.map((s) => `${s.name} (${s.action})`).join(', ');
  return { files, manifest, message: `Render ${sourceSha.slice(0, 7)}: ${names}\n\n${SOURCE_TRAILER}: ${sourceSha}\n` };
}

export async function loadSettings(reader: RepoReader, ref: string): Promise<{ model: SettingsModel; diagnostics: Diagnostic[] }> {
  const text = await reader.read(ref, SETTINGS_FILE);
  if (text === undefined) return { model: resolveSettings(undefined), diagnostics: [] };
  const doc = loadDocument(SETTINGS_FILE, text, resolveSettings(undefined));
  return { model: resolveSettings(hasErrors(doc.diagnostics) ? undefined : (doc.model as never)), diagnostics: doc.diagnostics.filter((d) => d.severity === 'error') };
}

async function loadModels(reader: RepoReader, ref: string, files: string[], settings: SettingsModel, diagnostics: Diagnostic[]): Promise<Map<string, PlanModel>> {
  const out = new Map<string, PlanModel>();
  for (const f of files.filter((x) => x !== SETTINGS_FILE)) {
    const text = await reader.read(ref, f);
    if (text === undefined) continue;
    const doc = loadDocument(f, text, settings);
    diagnostics.push(...doc.diagnostics.filter((d) => d.severity === 'error'));
    if (doc.kind === 'Plan' && doc.model) out.set(f, doc.model as PlanModel);
  }
  return out;
}
