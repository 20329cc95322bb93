import type { AlertingRule, RuleFile } from '@tracseq/contract';
import {
  DASHBOARD_UIDS,
  formatDuration,
  formatNumber,
  INSTRUMENT_LABEL,
  METRICS,
  OPERATIONAL_ALERTS,
  parseDuration,
  quoteLabelValue,
  WATCHDOG_SEVERITY,
} from '@tracseq/contract';
import type { LabAlertInputs } from './lab-alert-inputs.js';
import { kebabCase, type OperationalOptions } from './operational-options.js';

/** Dashboards the operational alerts link to (uids of the generated dashboards). */
export const OPERATIONAL_DASHBOARDS = {
  storage: DASHBOARD_UIDS.storageCapacity,
  breakers: DASHBOARD_UIDS.circuitBreakers,
  runtime: DASHBOARD_UIDS.runtime,
  sloOverview: DASHBOARD_UIDS.sloOverview,
} as const;

const M = METRICS;

function alertName(o: OperationalOptions, suffix: string): string {
  return `${o.alertPrefix}${suffix}`;
}

function annotations(
  o: OperationalOptions,
  name: string,
  summary: string,
  description: string,
  dashboard: string,
): Record<string, string> {
  return {
    summary,
    description,
    runbook_url: `${o.runbookBaseUrl}/operational/${kebabCase(name)}`,
    dashboard_url: `${o.grafanaUrl}/d/${dashboard}`,
  };
}

function alert(
  name: string,
  expr: string,
  forDuration: string | undefined,
  labels: Record<string, string>,
  annotationSet: Record<string, string>,
): AlertingRule {
  return {
    alert: name,
    expr,
    ...(forDuration === undefined ? {} : { for: forDuration }),
    labels,
    annotations: annotationSet,
  };
}

function zoneMatcher(inputs: LabAlertInputs): string {
  return `zone=~${quoteLabelValue(inputs.zones.map((z) => z.name).join('|'))}`;
}

/** Copies `zone` into `instrument`, the label maintenance silences match on. */
function zoneAsInstrument(expr: string): string {
  return `label_replace(\n  ${expr.replace(/\n/g, '\n  ')},\n  "${INSTRUMENT_LABEL}", "$1", "zone", "(.+)"\n)`;
}

function storageRules(inputs: LabAlertInputs, o: OperationalOptions): AlertingRule[] {
  if (inputs.zones.length === 0) return [];
  const zones = zoneMatcher(inputs);
  const used = `${M.storageUsed.name}{${zones}}`;
  const capacity = `${M.storageCapacity.name}{${zones}}`;
  const full = alertName(o, OPERATIONAL_ALERTS.storageAlmostFull);
  const s = o.storage;
  const fill = (ratio: number, severity: string, forDuration: string) =>
    alert(
      full,
      zoneAsInstrument(`${used}\n  / ${capacity}\n>= ${formatNumber(ratio)}`),
      forDuration,
      { severity, lab: inputs.lab },
      annotations(
        o,
        full,
        `Storage zone {{ $labels.zone }} is {{ $value | humanizePercentage }} full`,
        `Zone {{ $labels.zone }} of lab ${inputs.lab} (service {{ $labels.service }}) has used {{ $value | humanizePercentage }} of its slots for ${forDuration} (threshold ${formatNumber(ratio * 100)} %). New samples may have nowhere to go.`,
        `${OPERATIONAL_DASHBOARDS.storage}?var-zone={{ $labels.zone }}`,
      ),
    );
  const predicted = alertName(o, OPERATIONAL_ALERTS.storagePredictedFull);
  return [
    fill(s.criticalRatio, 'critical', s.criticalFor),
    fill(s.warningRatio, 'warning', s.warningFor),
    alert(
      predicted,
      zoneAsInstrument(
        `predict_linear(${used}[${s.predictLookback}], ${parseDuration(s.predictHorizon)})\n>= ${capacity}`,
      ),
      s.predictFor,
      { severity: 'warning', lab: inputs.lab },
      annotations(
        o,
        predicted,
        `Storage zone {{ $labels.zone }} will be full within ${s.predictHorizon}`,
        `At the fill rate of the last ${s.predictLookback}, zone {{ $labels.zone }} of lab ${inputs.lab} (service {{ $labels.service }}) is predicted to hold {{ $value | printf "%.0f" }} samples in ${s.predictHorizon}, at or above its capacity.`,
        `${OPERATIONAL_DASHBOARDS.storage}?var-zone={{ $labels.zone }}`,
      ),
    ),
  ];
}

