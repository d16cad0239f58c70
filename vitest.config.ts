import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // A worker runs file after file with the modules it has loaded: loading the app anew for each file
    // cost a fifth of the run's CPU. Suites build their own services, and the one file that stands
    // modules in for others loads them afresh and drops them again (extract-document.test.ts).
    isolate: false,
    // Two files at a time: most suites wait on child processes, servers and timers rather than on the
    // CPU, and one at a time (the default on two cores) leaves half the machine idle.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
