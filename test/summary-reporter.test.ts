import '../synth/node.ts';
import { describe, expect, it } from 'vitest';
import type { TestModule } from 'vitest/node';
import SummaryReporter from './summary-reporter.ts';

/** A test module as the reporter sees it: its state and its tests' states. */
const fakeModule = (state: string, tests: string[], note?: string) => ({ state: () => state, children: { allTests: () => tests.map((s) => ({ result: () => ({ state: s, ...(s === 'skipped' && note ? { note } : {}) }) })) } }) as unknown as TestModule;

function closingLine(modules: TestModule[], errors: unknown[] = []): string {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    new SummaryReporter().onTestRunEnd(modules, errors);
  } finally {
    process.stdout.write = write;
  }
  return out.trim();
}

describe('the closing summary line', () => {
  it('always counts skipped tests, failed files and unhandled errors', () => {
    expect(closingLine([fakeModule('passed', ['passed', 'passed'])])).toBe('2 passed, 0 failed, 0 skipped');
    expect(closingLine([fakeModule('passed', ['passed', 'skipped', 'pending']), fakeModule('failed', [])], [new Error('x')])).toBe('1 passed, 2 failed, 2 skipped');
  });

  it('names the reasons tests gave for skipping themselves, with their count, above the line', () => {
    const tool = fakeModule('passed', ['passed', 'skipped', 'skipped'], 'shellcheck is not installed (apt-get install shellcheck)');
    expect(closingLine([tool, fakeModule('passed', ['skipped'])]).split('\n')).toEqual(['skipped 2 tests: shellcheck is not installed (apt-get install shellcheck)', '1 passed, 0 failed, 3 skipped']);
  });
});
