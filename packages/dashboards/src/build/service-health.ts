import {
  dashboardUid,
  httpRequestMethodLabel,
  httpResponseStatusCodeLabel,
  httpRouteLabel,
  METRICS,
  SERVICE_LABEL,
} from '@tracseq/contract';
import { RECORDS } from '@tracseq/slo';
import {
  alertServiceMatchers,
  type DashboardModule,
  periodErrorRatio,
  SERVICE_MATCHER,
  SLO_LABELS,
  serviceVariableQuery,
  sloScope,
  sloSeries,
} from './context.js';
import {
  bucketMatcher,
  histogramQuantile,
  labelOf,
  type Matcher,
  matcher,
  rate,
  ratioOf,
  selector,
  seriesOf,
  sumBy,
} from './query.js';

const HTTP = METRICS.httpServerRequestDuration;
const ACTIVE = METRICS.httpServerActiveRequests;
const EXCLUDED = METRICS.httpServerExcludedRequests;
const REASON = labelOf(EXCLUDED, 'reason');
const ROUTE = httpRouteLabel.name;
const STATUS = httpResponseStatusCodeLabel.name;
const METHOD = httpRequestMethodLabel.name;

/** Error target of the platform: fewer than 0.1 % of requests answered with a 5xx. */
const ERROR_RATIO_TARGET = 0.001;

/**
 * Service health: RED metrics of the HTTP server (rate, 5xx ratio, latency percentiles against
 * the latency target) by route and status, in-flight requests, the SLOs of the service and the
 * requests kept out of its SLIs (maintenance windows).
 */
