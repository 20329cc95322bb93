#!/usr/bin/env node
// Thin CLI behind `npm run generate`: writes the published JSON Schema of tracseq.slo/v1.
import { writeFileSync } from 'node:fs';
import { SLO_SPEC_SCHEMA } from '../spec/schema.js';

const out = process.argv[2];
if (out === undefined) {
  process.stderr.write('usage: write-schema OUT_FILE\n');
  process.exit(2);
}
writeFileSync(out, `${JSON.stringify(SLO_SPEC_SCHEMA, null, 2)}\n`);
