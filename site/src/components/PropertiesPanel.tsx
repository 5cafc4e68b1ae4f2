import { useEffect, useState } from 'react';
import { parse } from 'yaml';
import type { Diagnostic } from '../../../synth/core/diagnostics.ts';
import type { PlanReview } from '../../../synth/core/review/review.ts';
import { registeredClouds } from '../../../synth/core/registry/clouds.ts';
import { toYaml } from '../lib/live-review.ts';
import type { Doc } from '../lib/live-review.ts';

type Field = { path: string; label: string; type: 'text' | 'number' | 'select' | 'list' | 'checkbox'; options?: string[]; when?: (d: Doc) => boolean };

const get = (doc: Doc, path: string): unknown => path.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), doc);
function set(doc: Doc, path: string, value: unknown): Doc {
  const out = structuredClone(doc);
  const keys = path.split('.');
  let o: any = out;
  for (const k of keys.slice(0, -1)) o = o[k] && typeof o[k] === 'object' ? o[k] : (o[k] = {});
  if (value === undefined) delete o[keys.at(-1)!];
  else o[keys.at(-1)!] = value;
  return out;
}
/** Per cloud, the first catalog type with 2 vCPU and 8 GiB: a starting point when switching to explicit types. */
const defaultInstanceTypes = () => Object.fromEntries(registeredClouds().map((c) => [c.id, c.data.instanceTypes.types.find((t) => t.vcpu === 2 && t.memoryGiB === 8)?.name ?? c.data.instanceTypes.types[0]?.name]));
const sizeMode = (d: Doc) => (get(d, 'spec.compute.instanceType') ? 'instanceType' : get(d, 'spec.compute.size') ? 'size' : 'vcpu');

const SECTIONS: [string, Field[]][] = [
  ['Server', [
    { path: 'metadata.name', label: 'Name', type: 'text' },
    { path: 'metadata.project', label: 'Project', type: 'text' },
    { path: 'spec.cloud', label: 'Cloud', type: 'select', options: registeredClouds().map((c) => c.id) },
    { path: 'spec.region', label: 'Region (us-east, eu-west… or the cloud\'s own name)', type: 'text' },
    { path: 'spec.os.distro', label: 'OS', type: 'select', options: ['amazon-linux', 'ubuntu', 'debian', 'rocky'] },
    { path: 'spec.os.version', label: 'OS version', type: 'text' },
  ]],
  ['Size', [
    { path: 'spec.compute.vcpu', label: 'vCPUs', type: 'number', when: (d) => sizeMode(d) === 'vcpu' },
    { path: 'spec.compute.memoryGiB', label: 'Memory (GiB)', type: 'number', when: (d) => sizeMode(d) === 'vcpu' },
    { path: 'spec.compute.size', label: 'Size', type: 'select', options: ['small', 'medium', 'large', 'xlarge'], when: (d) => sizeMode(d) === 'size' },
    ...registeredClouds().map((c): Field => ({ path: `spec.compute.instanceType.${c.id}`, label: `${c.displayName} instance type`, type: 'text', when: (d) => sizeMode(d) === 'instanceType' })),
    { path: 'spec.storage.sizeGiB', label: 'SSD (GiB)', type: 'number' },
  ]],
  ['PostgreSQL', [
    { path: 'spec.postgres.version', label: 'Version', type: 'select', options: ['14', '15', '16', '17', '18'] },
    { path: 'spec.postgres.topology', label: 'Topology', type: 'select', options: ['single', 'cluster'] },
    { path: 'spec.postgres.replicas', label: 'Replicas', type: 'number', when: (d) => get(d, 'spec.postgres.topology') === 'cluster' },
    { path: 'spec.postgres.maxConnections', label: 'Max connections', type: 'number' },
  ]],
  ['Backups', [
    { path: 'spec.backup.schedule', label: 'Schedule (cron, UTC)', type: 'text' },
    { path: 'spec.backup.retentionDays', label: 'Retention (days)', type: 'number' },
    { path: 'spec.backup.validate', label: 'Restore test', type: 'select', options: ['never', 'daily', 'weekly', 'monthly'] },
  ]],
  ['Network and budget', [
    { path: 'spec.network.allowedCidrs', label: 'Allowed CIDRs (comma-separated)', type: 'list' },
    { path: 'spec.network.publicIp', label: 'Public IP', type: 'checkbox' },
    { path: 'spec.budget.monthlyUsd', label: 'Budget (USD per month, optional)', type: 'number' },
  ]],
];

const fieldId = (path: string) => `f-${path.replace(/\./g, '-')}`;

