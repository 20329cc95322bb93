import { formatDuration, parseDuration, WINDOW_PLACEHOLDER, withWindow } from '@tracseq/contract';
import { MAX_PERIOD_SECONDS, MIN_PERIOD_SECONDS } from '../alerting/alert-windows.js';
import { checkPromql } from '../sli/check-promql.js';
import { contractHistogram, latencyMetricOf, presetMetricOf } from '../sli/resolve-sli.js';
import type { SchemaProblem } from './schema-validator.js';
import type { CompositeSli, SloSpecFile } from './types.js';

type Problem = SchemaProblem;

/** SLIs whose total counts events (presets, latency, events); `minEvents` needs one. */
function hasEventCounts(sli: SloSpecFile['slos'][number]['sli']): boolean {
  return 'preset' in sli || 'latency' in sli || 'events' in sli;
}

/**
 * What one file can tell about a composite: weights (> 0 and present in `weighted` mode, absent
 * in `serial` mode where they would mean nothing) and components named once. Whether the
 * components exist, and cycles, are checked across files (`checkComposites`).
 */
function checkCompositeComponents(
  composite: CompositeSli['composite'],
  path: (string | number)[],
  out: Problem[],
): void {
  const seen = new Set<string>();
  composite.components.forEach((component, j) => {
    const at = [...path, 'components', j];
    if (seen.has(component.slo)) {
      out.push(
        problem(
          [...at, 'slo'],
          `${component.slo} is already a component of this composite`,
          'name each SLO once',
        ),
      );
    }
    seen.add(component.slo);
    if (composite.mode === 'weighted' && component.weight === undefined) {
      out.push(
        problem(
          at,
          'a weighted composite needs a weight on every component',
          'add weight: N (> 0), e.g. the share of the journey this step stands for',
        ),
      );
    }
    if (composite.mode === 'weighted' && component.weight !== undefined && !(component.weight > 0)) {
      out.push(
        problem(
          [...at, 'weight'],
          `weight ${component.weight} is not above 0`,
          'use a weight above 0, or remove the component',
        ),
      );
    }
    if (composite.mode === 'serial' && component.weight !== undefined) {
      out.push(
        problem(
          [...at, 'weight'],
          'weight has no effect in serial mode (the journey fails when any step fails)',
          'remove weight, or use mode: weighted',
          true,
        ),
      );
    }
  });
}

function problem(path: (string | number)[], message: string, hint: string, atKey = false): Problem {
  return { path, atKey, message, hint };
}

function checkDuration(path: (string | number)[], text: string, out: Problem[]): number | undefined {
  try {
    return parseDuration(text);
  } catch (error) {
    out.push(problem(path, (error as Error).message, 'use whole numbers with d, h, m, s, e.g. 30d or 2h24m'));
    return undefined;
  }
}

function checkQuery(path: (string | number)[], query: string, out: Problem[]): void {
  if (!query.includes(WINDOW_PLACEHOLDER)) {
    out.push(
      problem(
        path,
        `the query has no ${WINDOW_PLACEHOLDER} placeholder, so every alert window would read the same range`,
        `write the range as [${WINDOW_PLACEHOLDER}], e.g. rate(x[${WINDOW_PLACEHOLDER}])`,
      ),
    );
    return;
  }
  const syntax = checkPromql(withWindow(query, '5m'));
  if (syntax)
    out.push(problem(path, syntax, 'correct the PromQL; try it in the Prometheus expression browser'));
}

function checkLabelValues(
  path: (string | number)[],
  labels: Readonly<Record<string, string>> | undefined,
  out: Problem[],
): void {
  for (const [name, value] of Object.entries(labels ?? {})) {
    if (!value.includes('{{')) continue;
    out.push(
      problem(
        [...path, name],
        `label value ${JSON.stringify(value)} holds {{, which Prometheus expands as a template on alerts but not on recording rules`,
        'write the label value literally; templates belong in alerting.annotations',
      ),
    );
  }
}

/**
 * Checks what the schema cannot: durations and their range, PromQL syntax, `{{.window}}`,
 * latency thresholds on contract bucket boundaries, selector labels that exist on the metric,
 * window pairs in order, label values free of `{{`. Assumes the schema passed. (Selector
 * values may hold anything: they are escaped as PromQL strings and never template-expanded.)
 */
