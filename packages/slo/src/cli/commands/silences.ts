import { parseDuration } from '@tracseq/contract';
import {
  AlertmanagerApiError,
  applySilences,
  buildSilences,
  DEFAULT_SILENCE_HORIZON_MS,
  labAlertInputs,
} from '@tracseq/oncall';
import { fileProblem, UsageError } from '../cli-errors.js';
import { type Command, EXIT, stringFlag } from '../command.js';
import { note, print, printResult } from '../print.js';
import { readLabSettingsFile } from '../read-lab-settings-file.js';

/** `tracseq-slo silences LAB_SETTINGS`: maintenance windows as Alertmanager silences. */
export const silencesCommand: Command = {
  name: 'silences',
  synopsis: 'LAB_SETTINGS',
  summary:
    'an Alertmanager silence per maintenance window not yet over (and per occurrence of a recurring one within --horizon); with --alertmanager-url, create them (once)',
  flags: {
    at: {
      type: 'string',
      value: 'RFC3339',
      description: 'the time that decides which windows are over (default now)',
    },
    horizon: {
      type: 'string',
      value: 'DURATION',
      description: 'how far ahead occurrences of recurring windows get silences (default 7d)',
    },
    'alertmanager-url': {
      type: 'string',
      value: 'URL',
      description: 'create the silences through this Alertmanager API, skipping ones that exist',
    },
  },
  async run(context) {
    const [file, ...extra] = context.positionals;
    if (file === undefined || extra.length > 0)
      throw new UsageError('give one LAB_SETTINGS file', 'silences');
    const atFlag = stringFlag(context, 'at');
    const at = atFlag === undefined ? new Date() : new Date(atFlag);
    if (Number.isNaN(at.getTime())) {
      throw new UsageError(`--at ${atFlag} is not an RFC 3339 time, e.g. 2026-12-01T06:00:00Z`, 'silences');
    }
    const horizonFlag = stringFlag(context, 'horizon');
    let horizonMs = DEFAULT_SILENCE_HORIZON_MS;
    if (horizonFlag !== undefined) {
      try {
        horizonMs = parseDuration(horizonFlag) * 1000;
      } catch (error) {
        throw new UsageError(`--horizon: ${(error as Error).message}`, 'silences');
      }
    }
    const silences = buildSilences(labAlertInputs(readLabSettingsFile(file)), at, horizonMs);
    const url = stringFlag(context, 'alertmanager-url');
    if (url === undefined) {
      print(JSON.stringify(silences, null, 2));
      if (!context.json) {
        note(
          `${silences.length} silence(s) for maintenance windows of ${file} not over at ${at.toISOString()}; give --alertmanager-url to create them`,
        );
      }
      return EXIT.ok;
    }
    try {
      const applied = await applySilences(url, silences);
      if (context.json) print(JSON.stringify(applied, null, 2));
      else {
        for (const a of applied) {
          print(
            `${a.created ? 'created' : 'exists '} ${a.id} ${a.silence.startsAt}..${a.silence.endsAt} ${a.silence.comment}`,
          );
        }
        const created = applied.filter((a) => a.created).length;
        print(`${created} silence(s) created, ${applied.length - created} already in Alertmanager at ${url}`);
      }
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof AlertmanagerApiError)) throw error;
      if (context.json)
        printResult(true, [
          fileProblem(url, error.message, 'check --alertmanager-url and that Alertmanager is up'),
        ]);
      else note(`tracseq-slo: ${error.message}`);
      return EXIT.invalid;
    }
  },
};
