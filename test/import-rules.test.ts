import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkRules, collectGraph, extractImports, formatViolation } from '../scripts/check-imports.ts';
import type { Violation } from '../scripts/check-imports.ts';
import { ROOT, tempDir, writeFiles } from './helpers.ts';

/** A mini repository with the project's folder layout; returns the checker's findings over it. */
async function check(files: Record<string, string>): Promise<Violation[]> {
  const root = await tempDir('autostack-imports-');
  await writeFiles(root, files);
  return checkRules(collectGraph(root));
}

const brief = (vs: Violation[]) => vs.map((v) => ({ rule: v.rule, file: v.file, line: v.line, target: v.target }));

/** Layered correctly: kb at the bottom, the core above it, kinds and the app on top, the site's browser code on the core only. */
const CLEAN: Record<string, string> = {
  'knowledge-base/types.ts': "export const CLOUDS = ['aws'] as const;\n",
  'knowledge-base/cost.ts': "import { CLOUDS } from './types.ts';\nexport const cost = CLOUDS.length;\n",
  'synth/core/review.ts': "import { cost } from '../../knowledge-base/cost.ts';\nimport { parse } from 'yaml';\nexport const review = () => [cost, parse('a: 1')];\n",
  'synth/kinds/plan/index.ts': "import { review } from '../../core/review.ts';\nexport const plan = review;\n",
  'app/server.ts': "import { Hono } from 'hono';\nimport { readFile } from 'node:fs/promises';\nimport { plan } from '../synth/kinds/plan/index.ts';\nexport const app = [Hono, readFile, plan];\n",
  'site/src/lib/format.ts': "export const money = (n: number) => `$${n}`;\n",
  'site/src/lib/catalog.server.ts': "import { readFile } from 'node:fs/promises';\nexport const read = readFile;\n",
  'site/src/components/Editor.tsx': "import { useState } from 'react';\nimport { review } from '../../../synth/core/review.ts';\nimport { money } from '../lib/format.ts';\nexport const E = [useState, review, money];\n",
  'site/src/pages/index.astro': "---\nimport { read } from '../lib/catalog.server.ts';\nimport { readdir } from 'node:fs/promises';\nconst x = [read, readdir];\n---\n<p>{x.length}</p>\n<script>\n  import { money } from '../lib/format.ts';\n  money(1);\n</script>\n",
  'scripts/gen.ts': "import { writeFile } from 'node:fs/promises';\nimport { CLOUDS } from '../knowledge-base/types.ts';\nexport const gen = [writeFile, CLOUDS];\n",
};

