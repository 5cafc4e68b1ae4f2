// Conformance suites: every registered kind and every registered cloud (the built-in ones and
// the fixtures, registered here with one line each) passes the same contract.
import '../synth/node.ts';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { catalogFor } from '../knowledge-base/catalog.ts';
import { estimateCost } from '../knowledge-base/cost.ts';
import { SERVER_STACK_KINDS } from '../knowledge-base/types.ts';
import { MemoryReader } from '../synth/core/load/reader.ts';
import { registeredClouds, registerCloud } from '../synth/core/registry/clouds.ts';
import { registeredKindDefinitions, registerKind } from '../synth/core/registry/kinds.ts';
import { registerTarget } from '../synth/core/registry/targets.ts';
import { resolveSettings } from '../synth/core/resolve/settings.ts';
import { reviewChange } from '../synth/core/review/review.ts';
import { composedSchema } from '../synth/core/validate/schema.ts';
import { loadDocument } from '../synth/core/validate/document.ts';
import { cloudStacks } from '../synth/stack/registry.ts';
import { synthesize } from '../synth/stack/synthesize.ts';
import { fixtureCloud } from './fixtures/fixture-cloud/index.ts';
import { fixtureTarget, widgetKind } from './fixtures/widget-kind/index.ts';

registerCloud(fixtureCloud);
registerKind(widgetKind);
registerTarget(fixtureTarget);

const settings = resolveSettings(undefined);
// An operator's platform domain, so that a kind serving names (a Website) has one to serve when synthesized.
const hosting = { ...settings, platform: { domain: 'sites.example.net' } };
const file = (name: string) => `.autostack/${name}.yaml`;
const text = (doc: Record<string, unknown>) => stringify(doc);

