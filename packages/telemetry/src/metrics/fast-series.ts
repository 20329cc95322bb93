import type { Gauge, Histogram } from 'prom-client';

// Per-series fast paths for the two metrics every HTTP request touches. prom-client's public
// calls (`observe({labels, value, exemplarLabels})`, `inc(labels)`) re-validate and re-hash the
// label object on every call (the histogram twice with an exemplar) and allocate for it: about
// 3 µs per request in the server profile. A series handle is bound to one label set instead and
// updates prom-client's own record of that series in place.
//
// This reads prom-client internals (pinned at 15.1.3): a metric keeps its series in `hashMap`,
// an object from a label hash to `{labels, value}` (gauge) or `{labels, bucketValues, sum,
// count, bucketExemplars}` (histogram). The handle never creates or replaces a record: the
// first update of a series, and any update after the record was replaced or removed (`reset()`,
// `remove()`, `set()`), goes through the public API, after which the handle looks its record up
// again. If the internals ever look different, every update simply takes the public path. The
// tests compare the rendered output of both paths.

type HashMap = Record<string, unknown>;

interface MetricInternals {
  hashMap?: HashMap;
}

interface HistogramRecord {
  labels: Record<string, string>;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
  bucketExemplars?: Record<string, ExemplarRecord | null | undefined>;
}

interface ExemplarRecord {
  labelSet: Record<string, string>;
  value: number | null;
  timestamp?: number;
}

interface HistogramInternals extends MetricInternals {
  upperBounds?: readonly number[];
}

const OVERFLOW_BUCKET = '-1';

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** The key of the record in `hashMap` whose labels equal `labels`, if any. */
function findRecord(hashMap: HashMap | undefined, labels: Record<string, string>): string | undefined {
  if (hashMap === null || typeof hashMap !== 'object') return undefined;
  for (const key in hashMap) {
    const record = hashMap[key] as { labels?: Record<string, string> } | undefined;
    if (record?.labels && sameLabels(record.labels, labels)) return key;
  }
  return undefined;
}

/** One label set of the HTTP duration histogram, with exemplars. */
export class HistogramSeries {
  private key: string | undefined;
  private record: HistogramRecord | undefined;
  /** The bounds `bucketKeys` were made from. */
  private bounds: readonly number[] | undefined;
  private bucketKeys: string[] = [];

  constructor(
    private readonly histogram: Histogram,
    /** Never mutated: prom-client keeps a reference to it in the series record. */
    readonly labels: Readonly<Record<string, string>>,
  ) {}

  /**
   * Observes `value` seconds; with a trace id and span id (a sampled span), also sets the
   * bucket's `trace_id`/`span_id` exemplar, as `observe({labels, value, exemplarLabels})` does.
   */
  observe(value: number, traceId?: string, spanId?: string): void {
    const internals = this.histogram as unknown as HistogramInternals;
    const record = this.record;
    const bounds = internals.upperBounds;
    if (
      record !== undefined &&
      bounds !== undefined &&
      bounds === this.bounds &&
      internals.hashMap?.[this.key as string] === record &&
      Number.isFinite(value)
    ) {
      // prom-client keys buckets by the bound's string form, and `-1` past the last bound.
      let bucket = OVERFLOW_BUCKET;
      for (let i = 0; i < bounds.length; i++) {
        if (value <= (bounds[i] as number)) {
          bucket = this.bucketKeys[i] as string;
          break;
        }
      }
      if (traceId === undefined || spanId === undefined) {
        this.count(record, bucket, value);
        return;
      }
      const exemplar = record.bucketExemplars?.[bucket];
      // A bucket's first exemplar is created by prom-client (the class is not exported); the
      // exemplar's size check (<= 128 characters) holds for W3C ids, which are all we pass.
      if (exemplar !== null && typeof exemplar === 'object' && traceId.length + spanId.length <= 48) {
        this.count(record, bucket, value);
        exemplar.labelSet = { trace_id: traceId, span_id: spanId };
        exemplar.value = value;
        exemplar.timestamp = Date.now() / 1000;
        return;
      }
    }
    this.observeSlowly(value, traceId, spanId);
  }

  private count(record: HistogramRecord, bucket: string, value: number): void {
    record.sum += value;
    record.count += 1;
    const buckets = record.bucketValues;
    if (Object.hasOwn(buckets, bucket)) buckets[bucket] = (buckets[bucket] as number) + 1;
  }

  private observeSlowly(value: number, traceId?: string, spanId?: string): void {
    if (traceId !== undefined && spanId !== undefined) {
      this.histogram.observe({
        labels: this.labels,
        value,
        exemplarLabels: { trace_id: traceId, span_id: spanId },
      } as never);
    } else {
      // An exemplar-enabled histogram only takes the object form.
      this.histogram.observe({ labels: this.labels, value } as never);
    }
    const hashMap = (this.histogram as unknown as HistogramInternals).hashMap;
    if (this.key === undefined || hashMap?.[this.key] === undefined) {
      this.key = findRecord(hashMap, this.labels);
    }
    const record = this.key === undefined ? undefined : (hashMap?.[this.key] as HistogramRecord | undefined);
    this.record =
      record !== undefined && typeof record.sum === 'number' && typeof record.bucketValues === 'object'
        ? record
        : undefined;
    const bounds = (this.histogram as unknown as HistogramInternals).upperBounds;
    if (bounds !== this.bounds && Array.isArray(bounds)) {
      this.bounds = bounds;
      this.bucketKeys = bounds.map(String);
    }
  }
}

interface GaugeRecord {
  labels: Record<string, string>;
  value: number;
}

/** One label set of a gauge that is only moved up and down (`http_server_active_requests`). */
export class GaugeSeries {
  private key: string | undefined;
  private record: GaugeRecord | undefined;

  constructor(
    private readonly gauge: Gauge,
    readonly labels: Readonly<Record<string, string>>,
  ) {}

  inc(): void {
    this.add(1);
  }

  dec(): void {
    this.add(-1);
  }

  private add(delta: number): void {
    const internals = this.gauge as unknown as MetricInternals;
    const record = this.record;
    if (record !== undefined && internals.hashMap?.[this.key as string] === record) {
      record.value += delta;
      return;
    }
    if (delta < 0) this.gauge.dec(this.labels, -delta);
    else this.gauge.inc(this.labels, delta);
    const hashMap = internals.hashMap;
    if (this.key === undefined || hashMap?.[this.key] === undefined)
      this.key = findRecord(hashMap, this.labels);
    const found = this.key === undefined ? undefined : (hashMap?.[this.key] as GaugeRecord | undefined);
    this.record = found !== undefined && typeof found.value === 'number' ? found : undefined;
  }
}
