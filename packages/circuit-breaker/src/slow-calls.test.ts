import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseBreakerConfigYaml } from './breaker-config.js';
import { BreakerRegistry } from './breaker-registry.js';
import { BreakerOpenError } from './errors.js';
import { LabBreaker } from './lab-breaker.js';
import { observed, succeeding, testPolicy } from './test-support.js';

const KEY = { lab: 'lab-a', instrument: 'sequencer-1', operation: 'schedule' };
const NAME = 'lab-a/sequencer-1/schedule';

/** An action that succeeds after `ms` of (fake) time. */
const after = (ms: number) => (): Promise<string> =>
  new Promise((resolve) => setTimeout(() => resolve('late but ok'), ms));

/** Calls the breaker with an action taking `ms`, lets the fake clock run it, returns its result. */
async function callTaking(breaker: LabBreaker, ms: number): Promise<unknown> {
  const call = breaker.call(after(ms)).catch((error: unknown) => error);
  await vi.advanceTimersByTimeAsync(ms);
  return call;
}

describe('slow-call rate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-25T08:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts successes slower than slowCallDuration as slow and opens at the slow-call rate', async () => {
    const o = observed();
    const breaker = new LabBreaker(
      KEY,
      testPolicy({ timeoutMs: 30_000, slowCallDurationMs: 2_000, slowCallRateThreshold: 0.5 }),
      o.observers,
    );
    // Two fast, one slow: 1 of 3 calls slow, under the minimum volume of 4 anyway.
    expect(await callTaking(breaker, 100)).toBe('late but ok');
    expect(await callTaking(breaker, 100)).toBe('late but ok');
    expect(await callTaking(breaker, 2_500)).toBe('late but ok');
    expect(breaker.state()).toBe('closed');
    // 2 of 4: the rate reaches the threshold. The slow caller still gets its answer.
    expect(await callTaking(breaker, 2_500)).toBe('late but ok');
    expect(breaker.state()).toBe('open');
    expect(await callTaking(breaker, 100)).toBeInstanceOf(BreakerOpenError);

    const calls = (outcome: string) =>
      o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome });
    expect(await calls('success')).toBe(2);
    expect(await calls('slow')).toBe(2);
    expect(await calls('failure')).toBe(0);
    expect(await calls('rejected')).toBe(1);
    expect(o.logs.map((l) => l.message)).toEqual([
      `circuit breaker ${NAME}: closed -> open: 2 of 4 calls were slower than 2000 ms in 10000 ms (slow-call threshold 50 %)`,
    ]);
    breaker.dispose();
  });

  it('stays closed below the slow-call rate, and counts no call slow without slowCallDuration', async () => {
    const o = observed();
    const below = new LabBreaker(
      KEY,
      testPolicy({ timeoutMs: 30_000, slowCallDurationMs: 2_000, slowCallRateThreshold: 0.5 }),
      o.observers,
    );
    for (const ms of [100, 2_500, 100, 100, 2_500, 100, 100]) await callTaking(below, ms);
    expect(below.state()).toBe('closed');
    below.dispose();

    const other = observed();
    const off = new LabBreaker(KEY, testPolicy({ timeoutMs: 30_000 }), other.observers);
    for (let i = 0; i < 6; i++) await callTaking(off, 20_000);
    expect(off.state()).toBe('closed');
    expect(await other.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'slow' })).toBe(
      0,
    );
    expect(
      await other.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'success' }),
    ).toBe(6);
    off.dispose();
  });

  it('forgets slow calls that left the rolling window', async () => {
    const breaker = new LabBreaker(
      KEY,
      testPolicy({ timeoutMs: 30_000, slowCallDurationMs: 2_000, slowCallRateThreshold: 0.5 }),
    );
    await callTaking(breaker, 2_500);
    await callTaking(breaker, 2_500);
    // Past the 10 s window: the two slow calls no longer count.
    await vi.advanceTimersByTimeAsync(11_000);
    for (const ms of [100, 100, 100]) await callTaking(breaker, ms);
    await callTaking(breaker, 2_500);
    expect(breaker.state()).toBe('closed');
    breaker.dispose();
  });

  it('reopens on a slow half-open trial and closes on fast ones', async () => {
    const o = observed();
    const breaker = new LabBreaker(
      KEY,
      testPolicy({
        timeoutMs: 30_000,
        slowCallDurationMs: 2_000,
        slowCallRateThreshold: 1,
        resetTimeoutMs: 5_000,
      }),
      o.observers,
    );
    for (let i = 0; i < 4; i++) await callTaking(breaker, 2_500);
    expect(breaker.state()).toBe('open');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(breaker.state()).toBe('half_open');
    expect(await callTaking(breaker, 2_500)).toBe('late but ok');
    expect(breaker.state()).toBe('open');
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(breaker.call(succeeding)).resolves.toBe('ok');
    expect(breaker.state()).toBe('closed');
    expect(o.logs.map((l) => l.message.split(': ').slice(1).join(': '))).toEqual([
      'closed -> open: 4 of 4 calls were slower than 2000 ms in 10000 ms (slow-call threshold 100 %)',
      'open -> half_open: reset timeout of 5000 ms elapsed; admitting 1 trial call(s)',
      'half_open -> open: a half-open trial was slower than 2000 ms',
      'open -> half_open: reset timeout of 5000 ms elapsed; admitting 1 trial call(s)',
      'half_open -> closed: 1 half-open trial(s) succeeded',
    ]);
    breaker.dispose();
  });

  it('takes slowCallDuration and slowCallRateThreshold from the lab settings per rule', async () => {
    const config = parseBreakerConfigYaml(`
lab: lab-a
breakers:
  defaults: { timeout: 1m, volumeThreshold: 4, rollingWindow: 2m }
  rules:
    - match: { instrument: sequencer-1 }
      slowCallDuration: 5s
      slowCallRateThreshold: 0.75
`);
    const registry = new BreakerRegistry(config);
    const lims = { lab: 'lab-a', instrument: 'lims', operation: 'lookup' };
    const slowly = (key: typeof KEY) => {
      const call = registry.call(key, after(20_000)).catch((error: unknown) => error);
      return vi.advanceTimersByTimeAsync(20_000).then(() => call);
    };
    await registry.call(KEY, succeeding);
    for (let i = 0; i < 2; i++) await slowly(KEY);
    expect(registry.get(KEY).state()).toBe('closed');
    // 3 of 4 calls slow: the rule's 75 % is reached.
    await slowly(KEY);
    expect(registry.get(KEY).state()).toBe('open');
    // The sequencer's 20 s answers were slow; the LIMS, without slowCallDuration, is never slow.
    for (let i = 0; i < 6; i++) await slowly(lims);
    expect(registry.get(lims).state()).toBe('closed');
    for (const breaker of registry.list()) breaker.dispose();
  });
});
