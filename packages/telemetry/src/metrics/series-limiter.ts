/** Default cap on label sets per metric (`TRACSEQ_SERIES_LIMIT`). */
export const DEFAULT_SERIES_LIMIT = 2_000;

/**
 * Refuses label sets past a per-metric cap, so a bug or an attack that varies a label cannot
 * exhaust memory or the TSDB. Known label sets are always allowed; refused ones are reported
 * through `onDrop` (wired to `tracseq_telemetry_series_dropped_total{metric}`).
 */
export class SeriesLimiter {
  private readonly seen = new Map<string, Set<string>>();
  constructor(
    private readonly limit: number,
    private readonly onDrop: (metric: string) => void,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`series limit must be a whole number >= 1, got ${limit}`);
  }

  /** Whether the label set (values joined by the caller) may be recorded for `metric`. */
  allow(metric: string, key: string): boolean {
    let keys = this.seen.get(metric);
    if (!keys) {
      keys = new Set();
      this.seen.set(metric, keys);
    }
    if (keys.has(key)) return true;
    if (keys.size >= this.limit) {
      this.onDrop(metric);
      return false;
    }
    keys.add(key);
    return true;
  }
}
