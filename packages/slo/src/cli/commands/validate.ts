import { type Command, EXIT } from '../command.js';
import { loadSpecPaths } from '../load-spec-paths.js';
import { print, printResult, printWarnings } from '../print.js';

/** `tracseq-slo validate PATH...`: every problem of the specs, one located line each. */
export const validateCommand: Command = {
  name: 'validate',
  synopsis: 'PATH...',
  summary: 'validate SLO specs (files, or directories read recursively for *.yaml/*.yml)',
  details:
    'Reports every problem as FILE:LINE:COL: path: problem. Fix: hint, and warnings (an alert that can\n' +
    'never fire) as warning: lines. PATHs must be regular files or directories; a file over 1 MiB is refused.',
  flags: {},
  async run(context) {
    const loaded = loadSpecPaths(context.positionals, 'validate');
    const slos = loaded.specs.reduce((n, s) => n + s.spec.slos.length, 0);
    const warned = loaded.warnings.length > 0 ? ` (${loaded.warnings.length} warning(s))` : '';
    const summary = `${loaded.specs.length} spec file(s), ${slos} SLO(s): valid${warned}`;
    if (context.json) {
      printResult(true, [], loaded.warnings, { summary });
    } else {
      printWarnings(loaded.warnings);
      print(summary);
    }
    return EXIT.ok;
  },
};
