// The sample lines of prom-client histogram series, written as prom-client 15.1.3's Registry
// (getMetricsAsString) writes them, without the objects it builds on the way: per series and
// bucket a value object, a merged label object, label arrays and their joins. At 10,000 label
// sets that was ~170,000 objects per scrape. The output is compared byte for byte with
// prom-client's in the tests (text and OpenMetrics, exemplars, escaped label values).

/** prom-client's record of one histogram series (its `hashMap` values). */
export interface HistogramRecord {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly bucketValues: Readonly<Record<string, number>>;
  readonly sum: number;
  readonly count: number;
  readonly bucketExemplars?: Readonly<Record<string, ExemplarRecord | null | undefined>> | undefined;
}

interface ExemplarRecord {
  readonly labelSet: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly timestamp?: number;
}

/** prom-client's `getValueAsString`. */
function valueText(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

/** prom-client's `escapeLabelValue`: strings escaped, other values as they are. */
function labelValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** prom-client's `formatLabels`: `name="value"` for each label not named in `exclude`. */
function formatLabels(labels: Readonly<Record<string, unknown>>, exclude?: Readonly<object>): string[] {
  const formatted: string[] = [];
  for (const [name, value] of Object.entries(labels)) {
    if (exclude === undefined || !Object.hasOwn(exclude, name))
      formatted.push(`${name}="${labelValue(value)}"`);
  }
  return formatted;
}

/**
 * `parts` joined into one flat string. A text kept across scrapes is built this way because
 * concatenation (`+`, template literals) makes a rope: a tree of cons cells that keeps every
 * piece alive. Kept for 30,000 exemplars, the ropes were ~390 bytes each against ~210 flat, and
 * the first scrape of 10,000 label sets copied all of them through the young generation.
 */
function flat(...parts: string[]): string {
  return parts.join('');
}

/**
 * What every line of one series shares, and the text of its last `_sum`. Numbers are turned into
 * text once per value: each conversion of a number that is not a small integer goes through V8's
 * number-to-string cache, an old-generation table, so every string it makes survives the next
 * young collection; at 10,000 label sets, converting the bucket bounds and sums anew on every
 * scrape promoted ~3 MB of garbage per scrape and brought a long mark-compact every few seconds.
 */
interface SeriesText {
  /** `{…}} ` after `le="…"`: the default labels the series does not override, then its own. */
  readonly bucketTail: string;
  /** `{…}` of `_sum` and `_count`, or nothing. */
  readonly labels: string;
  sum: number;
  sumText: string;
}

/** The text of one exemplar, as of the values it was made from. */
interface ExemplarText {
  labelSet: unknown;
  value: number;
  timestamp: number | undefined;
  text: string;
}

/**
 * Writes the sample lines of a histogram's series: per series its buckets (cumulative, `+Inf`
 * last), `_sum` and `_count`, each line preceded by `\n`, with exemplars in OpenMetrics.
 */
export class HistogramSampleWriter {
  readonly #name: string;
  readonly #bounds: readonly number[];
  readonly #keys: readonly string[];
  /** `\n<name>_bucket{le="<bound>"` per bound, `+Inf` last. */
  readonly #bucketHeads: readonly string[];
  readonly #defaultLabels: Readonly<Record<string, unknown>> | null;
  readonly #openMetrics: boolean;
  /** Keyed by the series' label object, which prom-client keeps for the life of the series. */
  readonly #series = new WeakMap<object, SeriesText>();
  /** Keyed by prom-client's exemplar object of a bucket, which it updates in place. */
  readonly #exemplars = new WeakMap<object, ExemplarText>();

  constructor(
    name: string,
    upperBounds: readonly number[],
    defaultLabels: Readonly<Record<string, unknown>> | null,
    openMetrics: boolean,
  ) {
    this.#name = name;
    this.#bounds = upperBounds;
    this.#keys = upperBounds.map(String);
    // prom-client writes `le` through escapeLabelValue, which leaves numbers as they are.
    this.#bucketHeads = [...this.#keys, '+Inf'].map((le) => `\n${name}_bucket{le="${le}"`);
    this.#defaultLabels = defaultLabels;
    this.#openMetrics = openMetrics;
  }

  /** Whether this writer writes what a new one made from these arguments would. */
  matches(
    name: string,
    upperBounds: readonly number[],
    defaultLabels: Readonly<Record<string, unknown>> | null,
  ): boolean {
    return name === this.#name && upperBounds === this.#bounds && defaultLabels === this.#defaultLabels;
  }

  #seriesText(labels: Readonly<Record<string, unknown>>): SeriesText {
    let text = this.#series.get(labels);
    if (text === undefined) {
      const defaults =
        this.#defaultLabels === null ? '' : formatLabels(this.#defaultLabels, labels).join(',');
      const own = formatLabels(labels).join(',');
      // prom-client merges {le} with the default labels and skips names the series has (never `le`).
      const rest = (defaults === '' ? '' : `,${defaults}`) + (own === '' ? '' : `,${own}`);
      const parts = [defaults, own].filter(Boolean).join(',');
      text = {
        bucketTail: flat(rest, '} '),
        labels: parts === '' ? '' : flat('{', parts, '}'),
        sum: 0,
        sumText: '0',
      };
      this.#series.set(labels, text);
    }
    return text;
  }

  #exemplar(exemplar: ExemplarRecord | null | undefined): string {
    if (!this.#openMetrics || !exemplar) return '';
    const kept = this.#exemplars.get(exemplar);
    if (
      kept !== undefined &&
      kept.labelSet === exemplar.labelSet &&
      kept.value === exemplar.value &&
      kept.timestamp === exemplar.timestamp
    )
      return kept.text;
    const text = flat(
      ' # {',
      formatLabels(exemplar.labelSet).join(','),
      '} ',
      valueText(exemplar.value),
      ' ',
      `${exemplar.timestamp}`,
    );
    // The label set is replaced, never mutated, when the exemplar changes (prom-client and fast-series).
    if (kept === undefined) {
      this.#exemplars.set(exemplar, {
        labelSet: exemplar.labelSet,
        value: exemplar.value,
        timestamp: exemplar.timestamp,
        text,
      });
    } else {
      // Updated in place: a hot series' exemplars change between scrapes, their record need not.
      kept.labelSet = exemplar.labelSet;
      kept.value = exemplar.value;
      kept.timestamp = exemplar.timestamp;
      kept.text = text;
    }
    return text;
  }

  /** The lines of one series. */
  write(record: HistogramRecord): string {
    const series = this.#seriesText(record.labels);
    const tail = series.bucketTail;
    const heads = this.#bucketHeads;
    const exemplars = record.bucketExemplars;
    let text = '';
    let cumulative = 0;
    for (let i = 0; i < this.#keys.length; i++) {
      const key = this.#keys[i] as string;
      cumulative += record.bucketValues[key] as number;
      text += `${heads[i]}${tail}${valueText(cumulative)}`;
      if (exemplars) text += this.#exemplar(exemplars[key]);
    }
    text += `${heads[this.#keys.length]}${tail}${valueText(record.count)}`;
    if (exemplars) text += this.#exemplar(exemplars['-1']);
    if (series.sum !== record.sum) {
      series.sum = record.sum;
      series.sumText = valueText(record.sum);
    }
    text += `\n${this.#name}_sum${series.labels} ${series.sumText}`;
    text += `\n${this.#name}_count${series.labels} ${valueText(record.count)}`;
    return text;
  }
}
