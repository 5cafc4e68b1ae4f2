import * as core from '@actions/core';
import { InputError, parseInputs } from './inputs.ts';
import { safeLines } from './log-safe.ts';
import { runAction } from './run.ts';

/** The entry point: inputs in, one orchestrating call, outputs and the job summary out, one catch. */
async function main(): Promise<void> {
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    const outcome = await runAction(inputs, { env: process.env, log: (l) => { for (const line of safeLines(l)) core.info(line); }, warn: (l) => core.warning(l), addPath: (d) => core.addPath(d) });
    core.setOutput('applied', JSON.stringify(outcome.applied));
    core.setOutput('failed', JSON.stringify(outcome.failed));
    core.setOutput('summary-json', JSON.stringify(outcome.results.map(({ planText: _planText, ...r }) => r)));
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(outcome.report, true).write();
    else for (const line of safeLines(outcome.report)) core.info(line);
    if (outcome.error) core.setFailed(outcome.error);
    else if (outcome.failed.length) core.setFailed(`${outcome.failed.length} of ${outcome.results.length} stack(s) failed: ${outcome.failed.join(', ')}. The job summary says why.`);
  } catch (e) {
    core.setFailed(e instanceof InputError ? e.message : `AutoStack stopped: ${(e as Error).message.split('\n')[0]}`);
  }
}

await main();
