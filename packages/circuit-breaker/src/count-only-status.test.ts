import CircuitBreaker from 'opossum';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countOnly } from './count-only-status.js';

const OPTIONS = {
  timeout: false as const,
  volumeThreshold: 1_000_000,
  rollingCountTimeout: 1_000,
  rollingCountBuckets: 10,
  rollingPercentilesEnabled: false,
  enableSnapshots: false,
};

const COUNTERS = ['fires', 'successes', 'failures', 'rejects', 'fallbacks', 'timeouts'] as const;

function counters(breaker: CircuitBreaker) {
  const stats = breaker.stats;
  return Object.fromEntries(COUNTERS.map((key) => [key, stats[key]]));
}

describe('countOnly', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts exactly as opossum does, across window rotation, without keeping latencies', async () => {
    let fail = false;
    const action = async () => {
      if (fail) throw new Error('down');
      return 'ok';
    };
    const counting = new CircuitBreaker(action, { ...OPTIONS });
    const reference = new CircuitBreaker(action, { ...OPTIONS });
    const window = countOnly(counting.status);
    expect(window).toBeDefined();
    const both = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await counting.fire().catch(() => undefined);
        await reference.fire().catch(() => undefined);
      }
    };
    await both(30);
    fail = true;
    await both(20);
    expect(counters(counting)).toEqual(counters(reference));
    expect(counters(counting)).toMatchObject({ fires: 50, successes: 30, failures: 20 });
    await vi.advanceTimersByTimeAsync(600);
    await both(5);
    expect(counters(counting)).toEqual(counters(reference));
    expect(counters(counting)).toMatchObject({ fires: 55, failures: 25 });
    for (const counter of ['fires', 'failures', 'successes'] as const)
      expect(window?.sum(counter)).toBe(reference.stats[counter]);
    // The first 50 calls' bucket rotates out of the 1 s window; the last 5 stay counted.
    await vi.advanceTimersByTimeAsync(500);
    expect(counters(counting)).toEqual(counters(reference));
    expect(counters(counting)).toMatchObject({ fires: 5, successes: 0, failures: 5 });
    expect([window?.sum('fires'), window?.sum('failures')]).toEqual([5, 5]);
    // opossum alone keeps one latency per success, failure and timeout in the window.
    const latencies = (b: CircuitBreaker) => b.status.window.reduce((n, x) => n + x.latencyTimes.length, 0);
    expect(latencies(reference)).toBe(5);
    expect(latencies(counting)).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(counters(counting)).toEqual(counters(reference));
    expect(counters(counting).fires).toBe(0);
    counting.shutdown();
    reference.shutdown();
  });

  it('leaves a status it does not recognise alone', () => {
    const increment = () => undefined;
    const status = { increment } as unknown as CircuitBreaker.Status;
    expect(countOnly(status)).toBeUndefined();
    expect((status as unknown as { increment: unknown }).increment).toBe(increment);
  });
});