function temperatureRules(inputs: LabAlertInputs, o: OperationalOptions): AlertingRule[] {
  const name = alertName(o, OPERATIONAL_ALERTS.temperature);
  return inputs.zones.map((zone) => {
    const margin = zone.temperatureMargin ?? o.temperature.margin;
    const forDuration = zone.temperatureFor ?? o.temperature.for;
    const target = formatNumber(zone.temperature);
    return alert(
      name,
      zoneAsInstrument(
        `abs(${M.storageTemperature.name}{zone=${quoteLabelValue(zone.name)}} - (${target}))\n> ${formatNumber(margin)}`,
      ),
      forDuration,
      { severity: 'critical', lab: inputs.lab },
      annotations(
        o,
        name,
        `Zone {{ $labels.zone }} is {{ $value | printf "%.1f" }} °C off its ${target} °C target`,
        `The measured temperature of zone {{ $labels.zone }} in lab ${inputs.lab} has been more than ${formatNumber(margin)} °C away from its ${target} °C target for ${forDuration} (now {{ $value | printf "%.1f" }} °C off). Samples stored there may be compromised.`,
        `${OPERATIONAL_DASHBOARDS.storage}?var-zone={{ $labels.zone }}`,
      ),
    );
  });
}

function breakerRules(inputs: LabAlertInputs, o: OperationalOptions): AlertingRule[] {
  const name = alertName(o, OPERATIONAL_ALERTS.breakerStuckOpen);
  return inputs.criticalBreakers.map((selector) => {
    const matchers = [
      'state=~"open|half_open"',
      `breaker=~${quoteLabelValue(selector.include)}`,
      ...(selector.exclude.length > 0 ? [`breaker!~${quoteLabelValue(selector.exclude.join('|'))}`] : []),
    ];
    const limit = formatDuration(Math.max(1, Math.round(selector.openAlertAfterMs / 1000)));
    // forced_open (maintenance) is its own state, so planned work never counts here.
    const open = `max by (service, breaker) (${M.circuitBreakerState.name}{${matchers.join(', ')}}) == 1`;
    const expr = `label_replace(\n  label_replace(\n    ${open},\n    "lab", "$1", "breaker", "([^/]*)/.*"\n  ),\n  "${INSTRUMENT_LABEL}", "$1", "breaker", "[^/]*/([^/]*)/.*"\n)`;
    return alert(
      name,
      expr,
      limit,
      { severity: 'critical' },
      annotations(
        o,
        name,
        `Critical breaker {{ $labels.breaker }} has been open for more than ${limit}`,
        `Breaker {{ $labels.breaker }} of service {{ $labels.service }} has been open or half-open for ${limit}: calls to {{ $labels.${INSTRUMENT_LABEL} }} are being rejected and the service is not ready. Recovery target: 5 minutes.`,
        `${OPERATIONAL_DASHBOARDS.breakers}?var-service={{ $labels.service }}&var-breaker={{ $labels.breaker }}`,
      ),
    );
  });
}

/**
 * Lab-specific on-call alerts from the lab settings: storage zones filling (>= 95 % pages,
 * >= 80 % tickets, predicted full within the horizon), freezers off target, critical breakers
 * stuck open. One group; every alert carries `lab` and `instrument` for maintenance silences.
 */
export function buildLabOperationalRules(inputs: LabAlertInputs, options: OperationalOptions): RuleFile {
  return {
    groups: [
      {
        name: `tracseq-operational-${inputs.lab}`,
        rules: [
          ...storageRules(inputs, options),
          ...temperatureRules(inputs, options),
          ...breakerRules(inputs, options),
        ],
      },
    ],
  };
}

