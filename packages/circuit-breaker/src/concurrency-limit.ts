import type { ConcurrencyAlgorithm, ConcurrencyPolicy } from '@tracseq/contract';

/**
 * An adaptive concurrency limit: how many calls may be in flight at once, moved by the measured
 * round-trip times of completed calls. The algorithms follow the semantics of Netflix's
 * concurrency-limits (`VegasLimit`, `Gradient2Limit`, `AIMDLimit`, each behind a `WindowedLimit`),
 * written anew here, and are clock-free: callers pass the measured time, so a simulated clock
 * drives them as well as a real one.
 */
export interface ConcurrencyLimit {
  /** The algorithm. */
  readonly algorithm: ConcurrencyAlgorithm;
  /** Calls that may be in flight now (a whole number within the policy's min..max). */
  readonly limit: number;
  /**
   * Feeds one completed call: its round-trip time in ms, the calls in flight when it started
   * (itself included), and whether it was dropped (timed out or refused for overload).
   * Returns the limit after the update.
   */
  sample(rttMs: number, inflight: number, dropped: boolean): number;
}

/** Options an algorithm reads beyond the policy. */
export interface ConcurrencyLimitOptions {
  /** AIMD: a call slower than this counts as a drop (Netflix's `timeout`, default 5 s). */
  readonly dropAfterMs?: number;
  /** Vegas: random in [0, 1) for the probe jitter; `Math.random` unless a test fixes it. */
  readonly random?: () => number;
}

/**
 * Vegas's queue bounds, as multiples of log10 of the limit. Netflix's defaults are 3 and 6, tuned
 * for servers whose limits run into the hundreds; an instrument serves a handful of calls at
 * once, where a standing queue of 3 to 6 calls is most of its capacity again: 2 and 4 hold the
 * limit closer to the knee.
 */
const VEGAS_ALPHA = 2;
const VEGAS_BETA = 4;

