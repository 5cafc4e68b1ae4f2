import { useState } from 'react';
import { displayName } from '../../../knowledge-base/clouds/registry.ts';
import type { Diagnostic } from '../../../synth/core/diagnostics.ts';
import type { PlanReview } from '../../../synth/core/review/review.ts';
import { getPath as get, setPath as set } from '../../../synth/core/parse/doc-path.ts';
import type { EditorField as Field } from '../../../synth/core/registry/kinds.ts';
import { paletteFor } from '../lib/palette.ts';
import type { Doc, YamlError } from '../lib/live-review.ts';
import { estimate, messageParts } from '../lib/format.ts';

const fieldId = (path: string) => `f-${path.replace(/\./g, '-')}`;

/** A message with what it quotes in backticks shown as code. */
export function Msg({ text }: { text: string }) {
  return <>{messageParts(text).map((p, i) => (p.code ? <code key={i}>{p.text}</code> : p.text))}</>;
}

/**
 * The selected component: its properties (bound to schema paths) and its YAML. The YAML tab shows
 * the component's text itself; while that text does not parse, the properties show its last valid
 * version and cannot be edited (the text is what would be saved).
 */
export function PropertiesPanel({ kind, doc, text, yamlError, diagnostics, review, onChange, onText }: { kind: string; doc: Doc; text: string; yamlError: YamlError | null; diagnostics: Diagnostic[]; review: PlanReview | undefined; onChange: (d: Doc) => void; onText: (text: string) => void }) {
  const sections = paletteFor(kind)?.sections() ?? [];
  const [tab, setTab] = useState<'properties' | 'yaml'>('properties');

  const byPath = new Map<string, Diagnostic[]>();
  const placed = new Set<Diagnostic>();
  const allPaths = sections.flatMap((s) => s.fields.map((f) => f.path));
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
        return <select {...common} value={v === undefined ? '' : String(v)} onChange={(e) => onChange(set(doc, f.path, e.target.value))}>{(f.options ?? []).map((o) => <option key={o} value={o}>{f.optionLabels?.[o] ?? o}</option>)}</select>;
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

  return (
    <div className="props">
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'properties'} onClick={() => setTab('properties')}>Properties</button>
        <button type="button" role="tab" aria-selected={tab === 'yaml'} onClick={() => setTab('yaml')}>YAML</button>
      </div>
      {tab === 'properties' ? (
        <div>
          {yamlError && <p className="bad" data-testid="properties-locked">The YAML tab has an error (line {yamlError.line}, column {yamlError.column}): fix it there first. These are the values of the last version that could be read.</p>}
          {sections.map(({ title, fields, modes }) => (
            <fieldset key={title} disabled={Boolean(yamlError)}>
              <legend>{title}</legend>
              {modes && (
                <div className="mode" role="radiogroup" aria-label={modes.label}>
                  {modes.choices.map(([m, l]) => (
                    <label key={m} className="inline"><input type="radio" name={`mode-${title}`} checked={modes.current(doc) === m} onChange={() => onChange(modes.apply(doc, m))} /> {l}</label>
                  ))}
                </div>
              )}
              {fields.filter((f) => !f.when || f.when(doc)).map((f) => (
                <div key={f.path} className={`field${byPath.has(f.path) ? ' invalid' : ''}`}>
                  <label htmlFor={fieldId(f.path)}>{f.label}</label>
                  {input(f)}
                  {(byPath.get(f.path) ?? []).map((d, i) => <p key={i} className={d.severity === 'error' ? 'bad field-error' : 'warn field-error'} data-testid="field-diagnostic"><Msg text={d.message} /></p>)}
                </div>
              ))}
            </fieldset>
          ))}
        </div>
      ) : (
        <div>
          <textarea aria-label="YAML" className="yaml" spellCheck={false} value={text} rows={24} aria-invalid={yamlError ? true : undefined} aria-describedby={yamlError ? 'yaml-error' : undefined} onChange={(e) => onText(e.target.value)} />
          {yamlError && <p className="bad" id="yaml-error" data-testid="yaml-error" role="alert">Line {yamlError.line}, column {yamlError.column}: <Msg text={yamlError.message} /></p>}
        </div>
      )}
      {general.length > 0 && <ul className="diagnostics">{general.map((d, i) => <li key={i} className={d.severity === 'error' ? 'bad' : 'warn'} data-testid="diagnostic">line {d.line}, column {d.column}: <Msg text={d.message} /></li>)}</ul>}
      {review && (
        <table className="cost" data-testid="cost-table">
          <thead><tr><th>Cloud</th><th>Region</th><th>Monthly</th></tr></thead>
          <tbody>{review.cost.map((c) => <tr key={c.cloud} className={c.primary ? 'primary' : ''}><td>{displayName(c.cloud)}{c.cheapest ? ' ★' : ''}</td><td>{c.region}</td><td>{estimate(c.monthlyUsdAfter, c.complete)}</td></tr>)}</tbody>
        </table>
      )}
      {review && review.advice.length > 0 && <ul className="advice">{review.advice.map((a, i) => <li key={i}><Msg text={a} /></li>)}</ul>}
    </div>
  );
}
