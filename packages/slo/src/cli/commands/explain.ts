import { parseDuration } from '@tracseq/contract';
import { explainComposites, renderCompositeExplanations } from '../../explain/explain-composites.js';
import { explainSlos, renderExplanations } from '../../explain/explain-slos.js';
import { planSlos } from '../../rules/slo-plan.js';
import { slowIntervalProblem } from '../../rules/split-groups.js';
import { UsageError } from '../cli-errors.js';
import { type Command, EXIT, stringFlag } from '../command.js';
import { loadSpecPaths } from '../load-spec-paths.js';
import { print, printWarnings } from '../print.js';

/** `tracseq-slo explain PATH...`: the timing math of every alert. */
export const explainCommand: Command = {
  name: 'explain',
  synopsis: 'PATH...',
  summary:
    "per alert: budget spent before it fires, time to detect an outage and a 10x burn, time to reset; per journey: what a component's outage does to it",
  details: 'Bounds are the window math after a clean period, plus for (none) and one evaluation interval.',
  flags: {
    'evaluation-interval': {
      type: 'string',
      value: 'DURATION',
      description: 'rule evaluation interval added to every bound (default 1m)',
    },
    'slow-interval': {
      type: 'string',
      value: 'DURATION',
      description:
        "rules generated with --split-groups: slow groups' interval, added to the detection of slow pairs",
    },
  },
  async run(context) {
    const interval = stringFlag(context, 'evaluation-interval') ?? '1m';
    let seconds: number;
    try {
      seconds = parseDuration(interval);
    } catch (error) {
      throw new UsageError(`--evaluation-interval: ${(error as Error).message}`, 'explain');
    }
    const slowInterval = stringFlag(context, 'slow-interval');
    const slowProblem = slowInterval === undefined ? undefined : slowIntervalProblem(slowInterval);
    if (slowProblem !== undefined)
      throw new UsageError(`--slow-interval ${slowInterval}: ${slowProblem}`, 'explain');
    const loaded = loadSpecPaths(context.positionals, 'explain');
    const plans = loaded.specs.flatMap((s) => planSlos(s.spec));
    const rows = explainSlos(
      plans,
      seconds,
      slowInterval === undefined ? undefined : parseDuration(slowInterval),
    );
    const composites = explainComposites(plans, seconds);
    if (context.json) {
      print(
        JSON.stringify(
          {
            ok: true,
            errors: [],
            warnings: loaded.warnings,
            alerts: rows,
            ...(composites.length > 0 ? { composites } : {}),
          },
          null,
          2,
        ),
      );
    } else {
      printWarnings(loaded.warnings);
      print(renderExplanations(rows, interval, slowInterval) + renderCompositeExplanations(composites));
    }
    return EXIT.ok;
  },
};