export const serviceHealth: DashboardModule = ({ config }) => {
  const extra = config.serviceSelector.matchers;
  const count = (...ms: Matcher[]) => selector(seriesOf(HTTP, '_count'), [SERVICE_MATCHER, ...ms], extra);
  const sum = (...ms: Matcher[]) => selector(seriesOf(HTTP, '_sum'), [SERVICE_MATCHER, ...ms], extra);
  const bucket = (...ms: Matcher[]) => selector(seriesOf(HTTP, '_bucket'), [SERVICE_MATCHER, ...ms], extra);
  const active = selector(seriesOf(ACTIVE), [SERVICE_MATCHER], extra);
  const excluded = selector(seriesOf(EXCLUDED), [SERVICE_MATCHER], extra);
  const serverError = matcher(STATUS, '=~', '5..');
  const target = config.latencyTargetSeconds;
  const targetMs = `${Math.round(target * 1000)} ms`;
  const fast = bucketMatcher(target);
  const errorRatio = (by: string[]) => ratioOf(sumBy(by, rate(count(serverError))), sumBy(by, rate(count())));
  const withinTarget = (by: string[]) => ratioOf(sumBy(by, rate(bucket(fast))), sumBy(by, rate(count())));
  const slo = sloScope(false);
  const sloLegend = `{{${SLO_LABELS.service}}} {{${SLO_LABELS.name}}}`;
  const sloOverview = `/d/${dashboardUid('slo-overview', config.uidPrefix)}?\${service:queryparam}`;

  return {
    name: 'service-health',
    title: 'TracSeq / Service health',
    description:
      'Is the service answering, fast and without errors? Request rate, 5xx ratio and latency percentiles of every HTTP route, in-flight requests, and the SLO budget of the selected services.',
    variables: [
      {
        name: 'service',
        label: 'Service',
        description: 'TracSeq services that served HTTP requests',
        query: serviceVariableQuery(seriesOf(HTTP, '_count'), config),
        regex: config.serviceSelector.regex,
      },
    ],
    alertMatchers: alertServiceMatchers(),
    sections: [
      {
        row: { id: 1, title: 'Golden signals' },
        panels: [
          {
            id: 2,
            kind: 'stat',
            title: 'Request rate',
            description: `Requests per second over all routes of the selected services (rate of ${HTTP.name}_count). A sudden drop usually means callers cannot reach the service.`,
            unit: 'reqps',
            width: 5,
            height: 5,
            queries: [{ expr: sumBy([], rate(count())), instant: true }],
          },
          {
            id: 3,
            kind: 'stat',
            title: 'Error ratio (5xx)',
            description: `Share of requests answered with a 5xx status. Target: below ${ERROR_RATIO_TARGET * 100} %. 0 when there were requests but no 5xx; empty when there was no traffic.`,
            unit: 'percentunit',
            width: 5,
            height: 5,
            decimals: 2,
            thresholds: [
              { value: null, color: 'green' },
              { value: ERROR_RATIO_TARGET, color: 'red' },
            ],
            queries: [{ expr: errorRatio([]), instant: true }],
          },
          {
            id: 4,
            kind: 'stat',
            title: 'P95 latency',
            description: `95th percentile of request duration over all routes, from the ${HTTP.name} buckets. Target: below ${targetMs}.`,
            unit: 's',
            width: 5,
            height: 5,
            thresholds: [
              { value: null, color: 'green' },
              { value: target, color: 'red' },
            ],
            queries: [{ expr: histogramQuantile(0.95, bucket(), []), instant: true }],
          },
          {
            id: 5,
            kind: 'stat',
            title: `Requests within ${targetMs}`,
            description: `Share of requests that finished within ${targetMs} (the le="${target}" bucket over all requests): the latency SLI. At least 95 % keeps P95 under the target.`,
            unit: 'percentunit',
            width: 5,
            height: 5,
            decimals: 2,
            thresholds: [
              { value: null, color: 'red' },
              { value: 0.95, color: 'green' },
            ],
            queries: [{ expr: withinTarget([]), instant: true }],
          },
          {
            id: 6,
            kind: 'stat',
            title: 'In-flight requests',
            description: `Requests being served right now (${ACTIVE.name}). Growing while the rate stays flat means requests are stuck.`,
            unit: 'short',
            width: 4,
            height: 5,
            queries: [{ expr: sumBy([], active), instant: true }],
          },
        ],
      },
      {
        row: { id: 7, title: 'Latency' },
        panels: [
          {
            id: 8,
            kind: 'timeseries',
            title: `Latency P50 / P95 / P99 vs ${targetMs} target`,
            description: `Request duration percentiles per service from the histogram buckets; the dashed line is the ${targetMs} target. P99 far above P95 points at a few slow routes or dependencies.`,
            unit: 's',
            width: 12,
            thresholds: [
              { value: null, color: 'green' },
              { value: target, color: 'red' },
            ],
            thresholdLines: true,
            queries: [0.5, 0.95, 0.99].map((q) => ({
              expr: histogramQuantile(q, bucket(), [SERVICE_LABEL]),
              legend: `{{${SERVICE_LABEL}}} P${Math.round(q * 100)}`,
            })),
          },
          {
            id: 9,
            kind: 'timeseries',
            title: 'P95 latency by route',
            description: `95th percentile of request duration per route template (${ROUTE}); "unmatched" collects requests no route matched.`,
            unit: 's',
            width: 12,
            thresholds: [
              { value: null, color: 'green' },
              { value: target, color: 'red' },
            ],
            thresholdLines: true,
            queries: [
              {
                expr: histogramQuantile(0.95, bucket(), [SERVICE_LABEL, ROUTE]),
                legend: `{{${SERVICE_LABEL}}} {{${ROUTE}}}`,
              },
            ],
          },
          {
            id: 10,
            kind: 'timeseries',
            title: `Requests within ${targetMs} by route`,
            description: `Per route, the share of requests that finished within ${targetMs}. Routes under the dashed 95 % line spend the latency SLO's budget.`,
            unit: 'percentunit',
            width: 12,
            min: 0,
            max: 1,
            thresholds: [
              { value: null, color: 'red' },
              { value: 0.95, color: 'green' },
            ],
            thresholdLines: true,
            queries: [
              { expr: withinTarget([SERVICE_LABEL, ROUTE]), legend: `{{${SERVICE_LABEL}}} {{${ROUTE}}}` },
            ],
          },
          {
            id: 11,
            kind: 'timeseries',
            title: 'Mean latency by route',
            description:
              'Average request duration per route (rate of _sum over rate of _count). Compare with P95: a mean close to P95 means every request is slow, not just a tail.',
            unit: 's',
            width: 12,
            queries: [
              {
                expr: `${sumBy([SERVICE_LABEL, ROUTE], rate(sum()))} / (${sumBy([SERVICE_LABEL, ROUTE], rate(count()))} > 0)`,
                legend: `{{${SERVICE_LABEL}}} {{${ROUTE}}}`,
              },
            ],
          },
        ],
      },
      {
        row: { id: 12, title: 'Traffic and errors by route and status' },
        panels: [
          {
            id: 13,
            kind: 'timeseries',
            title: 'Request rate by route',
            description: 'Requests per second per route template.',
            unit: 'reqps',
            width: 12,
            queries: [
              {
                expr: sumBy([SERVICE_LABEL, ROUTE], rate(count())),
                legend: `{{${SERVICE_LABEL}}} {{${ROUTE}}}`,
              },
            ],
          },
          {
            id: 14,
            kind: 'timeseries',
            title: 'Request rate by status code',
            description: `Requests per second per response status (${STATUS}), stacked: 4xx are caller errors, 5xx spend the availability budget.`,
            unit: 'reqps',
            width: 12,
            stacked: true,
            queries: [
              {
                expr: sumBy([SERVICE_LABEL, STATUS], rate(count())),
                legend: `{{${SERVICE_LABEL}}} {{${STATUS}}}`,
              },
            ],
          },
          {
            id: 15,
            kind: 'timeseries',
            title: '5xx ratio by route',
            description: `Per route, the share of requests answered with a 5xx; the dashed line is the ${ERROR_RATIO_TARGET * 100} % target.`,
            unit: 'percentunit',
            width: 12,
            min: 0,
            thresholds: [
              { value: null, color: 'green' },
              { value: ERROR_RATIO_TARGET, color: 'red' },
            ],
            thresholdLines: true,
            queries: [
              { expr: errorRatio([SERVICE_LABEL, ROUTE]), legend: `{{${SERVICE_LABEL}}} {{${ROUTE}}}` },
            ],
          },
          {
            id: 16,
            kind: 'timeseries',
            title: 'In-flight requests by method',
            description: `Requests being served per HTTP method (${METHOD}).`,
            unit: 'short',
            width: 12,
            queries: [
              {
                expr: sumBy([SERVICE_LABEL, METHOD], active),
                legend: `{{${SERVICE_LABEL}}} {{${METHOD}}}`,
              },
            ],
          },
        ],
      },
      {
        row: { id: 17, title: 'SLOs of the selected services' },
        panels: [
          {
            id: 18,
            kind: 'bargauge',
            title: 'SLI over the SLO period',
            description:
              'Per SLO, the share of good events over its whole period (1 − error ratio over e.g. 30d, traffic-weighted). Compare with the objective on the SLO overview.',
            unit: 'percentunit',
            width: 8,
            decimals: 3,
            min: 0,
            max: 1,
            thresholds: [{ value: null, color: 'blue' }],
            queries: [{ expr: `1 - (${periodErrorRatio(slo)})`, legend: sloLegend, instant: true }],
            links: [{ title: 'SLO overview', url: sloOverview }],
          },
          {
            id: 19,
            kind: 'bargauge',
            title: 'Error budget remaining',
            description:
              'Per SLO, the share of the error budget left in the period: 100 % untouched, 0 % spent, negative overspent.',
            unit: 'percentunit',
            width: 8,
            decimals: 1,
            max: 1,
            thresholds: [
              { value: null, color: 'red' },
              { value: 0, color: 'orange' },
              { value: 0.25, color: 'yellow' },
              { value: 0.5, color: 'green' },
            ],
            queries: [{ expr: sloSeries(RECORDS.budgetRemaining, slo), legend: sloLegend, instant: true }],
            links: [{ title: 'SLO overview', url: sloOverview }],
          },
          {
            id: 20,
            kind: 'timeseries',
            title: 'Burn rate (last 5 minutes)',
            description:
              'How fast each SLO spends its budget now: 1× uses exactly the budget over the period; pages fire from 14.4× (1h and 5m windows, 30d period).',
            unit: 'suffix:×',
            width: 8,
            min: 0,
            thresholds: [
              { value: null, color: 'green' },
              { value: 1, color: 'red' },
            ],
            thresholdLines: true,
            queries: [{ expr: sloSeries(RECORDS.currentBurnRate, slo), legend: sloLegend }],
            links: [{ title: 'SLO overview', url: sloOverview }],
          },
          {
            id: 21,
            kind: 'timeseries',
            title: 'Requests kept out of the SLIs',
            description: `Requests per second left out of the HTTP SLIs, by ${REASON} and route (rate of ${EXCLUDED.name}): answered during a declared maintenance window, e.g. rejected with 503 + Retry-After by a breaker forced open for an instrument's calibration (excludeFromSlis('maintenance')). They spend no error budget and are missing from every RED panel above (rate, 5xx, latency). Traffic here outside a planned window means a window is declared too broadly or left in place.`,
            unit: 'reqps',
            width: 24,
            min: 0,
            stacked: true,
            noValue: 'No requests excluded',
            queries: [
              {
                expr: sumBy([SERVICE_LABEL, REASON, ROUTE], rate(excluded)),
                legend: `{{${SERVICE_LABEL}}} {{${ROUTE}}} {{${REASON}}}`,
              },
            ],
          },
        ],
      },
    ],
  };
};
