import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileProblem, UsageError } from '../cli-errors.js';
import { type Command, EXIT, stringFlag } from '../command.js';
import { OUT_FLAG } from '../common-flags.js';
import { print, printResult } from '../print.js';
import { runPromtoolTests } from '../run-promtool-tests.js';

/** `tracseq-slo test`: promtool check rules + test rules on generated files. */
export const testCommand: Command = {
  name: 'test',
  synopsis: '[PATH...]',
  summary: 'promtool check rules + test rules on the generated files of --out (or of the first PATH)',
  flags: OUT_FLAG,
  async run(context) {
    const out = stringFlag(context, 'out');
    const first = context.positionals[0];
    if (out === undefined && first === undefined)
      throw new UsageError('give --out DIR or a spec PATH', 'test');
    const outDir =
      out !== undefined
        ? resolve(out)
        : statSync(first as string, { throwIfNoEntry: false })?.isDirectory()
          ? dirname(resolve(first as string))
          : dirname(dirname(resolve(first as string)));
    const tested = await runPromtoolTests(outDir);
    if (context.json) {
      printResult(
        true,
        tested.ok ? [] : [fileProblem(outDir, tested.summary, 'see the promtool output above')],
        [],
        {
          summary: tested.summary,
        },
      );
    } else {
      print(tested.summary);
    }
    return tested.ok ? EXIT.ok : EXIT.invalid;
  },
};
