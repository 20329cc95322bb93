import type CircuitBreaker from 'opossum';

// opossum's Status keeps, besides its counters, every call's latency in the current bucket's
// `latencyTimes` (for the rolling percentiles, which breakers here turn off). Nothing reads them
// then, yet they grow with the calls in the window: at 10,000 calls/s and a 10 s window, a
// breaker would hold 100,000 numbers. This reads opossum internals (pinned at 10.0.0): the
// window is an own symbol-keyed array of bucket objects, newest first, and `increment` is
// called through the instance. If they look different, the original `increment` stays.

interface Bucket {
  [property: string]: unknown;
  latencyTimes: unknown[];
}

/** The bucket array of a Status, if its internals have the expected shape. */
function windowOf(status: object): Bucket[] | undefined {
  for (const symbol of Object.getOwnPropertySymbols(status)) {
    if (symbol.description !== 'window') continue;
    const window = (status as Record<symbol, unknown>)[symbol];
    if (!Array.isArray(window) || window.length === 0) return undefined;
    const shaped = window.every(
      (bucket) =>
        bucket !== null &&
        typeof bucket === 'object' &&
        typeof (bucket as Bucket).failures === 'number' &&
        Array.isArray((bucket as Bucket).latencyTimes),
    );
    return shaped ? (window as Bucket[]) : undefined;
  }
  return undefined;
}

/** The bucket property slow calls are counted in; a name opossum does not use. */
const SLOW = 'tracseqSlowCalls';

/** A counter of opossum's rolling window, summed over its buckets. */
export type WindowCounter = 'fires' | 'failures' | 'successes' | 'timeouts' | 'rejects';

/**
 * The rolling window of a breaker whose Status {@link countOnly} switched: its counters summed
 * over the buckets, without building opossum's `stats` object (which walks every counter of
 * every bucket and allocates a bucket per read).
 */
export class CountingWindow {
  private readonly buckets: readonly Bucket[];

  constructor(buckets: readonly Bucket[]) {
    this.buckets = buckets;
  }

  /** `counter` over the whole window, as `breaker.stats[counter]` reports it. */
  sum(counter: WindowCounter): number {
    let total = 0;
    for (const bucket of this.buckets) total += bucket[counter] as number;
    return total;
  }

  /**
   * Counts a slow call in the current bucket. opossum has no such counter: it is an extra
   * property of its bucket, which rotates out of the window with the bucket (opossum's own
   * `stats` sums only the counters it created, so it does not see it).
   */
  addSlowCall(): void {
    const bucket = this.buckets[0] as Bucket;
    bucket[SLOW] = ((bucket[SLOW] as number | undefined) ?? 0) + 1;
  }

  /** Slow calls over the whole window. */
  slowCalls(): number {
    let total = 0;
    for (const bucket of this.buckets) total += (bucket[SLOW] as number | undefined) ?? 0;
    return total;
  }
}

/**
 * Makes a breaker's rolling window (`breaker.status`) count calls without keeping their
 * latencies, so its memory and the cost of reading its statistics depend on the number of
 * buckets, not of calls. Returns the window to read the counts from, or `undefined` when
 * opossum's internals were not recognised (the Status is left as it was, recording latencies;
 * read `breaker.stats` then).
 */
export function countOnly(status: CircuitBreaker.Status): CountingWindow | undefined {
  const window = windowOf(status);
  if (!window) return undefined;
  (status as unknown as { increment(property: string): void }).increment = (property: string) => {
    // Read per call: opossum replaces the array's first bucket when the window rotates.
    const bucket = window[0] as Bucket;
    bucket[property] = (bucket[property] as number) + 1;
  };
  return new CountingWindow(window);
}
