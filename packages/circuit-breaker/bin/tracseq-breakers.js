#!/usr/bin/env node
// tracseq-breakers: the command line of @tracseq/circuit-breaker (src/cli/main.ts, compiled to
// dist/). Committed so npm links it at install time, before anything is built.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(main)) {
  const { run } = await import(main.href);
  process.exitCode = run(process.argv.slice(2));
} else {
  process.stderr.write(
    `tracseq-breakers: ${fileURLToPath(main)} is missing: @tracseq/circuit-breaker is not built. Fix: run \`npm run build\` at the repository root\n`,
  );
  process.exitCode = 3;
}
