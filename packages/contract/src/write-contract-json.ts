#!/usr/bin/env node
// Thin CLI behind `npm run generate`: writes the contract's JSON export to each given file
// (the contract package's own copy and the one `@tracseq/telemetry/contract.json` serves).
import { writeFileSync } from 'node:fs';
import { renderContractJson } from './metrics/contract-json.js';

const outs = process.argv.slice(2);
if (outs.length === 0) {
  process.stderr.write('usage: write-contract-json OUT_FILE...\n');
  process.exit(2);
}
for (const out of outs) writeFileSync(out, renderContractJson());
