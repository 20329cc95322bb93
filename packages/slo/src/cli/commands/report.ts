import { resolve } from 'node:path';
import { collectReport } from '../../report/collect-report.js';
import { renderReportHtml } from '../../report/html/render-report-html.js';
import { createPrometheusClient, PrometheusError } from '../../report/prometheus-client.js';
import { renderReportJson, renderReportMarkdown } from '../../report/render-report.js';
import { parseReportFlags, type ReportFlags } from '../../report/report-options.js';
import { planSlos } from '../../rules/slo-plan.js';
import { fileProblem, UsageError } from '../cli-errors.js';
import { type Command, EXIT } from '../command.js';
import { commitFiles } from '../commit-files.js';
import { loadSpecPaths } from '../load-spec-paths.js';
import { note, print, printResult, printWarnings } from '../print.js';
import { PROMETHEUS_FLAG } from '../prometheus-flag.js';

/** `tracseq-slo report [PATH...] --prometheus URL`: what the SLOs achieved. */
export const reportCommand: Command = {
  name: 'report',
  synopsis: '[PATH...]',
  summary:
    'per SLO from a live Prometheus: achieved SLI, budget left, worst burn, page incidents, time to recover, MTBF (PATH default prometheus/slos)',
  flags: {
    prometheus: PROMETHEUS_FLAG,
    period: { type: 'string', value: 'DURATION', description: "report period (default: each SLO's own)" },
    at: { type: 'string', value: 'RFC3339', description: 'end of the period (default now)' },
    format: {
      type: 'string',
      value: 'markdown|json|html',
      description: 'output format (default markdown); html: one self-contained page with charts',
    },
    calendar: {
      type: 'string',
      value: 'month|YYYY-MM',
      description:
        'report a UTC calendar month instead of a rolling period: month = the month of --at (default now) so far; YYYY-MM = that month (so far while it runs)',
    },
    output: {
      type: 'string',
      value: 'FILE',
      description: 'write the report to FILE (replaced atomically) instead of stdout',
    },
    'recovery-target': {
      type: 'string',
      value: 'DURATION',
      description: 'time-to-recover target (default 5m)',
    },
    step: { type: 'string', value: 'DURATION', description: 'resolution of the alert query (default 1m)' },
  },
  async run(context) {
    let options: ReturnType<typeof parseReportFlags>;
    try {
      options = parseReportFlags(context.flags as ReportFlags, Math.floor(Date.now() / 1000));
    } catch (error) {
      throw new UsageError((error as Error).message, 'report');
    }
    const asJson = context.json || options.format === 'json';
    const loaded = loadSpecPaths(
      context.positionals.length > 0 ? context.positionals : ['prometheus/slos'],
      'report',
    );
    if (!asJson) printWarnings(loaded.warnings);
    try {
      const client = createPrometheusClient(options.prometheusUrl);
      const data = await collectReport(
        client,
        loaded.specs.flatMap((s) => planSlos(s.spec)),
        options,
      );
      const text = asJson
        ? renderReportJson(data)
        : options.format === 'html'
          ? renderReportHtml(data)
          : renderReportMarkdown(data);
      if (options.output === undefined) {
        print(text);
      } else {
        // Staged next to the target and renamed into place: a reader never sees half a page.
        commitFiles([{ path: resolve(options.output), content: text }]);
        note(`tracseq-slo: wrote ${options.output}`);
      }
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof PrometheusError)) throw error;
      if (asJson) {
        printResult(true, [
          fileProblem(options.prometheusUrl, error.message, 'check --prometheus and that Prometheus is up'),
        ]);
      } else {
        note(`tracseq-slo: ${error.message}`);
      }
      return EXIT.invalid;
    }
  },
};
