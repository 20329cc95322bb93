import { resolve } from 'node:path';
import { SLO_SPEC_SCHEMA } from '../../spec/schema.js';
import { UsageError } from '../cli-errors.js';
import { type Command, EXIT } from '../command.js';
import { commitFiles } from '../commit-files.js';
import { print } from '../print.js';

/** The published JSON Schema of `tracseq.slo/v1`, as written to `schema/tracseq-slo-v1.schema.json`. */
export function schemaText(): string {
  return `${JSON.stringify(SLO_SPEC_SCHEMA, null, 2)}\n`;
}

/** `tracseq-slo schema [FILE]`: the JSON Schema of the spec format. */
export const schemaCommand: Command = {
  name: 'schema',
  synopsis: '[FILE]',
  summary: 'print the JSON Schema of tracseq.slo/v1, or write it to FILE',
  flags: {},
  async run(context) {
    const [file, ...extra] = context.positionals;
    if (extra.length > 0) throw new UsageError('give at most one FILE', 'schema');
    if (file === undefined) {
      print(schemaText());
      return EXIT.ok;
    }
    commitFiles([{ path: resolve(file), content: schemaText() }]);
    const message = `wrote the JSON Schema of tracseq.slo/v1 to ${file}`;
    if (context.json) print(JSON.stringify({ ok: true, errors: [], warnings: [], summary: message }));
    else print(message);
    return EXIT.ok;
  },
};
