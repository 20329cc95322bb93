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

/** A counter kept in opossum's buckets beside its own, under a name opossum does not use. */
export type ExtraCounter = `tracseq${string}`;

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
   * Counts one in a counter opossum does not have (slow calls, failures of one kind) in the
   * current bucket: an extra property of the bucket, which rotates out of the window with it
   * (opossum's own `stats` sums only the counters it created, so it does not see it).
   */
  add(counter: ExtraCounter): void {
    const bucket = this.buckets[0] as Bucket;
    bucket[counter] = ((bucket[counter] as number | undefined) ?? 0) + 1;
  }

  /** An {@link add}ed counter over the whole window. */
  extra(counter: ExtraCounter): number {
    let total = 0;
    for (const bucket of this.buckets) total += (bucket[counter] as number | undefined) ?? 0;
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
