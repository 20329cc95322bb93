import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseBreakerConfigYaml } from './breaker-config.js';
import { BreakerRegistry } from './breaker-registry.js';
import { LabBreaker } from './lab-breaker.js';
import { failing, observed, succeeding, testPolicy } from './test-support.js';

const KEY = { lab: 'lab-a', instrument: 'lims', operation: 'lookup' };
const NAME = 'lab-a/lims/lookup';

const ignore = () => undefined;

describe('count-based window', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-25T08:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('judges the last N calls however far apart they are, where a time window forgets them', async () => {
    const o = observed();
    const count = new LabBreaker(KEY, testPolicy({ window: { type: 'count', size: 4 } }), o.observers);
    const time = new LabBreaker(KEY, testPolicy({ rollingWindowMs: 10_000 }));
    for (const breaker of [count, time]) {
      await breaker.call(succeeding);
      await breaker.call(failing).catch(ignore);
      await vi.advanceTimersByTimeAsync(60_000);
      await breaker.call(failing).catch(ignore);
      await vi.advanceTimersByTimeAsync(60_000);
    }
    expect(count.state()).toBe('closed');
    expect(time.state()).toBe('closed');
    // Fourth call: 3 of the last 4 failed; the time window holds one call.
    await count.call(failing).catch(ignore);
    await time.call(failing).catch(ignore);
    expect(count.state()).toBe('open');
    expect(time.state()).toBe('closed');
    expect(o.logs.map((l) => l.message)).toEqual([
      `circuit breaker ${NAME}: closed -> open: 3 of the last 4 calls failed (threshold 50 %)`,
    ]);
    count.dispose();
    time.dispose();
  });

  it('drops the oldest call once full, so old failures stop counting', async () => {
    const breaker = new LabBreaker(KEY, testPolicy({ window: { type: 'count', size: 5 } }));
    await breaker.call(failing).catch(ignore);
    await breaker.call(failing).catch(ignore);
    for (let i = 0; i < 5; i++) await breaker.call(succeeding);
    // Last five: four successes and this failure; the two early failures have left.
    await breaker.call(failing).catch(ignore);
    await breaker.call(failing).catch(ignore);
    expect(breaker.state()).toBe('closed');
    // Three of the last five.
    await breaker.call(failing).catch(ignore);
    expect(breaker.state()).toBe('open');
    breaker.dispose();
  });

  it('counts ignored errors as successes and starts empty after closing again', async () => {
    const notFound = () => Promise.reject(Object.assign(new Error('no such sample'), { status: 404 }));
    const breaker = new LabBreaker(KEY, testPolicy({ window: { type: 'count', size: 4 } }));
    for (let i = 0; i < 6; i++) await breaker.call(notFound).catch(ignore);
    await breaker.call(failing).catch(ignore);
    await breaker.call(failing).catch(ignore);
    expect(breaker.state()).toBe('closed');
    await breaker.call(failing).catch(ignore);
    expect(breaker.state()).toBe('open');
    await vi.advanceTimersByTimeAsync(5_000);
    await breaker.call(succeeding);
    expect(breaker.state()).toBe('closed');
    // The failures before the opening are forgotten: one failure is 1 of 1, under the volume.
    for (let i = 0; i < 3; i++) await breaker.call(failing).catch(ignore);
    expect(breaker.state()).toBe('closed');
    breaker.dispose();
  });

  it('judges the slow-call rate over the last N calls, with no limit on slowCallDuration', async () => {
    const o = observed();
    const config = parseBreakerConfigYaml(`
lab: lab-a
breakers:
  defaults: { timeout: 5m, volumeThreshold: 3 }
  rules:
    - match: { instrument: sequencer-1 }
      window: { type: count, size: 3 }
      slowCallDuration: 1m
      slowCallRateThreshold: 0.6
`);
    const registry = new BreakerRegistry(config, o.observers);
    const sequencer = { lab: 'lab-a', instrument: 'sequencer-1', operation: 'run' };
    const run = async (ms: number) => {
      const call = registry.call(
        sequencer,
        () => new Promise((resolve) => setTimeout(() => resolve('done'), ms)),
      );
      await vi.advanceTimersByTimeAsync(ms);
      return call;
    };
    await run(90_000);
    await run(1_000);
    expect(registry.get(sequencer).state()).toBe('closed');
    // 2 of the last 3 slower than a minute: 67 % >= 60 %.
    await expect(run(90_000)).resolves.toBe('done');
    expect(registry.get(sequencer).state()).toBe('open');
    expect(o.logs.at(-1)?.message).toBe(
      'circuit breaker lab-a/sequencer-1/run: closed -> open: 2 of the last 3 calls were slower than 60000 ms (slow-call threshold 60 %)',
    );
    registry.dispose();
  });
});
