/**
 * A simulated instrument for the adaptive concurrency tests and the bench: it works on up to
 * `knee` calls at once at full speed; past the knee, every call slows down more than in
 * proportion (`serviceMs × (n / knee)^1.2` with n calls in flight), as a storage robot does that
 * queues requests it cannot serve and thrashes between them. Throughput therefore peaks at the
 * knee and falls slowly beyond it, so the best fixed limit is the knee.
 */
export interface SimulatedInstrument {
  /** Calls the instrument serves at full speed at once. */
  readonly knee: number;
  /** Latency of one call at or below the knee, in ms. */
  readonly serviceMs: number;
}

/** Past the knee, latency grows with this power of the overload. */
const THRASHING = 1.2;

/**
 * Latency of a call that starts with `inflight` calls (itself included) in flight, in ms;
 * `jitter` in [0, 1) spreads it by ±10 %, as a real instrument's answers vary.
 */
export function simulatedLatencyMs(
  instrument: SimulatedInstrument,
  inflight: number,
  jitter: number,
): number {
  const overload = Math.max(1, inflight / instrument.knee);
  return instrument.serviceMs * overload ** THRASHING * (0.9 + 0.2 * jitter);
}

/** A small seeded pseudo-random generator (mulberry32): the same run every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
