import type { BreakerMetrics } from './breaker-observers.js';

// The per-call metric updates of one `{breaker, outcome}` label set, bound once. prom-client's
// public calls (`counter.inc(labels)`, `histogram.observe(labels, value)`) validate and hash the
// label object on every call: about half of a closed-path call through a breaker. A bound
// series updates prom-client's own record of its label set in place, as @tracseq/telemetry's
// HTTP series handles do.
//
// This reads prom-client internals (pinned at 15.1.3): a metric keeps its series in `hashMap`,
// an object from a label hash to `{labels, value}` (counter) or `{labels, bucketValues, sum,
// count}` (histogram), histogram buckets keyed by the bound's string form and `upperBounds`
// holding the bounds. A series never creates or replaces a record: its first update, and any
// update after the record was replaced or removed (`reset()`, `remove()`), goes through the
// public API, after which it looks its record up again. Metrics that are not prom-client's
// (anything implementing BreakerMetrics) always take the public path. The tests compare the
// rendered output of both paths.

type Labels = Readonly<Record<string, string>>;
type HashMap = Record<string, unknown>;

interface CounterRecord {
  labels: Labels;
  value: number;
}

interface HistogramRecord {
  labels: Labels;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

interface Internals {
  hashMap?: HashMap;
  upperBounds?: readonly number[];
}

function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** The key of the record in `hashMap` whose labels equal `labels`, if any. */
function findKey(hashMap: HashMap | undefined, labels: Labels): string | undefined {
  if (hashMap === null || typeof hashMap !== 'object') return undefined;
  for (const key in hashMap) {
    const record = hashMap[key] as { labels?: Labels } | undefined;
    if (record?.labels && sameLabels(record.labels, labels)) return key;
  }
  return undefined;
}

/** Bucket keys by bounds array: every series of a histogram shares one list. */
const NO_KEYS: readonly string[] = Object.freeze([]);
const BUCKET_KEYS = new WeakMap<readonly number[], readonly string[]>();

function bucketKeysOf(bounds: readonly number[]): readonly string[] {
  let keys = BUCKET_KEYS.get(bounds);
  if (keys === undefined) {
    keys = bounds.map(String);
    BUCKET_KEYS.set(bounds, keys);
  }
  return keys;
}

/** `tracseq_circuit_breaker_calls_total` and `..._call_duration_seconds` of one label set. */
export class CallSeries {
  private readonly calls: BreakerMetrics['calls'];
  private readonly duration: BreakerMetrics['duration'];
  /** Never mutated: prom-client keeps a reference to it in its series records. */
  readonly labels: Labels;
  private counterKey: string | undefined;
  private counter: CounterRecord | undefined;
  private histogramKey: string | undefined;
  private histogram: HistogramRecord | undefined;
  /** The bounds `bucketKeys` were made from. */
  private bounds: readonly number[] | undefined;
  private bucketKeys: readonly string[] = NO_KEYS;

  constructor(metrics: BreakerMetrics, labels: Labels) {
    this.calls = metrics.calls;
    this.duration = metrics.duration;
    this.labels = labels;
  }

  /** Counts one call and observes its duration in seconds. */
  record(seconds: number): void {
    const counter = this.counter;
    if (counter !== undefined && (this.calls as Internals).hashMap?.[this.counterKey as string] === counter) {
      counter.value += 1;
    } else {
      this.countSlowly();
    }
    const internals = this.duration as Internals;
    const record = this.histogram;
    const bounds = internals.upperBounds;
    if (
      record !== undefined &&
      bounds !== undefined &&
      bounds === this.bounds &&
      internals.hashMap?.[this.histogramKey as string] === record &&
      Number.isFinite(seconds)
    ) {
      record.sum += seconds;
      record.count += 1;
      // Past the last bound only `+Inf` (the count) grows, as in prom-client.
      for (let i = 0; i < bounds.length; i++) {
        if (seconds <= (bounds[i] as number)) {
          const bucket = this.bucketKeys[i] as string;
          const buckets = record.bucketValues;
          if (Object.hasOwn(buckets, bucket)) buckets[bucket] = (buckets[bucket] as number) + 1;
          break;
        }
      }
      return;
    }
    this.observeSlowly(seconds);
  }

  private countSlowly(): void {
    this.calls.inc(this.labels);
    const hashMap = (this.calls as Internals).hashMap;
    if (this.counterKey === undefined || hashMap?.[this.counterKey] === undefined)
      this.counterKey = findKey(hashMap, this.labels);
    const found = this.counterKey === undefined ? undefined : hashMap?.[this.counterKey];
    this.counter =
      found !== undefined && typeof (found as CounterRecord).value === 'number'
        ? (found as CounterRecord)
        : undefined;
  }

  private observeSlowly(seconds: number): void {
    this.duration.observe(this.labels, seconds);
    const internals = this.duration as Internals;
    const hashMap = internals.hashMap;
    if (this.histogramKey === undefined || hashMap?.[this.histogramKey] === undefined)
      this.histogramKey = findKey(hashMap, this.labels);
    const found = (this.histogramKey === undefined ? undefined : hashMap?.[this.histogramKey]) as
      | HistogramRecord
      | undefined;
    this.histogram =
      found !== undefined && typeof found.sum === 'number' && typeof found.bucketValues === 'object'
        ? found
        : undefined;
    const bounds = internals.upperBounds;
    if (bounds !== this.bounds && Array.isArray(bounds)) {
      this.bounds = bounds;
      this.bucketKeys = bucketKeysOf(bounds);
    }
  }
}
