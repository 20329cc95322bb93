import type { AlertingRule, RuleFile } from '@tracseq/contract';
import {
  formatDuration,
  formatNumber,
  INSTRUMENT_LABEL,
  METRICS,
  OPERATIONAL_ALERTS,
  parseDuration,
  quoteLabelValue,
  renderMatchers,
} from '@tracseq/contract';
import { OPERATIONAL_TEST_STEP_SECONDS } from './check-test-delays.js';
import type { LabAlertInputs } from './lab-alert-inputs.js';
import type { OperationalOptions } from './operational-options.js';

interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpectedAlert[];
}

interface UnitTest {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: AlertTest[];
}

/** A promtool `test rules` file of operational alerts. */
export interface OperationalTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly tests: readonly UnitTest[];
}

const STEP = OPERATIONAL_TEST_STEP_SECONDS;
const M = METRICS;

function series(name: string, labels: Record<string, string>): string {
  return `${name}${renderMatchers(Object.entries(labels).map(([label, value]) => ({ name: label, op: '=' as const, value })))}`;
}

/** Prometheus's `humanize` for 1 <= |v| < 1000 and `humanizePercentage` on top of it. */
function humanizePercentage(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(4))}%`;
}

/**
 * The annotation text Prometheus will render for `value` and `labels`: the expectation side of
 * the generated tests, covering the template forms the operational rules use.
 */
function render(template: string, labels: Record<string, string>, value: number): string {
  return template
    .replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, name: string) => labels[name] ?? '')
    .replace(/\{\{ \$value \| humanizePercentage \}\}/g, humanizePercentage(value))
    .replace(/\{\{ \$value \| printf "%\.(\d)f" \}\}/g, (_, digits: string) => value.toFixed(Number(digits)));
}

function expected(rule: AlertingRule, labels: Record<string, string>, value: number): ExpectedAlert {
  const all = { ...labels, ...rule.labels };
  const annotations: Record<string, string> = {};
  for (const [key, template] of Object.entries(rule.annotations))
    annotations[key] = render(template, all, value);
  return { exp_labels: all, exp_annotations: annotations };
}

function findRule(rules: RuleFile, alert: string, severity?: string, exprPart?: string): AlertingRule {
  const found = rules.groups
    .flatMap((g) => g.rules)
    .find(
      (r): r is AlertingRule =>
        'alert' in r &&
        r.alert === alert &&
        (severity === undefined || r.labels.severity === severity) &&
        (exprPart === undefined || r.expr.includes(exprPart)),
    );
  if (!found) throw new Error(`no generated rule ${alert} ${severity ?? ''} ${exprPart ?? ''}`);
  return found;
}

/** `n` samples of one value, in promtool's expanding notation. */
function flat(value: number, samples: number): string {
  return `${formatNumber(value)}x${samples - 1}`;
}

function storageTests(inputs: LabAlertInputs, rules: RuleFile, o: OperationalOptions): UnitTest[] {
  const zone = inputs.zones[0];
  if (zone === undefined) return [];
  const full = `${o.alertPrefix}${OPERATIONAL_ALERTS.storageAlmostFull}`;
  const predicted = `${o.alertPrefix}${OPERATIONAL_ALERTS.storagePredictedFull}`;
  const s = o.storage;
  const labels = { service: 'storage-service', zone: zone.name };
  const alertLabels = { alertname: full, ...labels, [INSTRUMENT_LABEL]: zone.name };
  const capacity = zone.capacity;
  const horizon = Math.max(parseDuration(s.criticalFor), parseDuration(s.warningFor)) + 2 * STEP;
  const samples = horizon / STEP + 1;
  const fill = (ratio: number) => [
    { series: series(M.storageCapacity.name, labels), values: flat(capacity, samples) },
    { series: series(M.storageUsed.name, labels), values: flat(Math.round(capacity * ratio), samples) },
  ];
  const warnRatio =
    Math.ceil(capacity * (s.warningRatio + (s.criticalRatio - s.warningRatio) / 2)) / capacity;
  const critRatio = Math.ceil(capacity * (s.criticalRatio + (1 - s.criticalRatio) / 2)) / capacity;
  const quietRatio = Math.floor(capacity * s.warningRatio - 1) / capacity;
  const warning = findRule(rules, full, 'warning');
  const critical = findRule(rules, full, 'critical');
  const before = (d: string) => formatDuration(parseDuration(d) - STEP);
  const after = (d: string) => formatDuration(parseDuration(d) + STEP);

  // Linear fill from half full that reaches capacity at 12 h: predicted full within 24 h while
  // still under the warning ratio at the time of evaluation.
  const lookback = parseDuration(s.predictLookback);
  const evalAt = lookback + parseDuration(s.predictFor) + 10 * STEP;
  const perStep = (capacity / 2 / (12 * 3_600)) * STEP;
  const usedAtEval = capacity / 2 + (perStep * evalAt) / STEP;
  const predictedValue = usedAtEval + (perStep / STEP) * parseDuration(s.predictHorizon);
  const steps = evalAt / STEP;
  const tests: UnitTest[] = [
    {
      name: `${full}: zone ${zone.name} at ${humanizePercentage(warnRatio)} tickets after ${s.warningFor}, never pages`,
      interval: formatDuration(STEP),
      input_series: fill(warnRatio),
      alert_rule_test: [
        { eval_time: before(s.warningFor), alertname: full, exp_alerts: [] },
        {
          eval_time: after(s.warningFor),
          alertname: full,
          exp_alerts: [expected(warning, alertLabels, warnRatio)],
        },
      ],
    },
    {
      name: `${full}: zone ${zone.name} at ${humanizePercentage(critRatio)} pages after ${s.criticalFor}`,
      interval: formatDuration(STEP),
      input_series: fill(critRatio),
      alert_rule_test: [
        { eval_time: before(s.criticalFor), alertname: full, exp_alerts: [] },
        {
          eval_time: formatDuration(horizon),
          alertname: full,
          exp_alerts: [expected(critical, alertLabels, critRatio), expected(warning, alertLabels, critRatio)],
        },
      ],
    },
    {
      name: `${full}: zone ${zone.name} at ${humanizePercentage(quietRatio)} stays quiet`,
      interval: formatDuration(STEP),
      input_series: fill(quietRatio),
      alert_rule_test: [
        { eval_time: formatDuration(horizon), alertname: full, exp_alerts: [] },
        { eval_time: formatDuration(horizon), alertname: predicted, exp_alerts: [] },
      ],
    },
    {
      name: `${predicted}: zone ${zone.name} filling to capacity in 12h is predicted full within ${s.predictHorizon}`,
      interval: formatDuration(STEP),
      input_series: [
        { series: series(M.storageCapacity.name, labels), values: flat(capacity, steps + 1) },
        {
          series: series(M.storageUsed.name, labels),
          values: `${formatNumber(capacity / 2)}+${formatNumber(perStep)}x${steps}`,
        },
      ],
      alert_rule_test: [
        {
          eval_time: formatDuration(evalAt),
          alertname: predicted,
          exp_alerts: [
            expected(findRule(rules, predicted), { ...alertLabels, alertname: predicted }, predictedValue),
          ],
        },
        { eval_time: formatDuration(evalAt), alertname: full, exp_alerts: [] },
      ],
    },
  ];
  return tests;
}

function temperatureTests(inputs: LabAlertInputs, rules: RuleFile, o: OperationalOptions): UnitTest[] {
  const name = `${o.alertPrefix}${OPERATIONAL_ALERTS.temperature}`;
  return inputs.zones.map((zone) => {
    const margin = zone.temperatureMargin ?? o.temperature.margin;
    const forSeconds = parseDuration(zone.temperatureFor ?? o.temperature.for);
    const rule = findRule(rules, name, undefined, `zone=${quoteLabelValue(zone.name)}`);
    const labels = { service: 'storage-service', zone: zone.name };
    const samples = forSeconds / STEP + 3;
    const warm = zone.temperature + margin + 1;
    const other = inputs.zones.find((z) => z.name !== zone.name);
    return {
      name: `${name}: zone ${zone.name} ${formatNumber(margin + 1)} °C above target fires after ${formatDuration(forSeconds)}; within the margin stays quiet`,
      interval: formatDuration(STEP),
      input_series: [
        { series: series(M.storageTemperature.name, labels), values: flat(warm, samples) },
        // A reading just inside the margin on the far side must not fire.
        ...(other === undefined
          ? []
          : [
              {
                series: series(M.storageTemperature.name, { service: 'storage-service', zone: other.name }),
                values: flat(
                  other.temperature - (other.temperatureMargin ?? o.temperature.margin) + 0.5,
                  samples,
                ),
              },
            ]),
      ],
      alert_rule_test: [
        { eval_time: formatDuration(forSeconds - STEP), alertname: name, exp_alerts: [] },
        {
          eval_time: formatDuration(forSeconds + STEP),
          alertname: name,
          exp_alerts: [
            expected(rule, { alertname: name, ...labels, [INSTRUMENT_LABEL]: zone.name }, margin + 1),
          ],
        },
      ],
    };
  });
}

function breakerTests(inputs: LabAlertInputs, rules: RuleFile, o: OperationalOptions): UnitTest[] {
  const name = `${o.alertPrefix}${OPERATIONAL_ALERTS.breakerStuckOpen}`;
  const alertRules = rules.groups
    .flatMap((g) => g.rules)
    .filter((r): r is AlertingRule => 'alert' in r && r.alert === name);
  return inputs.criticalBreakers.flatMap((selector, i) => {
    const rule = alertRules[i];
    if (rule === undefined) return [];
    const { lab = inputs.lab, instrument = 'any-instrument', operation = 'any-operation' } = selector.match;
    const breaker = `${lab}/${instrument}/${operation}`;
    const limit = Math.max(STEP, Math.ceil(selector.openAlertAfterMs / 1000 / STEP) * STEP);
    const samples = limit / STEP + 4;
    const state = (value: string, s: string, b = breaker) => ({
      series: series(M.circuitBreakerState.name, { service: 'sample-service', breaker: b, state: s }),
      values: value,
    });
    const maintenance = `${lab}/${instrument}/maintained-operation`;
    return [
      {
        name: `${name}: ${breaker} open (flapping through half-open) for over ${formatDuration(limit)} fires; forced_open never does`,
        interval: formatDuration(STEP),
        input_series: [
          // Open, one scrape half-open, open again: still one unbroken outage.
          state(`1 1 0 ${flat(1, samples - 3)}`, 'open'),
          state(`0 0 1 ${flat(0, samples - 3)}`, 'half_open'),
          state(flat(1, samples), 'forced_open', maintenance),
        ],
        alert_rule_test: [
          { eval_time: formatDuration(limit - STEP), alertname: name, exp_alerts: [] },
          {
            eval_time: formatDuration(limit + STEP),
            alertname: name,
            exp_alerts: [
              expected(
                rule,
                { alertname: name, service: 'sample-service', breaker, lab, [INSTRUMENT_LABEL]: instrument },
                1,
              ),
            ],
          },
        ],
      },
    ];
  });
}

/**
 * promtool tests proving each lab alert fires where it should (with its rendered summary and
 * description) and stays quiet just below its threshold or during maintenance.
 */
export function buildLabOperationalTests(
  inputs: LabAlertInputs,
  rules: RuleFile,
  ruleFile: string,
  options: OperationalOptions,
): OperationalTestFile {
  return {
    rule_files: [ruleFile],
    evaluation_interval: formatDuration(STEP),
    tests: [
      ...storageTests(inputs, rules, options),
      ...temperatureTests(inputs, rules, options),
      ...breakerTests(inputs, rules, options),
    ],
  };
}

/** promtool tests of the platform alerts: targets down, telemetry losses, Watchdog. */
export function buildPlatformOperationalTests(
  rules: RuleFile,
  ruleFile: string,
  o: OperationalOptions,
): OperationalTestFile {
  const down = `${o.alertPrefix}${OPERATIONAL_ALERTS.targetDown}`;
  const jobFor = parseDuration(o.jobDownFor);
  const targetFor = parseDuration(o.targetDownFor);
  const horizon = Math.max(jobFor, targetFor) + 2 * STEP;
  const samples = horizon / STEP + 1;
  const up = (instance: string, value: number) => ({
    series: series('up', { job: 'sample-service', instance }),
    values: flat(value, samples),
  });
  const target = (instance: string) => ({ alertname: down, job: 'sample-service', instance });
  const window = parseDuration(o.telemetryLossWindow);
  const lossAt = 3 * window;
  const lossSamples = lossAt / STEP + 1;
  const perStep = 5;
  const lost = perStep * (window / STEP);
  const loss = (
    key: keyof typeof OPERATIONAL_ALERTS,
    metric: string,
    labels: Record<string, string>,
    quiet?: Record<string, string>,
  ) => {
    const name = `${o.alertPrefix}${OPERATIONAL_ALERTS[key]}`;
    const quietSeries =
      quiet === undefined
        ? []
        : [{ series: series(metric, quiet), values: `0+${perStep}x${lossSamples - 1}` }];
    return {
      name: `${name}: ${lost} lost in ${o.telemetryLossWindow} fires; a flat counter stays quiet`,
      interval: formatDuration(STEP),
      input_series: [
        { series: series(metric, labels), values: `0+${perStep}x${lossSamples - 1}` },
        { series: series(metric, { ...labels, service: 'quiet-service' }), values: flat(3, lossSamples) },
        ...quietSeries,
      ],
      alert_rule_test: [
        {
          eval_time: formatDuration(lossAt),
          alertname: name,
          exp_alerts: [expected(findRule(rules, name), { alertname: name, ...labels }, lost)],
        },
      ],
    };
  };
  const watchdog = `${o.alertPrefix}${OPERATIONAL_ALERTS.watchdog}`;
  return {
    rule_files: [ruleFile],
    evaluation_interval: formatDuration(STEP),
    tests: [
      {
        name: `${down}: one target down tickets after ${o.targetDownFor}; the job still has a live target so nothing pages`,
        interval: formatDuration(STEP),
        input_series: [up('10.0.0.1:8080', 0), up('10.0.0.2:8080', 1)],
        alert_rule_test: [
          { eval_time: formatDuration(targetFor - STEP), alertname: down, exp_alerts: [] },
          {
            eval_time: formatDuration(horizon),
            alertname: down,
            exp_alerts: [expected(findRule(rules, down, 'warning'), target('10.0.0.1:8080'), 0)],
          },
        ],
      },
      {
        name: `${down}: every target of a job down pages after ${o.jobDownFor}`,
        interval: formatDuration(STEP),
        input_series: [up('10.0.0.1:8080', 0), up('10.0.0.2:8080', 0)],
        alert_rule_test: [
          { eval_time: formatDuration(jobFor - STEP), alertname: down, exp_alerts: [] },
          {
            eval_time: formatDuration(horizon),
            alertname: down,
            exp_alerts: [
              expected(findRule(rules, down, 'critical'), { alertname: down, job: 'sample-service' }, 0),
              expected(findRule(rules, down, 'warning'), target('10.0.0.1:8080'), 0),
              expected(findRule(rules, down, 'warning'), target('10.0.0.2:8080'), 0),
            ],
          },
        ],
      },
      loss(
        'logRecordsLost',
        M.logRecords.name,
        { service: 'sample-service', destination: 'elasticsearch', outcome: 'dropped' },
        { service: 'sample-service', destination: 'elasticsearch', outcome: 'shipped' },
      ),
      loss('spansDropped', M.spansDropped.name, { service: 'sample-service' }),
      loss('seriesDropped', M.seriesDropped.name, {
        service: 'sample-service',
        metric: M.httpServerRequestDuration.name,
      }),
      {
        name: `${watchdog}: always firing`,
        interval: formatDuration(STEP),
        input_series: [],
        alert_rule_test: [
          {
            eval_time: formatDuration(STEP),
            alertname: watchdog,
            exp_alerts: [expected(findRule(rules, watchdog), { alertname: watchdog }, 1)],
          },
        ],
      },
    ],
  };
}
