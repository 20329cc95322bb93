#!/usr/bin/env node
// Thin CLI behind `npm run generate`: writes the contract's JSON export to the given file.
import { writeFileSync } from 'node:fs';
import { renderContractJson } from './contract-json.js';

const out = process.argv[2];
if (out === undefined) {
  process.stderr.write('usage: write-contract-json OUT_FILE\n');
  process.exit(2);
}
writeFileSync(out, renderContractJson());
