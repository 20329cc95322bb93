import { type Command, InputError, UsageError } from './command.js';
import { readSettings } from './read-settings.js';

/** `tracseq-breakers validate SETTINGS...`: checks the breakers of lab settings files. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check the breakers and maintenance windows of lab settings YAML files',
  usage: `usage: tracseq-breakers validate SETTINGS...

Checks the \`breakers\` section and the \`maintenance_windows\` list of each lab settings YAML
file and prints what each holds; every problem is printed on its own line with the field and
the fix.

exit codes: 0 valid, 1 invalid or unreadable settings, 2 usage`,
  options: {},
  run({ positionals, output }) {
    if (positionals.length === 0) throw new UsageError('give at least one lab settings file');
    // Every file is checked, so one run lists every problem.
    const failed: InputError[] = [];
    for (const file of positionals) {
      try {
        const config = readSettings(file);
        output.out(
          `${file}: valid: ${config.rules.length} breaker rule(s), ${config.maintenanceWindows.length} instrument maintenance window(s)`,
        );
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        failed.push(error);
      }
    }
    if (failed.length === 0) return 0;
    throw new InputError(
      `${failed.length} of ${positionals.length} lab settings file(s) invalid`,
      failed.flatMap((e) => (e.lines.length > 0 ? e.lines : [e.message])),
      { cause: failed[0] },
    );
  },
};
