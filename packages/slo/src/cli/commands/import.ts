import { importSpec } from '../../import/import-spec.js';
import { UsageError } from '../cli-errors.js';
import { type Command, EXIT } from '../command.js';
import { note, print, printResult, printWarnings } from '../print.js';
import { readInputFile } from '../read-input-file.js';

/** `tracseq-slo import sloth|openslo FILE`: the native spec on stdout. */
export const importCommand: Command = {
  name: 'import',
  synopsis: 'sloth|openslo FILE',
  summary: 'print the native spec of a Sloth or OpenSLO file (warnings on stderr)',
  details:
    'Reads Sloth prometheus/v1 and sloth.slok.dev/v1 PrometheusServiceLevel, OpenSLO openslo/v1alpha and\n' +
    'openslo/v1 ratio metrics. Unsupported constructs are errors naming the field.',
  flags: {},
  async run(context) {
    const [format, file, ...extra] = context.positionals;
    if ((format !== 'sloth' && format !== 'openslo') || file === undefined || extra.length > 0) {
      throw new UsageError('give the format (sloth or openslo) and one FILE', 'import');
    }
    const outcome = importSpec(format, { path: file, text: readInputFile(file, 'file to import') });
    if (outcome.errors.length > 0) {
      printResult(context.json, outcome.errors, outcome.warnings);
      return EXIT.invalid;
    }
    if (context.json) {
      printResult(true, [], outcome.warnings, { spec: outcome.text });
    } else {
      printWarnings(outcome.warnings);
      print(outcome.text ?? '');
      const slos = outcome.spec?.slos.length ?? 0;
      note(`imported ${slos} SLO(s) of service ${outcome.spec?.service ?? '?'} from ${file} (${format})`);
    }
    return EXIT.ok;
  },
};
