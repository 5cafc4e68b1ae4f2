#!/usr/bin/env node
// Entry point of the `autostack` command. The sources are TypeScript run by Node's own type
// stripping, so the command needs Node 24 or newer; say so plainly instead of failing obscurely.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(`autostack: Node.js 24 or newer is required (this is ${process.version}). Run it through npm (npx autostack) inside the project, which uses the pinned Node 24.\n`);
  process.exit(2);
}
// Cache the compiled (type-stripped) modules between runs: most of a short command's start-up otherwise.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { runCli } = await import('../cli/cli.ts');
const code = await runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  cwd: process.cwd(),
});
process.exitCode = code;
