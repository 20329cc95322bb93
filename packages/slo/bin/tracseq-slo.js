#!/usr/bin/env node
// `tracseq-slo`: runs the compiled CLI. Committed (dist/ is not), so npm can link the bin
// before the package is built; without a build it says so instead of a module-not-found trace.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'tracseq-slo: the CLI is not built (dist/cli/main.js is missing): run `npm run build` in the repository root first\n',
  );
  process.exit(3);
}
await import(main.href);
