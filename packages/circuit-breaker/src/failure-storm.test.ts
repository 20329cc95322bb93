import type CircuitBreaker from 'opossum';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BreakerTimeoutError } from './errors.js';
import { LabBreaker } from './lab-breaker.js';
import { observed, testPolicy } from './test-support.js';

const KEY = { lab: 'lab-a', instrument: 'lims', operation: 'lookup' };
const BATCH = 500;

/** Calls Array.prototype.sort's comparator made while `work` ran (opossum's percentile path sorts). */
async function comparisonsDuring(work: () => Promise<void>): Promise<number> {
  const sort = Array.prototype.sort;
  let comparisons = 0;
  Array.prototype.sort = function <T>(this: T[], compare?: (a: T, b: T) => number) {
    if (!compare) return sort.call(this);
    return sort.call(this, (a: T, b: T) => {
      comparisons++;
      return compare(a, b);
    });
  };
  try {
    await work();
  } finally {
    Array.prototype.sort = sort;
  }
  return comparisons;
}

describe('reliability row 1: failure storm', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-25T08:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('times out batches of hung calls with the same work per failure however full the window is', async () => {
    const o = observed();
    const breaker = new LabBreaker(
      KEY,
      testPolicy({ timeoutMs: 50, capacity: 1_000_000, volumeThreshold: 1_000_000 }),
      o.observers,
    );
    const hang = () => new Promise<never>(() => undefined);
    const batch = async () => {
      const calls = Array.from({ length: BATCH }, () => breaker.call(hang).catch((e: unknown) => e));
      await vi.advanceTimersByTimeAsync(50);
      const errors = await Promise.all(calls);
      expect(errors.every((e) => e instanceof BreakerTimeoutError)).toBe(true);
      // Built by the deadline timer, whose frames say nothing about the call: no stack trace.
      expect((errors[0] as Error).stack).toBe(
        `BreakerTimeoutError: call through ${breaker.name} timed out after 50 ms`,
      );
    };
    const first = await comparisonsDuring(batch);
    for (let i = 0; i < 4; i++) await batch();
    const sixth = await comparisonsDuring(batch);
    // With opossum's rolling percentiles on, every failure sorted every latency in the window.
    expect(first).toBe(0);
    expect(sixth).toBe(first);

    // opossum's own view of the breaker (private to LabBreaker; `options` is missing from its types).
    const opossum = (breaker as unknown as { opossum: CircuitBreaker & { options: CircuitBreaker.Options } })
      .opossum;
    expect(opossum.options.rollingPercentilesEnabled).toBe(false);
    const stats = opossum.stats;
    expect(stats).toMatchObject({ fires: 6 * BATCH, failures: 6 * BATCH, latencyMean: -1 });
    // The window holds counters only: no latency per call to copy, sum or sort.
    expect(opossum.status.window.every((bucket) => bucket.latencyTimes.length === 0)).toBe(true);
    expect(breaker.state()).toBe('closed');
    expect(
      await o.value('tracseq_circuit_breaker_calls_total', { breaker: breaker.name, outcome: 'timeout' }),
    ).toBe(6 * BATCH);
    breaker.dispose();
  });
});
