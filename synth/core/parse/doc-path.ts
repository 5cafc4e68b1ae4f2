/** The value at a dotted path of a parsed document (`spec.compute.vcpu`), or undefined. */
export function getPath(doc: Record<string, any>, path: string): unknown {
  return path.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), doc);
}

/** A copy of the document with the value at a dotted path set (undefined removes it); missing mappings are created. */
export function setPath<T extends Record<string, any>>(doc: T, path: string, value: unknown): T {
  const out = structuredClone(doc);
  const keys = path.split('.');
  let o: any = out;
  for (const k of keys.slice(0, -1)) o = o[k] && typeof o[k] === 'object' ? o[k] : (o[k] = {});
  if (value === undefined) delete o[keys.at(-1)!];
  else o[keys.at(-1)!] = value;
  return out;
}
