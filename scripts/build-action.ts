import { mkdirSync } from 'node:fs';
import { build } from 'esbuild';
import { writeOrCheck } from './generated-file.ts';

/**
 * Bundles the Action into one self-contained file (no node_modules on the runner).
 * `--check` rebuilds in memory and fails when action/dist/index.js differs: CI refuses a stale bundle.
 */
const root = new URL('../', import.meta.url).pathname;
const outfile = `${root}action/dist/index.js`;
const result = await build({
  entryPoints: [`${root}action/src/index.ts`],
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  outfile,
  write: false,
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
  // Some bundled CommonJS dependencies call require(): give ESM one.
  banner: { js: "import { createRequire as __autostackCreateRequire } from 'node:module';\nconst require = __autostackCreateRequire(import.meta.url);" },
});
const text = result.outputFiles[0]!.text;
mkdirSync(`${root}action/dist`, { recursive: true });
await writeOrCheck(outfile, text, 'npm run build:action');
