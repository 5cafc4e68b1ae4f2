/**
 * Import rules (layering) for the TypeScript sources: no runtime import cycles, the core and the
 * knowledge base stay browser-safe and below the extensions, and the site's browser code never
 * reaches server modules. `node scripts/check-imports.ts [root]` prints violations, exits 1 on any.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `context` is where the import runs: an .astro frontmatter runs at build time, its <script> in the browser. */
export interface Edge { from: string; line: number; target: string; external: boolean; typeOnly: boolean; context: 'module' | 'frontmatter' | 'script' }
export interface Graph { files: string[]; edges: Edge[] }
export type Rule = 'cycle' | 'core-imports-extension' | 'knowledge-base-imports-up' | 'browser-imports-server' | 'kb-no-server';
export interface Violation { rule: Rule; file: string; line: number; target: string; hint: string; detail?: string }

const SOURCE_DIRS = ['app', 'synth', 'knowledge-base', 'schemas', 'action/src', 'site/src', 'scripts', 'templates'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.astro']);
const SOURCE_EXT = /\.(ts|tsx|mts|astro)$/;

function walk(root: string, dir: string, out: string[]): void {
  if (!existsSync(join(root, dir))) return;
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) walk(root, path, out);
    else if (entry.isFile() && SOURCE_EXT.test(entry.name)) out.push(path);
  }
}

const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/**
 * Blanks comments and the contents of strings and template literals (keeping offsets and newlines, so
 * line numbers stay right and an `import … from` inside a comment or string is not seen), and records each
 * quoted string's value at the offset of its opening quote. `${…}` expressions in templates stay code.
 * Regular-expression literals are not recognised: one containing a quote or `//` is misread to the end of its line.
 */
