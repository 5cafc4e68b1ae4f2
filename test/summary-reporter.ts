import type { Reporter, TestModule } from 'vitest/node';

/**
 * CI reads one closing line, `N passed, N failed, N skipped`: a run that executed no test shows as
 * 0 passed, and skipped tests are always counted, so a green run never hides a part that did not run.
 * Files that failed to load count as failed. Above it, each reason a test gave for skipping itself
 * (test/tools.ts: `needTool('shellcheck').guard(ctx)` skips saying "shellcheck is missing: run …") with how
 * many tests gave it, so the missing tool is named once with its count.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const reasons = new Map<string, number>();
    for (const m of testModules) {
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else {
          skipped++;
          const note = (t.result() as { note?: string }).note;
          if (note) reasons.set(note, (reasons.get(note) ?? 0) + 1);
        }
      }
    }
    failed += unhandledErrors.length;
    const why = [...reasons].map(([note, n]) => `skipped ${n} test${n === 1 ? '' : 's'}: ${note}\n`).join('');
    process.stdout.write(`\n${why}${summaryLine(passed, failed, skipped)}\n`);
  }
}

export function summaryLine(passed: number, failed: number, skipped: number): string {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}
