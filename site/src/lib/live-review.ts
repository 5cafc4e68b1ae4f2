// The core pipeline in the browser: the same review the App posts, run on every edit.
import '../../../synth/index.ts';
import { stringify } from 'yaml';
import { evaluateFiles } from '../../../synth/core/review/evaluate.ts';
import type { ReviewResult } from '../../../synth/core/review/review.ts';

export type Doc = Record<string, any>;

export const fileOf = (doc: Doc, fallback: string) => `.autostack/${String(doc?.metadata?.name || fallback).replace(/[^a-z0-9._-]/gi, '-')}.yaml`;

export function toYaml(doc: Doc): string {
  return `# yaml-language-server: $schema=https://autostack.dev/schemas/plan.schema.json\n${stringify(doc, { lineWidth: 0 })}`;
}

/** Reviews every node's document together (duplicate names across nodes are caught too). */
export async function reviewDocs(docs: { id: string; doc: Doc; text?: string }[]): Promise<{ result: ReviewResult; fileOf: Map<string, string>; ms: number }> {
  const started = performance.now();
  const files: Record<string, string> = {};
  const map = new Map<string, string>();
  for (const d of docs) {
    let f = fileOf(d.doc, d.id);
    if (f in files) f = f.replace(/\.yaml$/, `-${d.id}.yaml`);
    files[f] = d.text ?? toYaml(d.doc);
    map.set(d.id, f);
  }
  const result = await evaluateFiles(files);
  return { result, fileOf: map, ms: performance.now() - started };
}