describe.each(registeredKindDefinitions().map((k) => [k.kind, k] as const))('kind %s', (_kind, def) => {
  const starter = def.editor!.starter('conf');

  it('has an editor starter that is a valid document, and positions every schema mistake', () => {
    expect(def.editor, 'a kind needs an editor starter for the site').toBeDefined();
    const ok = loadDocument(file('conf'), text(starter), settings);
    expect(ok.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const bad = loadDocument(file('conf'), `${text(starter).trimEnd()}\nbogus: 1\n`, settings);
    expect(bad.diagnostics[0]).toMatchObject({ file: file('conf'), code: 'schema/unknown-field', severity: 'error', line: expect.any(Number), column: expect.any(Number) });
    expect(bad.diagnostics[0]!.line).toBeGreaterThan(1);
  });

  it('offers every registered cloud in its editor (fields read the registry when the panel renders)', () => {
    const fields = def.editor!.sections().flatMap((sec) => sec.fields);
    const cloud = fields.find((f) => f.path === 'spec.cloud');
    if (cloud) expect(cloud.options).toEqual(registeredClouds().map((c) => c.id));
  });

  it('binds every editor field to a field of its schema', () => {
    const schema = composedSchema(def.kind)!;
    for (const section of def.editor!.sections()) {
      for (const f of section.fields) {
        const node = f.path.split('.').reduce<any>((n, k) => n?.properties?.[k], schema);
        expect(node, `${def.kind} editor field ${f.path}`).toBeDefined();
      }
    }
  });

  it('resolves idempotently: the same file gives the same model, and identical files describe no change', () => {
    const a = loadDocument(file('conf'), text(starter), settings).model;
    const b = loadDocument(file('conf'), text(starter), settings).model;
    expect(a).toEqual(b);
    expect(def.describeChanges(a, b)).toEqual([]);
    expect(def.name(a)).toBe('conf');
  });

  it('reviews an identical file at both refs as unchanged, with no resource to deploy', async () => {
    const files = { [file('conf')]: text(starter) };
    const r = await reviewChange(new MemoryReader({ a: files, b: files }), 'a', 'b', [file('conf')]);
    expect(r.plans[0]).toMatchObject({ status: 'unchanged', deployment: [] });
  });

  if (def.infrastructure) {
    it('plans on its own cloud first and on every other registered cloud', () => {
      const model = loadDocument(file('conf'), text(starter), settings).model;
      const plans = def.infrastructure!.plan(model);
      expect(plans[0]!.primary).toBe(true);
      expect(plans.map((p) => p.cloud).sort()).toEqual(registeredClouds().map((c) => c.id).sort());
    });
  }
});

describe.each(registeredClouds().map((c) => [c.id, c] as const))('cloud %s', (cloud, def) => {
  const infraKinds = registeredKindDefinitions().filter((k) => k.infrastructure);
  const docOf = (kind: (typeof infraKinds)[number], labels = false) => {
    const starter = kind.editor!.starter('conf') as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    const meta = labels && kind.kind === 'Plan' ? { ...starter.metadata, labels: { probe: '${file("/etc/passwd")} %{ if true }x%{ endif }' } } : starter.metadata;
    return loadDocument(file('conf'), text({ ...starter, metadata: meta, spec: { ...starter.spec, cloud } }), hosting);
  };

  it('appears in every composed schema and offers a valid state backend', () => {
    expect(JSON.stringify(composedSchema('Plan'))).toContain(`"${cloud}"`);
    const backend = def.schema.stateBackend;
    if (backend) {
      const types = (composedSchema('Settings') as any).properties.spec.properties.stateBackend.properties.type.enum;
      expect(types).toContain(backend.type);
      for (const req of backend.required) expect(Object.keys(backend.properties)).toContain(req);
    }
  });

  for (const kind of infraKinds) {
    // A cloud offers a kind only in the regions where every resource type of its stack has a price.
    const offered = catalogFor(cloud).regionNames(kind.infrastructure!.stackKinds ?? SERVER_STACK_KINDS);
    if (offered.length === 0) {
      it(`refuses a ${kind.kind} with a positioned error while no region prices its stack`, () => {
        const doc = docOf(kind);
        expect(doc.model).toBeUndefined();
        const refusal = doc.diagnostics.find((d) => d.severity === 'error' && /not offered|no .*region/i.test(d.message));
        expect(refusal, JSON.stringify(doc.diagnostics)).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
      });
      continue;
    }
    it(`prices every resource of a ${kind.kind} or says why not`, () => {
      const doc = docOf(kind);
      for (const plan of kind.infrastructure!.plan(doc.model).filter((p) => p.cloud === cloud)) {
        const cost = estimateCost(plan);
        for (const r of plan.resources) {
          const line = cost.items.find((i) => i.resource === r.key) ?? cost.unpriced.find((u) => u.resource === r.key);
          expect(line, `${r.key} on ${cloud}`).toBeDefined();
          if (line && 'reason' in line) expect(line.reason.length, `${r.key}: reason`).toBeGreaterThan(5);
        }
        expect(cost.unpriced.filter((u) => u.missing)).toEqual([]);
      }
    });

    if (!kind.infrastructure!.workload) {
      it(`refuses to synthesize a ${kind.kind}, whose servers no cloud builds yet, with the reason`, async () => {
        const doc = docOf(kind, true);
        const out = await synthesize([{ kind: kind.kind, model: doc.model }], hosting, [cloud]);
        expect(out.ok).toBe(false);
        if (!out.ok) expect(out.errors.join('\n')).toMatch(/cannot build this kind's Terraform yet/);
      });
      continue;
    }
    it(`synthesizes a ${kind.kind} on ${cloud}, or refuses it naming the resource types the cloud cannot build yet`, async () => {
      const doc = docOf(kind, true);
      const impl = await cloudStacks(cloud);
      const plan = kind.infrastructure!.plan(doc.model).find((p) => p.cloud === cloud)!;
      const lacking = [...new Set(plan.resources.map((r) => r.kind))].filter((k) => !impl.resources[k]);
      const out = await synthesize([{ kind: kind.kind, model: doc.model }], hosting, [cloud]);
      expect(out.ok, out.ok ? '' : out.errors.join('\n')).toBe(lacking.length === 0);
      if (!out.ok) expect(out.errors.join('\n')).toContain(`cannot build ${lacking.join(', ')} resources on this cloud yet`);
    });
    it(`tags everything taggable and escapes user strings in a ${kind.kind} stack`, async () => {
      const doc = docOf(kind, true);
      const impl0 = await cloudStacks(cloud);
      const plan0 = kind.infrastructure!.plan(doc.model).find((p) => p.cloud === cloud)!;
      if (plan0.resources.some((r) => !impl0.resources[r.kind])) {
        // Nothing is built, so nothing untagged can reach the cloud: the synth refuses the kind here (the test above says why).
        expect((await synthesize([{ kind: kind.kind, model: doc.model }], hosting, [cloud])).ok).toBe(false);
        return;
      }
      const out = await synthesize([{ kind: kind.kind, model: doc.model }], hosting, [cloud]);
      if (!out.ok) throw new Error(out.errors.join('\n'));
      const raw = out.stacks[0]!.json;
      const json = JSON.parse(raw);
      const impl = await cloudStacks(cloud);
      const want = { 'autostack-org': 'default', 'autostack-project': 'default', 'autostack-plan': 'conf', 'managed-by': 'autostack' };
      for (const [type, byName] of Object.entries(json.resource as Record<string, Record<string, any>>)) {
        if (impl.untaggable[type]) continue;
        for (const [name, res] of Object.entries(byName)) expect(impl.tagsOf(json, type, res), `${type}.${name}`).toMatchObject(want);
      }
      // No user text is left for Terraform to interpolate: every ${ and %{ from a label is doubled.
      if (raw.includes('etc/passwd')) expect(raw).toContain('$${file(\\"/etc/passwd\\")} %%{ if true }x%%{ endif }');
      expect(raw).not.toMatch(/[^$]\$\{file/);
    });
  }
});
