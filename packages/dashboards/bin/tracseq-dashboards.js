#!/usr/bin/env node
// The `tracseq-dashboards` command. It is committed, not built: npm links a workspace's bin only
// when the target exists at install time, and dist/ is built after `npm ci`.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'tracseq-dashboards: @tracseq/dashboards is not built (dist/cli/main.js is missing); run npm run build\n',
  );
  process.exit(3);
}
await import(main.href);
