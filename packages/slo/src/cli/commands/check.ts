import { join } from 'node:path';
import type { SpecError } from '@tracseq/contract';
import { fileProblem } from '../cli-errors.js';
import { type Command, EXIT } from '../command.js';
import { GENERATION_FLAGS } from '../common-flags.js';
import { prepareGeneration } from '../generation-run.js';
import { print, printResult, printWarnings } from '../print.js';
import { runPromtoolTests } from '../run-promtool-tests.js';
import { shellCommand } from '../shell-command.js';

/** `tracseq-slo check PATH...`: what CI runs. Validates, regenerates in memory, diffs, tests. */
export const checkCommand: Command = {
  name: 'check',
  synopsis: 'PATH...',
  summary: 'validate, regenerate in memory, fail on stale output, then run promtool (what CI runs)',
  details:
    'Compares what generate would write with the files on disk, for the inputs of this run only:\n' +
    'files generated from other inputs (e.g. on-call files without --lab-settings) are neither\n' +
    'reported nor touched. The fix it prints is the generate command with the same arguments,\n' +
    'which deletes nothing but outputs of this run no longer produced. Takes the flags of generate.',
  flags: GENERATION_FLAGS,
  async run(context) {
    const run = prepareGeneration(context, 'check');
    const { plan, outDir } = run;
    const fix = `run ${shellCommand(['tracseq-slo', 'generate', ...context.args.filter((a) => a !== '--json' && a !== '--debug')])}`;
    const errors: SpecError[] = [
      ...plan.missing.map((path) => fileProblem(join(outDir, path), 'generated file is missing', fix)),
      ...plan.changed.map((path) => fileProblem(join(outDir, path), 'generated file is out of date', fix)),
      ...plan.deleted.map((path) =>
        fileProblem(
          join(outDir, path),
          'generated file is no longer produced by its input, an input of this run',
          fix,
        ),
      ),
      ...plan.conflicts.map((c) => fileProblem(join(outDir, c.path), c.message, c.hint)),
    ];
    const alertmanager = run.alertmanager;
    if (alertmanager !== undefined && alertmanager.onDisk !== alertmanager.content) {
      errors.push(
        fileProblem(
          alertmanager.path,
          alertmanager.onDisk === undefined ? 'generated file is missing' : 'generated file is out of date',
          fix,
        ),
      );
    }
    if (errors.length > 0) {
      printResult(context.json, errors, run.warnings);
      return EXIT.invalid;
    }
    const current =
      `${run.expected.size + (alertmanager ? 1 : 0)} generated file(s) in ${outDir} are current` +
      (plan.leftAlone.length > 0 ? ` (${plan.leftAlone.length} of inputs not in this run not checked)` : '');
    if (!context.json) {
      printWarnings(run.warnings);
      print(current);
    }
    const tested = await runPromtoolTests(outDir);
    if (context.json) {
      printResult(
        context.json,
        tested.ok ? [] : [fileProblem(outDir, tested.summary, 'see the promtool output above')],
        run.warnings,
        { summary: `${current}; ${tested.summary}` },
      );
    } else {
      print(tested.summary);
    }
    return tested.ok ? EXIT.ok : EXIT.invalid;
  },
};