/** Netflix's `Log10RootIntFunction`: log10 of the limit, at least 1, so small limits still move. */
function log10Root(limit: number): number {
  return Math.max(1, Math.trunc(Math.log10(limit)));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Vegas re-measures the no-load RTT about every this many × limit samples (Netflix's probeMultiplier). */
const VEGAS_PROBE_MULTIPLIER = 30;

/**
 * TCP Vegas on latency: estimates the queue from how far the RTT is above the no-load RTT:
 * `queue = limit × (1 − noLoad / rtt)`. No queue (≤ threshold): grow by beta; small queue
 * (< alpha): grow by log10; large queue (> beta) or a drop: shrink by log10; otherwise hold.
 * alpha = 2·log10, beta = 4·log10, threshold = log10 of the limit (see VEGAS_ALPHA).
 *
 * The no-load RTT is the lowest RTT seen, re-measured about every 30 × limit samples (jittered)
 * so it can follow an instrument that became slower for good. Netflix re-measures by taking the
 * next RTT as it comes; on a saturated instrument no call runs unloaded, so that RTT is a loaded
 * one and the limit ratchets up at every probe. Here a probe pins the limit to `min` for two
 * samples, as Envoy's adaptive concurrency filter pins its limit while it measures the minimum
 * RTT: the first sample still holds calls started at the old limit, the second is the no-load RTT.
 */
class VegasLimit implements ConcurrencyLimit {
  readonly algorithm = 'vegas';
  private estimate: number;
  private noLoadRtt = 0;
  private probeCount = 0;
  private probeJitter = 0;
  /** Samples left in a probe (the limit is pinned to min meanwhile); 0 outside one. */
  private probing = 0;
  private readonly random: () => number;

  constructor(
    private readonly policy: ConcurrencyPolicy,
    options: ConcurrencyLimitOptions,
  ) {
    this.estimate = policy.initial;
    this.random = options.random ?? Math.random;
    this.resetProbeJitter();
  }

  get limit(): number {
    return this.probing > 0 ? this.policy.min : Math.trunc(this.estimate);
  }

  private resetProbeJitter(): void {
    this.probeJitter = 0.5 + this.random() * 0.5;
  }

  sample(rttMs: number, inflight: number, dropped: boolean): number {
    const rtt = Math.max(rttMs, Number.MIN_VALUE);
    if (this.probing > 0) {
      this.probing--;
      if (this.probing === 0) this.noLoadRtt = rtt;
      return this.limit;
    }
    this.probeCount++;
    if (
      this.noLoadRtt !== 0 &&
      this.probeJitter * VEGAS_PROBE_MULTIPLIER * this.estimate <= this.probeCount
    ) {
      this.resetProbeJitter();
      this.probeCount = 0;
      this.probing = 2;
      return this.limit;
    }
    if (this.noLoadRtt === 0 || rtt < this.noLoadRtt) {
      this.noLoadRtt = rtt;
      return this.limit;
    }
    const estimate = this.estimate;
    let next: number;
    if (dropped) {
      next = estimate - log10Root(estimate);
    } else if (inflight * 2 < estimate) {
      // Too few calls to learn anything about a higher limit: no upward drift.
      return this.limit;
    } else {
      const queue = Math.ceil(estimate * (1 - this.noLoadRtt / rtt));
      const root = log10Root(estimate);
      if (queue <= root) next = estimate + VEGAS_BETA * root;
      else if (queue < VEGAS_ALPHA * root) next = estimate + root;
      else if (queue > VEGAS_BETA * root) next = estimate - root;
      else return this.limit;
    }
    this.estimate = clamp(next, this.policy.min, this.policy.max);
    return this.limit;
  }
}

/**
 * Netflix's default for the long-term RTT: the plain average of the first 10 samples, then an
 * exponential average over 600 samples.
 */
class ExpAverage {
  private value = 0;
  private count = 0;
  private readonly factor: number;
  constructor(
    window: number,
    private readonly warmup: number,
  ) {
    this.factor = 2 / (window + 1);
  }
  add(sample: number): number {
    if (this.count < this.warmup) {
      this.count++;
      this.value += (sample - this.value) / this.count;
    } else {
      this.value = this.value * (1 - this.factor) + sample * this.factor;
    }
    return this.value;
  }
  scale(by: number): void {
    this.value *= by;
  }
}

/**
 * Gradient2: compares a long-term exponential average of the RTT with the latest one;
 * `gradient = clamp(long / short, 0.5, 1)` and `limit = limit × gradient + queue`, smoothed by
 * 0.2. Netflix's default queue is 4, with a minimum limit of 20; an instrument's limit is a handful,
 * where a queue of 4 keeps the limit from ever going below 8 (limit × 0.5 + 4): the queue here is
 * log10 of the limit (1 below 100), as Vegas's steps are. When the long average is more than twice the latest (load just went away), it
 * decays by 10 % per sample. With fewer than half the limit in flight the limit holds.
 */
class Gradient2Limit implements ConcurrencyLimit {
  readonly algorithm = 'gradient2';
  private estimate: number;
  private readonly longRtt = new ExpAverage(600, 10);

  constructor(private readonly policy: ConcurrencyPolicy) {
    this.estimate = policy.initial;
  }

  get limit(): number {
    return Math.trunc(this.estimate);
  }

  sample(rttMs: number, inflight: number, _dropped: boolean): number {
    const shortRtt = Math.max(rttMs, Number.MIN_VALUE);
    let longRtt = this.longRtt.add(shortRtt);
    if (longRtt / shortRtt > 2) {
      this.longRtt.scale(0.9);
      longRtt *= 0.9;
    }
    if (inflight < this.estimate / 2) return this.limit;
    const gradient = clamp(longRtt / shortRtt, 0.5, 1);
    const target = this.estimate * gradient + log10Root(this.estimate);
    const smoothed = this.estimate * 0.8 + target * 0.2;
    this.estimate = clamp(smoothed, this.policy.min, this.policy.max);
    return this.limit;
  }
}

/**
 * AIMD: +1 per call while at least half the limit is in flight; × 0.9 (at least −1) on a drop —
 * a call that failed for overload or timed out, or took longer than `dropAfterMs`.
 */
class AimdLimit implements ConcurrencyLimit {
  readonly algorithm = 'aimd';
  private current: number;
  private readonly dropAfterMs: number;

  constructor(
    private readonly policy: ConcurrencyPolicy,
    options: ConcurrencyLimitOptions,
  ) {
    this.current = policy.initial;
    this.dropAfterMs = options.dropAfterMs ?? 5_000;
  }

  get limit(): number {
    return this.current;
  }

  sample(rttMs: number, inflight: number, dropped: boolean): number {
    const current = this.current;
    let next: number;
    if (dropped || rttMs > this.dropAfterMs) next = Math.min(current - 1, Math.trunc(current * 0.9));
    else if (inflight * 2 >= current) next = current + 1;
    else return current;
    this.current = clamp(next, this.policy.min, this.policy.max);
    return this.current;
  }
}

/** Fewest samples a window aggregates (Netflix's `WindowedLimit` default window size). */
const MIN_WINDOW_SAMPLES = 10;

/**
 * Netflix's `WindowedLimit` with an average-RTT sample window, counted in samples instead of
 * seconds (no clock): the algorithm sees one sample per window, the window's mean RTT, the most
 * calls in flight and whether any call dropped. A window spans at least as many calls as the
 * limit (about one round trip of calls): a call's latency reflects the concurrency when it
 * started, so judging every call on its own reacts to the same overload once per call in flight
 * and swings the limit far past the knee and back.
 */
class WindowedLimit implements ConcurrencyLimit {
  private count = 0;
  private rttSum = 0;
  private maxInflight = 0;
  private dropped = false;

  constructor(private readonly delegate: ConcurrencyLimit) {}

  get algorithm(): ConcurrencyAlgorithm {
    return this.delegate.algorithm;
  }

  get limit(): number {
    return this.delegate.limit;
  }

  sample(rttMs: number, inflight: number, dropped: boolean): number {
    this.count++;
    this.rttSum += rttMs;
    if (inflight > this.maxInflight) this.maxInflight = inflight;
    if (dropped) this.dropped = true;
    const limit = this.delegate.limit;
    if (this.count < Math.max(MIN_WINDOW_SAMPLES, limit)) return limit;
    const next = this.delegate.sample(this.rttSum / this.count, this.maxInflight, this.dropped);
    this.count = 0;
    this.rttSum = 0;
    this.maxInflight = 0;
    this.dropped = false;
    return next;
  }
}

/** The adaptive limit a `concurrency` policy asks for. */
export function createConcurrencyLimit(
  policy: ConcurrencyPolicy,
  options: ConcurrencyLimitOptions = {},
): ConcurrencyLimit {
  return new WindowedLimit(algorithm(policy, options));
}

function algorithm(policy: ConcurrencyPolicy, options: ConcurrencyLimitOptions): ConcurrencyLimit {
  switch (policy.adaptive) {
    case 'vegas':
      return new VegasLimit(policy, options);
    case 'gradient2':
      return new Gradient2Limit(policy);
    case 'aimd':
      return new AimdLimit(policy, options);
  }
}
