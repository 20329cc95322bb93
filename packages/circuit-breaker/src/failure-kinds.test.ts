import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseBreakerConfigYaml } from './breaker-config.js';
import { BreakerRegistry } from './breaker-registry.js';
import { failureKind, retryAfterMs } from './classify-error.js';
import { BackPressureError, BreakerTimeoutError } from './errors.js';
import { LabBreaker } from './lab-breaker.js';
import { observed, succeeding, testPolicy } from './test-support.js';

const KEY = { lab: 'lab-a', instrument: 'lims', operation: 'lookup' };
const NAME = 'lab-a/lims/lookup';
const ignore = () => undefined;

const httpError = (status: number, headers?: Record<string, string>) =>
  Object.assign(new Error(`HTTP ${status}`), { status, ...(headers ? { headers } : {}) });
const rejecting = (error: unknown) => () => Promise.reject(error);
const serverError = rejecting(httpError(500));

describe('failure kinds', () => {
  it('names the kind of every failure and none for ignored errors', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const kinds = [
      new BreakerTimeoutError('b', 100),
      new DOMException('signal timed out', 'TimeoutError'),
      Object.assign(new Error('socket'), { code: 'ETIMEDOUT' }),
      httpError(503),
      httpError(500),
      httpError(408),
      httpError(429),
      refused,
      Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      new Error('boom'),
      httpError(404),
      httpError(429, { 'retry-after': '5' }),
    ].map((error) => failureKind(error));
    expect(kinds).toEqual([
      'timeout',
      'timeout',
      'timeout',
      'server_error',
      'server_error',
      'overload',
      'overload',
      'network',
      'network',
      'other',
      undefined,
      undefined,
    ]);
  });

  it("lets a custom classifier name the kind, and keeps the default kind for 'failure'", () => {
    const custom = (error: unknown) =>
      (error as Error).message === 'instrument busy' ? ('overload' as const) : ('failure' as const);
    expect(failureKind(new Error('instrument busy'), custom)).toBe('overload');
    expect(failureKind(httpError(404), custom)).toBe('other');
    expect(failureKind(httpError(502), () => 'ignored')).toBeUndefined();
  });

  it('reads Retry-After as seconds or an HTTP date, from plain or fetch headers', () => {
    const now = Date.parse('2026-11-25T08:00:00Z');
    expect(retryAfterMs(httpError(429, { 'retry-after': '7' }), now)).toBe(7_000);
    expect(retryAfterMs(httpError(429, { 'retry-after': 'Wed, 25 Nov 2026 08:00:30 GMT' }), now)).toBe(
      30_000,
    );
    const fetchLike = Object.assign(new Error('429'), {
      response: { status: 429, headers: new Headers({ 'Retry-After': '2' }) },
    });
    expect(retryAfterMs(fetchLike, now)).toBe(2_000);
    expect(retryAfterMs(httpError(503, { 'retry-after': '7' }), now)).toBeUndefined();
    expect(retryAfterMs(httpError(429, { 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe('errorThresholds', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-25T08:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("opens on one kind's own ratio while the overall failure ratio is under errorThreshold", async () => {
    const o = observed();
    const breaker = new LabBreaker(
      KEY,
      testPolicy({ timeoutMs: 100, errorThreshold: 0.5, errorThresholds: { timeout: 0.2 } }),
      o.observers,
    );
    for (let i = 0; i < 4; i++) await breaker.call(succeeding);
    await breaker.call(serverError).catch(ignore);
    expect(breaker.state()).toBe('closed');
    // One timeout in six calls: 17 %, under 20 %.
    const hang = breaker.call(() => new Promise(ignore)).catch(ignore);
    await vi.advanceTimersByTimeAsync(100);
    await hang;
    expect(breaker.state()).toBe('closed');
    // Two of seven: 29 % > 20 % (3 of 7 failures overall stay under 50 %).
    const second = breaker.call(() => new Promise(ignore)).catch(ignore);
    await vi.advanceTimersByTimeAsync(100);
    await second;
    expect(breaker.state()).toBe('open');
    expect(o.logs.map((l) => l.message)).toEqual([
      `circuit breaker ${NAME}: closed -> open: 2 of 7 calls failed with timeout in 10000 ms (errorThresholds.timeout 20 %)`,
    ]);
    breaker.dispose();
  });

  it('judges kinds over a count window too, from the lab settings', async () => {
    const o = observed();
    const registry = new BreakerRegistry(
      parseBreakerConfigYaml(`
lab: lab-a
breakers:
  defaults: { volumeThreshold: 4, errorThreshold: 0.9 }
  rules:
    - match: { instrument: lims }
      window: { type: count, size: 4 }
      errorThresholds: { server_error: 0.5, network: 0.2 }
`),
      o.observers,
    );
    const refused = rejecting(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await registry.call(KEY, succeeding);
    await registry.call(KEY, serverError).catch(ignore);
    await registry.call(KEY, succeeding);
    await registry.call(KEY, serverError).catch(ignore);
    // 2 of the last 4 are server errors: 50 % is not above 50 %.
    expect(registry.get(KEY).state()).toBe('closed');
    await registry.call(KEY, refused).catch(ignore);
    expect(registry.get(KEY).state()).toBe('open');
    expect(o.logs.at(-1)?.message).toBe(
      `circuit breaker ${NAME}: closed -> open: 1 of the last 4 calls failed with network (errorThresholds.network 20 %)`,
    );
    registry.dispose();
  });
});

describe('429 with Retry-After', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-25T08:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds calls back until Retry-After instead of counting failures, then lets them through', async () => {
    const o = observed();
    const breaker = new LabBreaker(
      KEY,
      testPolicy({ volumeThreshold: 2, resetTimeoutMs: 30_000 }),
      o.observers,
    );
    const tooMany = httpError(429, { 'retry-after': '10' });
    await expect(breaker.call(rejecting(tooMany))).rejects.toBe(tooMany);
    const held = await breaker.call(succeeding).catch((error: unknown) => error);
    expect(held).toBeInstanceOf(BackPressureError);
    expect((held as BackPressureError).retryAfter.toISOString()).toBe('2026-11-25T08:00:10.000Z');
    await expect(breaker.call(succeeding, { fallback: () => 'queued' })).resolves.toBe('queued');
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(breaker.call(succeeding)).resolves.toBe('ok');
    // However many, 429s with Retry-After never open the breaker.
    for (let i = 0; i < 5; i++) {
      await breaker.call(rejecting(tooMany)).catch(ignore);
      await vi.advanceTimersByTimeAsync(10_000);
    }
    expect(breaker.state()).toBe('closed');

    const calls = (outcome: string) =>
      o.value('tracseq_circuit_breaker_calls_total', { breaker: NAME, outcome });
    expect(await calls('ignored')).toBe(6);
    expect(await calls('rejected')).toBe(1);
    expect(await calls('fallback')).toBe(1);
    expect(await calls('failure')).toBe(0);
    expect(o.logs[0]?.message).toBe(
      `circuit breaker ${NAME}: 429 with Retry-After; holding calls back until 2026-11-25T08:00:10.000Z`,
    );
    breaker.dispose();
  });

  it('waits at most the reset timeout, and counts a 429 without Retry-After as an overload failure', async () => {
    const breaker = new LabBreaker(
      KEY,
      testPolicy({ volumeThreshold: 2, resetTimeoutMs: 5_000, errorThresholds: { overload: 0.4 } }),
    );
    await breaker.call(rejecting(httpError(429, { 'retry-after': '86400' }))).catch(ignore);
    await vi.advanceTimersByTimeAsync(4_999);
    await expect(breaker.call(succeeding)).rejects.toBeInstanceOf(BackPressureError);
    await vi.advanceTimersByTimeAsync(1);
    await expect(breaker.call(succeeding)).resolves.toBe('ok');
    await breaker.call(rejecting(httpError(429))).catch(ignore);
    // 1 overload failure of 3 calls (the held-back call never ran): 33 %, then 2 of 4.
    expect(breaker.state()).toBe('closed');
    await breaker.call(rejecting(httpError(429))).catch(ignore);
    expect(breaker.state()).toBe('open');
    breaker.dispose();
  });
});
