import { collectGate } from '../../gate/collect-gate.js';
import type { GateResult } from '../../gate/gate-model.js';
import { renderGateText } from '../../gate/render-gate.js';
import { createPrometheusClient, PrometheusError } from '../../report/prometheus-client.js';
import { parseReportFlags } from '../../report/report-options.js';
import { planSlos } from '../../rules/slo-plan.js';
import { fileProblem, InputError, UsageError } from '../cli-errors.js';
import { type Command, EXIT, stringFlag } from '../command.js';
import { loadSpecPaths } from '../load-spec-paths.js';
import { note, print, printWarnings } from '../print.js';
import { PROMETHEUS_FLAG } from '../prometheus-flag.js';

/** What `--on-unknown` accepts; `deny` (the default) fails closed. */
const ON_UNKNOWN = ['allow', 'deny'] as const;

/** `tracseq-slo gate [PATH...] --prometheus URL`: may a deploy go ahead under the error-budget policies? */
export const gateCommand: Command = {
  name: 'gate',
  synopsis: '[PATH...]',
  summary:
    'deploy gate: exit 0 when every SLO with a policy has at least policy.minBudgetLeft of its budget left, 4 when one has less, 5 when unknown (PATH default prometheus/slos)',
  details:
    'Reads each budget with the raw SLI queries of `report` over the SLO period, so it needs no recording rules.',
  exitCodes:
    'exit codes: 0 pass, 1 invalid input, 2 usage, 4 an SLO below its policy, 5 unknown (Prometheus unreachable or an SLI without series; 0 with a warning under --on-unknown allow)',
  flags: {
    prometheus: PROMETHEUS_FLAG,
    service: { type: 'string', value: 'S', description: 'gate only the SLOs of this service' },
    'on-unknown': {
      type: 'string',
      value: 'allow|deny',
      description: 'pass or fail when a budget cannot be read (default deny: exit 5)',
    },
    at: { type: 'string', value: 'RFC3339', description: 'read the budget at this time (default now)' },
  },
  async run(context) {
    let options: ReturnType<typeof parseReportFlags>;
    try {
      options = parseReportFlags(
        { prometheus: stringFlag(context, 'prometheus'), at: stringFlag(context, 'at') },
        Math.floor(Date.now() / 1000),
      );
    } catch (error) {
      throw new UsageError((error as Error).message, 'gate');
    }
    const onUnknown = stringFlag(context, 'on-unknown') ?? 'deny';
    if (!(ON_UNKNOWN as readonly string[]).includes(onUnknown))
      throw new UsageError(`--on-unknown: "${onUnknown}" is not one of ${ON_UNKNOWN.join(', ')}`, 'gate');
    const paths = context.positionals.length > 0 ? context.positionals : ['prometheus/slos'];
    const loaded = loadSpecPaths(paths, 'gate');
    if (!context.json) printWarnings(loaded.warnings);
    const service = stringFlag(context, 'service');
    const specs = loaded.specs.filter((s) => service === undefined || s.spec.service === service);
    if (service !== undefined && specs.length === 0) {
      throw new InputError([
        fileProblem(
          paths.join(' '),
          `--service ${service}: no spec defines this service`,
          `use one of: ${[...new Set(loaded.specs.map((s) => s.spec.service))].join(', ')}`,
        ),
      ]);
    }
    const plans = specs.flatMap((s) => planSlos(s.spec));
    const unknownExit = onUnknown === 'allow' ? EXIT.ok : EXIT.unknown;
    let result: GateResult;
    try {
      result = await collectGate(
        createPrometheusClient(options.prometheusUrl),
        plans,
        options.at,
        loaded.specs.flatMap((s) => planSlos(s.spec)),
      );
    } catch (error) {
      if (!(error instanceof PrometheusError)) throw error;
      const verdict = onUnknown === 'allow' ? 'allowed' : 'denied';
      if (context.json) {
        print(
          JSON.stringify(
            { ok: unknownExit === EXIT.ok, verdict: 'unknown', error: error.message, onUnknown },
            null,
            2,
          ),
        );
      }
      note(
        `tracseq-slo: ${onUnknown === 'allow' ? 'warning: ' : ''}${error.message}; budget unknown, deploy ${verdict} (--on-unknown ${onUnknown})`,
      );
      return unknownExit;
    }
    const exit =
      result.verdict === 'pass' ? EXIT.ok : result.verdict === 'fail' ? EXIT.belowPolicy : unknownExit;
    if (context.json) print(JSON.stringify({ ok: exit === EXIT.ok, onUnknown, ...result }, null, 2));
    else print(renderGateText(result));
    if (result.slos.length === 0)
      note(
        `tracseq-slo: no SLO${service === undefined ? '' : ` of ${service}`} declares a policy; nothing to gate`,
      );
    if (result.verdict === 'unknown' && onUnknown === 'allow')
      note('tracseq-slo: warning: some budgets are unknown; deploy allowed by --on-unknown allow');
    return exit;
  },
};