export function checkSemantics(file: SloSpecFile): Problem[] {
  const out: Problem[] = [];
  checkLabelValues(['labels'], file.labels, out);
  file.slos.forEach((slo, i) => {
    const at = (...rest: (string | number)[]) => ['slos', i, ...rest];
    checkLabelValues(at('labels'), slo.labels, out);
    checkLabelValues(at('alerting', 'labels'), slo.alerting?.labels, out);
    for (const kind of ['page', 'ticket'] as const) {
      checkLabelValues(at('alerting', kind, 'labels'), slo.alerting?.[kind]?.labels, out);
    }
    if (slo.period !== undefined) {
      const seconds = checkDuration(at('period'), slo.period, out);
      if (seconds !== undefined && (seconds < MIN_PERIOD_SECONDS || seconds > MAX_PERIOD_SECONDS)) {
        out.push(
          problem(
            at('period'),
            `period ${slo.period} is outside 1h..90d`,
            'use a period from 1h to 90d, e.g. 30d',
          ),
        );
      }
    }
    const { sli } = slo;
    if ('events' in sli) {
      checkQuery(at('sli', 'events', 'errorQuery'), sli.events.errorQuery, out);
      checkQuery(at('sli', 'events', 'totalQuery'), sli.events.totalQuery, out);
      if (sli.events.errorQuery.trim() === sli.events.totalQuery.trim()) {
        out.push(
          problem(
            at('sli', 'events', 'errorQuery'),
            'errorQuery is the same as totalQuery, so the error ratio is always 1',
            'select only the bad events in errorQuery (e.g. code=~"5..")',
          ),
        );
      }
    }
    if ('raw' in sli) checkQuery(at('sli', 'raw', 'errorRatioQuery'), sli.raw.errorRatioQuery, out);
    if (slo.alerting?.minEvents !== undefined && !hasEventCounts(sli)) {
      out.push(
        'composite' in sli
          ? problem(
              at('alerting', 'minEvents'),
              "minEvents needs an SLI with event counts, but a composite SLI combines its components' error ratios and counts no events of its own",
              'remove minEvents here and set alerting.minEvents on the components instead',
              true,
            )
          : problem(
              at('alerting', 'minEvents'),
              'minEvents needs an SLI with event counts, but a raw SLI gives only an error ratio',
              'remove minEvents, or write the SLI as events: { errorQuery, totalQuery } (per-second rates)',
              true,
            ),
      );
    }
    if ('composite' in sli) checkCompositeComponents(sli.composite, at('sli', 'composite'), out);
    if ('latency' in sli && contractHistogram(sli.latency.metric) === undefined) {
      out.push(
        problem(
          at('sli', 'latency', 'metric'),
          `${sli.latency.metric} is not a histogram of the telemetry contract`,
          'use e.g. http_server_request_duration_seconds, or an events SLI for other metrics',
        ),
      );
    }
    const latencyMetric = latencyMetricOf(sli);
    const threshold =
      'latency' in sli ? sli.latency.thresholdSeconds : 'preset' in sli ? sli.thresholdSeconds : undefined;
    const thresholdPath =
      'latency' in sli ? at('sli', 'latency', 'thresholdSeconds') : at('sli', 'thresholdSeconds');
    if ('preset' in sli && threshold !== undefined && latencyMetric === undefined) {
      out.push(
        problem(
          thresholdPath,
          `preset ${sli.preset} takes no thresholdSeconds`,
          'remove thresholdSeconds',
          true,
        ),
      );
    }
    if (latencyMetric && threshold !== undefined && !(latencyMetric.buckets ?? []).includes(threshold)) {
      out.push(
        problem(
          thresholdPath,
          `${threshold} s is not a bucket boundary of ${latencyMetric.name}, so the SLI cannot count requests under it`,
          `use one of ${(latencyMetric.buckets ?? []).join(', ')}`,
        ),
      );
    }
    const selector = 'latency' in sli ? sli.latency.selector : 'preset' in sli ? sli.selector : undefined;
    const metric = presetMetricOf(sli);
    if (selector && metric) {
      const allowed = metric.labels.map((l) => l.name);
      for (const key of Object.keys(selector)) {
        if (!allowed.includes(key)) {
          const selectorPath =
            'latency' in sli ? at('sli', 'latency', 'selector', key) : at('sli', 'selector', key);
          out.push(
            problem(
              selectorPath,
              `${metric.name} has no label "${key}"${key === 'service' ? ' (service comes from the file)' : ''}`,
              `use one of ${allowed.join(', ')}`,
              true,
            ),
          );
        }
      }
    }
    if (slo.alertWindows) {
      for (const kind of ['page', 'ticket'] as const) {
        for (const speed of ['quick', 'slow'] as const) {
          const w = slo.alertWindows[kind][speed];
          const base = at('alertWindows', kind, speed);
          const long = checkDuration([...base, 'longWindow'], w.longWindow, out);
          const short = checkDuration([...base, 'shortWindow'], w.shortWindow, out);
          if (long !== undefined && short !== undefined && short >= long) {
            out.push(
              problem(
                [...base, 'shortWindow'],
                `shortWindow ${formatDuration(short)} must be shorter than longWindow ${formatDuration(long)}`,
                'the short window is usually 1/12 of the long one',
              ),
            );
          }
        }
      }
      const sloPeriod = slo.alertWindows.sloPeriod;
      if (sloPeriod !== undefined && sloPeriod !== (slo.period ?? '30d')) {
        out.push(
          problem(
            at('alertWindows', 'sloPeriod'),
            `alertWindows are for a ${sloPeriod} period but the SLO period is ${slo.period ?? '30d'}`,
            'make them equal or drop sloPeriod',
          ),
        );
      }
    }
  });
  return out;
}
