import { collectReplay } from '../../replay/collect-replay.js';
import { renderReplayText } from '../../replay/render-replay.js';
import { parseReplayTime } from '../../replay/replay-time.js';
import { createPrometheusClient, PrometheusError } from '../../report/prometheus-client.js';
import { parseReportFlags } from '../../report/report-options.js';
import { planSlos } from '../../rules/slo-plan.js';
import { UsageError } from '../cli-errors.js';
import { type Command, EXIT, stringFlag } from '../command.js';
import { loadSpecPaths } from '../load-spec-paths.js';
import { note, print, printWarnings } from '../print.js';
import { PROMETHEUS_FLAG } from '../prometheus-flag.js';

/** Most evaluations one alert of one replay may take (30 days at 1s is 2.6 million). */
const MAX_STEPS = 5_000_000;

/** `tracseq-slo replay [PATH...] --prometheus URL --from T --to T`: how noisy a draft SLO would have been. */
export const replayCommand: Command = {
  name: 'replay',
  synopsis: '[PATH...]',
  summary:
    'replay draft SLOs over history: every interval each burn alert (and budget-low, SLI-absent alert) would have fired, pages, tickets, budget spent (PATH default prometheus/slos)',
  details:
    'Runs the generated alerts with their recording rules inlined as range queries (so a new SLO needs no recorded series) and simulates `for:`; writes nothing. T is RFC 3339, now, or a duration before now (-30d).',
  exitCodes: 'exit codes: 0 ok, 1 invalid input, 2 usage, 5 Prometheus unreachable or refusing a query',
  flags: {
    prometheus: PROMETHEUS_FLAG,
    from: {
      type: 'string',
      value: 'T',
      required: true,
      description: 'start of the replay (RFC 3339, now, -30d)',
    },
    to: { type: 'string', value: 'T', required: true, description: 'end of the replay (RFC 3339, now, -1h)' },
    step: {
      type: 'string',
      value: 'DURATION',
      description: 'rule evaluation interval to simulate (default 1m)',
    },
  },
  async run(context) {
    // Whole seconds: relative times print without milliseconds.
    const nowMs = Math.floor(Date.now() / 1000) * 1000;
    let settings: { prometheusUrl: string; fromMs: number; toMs: number; stepMs: number };
    try {
      const from = stringFlag(context, 'from');
      const to = stringFlag(context, 'to');
      const common = parseReportFlags(
        { prometheus: stringFlag(context, 'prometheus'), step: stringFlag(context, 'step') },
        Math.floor(nowMs / 1000),
      );
      if (from === undefined) throw new Error('--from T is required (RFC 3339, now, or -30d)');
      if (to === undefined) throw new Error('--to T is required (RFC 3339, now, or -1h)');
      const fromMs = parseReplayTime('from', from, nowMs);
      const toMs = parseReplayTime('to', to, nowMs);
      const stepMs = common.stepSeconds * 1000;
      if (toMs - fromMs < stepMs)
        throw new Error(
          `--from ${from} must be at least one --step (${stringFlag(context, 'step') ?? '1m'}) before --to ${to}`,
        );
      if ((toMs - fromMs) / stepMs > MAX_STEPS)
        throw new Error(
          `--from ${from} --to ${to} at --step ${stringFlag(context, 'step') ?? '1m'} is more than ${MAX_STEPS} evaluations: use a longer --step`,
        );
      settings = { prometheusUrl: common.prometheusUrl, fromMs, toMs, stepMs };
    } catch (error) {
      throw new UsageError((error as Error).message, 'replay');
    }
    const loaded = loadSpecPaths(
      context.positionals.length > 0 ? context.positionals : ['prometheus/slos'],
      'replay',
    );
    if (!context.json) printWarnings(loaded.warnings);
    const plans = loaded.specs.flatMap((s) => planSlos(s.spec));
    try {
      const replay = await collectReplay(createPrometheusClient(settings.prometheusUrl), plans, settings);
      print(context.json ? JSON.stringify({ ok: true, ...replay }, null, 2) : renderReplayText(replay));
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof PrometheusError)) throw error;
      if (context.json) print(JSON.stringify({ ok: false, error: error.message }, null, 2));
      note(`tracseq-slo: ${error.message}; nothing replayed`);
      return EXIT.prometheusUnreachable;
    }
  },
};
