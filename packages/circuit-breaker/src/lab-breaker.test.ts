import { inspect, types } from 'node:util';
import { parseRecurringMaintenanceWindow } from '@tracseq/contract';
import CircuitBreaker from 'opossum';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classifyError } from './classify-error.js';
import {
  BreakerOpenError,
  BreakerRejectedError,
  BreakerTimeoutError,
  CapacityError,
  MaintenanceError,
} from './errors.js';
import { LabBreaker } from './lab-breaker.js';
import { failing, observed, succeeding, testPolicy } from './test-support.js';

const KEY = { lab: 'lab-a', instrument: 'sequencer-1', operation: 'schedule' };
const NAME = 'lab-a/sequencer-1/schedule';

async function trip(breaker: LabBreaker, calls = 4): Promise<void> {
  for (let i = 0; i < calls; i++) await breaker.call(failing).catch(() => undefined);
}

describe('LabBreaker', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-25T08:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('goes closed -> open -> half_open -> closed, counting and logging each transition', async () => {
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy({ halfOpenTrials: 2 }), o.observers);
    expect(breaker.state()).toBe('closed');
    await trip(breaker);
    expect(breaker.state()).toBe('open');
    await expect(breaker.call(succeeding)).rejects.toBeInstanceOf(BreakerOpenError);

    await vi.advanceTimersByTimeAsync(5_000);
    expect(breaker.state()).toBe('half_open');
    await expect(breaker.call(succeeding)).resolves.toBe('ok');
    expect(breaker.state()).toBe('half_open');
    await breaker.call(succeeding);
    expect(breaker.state()).toBe('closed');

    for (const [from, to] of [
      ['closed', 'open'],
      ['open', 'half_open'],
      ['half_open', 'closed'],
    ] as const) {
      expect(await o.value('tracseq_circuit_breaker_transitions_total', { breaker: NAME, from, to })).toBe(1);
    }
    expect(o.logs.map((l) => l.message)).toEqual([
      `circuit breaker ${NAME}: closed -> open: 4 of 4 calls failed in 10000 ms (threshold 50 %)`,
      `circuit breaker ${NAME}: open -> half_open: reset timeout of 5000 ms elapsed; admitting 2 trial call(s)`,
      `circuit breaker ${NAME}: half_open -> closed: 2 half-open trial(s) succeeded`,
    ]);
    expect(await o.value('tracseq_circuit_breaker_state', { breaker: NAME, state: 'closed' })).toBe(1);
    expect(await o.value('tracseq_circuit_breaker_state', { breaker: NAME, state: 'open' })).toBe(0);
    breaker.dispose();
  });

  it('rejects while open with an error that has no stack trace, after the caller could handle it', async () => {
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy(), o.observers);
    await trip(breaker);
    const limit = Error.stackTraceLimit;
    const call = breaker.call(succeeding);
    // Pending when returned: a promise rejected before the caller attached its handler would go
    // through Node's unhandled-rejection bookkeeping first.
    expect(inspect(call)).toBe('Promise { <pending> }');
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `circuit breaker ${NAME} is open; next trial after 2026-11-25T08:00:05.000Z`,
    );
    expect((error as Error).stack).toBe(`BreakerOpenError: ${(error as Error).message}`);
    expect(error).toBeInstanceOf(BreakerRejectedError);
    expect((error as BreakerOpenError).name).toBe('BreakerOpenError');
    expect((error as BreakerOpenError).breaker).toBe(NAME);
    // Made without the Error constructor (its cost): what tells it from a native error.
    expect(types.isNativeError(error)).toBe(false);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'rejected' })).toBe(
      1,
    );
    breaker.dispose();
  });

  it('gives every rejected caller its own error naming its breaker and its next trial', async () => {
    const o = observed();
    const first = new LabBreaker(KEY, testPolicy(), o.observers);
    const second = new LabBreaker({ ...KEY, operation: 'cancel' }, testPolicy(), o.observers);
    // The same next-trial instant: the messages differ only by the breaker.
    await trip(first);
    await trip(second);
    const rejectedBy = (breaker: LabBreaker) =>
      breaker.call(succeeding).then(
        () => new Error('the call was admitted'),
        (e: unknown) => e as Error,
      );
    // Alternating breakers, each rejecting twice: no message leaks from one breaker to the other.
    const errors = [
      await rejectedBy(first),
      await rejectedBy(second),
      await rejectedBy(first),
      await rejectedBy(second),
    ];
    expect(errors.map((e) => e.message)).toEqual([
      `circuit breaker ${NAME} is open; next trial after 2026-11-25T08:00:05.000Z`,
      'circuit breaker lab-a/sequencer-1/cancel is open; next trial after 2026-11-25T08:00:05.000Z',
      `circuit breaker ${NAME} is open; next trial after 2026-11-25T08:00:05.000Z`,
      'circuit breaker lab-a/sequencer-1/cancel is open; next trial after 2026-11-25T08:00:05.000Z',
    ]);
    expect(new Set(errors).size).toBe(4);
    // A handler that tags its caller's error tags no one else's.
    Object.assign(errors[0] as Error, { handled: true });
    expect(errors[2]).not.toHaveProperty('handled');
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'rejected' })).toBe(
      2,
    );
    first.dispose();
    second.dispose();
  });

  it('opens exactly when opossum would for the same outcomes', async () => {
    const notFound = () => Promise.reject(Object.assign(new Error('no such sample'), { status: 404 }));
    const actions = [succeeding, failing, notFound];
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let run = 0; run < 40; run++) {
      const policy = testPolicy({
        volumeThreshold: 2 + (run % 6),
        errorThreshold: [0.3, 0.5, 0.8][run % 3] as number,
      });
      const breaker = new LabBreaker(KEY, policy);
      const reference = new CircuitBreaker((action: () => Promise<unknown>) => action(), {
        timeout: false,
        errorThresholdPercentage: policy.errorThreshold * 100,
        volumeThreshold: policy.volumeThreshold,
        rollingCountTimeout: policy.rollingWindowMs,
        resetTimeout: policy.resetTimeoutMs,
        errorFilter: (error: unknown) => classifyError(error) === 'ignored',
      });
      for (let i = 0; i < 30 && !reference.opened; i++) {
        const action = actions[next() % 3] as () => Promise<unknown>;
        await breaker.call(action).catch(() => undefined);
        await reference.fire(action).catch(() => undefined);
        expect({ run, i, open: breaker.state() === 'open' }).toEqual({ run, i, open: reference.opened });
      }
      breaker.dispose();
      reference.shutdown();
    }
  });

  it('reopens when a half-open trial fails', async () => {
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy(), o.observers);
    await trip(breaker);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(breaker.call(failing)).rejects.toThrow('sequencer unavailable');
    expect(breaker.state()).toBe('open');
    expect(
      await o.value('tracseq_circuit_breaker_transitions_total', {
        breaker: NAME,
        from: 'half_open',
        to: 'open',
      }),
    ).toBe(1);
    breaker.dispose();
  });

  it('does not open below the minimum volume', async () => {
    const breaker = new LabBreaker(KEY, testPolicy({ volumeThreshold: 10 }));
    await trip(breaker, 9);
    expect(breaker.state()).toBe('closed');
    breaker.dispose();
  });

  it('admits exactly N half-open trials under concurrency and rejects the rest', async () => {
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy({ halfOpenTrials: 3 }), o.observers);
    await trip(breaker);
    await vi.advanceTimersByTimeAsync(5_000);
    let started = 0;
    const release: (() => void)[] = [];
    const slow = () =>
      new Promise<string>((resolve) => {
        started++;
        release.push(() => resolve('done'));
      });
    const calls = Array.from({ length: 8 }, () => breaker.call(slow));
    const settled = Promise.allSettled(calls);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toBe(3);
    for (const r of release) r();
    const results = await settled;
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(5);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(BreakerOpenError);
    expect(breaker.state()).toBe('closed');
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'rejected' })).toBe(
      5,
    );
    breaker.dispose();
  });

  it('aborts a timed-out action through its signal', async () => {
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy({ timeoutMs: 2_000 }), o.observers);
    let seen: AbortSignal | undefined;
    const call = breaker.call(
      (signal) =>
        new Promise((_, reject) => {
          seen = signal;
          signal.addEventListener('abort', () => reject(new Error('aborted by signal')));
        }),
    );
    const assertion = expect(call).rejects.toBeInstanceOf(BreakerTimeoutError);
    await vi.advanceTimersByTimeAsync(2_000);
    await assertion;
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(BreakerTimeoutError);
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'timeout' })).toBe(
      1,
    );
    breaker.dispose();
  });

  it('times out concurrent calls each at its own deadline, sharing one timer', async () => {
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy({ timeoutMs: 1_000, volumeThreshold: 100 }), o.observers);
    const signals: AbortSignal[] = [];
    const hang = (signal: AbortSignal) =>
      new Promise<string>((_, reject) => {
        signals.push(signal);
        signal.addEventListener('abort', () => reject(signal.reason));
      });
    const settled: string[] = [];
    const track = (name: string, call: Promise<unknown>) =>
      call.then(
        () => settled.push(`${name} ok`),
        (e: unknown) => settled.push(`${name} ${(e as Error).name}`),
      );
    const first = track('first', breaker.call(hang));
    await vi.advanceTimersByTimeAsync(400);
    let release: (value: string) => void = () => undefined;
    const quick = track(
      'quick',
      breaker.call(() => new Promise<string>((r) => (release = r))),
    );
    await vi.advanceTimersByTimeAsync(200);
    const second = track('second', breaker.call(hang));
    release('done');
    await vi.advanceTimersByTimeAsync(399);
    expect(settled).toEqual(['quick ok']);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toEqual(['quick ok', 'first BreakerTimeoutError']);
    expect(signals[1]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(600);
    await Promise.all([first, quick, second]);
    expect(settled).toEqual(['quick ok', 'first BreakerTimeoutError', 'second BreakerTimeoutError']);
    expect(signals.every((s) => s.reason instanceof BreakerTimeoutError)).toBe(true);
    // A call after an idle spell gets its full timeout again.
    await vi.advanceTimersByTimeAsync(5_000);
    const late = track('late', breaker.call(hang));
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    await late;
    expect(settled.at(-1)).toBe('late BreakerTimeoutError');
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'timeout' })).toBe(
      3,
    );
    breaker.dispose();
  });

  it('passes the caller abort to the action', async () => {
    const breaker = new LabBreaker(KEY, testPolicy({ timeoutMs: 0 }));
    const caller = new AbortController();
    const call = breaker.call(
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      { signal: caller.signal },
    );
    await vi.advanceTimersByTimeAsync(0);
    caller.abort(new Error('client went away'));
    await expect(call).rejects.toThrow('client went away');
    let started = false;
    await expect(
      breaker.call(
        () => {
          started = true;
          return 'ran';
        },
        { signal: caller.signal },
      ),
    ).rejects.toThrow('client went away');
    expect(started).toBe(false);
    breaker.dispose();
  });

  it('never opens on ignored errors (4xx, validation)', async () => {
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy(), o.observers);
    const notFound = async () => {
      throw Object.assign(new Error('no such sample'), { status: 404 });
    };
    class ValidationError extends Error {
      override name = 'ValidationError';
    }
    const invalid = async () => {
      throw new ValidationError('barcode missing');
    };
    for (let i = 0; i < 20; i++) {
      await expect(breaker.call(i % 2 ? notFound : invalid)).rejects.toThrow();
    }
    expect(breaker.state()).toBe('closed');
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'ignored' })).toBe(
      20,
    );
    breaker.dispose();
  });

  it('counts synchronous throws and non-Error rejections as failures', async () => {
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy(), o.observers);
    await expect(
      breaker.call(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(breaker.call(() => Promise.reject('plain string'))).rejects.toBe('plain string');
    await expect(breaker.call(() => Promise.reject(undefined))).rejects.toBeUndefined();
    await expect(breaker.call(() => Promise.reject({ code: 'ECONNRESET' }))).rejects.toEqual({
      code: 'ECONNRESET',
    });
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'failure' })).toBe(
      4,
    );
    expect(breaker.state()).toBe('open');
    breaker.dispose();
  });

  it('uses the fallback for failures and rejections, and surfaces a failing fallback', async () => {
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy(), o.observers);
    await expect(breaker.call(failing, { fallback: () => 'cached' })).resolves.toBe('cached');
    await trip(breaker, 3);
    expect(breaker.state()).toBe('open');
    await expect(
      breaker.call(succeeding, { fallback: (e) => `fallback after ${(e as Error).name}` }),
    ).resolves.toBe('fallback after BreakerOpenError');
    await expect(
      breaker.call(succeeding, {
        fallback: () => {
          throw new Error('cache empty');
        },
      }),
    ).rejects.toThrow('cache empty');
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'fallback' })).toBe(
      2,
    );
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'rejected' })).toBe(
      1,
    );
    breaker.dispose();
  });

  it('rejects calls over capacity without counting them as failures', async () => {
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy({ capacity: 2, volumeThreshold: 1 }), o.observers);
    const release: (() => void)[] = [];
    const held = () => new Promise<string>((resolve) => release.push(() => resolve('ok')));
    const first = [breaker.call(held), breaker.call(held)];
    for (let i = 0; i < 10; i++) await expect(breaker.call(succeeding)).rejects.toBeInstanceOf(CapacityError);
    for (const r of release) r();
    await Promise.all(first);
    expect(breaker.state()).toBe('closed');
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'rejected' })).toBe(
      10,
    );
    expect(await o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome: 'success' })).toBe(
      2,
    );
    breaker.dispose();
  });

  it('is forced open during a maintenance window with an error naming the instrument and the end', async () => {
    const o = observed();
    const start = new Date('2026-11-25T09:00:00Z');
    const end = new Date('2026-11-25T11:00:00Z');
    const breaker = new LabBreaker(
      KEY,
      testPolicy({ maintenance: [{ start, end, reason: 'quarterly calibration' }] }),
      o.observers,
    );
    await expect(breaker.call(succeeding)).resolves.toBe('ok');
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(breaker.state()).toBe('forced_open');
    expect(await o.value('tracseq_circuit_breaker_state', { breaker: NAME, state: 'forced_open' })).toBe(1);
    const error = await breaker.call(succeeding).catch((e) => e);
    expect(error).toBeInstanceOf(MaintenanceError);
    expect(error.message).toBe(
      'sequencer-1 operation schedule in lab lab-a is in maintenance until 2026-11-25T11:00:00.000Z (quarterly calibration)',
    );
    await vi.advanceTimersByTimeAsync(2 * 60 * 60 * 1000);
    expect(breaker.state()).toBe('closed');
    expect(
      await o.value('tracseq_circuit_breaker_transitions_total', {
        breaker: NAME,
        from: 'closed',
        to: 'forced_open',
      }),
    ).toBe(1);
    expect(
      await o.value('tracseq_circuit_breaker_transitions_total', {
        breaker: NAME,
        from: 'forced_open',
        to: 'closed',
      }),
    ).toBe(1);
    expect(o.logs.map((l) => l.fields.reason)).toEqual([
      'maintenance until 2026-11-25T11:00:00.000Z (quarterly calibration)',
      'maintenance window ended',
    ]);
    await expect(breaker.call(succeeding)).resolves.toBe('ok');
    breaker.dispose();
  });

  it('is forced open during each occurrence of a recurring window, at its wall-clock time across a DST change', async () => {
    vi.setSystemTime(new Date('2026-10-19T12:00:00Z'));
    // Tuesdays 06:00-08:00 in Berlin: 04:00Z in summer time, 05:00Z after 2026-10-25.
    const weekly = parseRecurringMaintenanceWindow(
      'DTSTART;TZID=Europe/Berlin:20261006T060000\nRRULE:FREQ=WEEKLY;BYDAY=TU',
      2 * 60 * 60 * 1000,
      'weekly calibration',
    );
    if ('problem' in weekly) throw new Error(weekly.problem);
    const o = observed();
    const breaker = new LabBreaker(KEY, testPolicy({ maintenance: [weekly] }), o.observers);
    const stateAt = async (iso: string) => {
      await vi.advanceTimersByTimeAsync(Date.parse(iso) - Date.now());
      return breaker.state();
    };
    expect(await stateAt('2026-10-20T03:59:59Z')).toBe('closed');
    expect(await stateAt('2026-10-20T04:00:00Z')).toBe('forced_open');
    const error = await breaker.call(succeeding).catch((e) => e);
    expect(error).toBeInstanceOf(MaintenanceError);
    expect(error.message).toMatch(/until 2026-10-20T06:00:00.000Z \(weekly calibration\)$/);
    expect(await stateAt('2026-10-20T06:00:00Z')).toBe('closed');
    expect(await stateAt('2026-10-27T04:30:00Z')).toBe('closed');
    expect(await stateAt('2026-10-27T05:00:00Z')).toBe('forced_open');
    expect(await stateAt('2026-10-27T07:00:00Z')).toBe('closed');
    // The timers alone moved the state: each transition is logged once, at its boundary.
    expect(o.logs.map((l) => l.fields.reason)).toEqual([
      'maintenance until 2026-10-20T06:00:00.000Z (weekly calibration)',
      'maintenance window ended',
      'maintenance until 2026-10-27T07:00:00.000Z (weekly calibration)',
      'maintenance window ended',
    ]);
    breaker.dispose();
  });

  it('passes calls straight through when disabled', async () => {
    const breaker = new LabBreaker(KEY, testPolicy({ enabled: false }));
    expect(breaker.state()).toBe('disabled');
    await trip(breaker, 20);
    await expect(breaker.call(succeeding)).resolves.toBe('ok');
    breaker.dispose();
  });

  it('refuses calls once disposed', async () => {
    const breaker = new LabBreaker(KEY, testPolicy());
    breaker.dispose();
    await expect(breaker.call(succeeding)).rejects.toThrow(/disposed/);
  });
});
