import { MappingType, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { BREAKER_OUTCOMES, BREAKER_STATES, breakerLabel, METRICS, SERVICE_LABEL } from '@tracseq/contract';
import {
  alertServiceMatchers,
  type DashboardModule,
  SERVICE_MATCHER,
  serviceVariableQuery,
} from './context.js';
import {
  anyOf,
  contractValue,
  histogramQuantile,
  increase,
  labelOf,
  type Matcher,
  matcher,
  maxBy,
  rate,
  ratioOf,
  selector,
  seriesOf,
  sumBy,
  variableMatcher,
} from './query.js';

const STATE = METRICS.circuitBreakerState;
const CALLS = METRICS.circuitBreakerCalls;
const CALL_DURATION = METRICS.circuitBreakerCallDuration;
const TRANSITIONS = METRICS.circuitBreakerTransitions;
const CONCURRENCY_LIMIT = METRICS.circuitBreakerConcurrencyLimit;
const BREAKER = breakerLabel.name;
const STATE_LABEL = labelOf(STATE, 'state');
const OUTCOME = labelOf(CALLS, 'outcome');
const FROM = labelOf(TRANSITIONS, 'from');
const TO = labelOf(TRANSITIONS, 'to');

/** Colour of each state on the timeline and in the table: open is the one to look at. */
const STATE_COLOURS: Readonly<Record<(typeof BREAKER_STATES)[number], string>> = {
  closed: 'green',
  open: 'red',
  half_open: 'yellow',
  forced_open: 'purple',
  disabled: 'text',
};

/** Value mappings: the state's index in the contract's list → its name and colour. */
const INDEX_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: Object.fromEntries(
      BREAKER_STATES.map((state, index) => [
        String(index),
        { text: state, color: STATE_COLOURS[state], index },
      ]),
    ),
  },
];

/** Value mappings for the table's `state` column. */
const NAME_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: Object.fromEntries(
      BREAKER_STATES.map((state, index) => [state, { text: state, color: STATE_COLOURS[state], index }]),
    ),
  },
];

/**
 * Circuit breakers: state over time per breaker, calls by outcome, failure and slow-call rates, rejected and
 * fallback calls, call latency, adaptive concurrency limits, and state transitions.
 */