/**
 * On-call alerts that need no lab settings: scrape targets down (a whole job pages, one target
 * tickets), telemetry losing log records, spans or series, and the always-firing Watchdog.
 */
export function buildPlatformOperationalRules(o: OperationalOptions): RuleFile {
  const down = alertName(o, OPERATIONAL_ALERTS.targetDown);
  const logs = alertName(o, OPERATIONAL_ALERTS.logRecordsLost);
  const spans = alertName(o, OPERATIONAL_ALERTS.spansDropped);
  const series = alertName(o, OPERATIONAL_ALERTS.seriesDropped);
  const watchdog = alertName(o, OPERATIONAL_ALERTS.watchdog);
  const w = o.telemetryLossWindow;
  const runtime = `${OPERATIONAL_DASHBOARDS.runtime}?var-service={{ $labels.service }}`;
  return {
    groups: [
      {
        name: 'tracseq-operational',
        rules: [
          alert(
            down,
            'max by (job) (up) == 0',
            o.jobDownFor,
            { severity: 'critical' },
            annotations(
              o,
              down,
              'Every target of job {{ $labels.job }} is down',
              `Prometheus has not scraped any target of job {{ $labels.job }} for ${o.jobDownFor}: the service is down or unreachable, and its SLIs have no data.`,
              OPERATIONAL_DASHBOARDS.runtime,
            ),
          ),
          alert(
            down,
            'up == 0',
            o.targetDownFor,
            { severity: 'warning' },
            annotations(
              o,
              down,
              'Target {{ $labels.instance }} of job {{ $labels.job }} is down',
              `Prometheus has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}) for ${o.targetDownFor}.`,
              `${OPERATIONAL_DASHBOARDS.runtime}?var-instance={{ $labels.instance }}`,
            ),
          ),
          alert(
            logs,
            `sum by (service, destination, outcome) (increase(${M.logRecords.name}{outcome=~"dropped|failed"}[${w}])) > 0`,
            undefined,
            { severity: 'warning' },
            annotations(
              o,
              logs,
              'Service {{ $labels.service }} is losing log records ({{ $labels.outcome }})',
              `{{ $value | printf "%.0f" }} log records of service {{ $labels.service }} were {{ $labels.outcome }} on the way to {{ $labels.destination }} in the last ${w}: stdout still has them, the log store does not.`,
              runtime,
            ),
          ),
          alert(
            spans,
            `sum by (service) (increase(${M.spansDropped.name}[${w}])) > 0`,
            undefined,
            { severity: 'warning' },
            annotations(
              o,
              spans,
              'Service {{ $labels.service }} is dropping spans',
              `{{ $value | printf "%.0f" }} spans of service {{ $labels.service }} were dropped in the last ${w}: the span queue overflowed because the collector is down or too slow.`,
              runtime,
            ),
          ),
          alert(
            series,
            `sum by (service, metric) (increase(${M.seriesDropped.name}[${w}])) > 0`,
            undefined,
            { severity: 'warning' },
            annotations(
              o,
              series,
              'Service {{ $labels.service }} hit the series cap of {{ $labels.metric }}',
              `{{ $value | printf "%.0f" }} new label sets of {{ $labels.metric }} were refused by the cardinality cap of service {{ $labels.service }} in the last ${w}: HTTP routes past the cap are recorded as "other", other metrics drop the observation.`,
              runtime,
            ),
          ),
          alert(
            watchdog,
            'vector(1)',
            undefined,
            { severity: WATCHDOG_SEVERITY },
            annotations(
              o,
              watchdog,
              'Alerting pipeline heartbeat',
              'Always firing, so a dead-man switch outside this stack can page when it stops arriving: Prometheus, the rules or Alertmanager are down.',
              OPERATIONAL_DASHBOARDS.sloOverview,
            ),
          ),
        ],
      },
    ],
  };
}
