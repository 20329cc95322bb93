/** Default cap on label sets per metric (`TRACSEQ_SERIES_LIMIT`). */
export const DEFAULT_SERIES_LIMIT = 2_000;

/**
 * A hard cap on the label sets of each metric, so a bug or an attack that varies a label cannot
 * exhaust memory or the TSDB: a metric never holds more than `limit` label sets, whatever they
 * are. Known label sets are always allowed; a new one past the cap is refused and reported
 * through `onDrop` (wired to `tracseq_telemetry_series_dropped_total{metric}`), once per refused
 * recording.
 *
 * Part of a metric's cap can be set aside ({@link reserve}) for overflow label sets: the HTTP
 * metrics record a refused request under a few fixed label sets (see `HttpSeries`) so their SLIs
 * keep counting it; those draw on the reserve through {@link allowReserved} and count toward the
 * same cap.
 */
export class SeriesLimiter {
  private readonly seen = new Map<string, Set<string>>();
  private readonly reserved = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly onDrop: (metric: string) => void,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`series limit must be a whole number >= 1, got ${limit}`);
  }

  /** The cap on label sets per metric. */
  get maxLabelSets(): number {
    return this.limit;
  }

  /**
   * Sets aside `count` of `metric`'s label sets for {@link allowReserved}: regular label sets
   * then stop at `limit - count`. Never all of them: at least one stays for regular label sets.
   */
  reserve(metric: string, count: number): void {
    this.reserved.set(metric, Math.max(0, Math.min(Math.floor(count), this.limit - 1)));
  }

  /**
   * Whether the label set (values joined by the caller into `key`) may be recorded for `metric`.
   * A refusal is reported to `onDrop`.
   */
  allow(metric: string, key: string): boolean {
    const keys = this.keysOf(metric);
    if (keys.has(key)) return true;
    if (keys.size >= this.limit - (this.reserved.get(metric) ?? 0)) {
      this.onDrop(metric);
      return false;
    }
    keys.add(key);
    return true;
  }

  /**
   * Whether an overflow label set may be recorded, drawing on the reserve. Not reported when
   * refused: the caller's {@link allow} already counted the recording it stands in for.
   */
  allowReserved(metric: string, key: string): boolean {
    const keys = this.keysOf(metric);
    if (keys.has(key)) return true;
    if (keys.size >= this.limit) return false;
    keys.add(key);
    return true;
  }

  /** Label sets admitted for `metric` so far. */
  size(metric: string): number {
    return this.seen.get(metric)?.size ?? 0;
  }

  private keysOf(metric: string): Set<string> {
    let keys = this.seen.get(metric);
    if (!keys) {
      keys = new Set();
      this.seen.set(metric, keys);
    }
    return keys;
  }
}
