#!/usr/bin/env node
// Thin CLI behind `npm run generate`: writes the lab settings' JSON Schema to the given file.
import { writeFileSync } from 'node:fs';
import { LAB_SETTINGS_SCHEMA } from './lab-settings-schema.js';

const out = process.argv[2];
if (out === undefined) {
  process.stderr.write('usage: write-lab-settings-schema OUT_FILE\n');
  process.exit(2);
}
writeFileSync(out, `${JSON.stringify(LAB_SETTINGS_SCHEMA, null, 2)}\n`);
