// The core pipeline in the browser: the same review the App posts, run on every edit.
import '../../../synth/index.ts';
import { stringify } from 'yaml';
import { parseYamlFile } from '../../../synth/core/parse/parse.ts';
import { evaluateFiles } from '../../../synth/core/review/evaluate.ts';
import type { ReviewResult } from '../../../synth/core/review/review.ts';

export type Doc = Record<string, any>;

export const fileOf = (doc: Doc, fallback: string) => `.autostack/${String(doc?.metadata?.name || fallback).replace(/[^a-z0-9._-]/gi, '-')}.yaml`;

export function toYaml(doc: Doc): string {
  return `# yaml-language-server: $schema=https://autostack.dev/schemas/plan.schema.json\n${stringify(doc, { lineWidth: 0 })}`;
}

/** A YAML mistake where the user sees it. */
export type YamlError = { line: number; column: number; message: string };

/**
 * The YAML tab's text read as a document, with the same parser (and messages) as the review: the
 * first problem with its line and column, or the data.
 */
export function readYaml(text: string): { doc: Doc; error?: undefined } | { error: YamlError; doc?: undefined } {
  const r = parseYamlFile('editor.yaml', text);
  const first = r.diagnostics.find((d) => d.severity === 'error');
  if (!r.ok || first) {
    const d = first ?? r.diagnostics[0];
    return { error: { line: d?.line ?? 1, column: d?.column ?? 1, message: d?.message ?? 'The YAML cannot be read.' } };
  }
  const data = r.parsed.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { error: { line: 1, column: 1, message: 'The file must be a mapping: apiVersion, kind, metadata and spec, each at the start of a line.' } };
  return { doc: data as Doc };
}

/**
 * Reviews every node's document together (duplicate names across nodes are caught too). A
 * document loaded from the repository is reviewed as a change of its `base` (the text there), so
 * what the pull request's review would refuse — a resize that stops the server without an
 * acknowledgement — shows while editing.
 */
export async function reviewDocs(docs: { id: string; doc: Doc; text?: string; base?: string }[]): Promise<{ result: ReviewResult; fileOf: Map<string, string>; ms: number }> {
  const started = performance.now();
  const files: Record<string, string> = {};
  const base: Record<string, string> = {};
  const map = new Map<string, string>();
  for (const d of docs) {
    let f = fileOf(d.doc, d.id);
    if (f in files) f = f.replace(/\.yaml$/, `-${d.id}.yaml`);
    files[f] = d.text ?? toYaml(d.doc);
    if (d.base !== undefined) base[f] = d.base;
    map.set(d.id, f);
  }
  const result = await evaluateFiles(files, base);
  return { result, fileOf: map, ms: performance.now() - started };
}
