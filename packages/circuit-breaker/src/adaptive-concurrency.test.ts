import { CONCURRENCY_ALGORITHMS, type ConcurrencyAlgorithm } from '@tracseq/contract';
import { describe, expect, it } from 'vitest';
import { createConcurrencyLimit } from './concurrency-limit.js';
import { type SimulatedInstrument, seededRandom, simulatedLatencyMs } from './simulated-instrument.js';

const INSTRUMENT: SimulatedInstrument = { knee: 8, serviceMs: 100 };
const CLIENTS = 40;
/** A rejected client tries again after this long (fast rejection, short back-off). */
const RETRY_MS = 20;
const RUN_MS = 300_000;
/** Measured after this, once the limit has settled. */
const WARM_UP_MS = 60_000;

interface RunResult {
  /** Completed calls per second after the warm-up. */
  readonly throughput: number;
  /** 99th percentile latency of completed calls after the warm-up, ms. */
  readonly p99Ms: number;
  /** Time-weighted mean limit after the warm-up. */
  readonly meanLimit: number;
  readonly rejected: number;
}

/** A pending event: [time, kind (0 = try, 1 = done), started, calls in flight at its start]. */
type SimEvent = [number, 0 | 1, number, number];

/** How calls are admitted: an adaptive algorithm, a fixed limit, or none. */
type Admission = { readonly adaptive: ConcurrencyAlgorithm } | { readonly fixed: number };

/**
 * A discrete-event simulation on a simulated clock: CLIENTS callers each call the instrument
 * again as soon as their call ends, and after RETRY_MS when the limit rejects them. The limit
 * gets every completed call's latency, as the breaker feeds it.
 */
function simulate(admission: Admission): RunResult {
  const random = seededRandom(20);
  const limiter =
    'adaptive' in admission
      ? createConcurrencyLimit(
          { adaptive: admission.adaptive, min: 1, max: CLIENTS, initial: 4 },
          { dropAfterMs: INSTRUMENT.serviceMs * 1.5, random: seededRandom(7) },
        )
      : undefined;
  const limitNow = () => (limiter ? limiter.limit : 'fixed' in admission ? admission.fixed : CLIENTS);
  // Pending events: [time, kind (0 = try, 1 = done), started, inflight at start]. Few at once: a
  // linear scan for the earliest is enough.
  const events: SimEvent[] = [];
  for (let i = 0; i < CLIENTS; i++) events.push([i * 0.5, 0, 0, 0]);
  let inflight = 0;
  let completed = 0;
  let rejected = 0;
  let limitArea = 0;
  let lastChange = WARM_UP_MS;
  const latencies: number[] = [];
  while (events.length > 0) {
    let first = 0;
    for (let i = 1; i < events.length; i++) {
      if ((events[i] as SimEvent)[0] < (events[first] as SimEvent)[0]) first = i;
    }
    const [now, kind, started, startInflight] = events[first] as SimEvent;
    events[first] = events[events.length - 1] as SimEvent;
    events.pop();
    if (now >= RUN_MS) continue;
    if (kind === 0) {
      if (inflight >= limitNow()) {
        if (now >= WARM_UP_MS) rejected++;
        events.push([now + RETRY_MS, 0, 0, 0]);
        continue;
      }
      inflight++;
      events.push([now + simulatedLatencyMs(INSTRUMENT, inflight, random()), 1, now, inflight]);
      continue;
    }
    inflight--;
    const latency = now - started;
    const before = limitNow();
    limiter?.sample(latency, startInflight, false);
    if (now >= WARM_UP_MS) {
      completed++;
      latencies.push(latency);
      limitArea += before * (now - lastChange);
      lastChange = now;
    }
    events.push([now, 0, 0, 0]);
  }
  limitArea += limitNow() * (RUN_MS - lastChange);
  latencies.sort((a, b) => a - b);
  const seconds = (RUN_MS - WARM_UP_MS) / 1000;
  return {
    throughput: completed / seconds,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] as number,
    meanLimit: limitArea / (RUN_MS - WARM_UP_MS),
    rejected,
  };
}

describe('adaptive concurrency limit on a simulated instrument (simulated clock)', () => {
  const unlimited = simulate({ fixed: CLIENTS });
  const fixed = [4, 6, 8, 10, 12, 16, 32].map((limit) => ({ limit, ...simulate({ fixed: limit }) }));
  const best = fixed.reduce((a, b) => (b.throughput > a.throughput ? b : a));

  it('the simulated instrument peaks at its knee: the best fixed limit is the knee', () => {
    expect(best.limit).toBe(INSTRUMENT.knee);
    // Everything in flight at once: latency far above the service time.
    expect(unlimited.p99Ms).toBeGreaterThan(INSTRUMENT.serviceMs * 5);
  });

  for (const algorithm of CONCURRENCY_ALGORITHMS) {
    it(`${algorithm}: converges near the knee, keeps throughput within 10 % of the best fixed limit, p99 under unlimited`, () => {
      const run = simulate({ adaptive: algorithm });
      expect(run.meanLimit).toBeGreaterThanOrEqual(INSTRUMENT.knee * 0.75);
      expect(run.meanLimit).toBeLessThanOrEqual(INSTRUMENT.knee * 1.75);
      expect(run.throughput).toBeGreaterThanOrEqual(best.throughput * 0.9);
      expect(run.p99Ms).toBeLessThan(unlimited.p99Ms * 0.5);
      // Excess calls were turned away rather than queued on the instrument.
      expect(run.rejected).toBeGreaterThan(0);
    });
  }

  it('every algorithm stays within min..max and starts at initial', () => {
    for (const adaptive of CONCURRENCY_ALGORITHMS) {
      const limit = createConcurrencyLimit({ adaptive, min: 2, max: 5, initial: 3 }, { dropAfterMs: 100 });
      expect(limit.limit).toBe(3);
      const seen = new Set<number>();
      // Fast calls at full use push the limit up, slow or dropped ones push it down.
      for (let i = 0; i < 2_000; i++) seen.add(limit.sample(50, limit.limit, false));
      expect(Math.max(...seen)).toBe(5);
      // Ever slower calls, all dropped: every algorithm backs off to min.
      for (let i = 0; i < 2_000; i++) seen.add(limit.sample(200 * 1.01 ** i, limit.limit, true));
      expect(Math.min(...seen)).toBe(2);
      expect([...seen].every((n) => n >= 2 && n <= 5)).toBe(true);
    }
  });
});