export function PropertiesPanel({ doc, diagnostics, review, onChange }: { doc: Doc; diagnostics: Diagnostic[]; review: PlanReview | undefined; onChange: (d: Doc) => void }) {
  const [tab, setTab] = useState<'properties' | 'yaml'>('properties');
  const [text, setText] = useState(() => toYaml(doc));
  const [yamlError, setYamlError] = useState<string | null>(null);
  // The YAML tab follows the canvas unless the user is mid-edit with a parse error.
  useEffect(() => {
    if (!yamlError) setText(toYaml(doc));
  }, [doc]); // eslint-disable-line react-hooks/exhaustive-deps

  const byPath = new Map<string, Diagnostic[]>();
  const placed = new Set<Diagnostic>();
  const allPaths = SECTIONS.flatMap(([, fs]) => fs.map((f) => f.path));
  for (const d of diagnostics) {
    const p = (d as Diagnostic & { path?: string }).path;
    const target = p && allPaths.find((x) => p === x || p.startsWith(`${x}.`) || x.startsWith(`${p}.`) && p.split('.').length > 2);
    if (target) {
      byPath.set(target, [...(byPath.get(target) ?? []), d]);
      placed.add(d);
    }
  }
  const general = diagnostics.filter((d) => !placed.has(d));

  const input = (f: Field) => {
    const v = get(doc, f.path);
    const common = { id: fieldId(f.path), 'aria-invalid': byPath.has(f.path) || undefined };
    switch (f.type) {
      case 'select':
        return <select {...common} value={v === undefined ? '' : String(v)} onChange={(e) => onChange(set(doc, f.path, e.target.value))}>{(f.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}</select>;
      case 'number':
        return <input {...common} type="number" value={v === undefined ? '' : String(v)} onChange={(e) => onChange(set(doc, f.path, e.target.value === '' ? undefined : Number(e.target.value)))} />;
      case 'checkbox':
        return <input {...common} type="checkbox" checked={v === true} onChange={(e) => onChange(set(doc, f.path, e.target.checked))} />;
      case 'list':
        return <input {...common} type="text" value={Array.isArray(v) ? v.join(', ') : ''} onChange={(e) => onChange(set(doc, f.path, e.target.value.split(',').map((s) => s.trim()).filter(Boolean)))} />;
      default:
        return <input {...common} type="text" value={v === undefined ? '' : String(v)} onChange={(e) => onChange(set(doc, f.path, e.target.value === '' ? undefined : e.target.value))} />;
    }
  };

  const setMode = (mode: string) => {
    const compute = get(doc, 'spec.compute') as Doc | undefined;
    const family = compute?.family;
    const next = mode === 'size' ? { size: 'medium' } : mode === 'instanceType' ? { instanceType: defaultInstanceTypes() } : { vcpu: 2, memoryGiB: 8 };
    onChange(set(doc, 'spec.compute', family ? { ...next, family } : next));
  };

  return (
    <div className="props">
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'properties'} onClick={() => setTab('properties')}>Properties</button>
        <button type="button" role="tab" aria-selected={tab === 'yaml'} onClick={() => setTab('yaml')}>YAML</button>
      </div>
      {tab === 'properties' ? (
        <div>
          {SECTIONS.map(([title, fields]) => (
            <fieldset key={title}>
              <legend>{title}</legend>
              {title === 'Size' && (
                <div className="mode" role="radiogroup" aria-label="Size by">
                  {[['vcpu', 'vCPU + memory'], ['size', 'Named size'], ['instanceType', 'Instance type per cloud']].map(([m, l]) => (
                    <label key={m} className="inline"><input type="radio" name="size-mode" checked={sizeMode(doc) === m} onChange={() => setMode(m!)} /> {l}</label>
                  ))}
                </div>
              )}
              {fields.filter((f) => !f.when || f.when(doc)).map((f) => (
                <div key={f.path} className={`field${byPath.has(f.path) ? ' invalid' : ''}`}>
                  <label htmlFor={fieldId(f.path)}>{f.label}</label>
                  {input(f)}
                  {(byPath.get(f.path) ?? []).map((d, i) => <p key={i} className={d.severity === 'error' ? 'bad field-error' : 'warn field-error'} data-testid="field-diagnostic">{d.message}</p>)}
                </div>
              ))}
            </fieldset>
          ))}
        </div>
      ) : (
        <div>
          <textarea aria-label="YAML" className="yaml" spellCheck={false} value={text} rows={24} onChange={(e) => {
            setText(e.target.value);
            try {
              const next = parse(e.target.value, { uniqueKeys: true, maxAliasCount: 0 });
              if (!next || typeof next !== 'object' || Array.isArray(next)) throw new Error('The file must be a mapping (apiVersion, kind, metadata, spec).');
              setYamlError(null);
              onChange(next as Doc);
            } catch (err) {
              setYamlError((err as Error).message.split('\n')[0]!);
            }
          }} />
          {yamlError && <p className="bad">{yamlError}</p>}
        </div>
      )}
      {general.length > 0 && <ul className="diagnostics">{general.map((d, i) => <li key={i} className={d.severity === 'error' ? 'bad' : 'warn'} data-testid="diagnostic">{d.line}:{d.column} {d.message}</li>)}</ul>}
      {review && (
        <table className="cost" data-testid="cost-table">
          <thead><tr><th>Cloud</th><th>Region</th><th>Monthly</th></tr></thead>
          <tbody>{review.cost.map((c) => <tr key={c.cloud} className={c.primary ? 'primary' : ''}><td>{c.cloud.toUpperCase()}{c.cheapest ? ' ★' : ''}</td><td>{c.region}</td><td>{c.monthlyUsdAfter === null ? 'not priced' : `$${c.monthlyUsdAfter.toFixed(2)}${c.complete ? '' : ' +'}`}</td></tr>)}</tbody>
        </table>
      )}
      {review && review.advice.length > 0 && <ul className="advice">{review.advice.map((a, i) => <li key={i}>{a}</li>)}</ul>}
    </div>
  );
}