export const circuitBreakers: DashboardModule = ({ config }) => {
  const extra = config.serviceSelector.matchers;
  const breakerMatcher = variableMatcher(BREAKER, 'breaker');
  const scoped = (series: string, ...ms: Matcher[]) =>
    selector(series, [SERVICE_MATCHER, breakerMatcher, ...ms], extra);
  const inState = (state: (typeof BREAKER_STATES)[number]) =>
    `${maxBy([SERVICE_LABEL, BREAKER], scoped(seriesOf(STATE), matcher(STATE_LABEL, '=', contractValue(BREAKER_STATES, state))))} == 1`;
  // One series per breaker whose value is the index of its current state: each term exists only
  // while the breaker is in that state (the gauge is 1), so `or` picks exactly one.
  const stateIndex = BREAKER_STATES.map((state, index) => `(${inState(state)}) * ${index}`).join(' or ');
  const calls = (...ms: Matcher[]) => scoped(seriesOf(CALLS), ...ms);
  const failed = matcher(OUTCOME, '=~', anyOf(BREAKER_OUTCOMES, ['failure', 'timeout']));
  // DESIGN §7: executed calls are success, slow, failure and timeout.
  const executed = matcher(OUTCOME, '=~', anyOf(BREAKER_OUTCOMES, ['success', 'slow', 'failure', 'timeout']));
  const slow = matcher(OUTCOME, '=', contractValue(BREAKER_OUTCOMES, 'slow'));
  const shortCircuited = matcher(OUTCOME, '=~', anyOf(BREAKER_OUTCOMES, ['rejected', 'fallback']));
  const closed = contractValue(BREAKER_STATES, 'closed');

  return {
    name: 'circuit-breakers',
    title: 'TracSeq / Circuit breakers',
    description:
      'Which instruments, LIMS calls and downstream services are cut off, and why? Breaker state over time, calls by outcome, failure ratio and slow-call rate, rejected and fallback calls, call latency, adaptive concurrency limits and state transitions.',
    variables: [
      {
        name: 'service',
        label: 'Service',
        description: 'TracSeq services with circuit breakers',
        query: serviceVariableQuery(seriesOf(STATE), config),
        regex: config.serviceSelector.regex,
      },
      {
        name: 'breaker',
        label: 'Breaker',
        description: 'Breakers named <lab>/<instrument>/<operation> (* for an unset part)',
        query: `label_values(${selector(seriesOf(STATE), [SERVICE_MATCHER], extra)}, ${BREAKER})`,
      },
    ],
    alertMatchers: alertServiceMatchers(),
    sections: [
      {
        row: { id: 1, title: 'State' },
        panels: [
          {
            id: 2,
            kind: 'stat',
            title: 'Breakers not closed',
            description: `Breakers currently open, half-open, forced open (maintenance window) or disabled. Calls through an open breaker are rejected without trying.`,
            unit: 'short',
            width: 6,
            height: 6,
            noValue: 'All closed',
            thresholds: [
              { value: null, color: 'green' },
              { value: 1, color: 'red' },
            ],
            queries: [
              {
                expr: `count(${maxBy([SERVICE_LABEL, BREAKER], scoped(seriesOf(STATE), matcher(STATE_LABEL, '!=', closed)))} == 1)`,
                instant: true,
              },
            ],
          },
          {
            id: 3,
            kind: 'table',
            title: 'Current state',
            description: `The state each breaker is in now (${STATE.name} is 1 for the current state, 0 for the others).`,
            unit: 'none',
            width: 18,
            height: 6,
            queries: [
              {
                expr: `${maxBy([SERVICE_LABEL, BREAKER, STATE_LABEL], scoped(seriesOf(STATE)))} == 1`,
                instant: true,
                table: true,
              },
            ],
            transformations: [
              {
                id: 'organize',
                options: {
                  excludeByName: { Time: true, Value: true },
                  indexByName: { [SERVICE_LABEL]: 0, [BREAKER]: 1, [STATE_LABEL]: 2 },
                  renameByName: { [SERVICE_LABEL]: 'Service', [BREAKER]: 'Breaker', [STATE_LABEL]: 'State' },
                },
              },
            ],
            overrides: [
              {
                matcher: { id: 'byName', options: STATE_LABEL },
                properties: [
                  { id: 'mappings', value: NAME_MAPPINGS },
                  { id: 'custom.cellOptions', value: { type: 'color-text' } },
                ],
              },
            ],
          },
          {
            id: 4,
            kind: 'state-timeline',
            title: 'State over time',
            description: `One lane per breaker coloured by state: ${BREAKER_STATES.map((s) => `${s} (${STATE_COLOURS[s]})`).join(', ')}.`,
            unit: 'none',
            width: 24,
            height: 8,
            mappings: INDEX_MAPPINGS,
            queries: [{ expr: stateIndex, legend: `{{${SERVICE_LABEL}}} {{${BREAKER}}}` }],
          },
        ],
      },
      {
        row: { id: 5, title: 'Calls' },
        panels: [
          {
            id: 6,
            kind: 'timeseries',
            title: 'Calls by outcome',
            description: `Calls per second through each breaker by outcome (${BREAKER_OUTCOMES.join(', ')}); every call counts exactly one outcome.`,
            unit: 'ops',
            width: 24,
            stacked: true,
            queries: [
              {
                expr: sumBy([BREAKER, OUTCOME], rate(calls())),
                legend: `{{${BREAKER}}} {{${OUTCOME}}}`,
              },
            ],
          },
          {
            id: 7,
            kind: 'timeseries',
            title: 'Failure ratio',
            description:
              'Failed and timed-out calls over executed calls (success + slow + failure + timeout) per breaker: what the breaker compares with its errorThreshold. Ignored (4xx/domain) errors do not count.',
            unit: 'percentunit',
            width: 12,
            min: 0,
            max: 1,
            queries: [
              {
                expr: ratioOf(sumBy([BREAKER], rate(calls(failed))), sumBy([BREAKER], rate(calls(executed)))),
                legend: `{{${BREAKER}}}`,
              },
            ],
          },
          {
            id: 13,
            kind: 'timeseries',
            title: 'Slow-call rate',
            description:
              "Calls that succeeded but took longer than the policy's slowCallDuration (outcome slow) over executed calls (success + slow + failure + timeout) per breaker: what the breaker compares with its slowCallRateThreshold. Zero for breakers without slowCallDuration.",
            unit: 'percentunit',
            width: 12,
            min: 0,
            max: 1,
            queries: [
              {
                expr: ratioOf(sumBy([BREAKER], rate(calls(slow))), sumBy([BREAKER], rate(calls(executed)))),
                legend: `{{${BREAKER}}}`,
              },
            ],
          },
          {
            id: 8,
            kind: 'timeseries',
            title: 'Rejected and fallback calls',
            description:
              'Calls per second a breaker short-circuited: rejected (open, forced open, over capacity or over the adaptive concurrency limit) and answered by a fallback. Non-zero means users get degraded answers.',
            unit: 'ops',
            width: 12,
            stacked: true,
            queries: [
              {
                expr: sumBy([BREAKER, OUTCOME], rate(calls(shortCircuited))),
                legend: `{{${BREAKER}}} {{${OUTCOME}}}`,
              },
            ],
          },
          {
            id: 9,
            kind: 'timeseries',
            title: 'Call latency P95',
            description: `95th percentile duration of calls through each breaker (${CALL_DURATION.name}); rising latency precedes timeouts.`,
            unit: 's',
            width: 12,
            queries: [
              {
                expr: histogramQuantile(0.95, scoped(seriesOf(CALL_DURATION, '_bucket')), [BREAKER]),
                legend: `{{${BREAKER}}}`,
              },
            ],
          },
          {
            id: 14,
            kind: 'timeseries',
            title: 'Adaptive concurrency limit',
            description: `Calls each breaker with a concurrency policy lets in flight at once now (${CONCURRENCY_LIMIT.name}); vegas, gradient2 or aimd move it with measured latency, and calls beyond it are rejected. Falling means the instrument slowed down under load. Empty for breakers without a concurrency policy.`,
            unit: 'short',
            width: 24,
            min: 0,
            queries: [
              {
                expr: maxBy([BREAKER], scoped(seriesOf(CONCURRENCY_LIMIT))),
                legend: `{{${BREAKER}}}`,
              },
            ],
          },
        ],
      },
      {
        row: { id: 10, title: 'Transitions' },
        panels: [
          {
            id: 11,
            kind: 'timeseries',
            title: 'State transitions',
            description: `Transitions per breaker within each rate interval (increase of ${TRANSITIONS.name}); many closed → open → half_open cycles mean a flapping dependency.`,
            unit: 'short',
            width: 12,
            min: 0,
            queries: [
              {
                expr: sumBy([BREAKER, FROM, TO], increase(scoped(seriesOf(TRANSITIONS)))),
                legend: `{{${BREAKER}}} {{${FROM}}} → {{${TO}}}`,
              },
            ],
          },
          {
            id: 12,
            kind: 'timeseries',
            title: 'Breakers per state',
            description: 'How many breakers are in each state over time, across the selected services.',
            unit: 'short',
            width: 12,
            min: 0,
            stacked: true,
            queries: [
              {
                expr: `count by (${STATE_LABEL}) (${maxBy([SERVICE_LABEL, BREAKER, STATE_LABEL], scoped(seriesOf(STATE)))} == 1)`,
                legend: `{{${STATE_LABEL}}}`,
              },
            ],
          },
        ],
      },
    ],
  };
};
