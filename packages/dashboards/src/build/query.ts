import type { LabelDefinition, MetricDefinition } from '@tracseq/contract';

/** Grafana's rate window: at least four scrapes, so a rate always has two samples to work with. */
export const RATE_INTERVAL = '$__rate_interval';

/** A PromQL label matcher. */
export interface Matcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** Shorthand for a {@link Matcher}. */
export function matcher(label: string, op: Matcher['op'], value: string): Matcher {
  return { label, op, value };
}

/** A matcher on a multi-value / "All" variable: always `=~`, because "All" expands to a regex. */
export function variableMatcher(label: string, variable: string): Matcher {
  return { label, op: '=~', value: `$${variable}` };
}

/** Quotes a label value for PromQL (double quotes, backslash escapes). */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

type ContractMetric = MetricDefinition & { readonly labels: readonly LabelDefinition[] };

/**
 * A label name of a contract metric, checked twice: by the compiler against the contract's
 * literal types, and at build time, so a renamed label fails generation instead of a panel.
 */
export function labelOf<D extends ContractMetric>(def: D, name: D['labels'][number]['name']): string {
  if (!def.labels.some((l) => l.name === name)) {
    throw new Error(`label ${name} is not a label of ${def.name} in the metric contract`);
  }
  return name;
}

/** A value from one of the contract's fixed value lists (outcomes, states), checked like {@link labelOf}. */
export function contractValue<const V extends readonly string[]>(values: V, value: V[number]): string {
  if (!values.includes(value)) throw new Error(`${value} is not one of ${values.join(', ')}`);
  return value;
}

/** A regex alternation of contract values, e.g. `failure|timeout`. */
export function anyOf<const V extends readonly string[]>(values: V, chosen: readonly V[number][]): string {
  return chosen.map((v) => contractValue(values, v)).join('|');
}

/** The series name of a contract metric; histograms need their `_bucket`/`_count`/`_sum` suffix. */
export function seriesOf(
  def: Pick<MetricDefinition, 'name' | 'type'>,
  suffix?: '_bucket' | '_count' | '_sum',
): string {
  if (def.type === 'histogram' && suffix === undefined) {
    throw new Error(`${def.name} is a histogram: read its _bucket, _count or _sum series`);
  }
  if (def.type !== 'histogram' && suffix !== undefined) {
    throw new Error(`${def.name} is a ${def.type}: it has no ${suffix} series`);
  }
  return `${def.name}${suffix ?? ''}`;
}

/**
 * Renders `name{matchers,extra}`. `extra` are the config's raw service-selector matchers, which
 * apply to scraped series only (recording rules aggregate them away).
 */
export function selector(
  series: string,
  matchers: readonly Matcher[],
  extra: readonly string[] = [],
): string {
  const parts = [...matchers.map((m) => `${m.label}${m.op}${quote(m.value)}`), ...extra];
  return parts.length === 0 ? series : `${series}{${parts.join(', ')}}`;
}

/** `rate(sel[$__rate_interval])`. */
export function rate(sel: string): string {
  return `rate(${sel}[${RATE_INTERVAL}])`;
}

/** `increase(sel[$__rate_interval])`. */
export function increase(sel: string): string {
  return `increase(${sel}[${RATE_INTERVAL}])`;
}

/** `sum by (labels) (expr)`, or `sum(expr)` without labels. */
export function sumBy(labels: readonly string[], expr: string): string {
  return labels.length === 0 ? `sum(${expr})` : `sum by (${labels.join(', ')}) (${expr})`;
}

/** `max by (labels) (expr)`: one value per group when several instances report the same gauge. */
export function maxBy(labels: readonly string[], expr: string): string {
  return labels.length === 0 ? `max(${expr})` : `max by (${labels.join(', ')}) (${expr})`;
}

/** A quantile from a histogram's buckets, aggregated by `by` (plus `le`). */
export function histogramQuantile(q: number, bucketSelector: string, by: readonly string[]): string {
  return `histogram_quantile(${q}, ${sumBy([...by, 'le'], rate(bucketSelector))})`;
}

/**
 * `part / total` where a missing `part` counts as zero (no 5xx yet is a ratio of 0, not a gap)
 * and no traffic leaves a gap (a ratio of nothing is unknown, not 0). The fallback is built from
 * the real `total` series, never from `vector(0)`, so it cannot invent data.
 */
export function ratioOf(part: string, total: string): string {
  return `(${part} or 0 * ${total}) / (${total} > 0)`;
}

/**
 * The `le` matcher of a bucket boundary. Whole numbers match both spellings: Prometheus 3
 * normalises `le="14400"` to `le="14400.0"`, Prometheus 2 keeps what the client wrote.
 */
export function bucketMatcher(boundary: number): Matcher {
  const text = String(boundary);
  return Number.isInteger(boundary) ? matcher('le', '=~', `${text}|${text}\\.0`) : matcher('le', '=', text);
}
