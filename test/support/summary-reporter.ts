import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line that any CI log reader understands ("tests: N passed, N failed,
 * N skipped"), after naming every suite that was skipped, so a missing service cannot go unnoticed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    const skippedSuites = new Set<string>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') count.failed++;
        else {
          count.skipped++;
          const suite = test.parent.type === 'suite' ? test.parent.fullName : '';
          skippedSuites.add(`${module.relativeModuleId}${suite ? ` > ${suite}` : ''}`);
        }
      }
    }
    if (skippedSuites.size > 0) {
      process.stdout.write(`\nSKIPPED suites (${count.skipped} tests):\n${[...skippedSuites].map((suite) => `  - ${suite}`).join('\n')}\n`);
    }
    // An unhandled error fails the run too, so it counts as a failure here.
    const failed = count.failed + unhandledErrors.length;
    process.stdout.write(`\ntests: ${count.passed} passed, ${failed} failed, ${count.skipped} skipped\n`);
  }
}
