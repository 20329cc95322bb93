import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    // Fails the run when a test leaves a tracseq-* temp folder behind.
    globalSetup: ['@tracseq/testkit/temp-dir-guard'],
  },
});
