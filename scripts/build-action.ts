import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

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
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(outfile, 'utf8');
  } catch {
    current = '';
  }
  if (current !== text) {
    console.error('action/dist/index.js is stale: run `npm run build:action` and commit the result.');
    process.exit(1);
  }
  console.log(`action/dist/index.js is up to date (${(text.length / 1024).toFixed(0)} KiB)`);
} else {
  mkdirSync(`${root}action/dist`, { recursive: true });
  writeFileSync(outfile, text);
  console.log(`wrote action/dist/index.js (${(text.length / 1024).toFixed(0)} KiB)`);
}