function mask(src: string): { code: string; strings: Map<number, string> } {
  const strings = new Map<number, string>();
  const holes: number[] = []; // brace depth at which each open `${` returns to its template
  let code = '', depth = 0, i = 0;
  const template = (from: number) => { // scans template text from `from` to the closing backtick or a `${`
    let j = from;
    while (j < src.length && src[j] !== '`' && !(src[j] === '$' && src[j + 1] === '{')) j += src[j] === '\\' ? 2 : 1;
    code += blank(src.slice(from, j));
    if (src[j] === '$') { holes.push(depth); code += '${'; return j + 2; }
    code += src[j] ?? '';
    return j + 1;
  };
  while (i < src.length) {
    const c = src[i]!, next = src[i + 1];
    if (c === '/' && (next === '/' || next === '*')) {
      const close = next === '/' ? src.indexOf('\n', i) : src.indexOf('*/', i + 2);
      const stop = close === -1 ? src.length : next === '/' ? close : close + 2;
      code += blank(src.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === "'") {
      let end = i + 1; // an unescaped newline also ends a string, so a stray quote (say, in a regex literal) spoils one line only
      while (end < src.length && src[end] !== c && src[end] !== '\n') end += src[end] === '\\' ? 2 : 1;
      end = Math.min(end, src.length);
      strings.set(code.length, src.slice(i + 1, end));
      code += c + blank(src.slice(i + 1, end)) + (src[end] ?? '');
      i = end + 1;
    } else if (c === '`') { code += '`'; i = template(i + 1); }
    else if (c === '}' && holes.length > 0 && holes.at(-1) === depth) { holes.pop(); code += '}'; i = template(i + 1); }
    else { depth += c === '{' ? 1 : c === '}' ? -1 : 0; code += c; i++; }
  }
  return { code, strings };
}

type Section = { text: string; context: Edge['context'] };

/** The parts of a file holding imports: a whole module, or an .astro file's frontmatter and <script> blocks (the rest blanked). */
function sections(path: string, text: string): Section[] {
  if (!path.endsWith('.astro')) return [{ text, context: 'module' }];
  const only = (start: number, end: number) => blank(text.slice(0, start)) + text.slice(start, end) + blank(text.slice(end));
  const out: Section[] = [];
  const front = /^\s*---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (front) out.push({ text: only(front.index, front.index + front[0].length), context: 'frontmatter' });
  for (const m of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const start = m.index + m[0].indexOf('>') + 1;
    out.push({ text: only(start, start + m[1]!.length), context: 'script' });
  }
  return out;
}

// Static `import|export … from '…'` (group 1: `type`), bare `import '…'`, and `import('…')` with a literal only.
// The clause may not run into another import/export, so a statement without a semicolon cannot borrow the next one's `from`.
const IMPORT = /\b(?:import|export)\s+(type\s+)?(?:(?!\b(?:import|export)\b)[\w$*{}\s,])*?\bfrom\s*(['"])|\bimport\s*(?:\(\s*)?(['"])/g;

/**
 * Type-only (`import type`, `export type`) imports are erased at run time, so they count for layers but not for cycles.
 * `import { type A }` is not type-only: under verbatimModuleSyntax it stays as a bare `import '…'`. A literal `import('…')`
 * counts as a runtime import (lazy, but still a dependency); a computed one cannot be seen and is not reported.
 */
export function extractImports(path: string, text: string): (Pick<Edge, 'line' | 'typeOnly' | 'context'> & { spec: string })[] {
  const found: ReturnType<typeof extractImports> = [];
  for (const section of sections(path, text)) {
    const { code, strings } = mask(section.text);
    for (const m of code.matchAll(IMPORT)) {
      const quote = m.index + m[0].length - 1;
      const spec = strings.get(quote);
      if (spec === undefined) continue;
      const line = code.slice(0, m.index).split('\n').length;
      found.push({ spec, line, typeOnly: m[1] !== undefined, context: section.context });
    }
  }
  return found;
}

/** Repository-relative path of a relative specifier: as written, else with `.ts` / `/index.ts` / `.js`→`.ts`. */
function resolveSpec(root: string, from: string, spec: string): string {
  const base = posix.normalize(posix.join(posix.dirname(from), spec));
  const candidates = [base, `${base}.ts`, `${base}/index.ts`, base.replace(/\.js$/, '.ts')];
  return candidates.find((c) => existsSync(join(root, c)) && statSync(join(root, c)).isFile()) ?? base;
}

export function collectGraph(root: string, files?: string[]): Graph {
  const list = files ? [...files] : [];
  if (!files) for (const dir of SOURCE_DIRS) walk(root, dir, list);
  list.sort(); // readdir order differs between file systems; findings should not
  const edges: Edge[] = [];
  for (const from of list) {
    for (const imp of extractImports(from, readFileSync(join(root, from), 'utf8'))) {
      const external = !imp.spec.startsWith('.');
      const target = external ? imp.spec : resolveSpec(root, from, imp.spec);
      edges.push({ from, line: imp.line, target, external, typeOnly: imp.typeOnly, context: imp.context });
    }
  }
  return { files: list, edges };
}

/** `dir` as a folder, or as the module `dir.ts` (synth/cdktf.ts before it becomes synth/cdktf/). */
const under = (path: string, dirs: string[]) => dirs.some((d) => path.startsWith(`${d}/`) || path === `${d}.ts`);
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!);
// The core must run in the browser and stay framework-free; browser code must not pull in server-only packages.
const FRAMEWORK = /^(hono|probot|cdktf|simple-git|react|react-dom|astro)(\/|$)|^@(hono|cdktf|actions)\//;
const SERVER_ONLY = /^(cdktf|probot|simple-git|hono)(\/|$)|^@(cdktf|actions|octokit)\/|^@hono\/node-server(\/|$)/;

const HINT: Record<Rule, string> = {
  'cycle': 'move the shared code into a module both can import, or make one side `import type`',
  'core-imports-extension': 'synth/core is the browser-safe bottom of synth: have the extension register itself with the core, or pass it in',
  'knowledge-base-imports-up': 'knowledge-base/ is the lowest layer: move the shared code down into it, or take it as an argument',
  'browser-imports-server': 'move the logic into synth/core or knowledge-base/, or keep it in a *.server.ts file used only from page frontmatter',
  'kb-no-server': 'this code runs in the browser: take the data as an argument and read files in app/ or scripts/',
};
const violation = (rule: Rule, e: Edge, detail?: string): Violation => ({ rule, file: e.from, line: e.line, target: e.target, hint: HINT[rule], ...(detail ? { detail } : {}) });

/** Tarjan's strongly connected components over runtime project edges; each component of 2+ files (or a self-import) is one cycle. */
function cycles(graph: Graph): Violation[] {
  const scanned = new Set(graph.files);
  const runtime = graph.edges.filter((e) => !e.external && !e.typeOnly && scanned.has(e.target));
  const next = new Map(graph.files.map((f) => [f, runtime.filter((e) => e.from === f)]));
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], out: Violation[] = [];
  const visit = (v: string): void => {
    index.set(v, index.size); low.set(v, index.get(v)!); stack.push(v);
    for (const { target: w } of next.get(v)!) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc = stack.splice(stack.indexOf(v)).sort();
    // A lone file is in a component with itself only when it imports itself: then `edge` exists too.
    const edge = runtime.find((e) => e.from === scc[0] && scc.includes(e.target));
    if (edge) out.push(violation('cycle', edge, `cycle: ${scc.join(' ↔ ')}`));
  };
  for (const f of graph.files) if (!index.has(f)) visit(f);
  return out;
}

function layers(graph: Graph): Violation[] {
  const out: Violation[] = [];
  for (const e of graph.edges) {
    const core = e.from.startsWith('synth/core/'), kb = e.from.startsWith('knowledge-base/');
    if (core && !e.external && under(e.target, ['synth/kinds', 'synth/clouds', 'synth/targets', 'synth/cdktf', 'app', 'site', 'action'])) out.push(violation('core-imports-extension', e));
    if (core && e.external && FRAMEWORK.test(e.target)) out.push(violation('core-imports-extension', e));
    if (kb && !e.external && under(e.target, ['synth', 'app', 'site', 'action'])) out.push(violation('knowledge-base-imports-up', e));
    // Node builtins in the core are reported here only (not also as core-imports-extension): one finding per import.
    if ((core || kb) && e.external && isBuiltin(e.target)) out.push(violation('kb-no-server', e));
  }
  return out;
}

const isBrowserModule = (f: string) => /^site\/src\/(components|lib)\/.*\.(ts|tsx|mts)$/.test(f) && !/\.server\.ts$/.test(f) && !/build[^/]*\.ts$/.test(f);
const isServerTarget = (e: Edge) => e.external
  ? isBuiltin(e.target) || SERVER_ONLY.test(e.target)
  : under(e.target, ['app', 'action', 'synth/cdktf']);

/** Breadth-first from every browser entry over runtime and type imports (an .astro frontmatter runs at build time, so it is not followed); one finding per crossing edge. */
function browser(graph: Graph): Violation[] {
  const from = new Map<string, Edge[]>();
  for (const e of graph.edges) if (e.context !== 'frontmatter') from.set(e.from, [...(from.get(e.from) ?? []), e]);
  const entries = graph.files.filter((f) => isBrowserModule(f) || graph.edges.some((e) => e.from === f && e.context === 'script'));
  const seen = new Set<string>(), out: Violation[] = [];
  for (const entry of entries) {
    const chain = new Map<string, string[]>([[entry, [entry]]]);
    for (const [file, path] of chain) {
      for (const e of from.get(file) ?? []) {
        if (isServerTarget(e)) {
          if (!seen.has(`${e.from}→${e.target}`)) out.push(violation('browser-imports-server', e, `chain: ${[...path, e.target].join(' → ')}`));
          seen.add(`${e.from}→${e.target}`);
        } else if (!e.external && !chain.has(e.target)) chain.set(e.target, [...path, e.target]);
      }
    }
  }
  return out;
}

export function checkRules(graph: Graph): Violation[] {
  return [...cycles(graph), ...layers(graph), ...browser(graph)];
}

export const formatViolation = (v: Violation) => `${v.rule} ${v.file}:${v.line} imports ${v.target} — ${v.hint}${v.detail ? `\n    ${v.detail}` : ''}`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const found = checkRules(collectGraph(root));
  for (const v of found) process.stdout.write(`${formatViolation(v)}\n`);
  process.stdout.write(`${found.length} import-rule violation${found.length === 1 ? '' : 's'}\n`);
  process.exitCode = found.length > 0 ? 1 : 0;
}
