import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { dataChanges, updateYamlText } from '../synth/core/parse/edit.ts';
import { setPath } from '../synth/core/parse/doc-path.ts';

/** The lines of `a` and `b` that differ, as [line number, before, after] (same line count expected). */
function changedLines(a: string, b: string): [number, string, string][] {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y.length).toBe(x.length);
  return x.flatMap((l, i) => (l === y[i] ? [] : [[i + 1, l, y[i]!] as [number, string, string]]));
}

// Comments everywhere, spec before metadata, aligned end-of-line comments, a quoted version,
// four-space indentation, a compact block list, a flow map and a blank line.
const USER_FILE = `# Orders database — owned by the shop team
spec:
    # sizing agreed in the Q3 review
    compute: { vcpu: 2, memoryGiB: 8 }   # keep in sync with the load test
    storage:
        sizeGiB: 100          # grows online
    region: us-east           # or us-east-1
    cloud: aws

    postgres:
        version: '17'
        maxConnections: 200   # pgbouncer in front
    network:
        allowedCidrs:
        - 10.0.0.0/8          # office VPN
        - 172.16.0.0/12
kind: Plan
apiVersion: autostack.dev/v1
metadata: { project: shop, name: orders-db }
`;

describe('updateYamlText: the user’s document with only the edited values changed', () => {
  it('two changed fields change exactly those two lines; comments, key order, quoting and indentation stay', () => {
    let data = parse(USER_FILE);
    data = setPath(data, 'spec.storage.sizeGiB', 250);
    data = setPath(data, 'spec.postgres.maxConnections', 300);
    const out = updateYamlText(USER_FILE, data);
    expect(changedLines(USER_FILE, out)).toEqual([
      [6, '        sizeGiB: 100          # grows online', '        sizeGiB: 250          # grows online'],
      [12, '        maxConnections: 200   # pgbouncer in front', '        maxConnections: 300   # pgbouncer in front'],
    ]);
    expect(parse(out)).toEqual(data);
  });

  it('a value inside a flow map rewrites that map on its own line only, comment kept', () => {
    const data = setPath(parse(USER_FILE), 'spec.compute.vcpu', 4);
    const out = updateYamlText(USER_FILE, data);
    expect(changedLines(USER_FILE, out)).toEqual([[4, '    compute: { vcpu: 2, memoryGiB: 8 }   # keep in sync with the load test', '    compute: { vcpu: 4, memoryGiB: 8 }   # keep in sync with the load test']]);
  });

  it('a quoted string stays quoted the same way', () => {
    const out = updateYamlText(USER_FILE, setPath(parse(USER_FILE), 'spec.postgres.version', '18'));
    expect(changedLines(USER_FILE, out)).toEqual([[11, "        version: '17'", "        version: '18'"]]);
  });

  it('a new key is added after the last key of its mapping at its indentation; a removed key takes only its line', () => {
    let data = parse(USER_FILE);
    data = setPath(data, 'spec.budget', { monthlyUsd: 400 });
    data = setPath(data, 'spec.region', undefined);
    const out = updateYamlText(USER_FILE, data);
    expect(out).toBe(USER_FILE
      .replace('    region: us-east           # or us-east-1\n', '')
      .replace('        - 172.16.0.0/12\n', '        - 172.16.0.0/12\n    budget:\n        monthlyUsd: 400\n'));
    expect(parse(out)).toEqual(data);
  });

  it('list items are added and removed line by line in a block list', () => {
    const added = setPath(parse(USER_FILE), 'spec.network.allowedCidrs', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
    expect(updateYamlText(USER_FILE, added)).toBe(USER_FILE.replace('        - 172.16.0.0/12\n', '        - 172.16.0.0/12\n        - 192.168.0.0/16\n'));
    const removed = setPath(parse(USER_FILE), 'spec.network.allowedCidrs', ['10.0.0.0/8']);
    expect(updateYamlText(USER_FILE, removed)).toBe(USER_FILE.replace('        - 172.16.0.0/12\n', ''));
  });

  it('a change the text cannot take in place still comes out right, by the Document API, comments kept', () => {
    // Emptying a block mapping and turning a scalar into a mapping: no splice, whole-document edit.
    let data = parse(USER_FILE);
    data = setPath(data, 'spec.storage', {});
    data = setPath(data, 'spec.cloud', { primary: 'aws' });
    const out = updateYamlText(USER_FILE, data);
    expect(parse(out)).toEqual(data);
    expect(out).toContain('# Orders database — owned by the shop team');
    expect(out).toContain('# pgbouncer in front');
    expect(out.indexOf('spec:')).toBeLessThan(out.indexOf('kind: Plan'));
  });

  it('strings that need quoting inside a flow map are quoted; nothing changed returns the text as it was', () => {
    const data = setPath(parse(USER_FILE), 'metadata.project', 'a, b: {c}');
    const out = updateYamlText(USER_FILE, data);
    expect(parse(out)).toEqual(data);
    expect(changedLines(USER_FILE, out).map(([n]) => n)).toEqual([19]);
    expect(updateYamlText(USER_FILE, parse(USER_FILE))).toBe(USER_FILE);
  });

  it('a file without a trailing newline, and a whole new document', () => {
    const text = 'a: 1\nb: 2';
    expect(updateYamlText(text, { a: 1, b: 2, c: 3 })).toBe('a: 1\nb: 2\nc: 3\n');
    expect(parse(updateYamlText('', { a: 1 }))).toEqual({ a: 1 });
  });

  it('refuses a text that does not parse', () => {
    expect(() => updateYamlText('a: [1\n', { a: 1 })).toThrow(/does not parse/);
  });

  it('dataChanges lists paths in document order, removals from the end of a list first', () => {
    expect(dataChanges({ a: 1, b: [1, 2, 3], c: { d: 1 } }, { a: 2, b: [1], c: { d: 1, e: 2 } })).toEqual([
      { path: ['a'], value: 2 },
      { path: ['b', 2], delete: true },
      { path: ['b', 1], delete: true },
      { path: ['c', 'e'], value: 2 },
    ]);
  });
});
