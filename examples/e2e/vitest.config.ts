import { defineConfig } from 'vitest/config';

// One file, one long scenario: real Prometheus, Alertmanager and both example services under load.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 90_000,
    // The phases share the running stack and build on each other; never retry a half-run scenario.
    retry: 0,
    // Fails the run when a test leaves a tracseq-* temp folder behind.
    globalSetup: ['@tracseq/testkit/temp-dir-guard'],
  },
});
