import { defineConfig } from 'vitest/config';

// npm pack + two npm installs into fresh apps take most of a minute on a cold cache.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Fails the run when a test leaves a tracseq-* temp folder behind.
    globalSetup: ['@tracseq/testkit/temp-dir-guard'],
  },
});
