import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseBreakerConfigYaml } from './breaker-config.js';
import { BreakerRegistry } from './breaker-registry.js';
import { CapacityError, ConcurrencyLimitError } from './errors.js';
import { LabBreaker } from './lab-breaker.js';
import { seededRandom, simulatedLatencyMs } from './simulated-instrument.js';
import { observed, testPolicy } from './test-support.js';

const KEY = { lab: 'lab-a', instrument: 'storage-robot', operation: 'fetch' };
const NAME = 'lab-a/storage-robot/fetch';
const GAUGE = 'tracseq_circuit_breaker_concurrency_limit';

describe('adaptive concurrency limit through the breaker (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-25T08:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects calls beyond the limit fast, as rejected and never as failures, and publishes the limit', async () => {
    const o = observed();
    const breaker = new LabBreaker(
      KEY,
      testPolicy({ concurrency: { adaptive: 'vegas', min: 1, max: 10, initial: 2 } }),
      o.observers,
    );
    expect(breaker.concurrencyLimit()).toBe(2);
    expect(await o.value(GAUGE, { breaker: NAME })).toBe(2);
    const slowly = () => new Promise<string>((resolve) => setTimeout(() => resolve('ok'), 100));
    const calls = [1, 2, 3, 4, 5].map(() => breaker.call(slowly).catch((error: unknown) => error));
    await vi.advanceTimersByTimeAsync(100);
    const results = await Promise.all(calls);
    expect(results.slice(0, 2)).toEqual(['ok', 'ok']);
    for (const rejected of results.slice(2)) {
      expect(rejected).toBeInstanceOf(ConcurrencyLimitError);
      expect(rejected).toBeInstanceOf(CapacityError);
      expect((rejected as Error).message).toBe(
        `circuit breaker ${NAME} is at its adaptive concurrency limit (2 calls in flight)`,
      );
    }
    const outcome = (name: string) =>
      o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: name });
    expect(await outcome('success')).toBe(2);
    expect(await outcome('rejected')).toBe(3);
    expect(await outcome('failure')).toBe(0);
    expect(breaker.state()).toBe('closed');
    breaker.dispose();
  });

  it('follows the latency of an instrument that slows down past its knee: the gauge settles near the knee', async () => {
    const o = observed();
    const registry = new BreakerRegistry(
      parseBreakerConfigYaml(
        [
          'lab: lab-a',
          'breakers:',
          '  rules:',
          '    - match: { instrument: storage-robot }',
          '      timeout: 30s',
          '      concurrency: { adaptive: vegas, min: 1, max: 32, initial: 2 }',
          '',
        ].join('\n'),
      ),
      o.observers,
    );
    const instrument = { knee: 4, serviceMs: 100 };
    const random = seededRandom(3);
    let inflight = 0;
    let stopped = false;
    const robot = () => {
      inflight++;
      const latency = simulatedLatencyMs(instrument, inflight, random());
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          inflight--;
          resolve();
        }, latency),
      );
    };
    // 24 callers, each calling again when its call ends and 20 ms after a rejection.
    const caller = async (): Promise<void> => {
      while (!stopped) {
        try {
          await registry.call(KEY, robot);
        } catch (error) {
          if (!(error instanceof ConcurrencyLimitError)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const callers = Array.from({ length: 24 }, caller);
    const limits: number[] = [];
    for (let second = 0; second < 120; second++) {
      await vi.advanceTimersByTimeAsync(1_000);
      if (second >= 60) limits.push(await o.value(GAUGE, { breaker: NAME }));
    }
    stopped = true;
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(callers);
    const mean = limits.reduce((a, b) => a + b, 0) / limits.length;
    expect(mean).toBeGreaterThanOrEqual(instrument.knee * 0.75);
    expect(mean).toBeLessThanOrEqual(instrument.knee * 2);
    expect(registry.get(KEY).concurrencyLimit()).toBe(limits.at(-1));
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'failure' })).toBe(
      0,
    );
    expect(
      await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'rejected' }),
    ).toBeGreaterThan(0);
    registry.dispose();
  });

  it('without a concurrency policy: the fixed capacity, no gauge', async () => {
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy({ capacity: 1 }), o.observers);
    expect(breaker.concurrencyLimit()).toBe(1);
    const hold = breaker.call(() => new Promise((resolve) => setTimeout(resolve, 10)));
    const over = await breaker.call(async () => 'never').catch((error: unknown) => error);
    expect(over).toBeInstanceOf(CapacityError);
    expect(over).not.toBeInstanceOf(ConcurrencyLimitError);
    await vi.advanceTimersByTimeAsync(10);
    await hold;
    const text = await o.registry.metrics();
    expect(text).not.toMatch(/^tracseq_circuit_breaker_concurrency_limit\{/m);
    breaker.dispose();
  });
});
