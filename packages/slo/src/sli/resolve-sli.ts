import {
  ALL_METRICS,
  bucketMatcher,
  type Matcher,
  METRICS,
  type MetricDefinition,
  renderMatchers,
  SAMPLE_OUTCOMES,
  SERVICE_LABEL,
  selectorMatchers,
  WINDOW_PLACEHOLDER,
} from '@tracseq/contract';
import type { CompositeMode, Sli } from '../spec/types.js';

/** Series a generated test feeds: every good event adds 1 to each `good` series, a bad one to each `bad`. */
export interface SliTestModel {
  readonly good: readonly string[];
  readonly bad: readonly string[];
}

/** An SLI reduced to PromQL templates with `{{.window}}`. */
export type ResolvedSli =
  | {
      readonly kind: 'events';
      readonly errorQuery: string;
      readonly totalQuery: string;
      /** Present for SLIs built from contract metrics: lets the generator write promtool tests. */
      readonly testModel?: SliTestModel;
    }
  | { readonly kind: 'raw'; readonly errorRatioQuery: string }
  | {
      readonly kind: 'composite';
      readonly mode: CompositeMode;
      /** The components in spec order; `weight` is 1 in serial mode. */
      readonly components: readonly ResolvedComponent[];
    };

/** One component of a composite SLI: the SLO whose recorded ratios it reads. */
export interface ResolvedComponent {
  readonly service: string;
  readonly name: string;
  readonly weight: number;
}

const SUCCESS = SAMPLE_OUTCOMES[0];
const W = `[${WINDOW_PLACEHOLDER}]`;

function rate(metric: string, matchers: readonly Matcher[]): string {
  return `sum(rate(${metric}${renderMatchers(matchers)}${W}))`;
}

function series(metric: string, matchers: readonly Matcher[]): string {
  return `${metric}${renderMatchers(matchers.filter((m) => m.op === '='))}`;
}

/** The contract histogram called `name`, if any. */
export function contractHistogram(name: string): MetricDefinition | undefined {
  return ALL_METRICS.find((m) => m.type === 'histogram' && m.name === name);
}

function latency(
  metric: MetricDefinition,
  service: string,
  threshold: number,
  base: readonly Matcher[],
  selector: Readonly<Record<string, string>> | undefined,
): ResolvedSli {
  const matchers = [
    { name: SERVICE_LABEL, op: '=' as const, value: service },
    ...base,
    ...selectorMatchers(selector),
  ];
  const le = bucketMatcher(threshold);
  const total = rate(`${metric.name}_count`, matchers);
  const fast = rate(`${metric.name}_bucket`, [...matchers, le]);
  const leValue = le.value.split('|')[0] as string;
  return {
    kind: 'events',
    errorQuery: `${total} - ${fast}`,
    totalQuery: total,
    testModel: {
      good: [
        series(`${metric.name}_count`, matchers),
        series(`${metric.name}_bucket`, [...matchers, { ...le, op: '=', value: leValue }]),
      ],
      bad: [series(`${metric.name}_count`, matchers)],
    },
  };
}

/**
 * Turns an SLI into error and total query templates. Preset SLIs read metric names and labels
 * from the telemetry contract and always match `service`. Assumes the spec passed validation.
 */
export function resolveSli(sli: Sli, service: string): ResolvedSli {
  if ('raw' in sli) return { kind: 'raw', errorRatioQuery: sli.raw.errorRatioQuery };
  if ('composite' in sli) {
    const { mode, components } = sli.composite;
    return {
      kind: 'composite',
      mode,
      components: components.map((c) => {
        const [componentService, name] = c.slo.split('/') as [string, string];
        return { service: componentService, name, weight: mode === 'weighted' ? (c.weight ?? 1) : 1 };
      }),
    };
  }
  if ('events' in sli) return { kind: 'events', ...sli.events };
  if ('latency' in sli) {
    const metric = contractHistogram(sli.latency.metric);
    if (!metric) throw new Error(`latency SLI: ${sli.latency.metric} is not a contract histogram`);
    return latency(metric, service, sli.latency.thresholdSeconds, [], sli.latency.selector);
  }
  const svc: Matcher = { name: SERVICE_LABEL, op: '=', value: service };
  switch (sli.preset) {
    case 'http-availability': {
      const metric = `${METRICS.httpServerRequestDuration.name}_count`;
      const matchers = [svc, ...selectorMatchers(sli.selector)];
      const status = METRICS.httpServerRequestDuration.labels[2].name;
      return {
        kind: 'events',
        errorQuery: rate(metric, [...matchers, { name: status, op: '=~', value: '5..' }]),
        totalQuery: rate(metric, matchers),
        testModel: {
          good: [series(metric, [...matchers, { name: status, op: '=', value: '200' }])],
          bad: [series(metric, [...matchers, { name: status, op: '=', value: '500' }])],
        },
      };
    }
    case 'http-latency':
      return latency(
        METRICS.httpServerRequestDuration,
        service,
        sli.thresholdSeconds ?? DEFAULT_HTTP_LATENCY_SECONDS,
        [],
        sli.selector,
      );
    case 'sample-processing-success': {
      const metric = METRICS.samplesProcessed.name;
      const outcome = METRICS.samplesProcessed.labels[2].name;
      const matchers = [svc, ...selectorMatchers(sli.selector)];
      return {
        kind: 'events',
        errorQuery: rate(metric, [...matchers, { name: outcome, op: '!=', value: SUCCESS }]),
        totalQuery: rate(metric, matchers),
        testModel: {
          good: [series(metric, [...matchers, { name: outcome, op: '=', value: SUCCESS }])],
          bad: [series(metric, [...matchers, { name: outcome, op: '=', value: SAMPLE_OUTCOMES[1] }])],
        },
      };
    }
    case 'sample-turnaround': {
      const stage = METRICS.sampleProcessingDuration.labels[2].name;
      return latency(
        METRICS.sampleProcessingDuration,
        service,
        sli.thresholdSeconds ?? DEFAULT_TURNAROUND_SECONDS,
        [{ name: stage, op: '=', value: 'total' }],
        sli.selector,
      );
    }
  }
}

/** Default latency threshold of `http-latency`: the 100 ms P95 target. */
export const DEFAULT_HTTP_LATENCY_SECONDS = 0.1;

/** Default turnaround threshold of `sample-turnaround`: four hours. */
export const DEFAULT_TURNAROUND_SECONDS = 14_400;

/** The contract histogram a latency-type SLI reads, with its allowed thresholds. */
export function latencyMetricOf(sli: Sli): MetricDefinition | undefined {
  if ('latency' in sli) return contractHistogram(sli.latency.metric);
  if ('preset' in sli && sli.preset === 'http-latency') return METRICS.httpServerRequestDuration;
  if ('preset' in sli && sli.preset === 'sample-turnaround') return METRICS.sampleProcessingDuration;
  return undefined;
}

/** The contract metric a preset SLI reads, for selector validation. */
export function presetMetricOf(sli: Sli): MetricDefinition | undefined {
  if ('preset' in sli) {
    return sli.preset === 'http-availability' || sli.preset === 'http-latency'
      ? METRICS.httpServerRequestDuration
      : sli.preset === 'sample-processing-success'
        ? METRICS.samplesProcessed
        : METRICS.sampleProcessingDuration;
  }
  return latencyMetricOf(sli);
}