describe('import rules over synthetic trees', () => {
  it('finds nothing in a correctly layered tree', async () => {
    expect(await check(CLEAN)).toEqual([]);
  });

  it('reports a runtime cycle once, naming every file in it', async () => {
    const vs = await check({
      ...CLEAN,
      'synth/core/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'synth/core/b.ts': "import { c } from './c';\nexport const b = () => c;\n",
      'synth/core/c.ts': "\nimport { a } from './a.ts';\nexport const c = () => a;\n",
    });
    expect(brief(vs)).toEqual([{ rule: 'cycle', file: 'synth/core/a.ts', line: 1, target: 'synth/core/b.ts' }]);
    expect(vs[0]!.detail).toBe('cycle: synth/core/a.ts ↔ synth/core/b.ts ↔ synth/core/c.ts');
  });

  it('does not count type-only imports toward cycles (they are erased at run time)', async () => {
    const vs = await check({
      ...CLEAN,
      'synth/core/a.ts': "import type { B } from './b.ts';\nexport type A = { b?: B };\nexport const a = 1;\n",
      'synth/core/b.ts': "import { a } from './a.ts';\nexport type { A } from './a.ts';\nexport type B = { a: typeof a };\n",
    });
    expect(vs).toEqual([]);
  });

  it('reports the core importing a kind, the app or a server framework', async () => {
    const vs = await check({
      ...CLEAN,
      'synth/core/load.ts': "import { plan } from '../kinds/plan/index.ts';\nimport type { app } from '../../app/server.ts';\nimport { Hono } from 'hono';\nexport const x: [typeof app, unknown, unknown] = [null!, plan, Hono];\n",
    });
    expect(brief(vs).filter((v) => v.rule !== 'cycle')).toEqual([
      { rule: 'core-imports-extension', file: 'synth/core/load.ts', line: 1, target: 'synth/kinds/plan/index.ts' },
      { rule: 'core-imports-extension', file: 'synth/core/load.ts', line: 2, target: 'app/server.ts' },
      { rule: 'core-imports-extension', file: 'synth/core/load.ts', line: 3, target: 'hono' },
    ]);
  });

  it('reports the knowledge base importing synth/ or app/, type-only imports included', async () => {
    const vs = await check({
      ...CLEAN,
      'knowledge-base/cloud-plan.ts': "import { CLOUDS } from './types.ts';\nimport type { plan } from '../synth/kinds/plan/index.ts';\nexport const p: typeof plan | typeof CLOUDS | null = null;\n",
    });
    expect(brief(vs)).toEqual([{ rule: 'knowledge-base-imports-up', file: 'knowledge-base/cloud-plan.ts', line: 2, target: 'synth/kinds/plan/index.ts' }]);
  });

  it('reports browser code reaching a server module, with the chain from the entry', async () => {
    const vs = await check({
      ...CLEAN,
      'site/src/components/Editor.tsx': "import { review } from '../lib/live-review.ts';\nexport const E = review;\n",
      'site/src/lib/live-review.ts': "\nimport { evaluate } from '../../../app/api/evaluate.ts';\nexport const review = evaluate;\n",
      'app/api/evaluate.ts': 'export const evaluate = 1;\n',
    });
    expect(brief(vs)).toEqual([{ rule: 'browser-imports-server', file: 'site/src/lib/live-review.ts', line: 2, target: 'app/api/evaluate.ts' }]);
    expect(vs[0]!.detail).toBe('chain: site/src/components/Editor.tsx → site/src/lib/live-review.ts → app/api/evaluate.ts');
  });

  it('treats an .astro <script> as browser code but its frontmatter as build-time code', async () => {
    const vs = await check({
      ...CLEAN,
      'site/src/pages/dashboard.astro': "---\nimport { readFile } from 'node:fs/promises';\n---\n<div />\n<script>\n  import { money } from '../lib/format.ts';\n  import { env } from '../lib/env.ts';\n</script>\n",
      'site/src/lib/env.ts': "import { argv } from 'node:process';\nexport const env = argv;\n",
    });
    expect(brief(vs)).toEqual([{ rule: 'browser-imports-server', file: 'site/src/lib/env.ts', line: 1, target: 'node:process' }]);
  });

  it('reports node builtins in the knowledge base and the core, once each', async () => {
    const vs = await check({
      ...CLEAN,
      'knowledge-base/regions.ts': "import { readFileSync } from 'node:fs';\nexport const regions = readFileSync;\n",
      'synth/core/settings.ts': "import { join } from 'path';\nexport const s = join;\n",
    });
    expect(brief(vs)).toEqual([
      { rule: 'kb-no-server', file: 'knowledge-base/regions.ts', line: 1, target: 'node:fs' },
      { rule: 'kb-no-server', file: 'synth/core/settings.ts', line: 1, target: 'path' },
    ]);
  });

  it('ignores imports inside comments, strings and template literals, and non-literal dynamic imports', async () => {
    const source = [
      "const url = 'https://example.com//x'; // import x from '../../app/y.ts'",
      "/* import x from '../../app/y.ts'",
      "   export * from '../kinds/z.ts' */",
      'const s = "import x from \'../../app/y.ts\'";',
      "const t = `import x from '../../app/y.ts' ${url + `import('../../app/y.ts')`} and ${s}`;",
      'const lazy = (p: string) => import(p);',
      "import { cost } from '../../knowledge-base/cost.ts';",
      "export const all = [url, s, t, lazy, cost, import('./util.ts')];",
    ].join('\n');
    expect(extractImports('synth/core/tricky.ts', source)).toEqual([
      { spec: '../../knowledge-base/cost.ts', line: 7, typeOnly: false, context: 'module' },
      { spec: './util.ts', line: 8, typeOnly: false, context: 'module' },
    ]);
    expect(await check({ ...CLEAN, 'synth/core/tricky.ts': source, 'synth/core/util.ts': 'export const u = 1;\n' })).toEqual([]);
  });

  it('reads every import form with its line and whether it is type-only', () => {
    const source = "import a from 'a';\nimport 'side-effect';\nimport type { T } from 't';\nexport * as ns from 'ns';\nexport type { U } from 'u';\nimport {\n  x,\n  type Y,\n} from 'multi';\nconst d = await import( \"dyn\" );\n";
    expect(extractImports('x.ts', source).map((i) => [i.spec, i.line, i.typeOnly])).toEqual([
      ['a', 1, false], ['side-effect', 2, false], ['t', 3, true], ['ns', 4, false], ['u', 5, true], ['multi', 6, false], ['dyn', 10, false],
    ]);
  });

  it('runs as a command: one line per violation, a count, exit code 1', async () => {
    const root = await tempDir('autostack-imports-');
    await writeFiles(root, { ...CLEAN, 'knowledge-base/regions.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n" });
    const run = promisify(execFile)(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'scripts/check-imports.ts'), root]);
    const err = (await run.then(() => undefined, (e: unknown) => e)) as { code: number; stdout: string } | undefined;
    expect(err?.code).toBe(1);
    expect(err?.stdout).toMatch(/^kb-no-server knowledge-base\/regions\.ts:1 imports node:fs — .+\n1 import-rule violation\n$/);
  });
});

describe('import rules over this repository', () => {
  it('finds no violations', () => {
    const vs = checkRules(collectGraph(ROOT));
    expect(vs.length, `\n${vs.map(formatViolation).join('\n')}\n`).toBe(0);
  });
});
