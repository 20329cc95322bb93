import { context, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import {
  type BreakerKey,
  breakerName,
  type MaintenancePlan,
  maintenanceWindowAt,
  nextMaintenanceBoundaryAfter,
} from '@tracseq/contract';
import { excludeFromSlis } from '@tracseq/telemetry';
import CircuitBreaker from 'opossum';
import type { BreakerPolicy, MaintenanceWindow } from './breaker-config.js';
import {
  BREAKER_STATES,
  type BreakerMetrics,
  type BreakerObservers,
  type BreakerState,
  type CallOutcome,
  LABEL,
} from './breaker-observers.js';
import { CallSeries } from './call-series.js';
import {
  classifyError,
  type ErrorClassifier,
  FAILURE_KINDS,
  type FailureKind,
  failureKind,
  retryAfterMs,
} from './classify-error.js';
import { type ConcurrencyLimit, createConcurrencyLimit } from './concurrency-limit.js';
import { type CountingWindow, countOnly, type ExtraCounter } from './count-only-status.js';
import { CallMark, CountWindow } from './count-window.js';
import {
  BackPressureError,
  BreakerOpenError,
  type BreakerRejectedError,
  BreakerTimeoutError,
  CapacityError,
  ConcurrencyLimitError,
  MaintenanceError,
  openRejection,
} from './errors.js';

/** Options of one call. */
export interface CallOptions<T> {
  /** Produces the result when the call fails, times out or is rejected. */
  readonly fallback?: (error: unknown) => T | Promise<T>;
  /** The caller's own cancellation; aborting it aborts the action's signal. */
  readonly signal?: AbortSignal;
}

/** The action a breaker guards; it should stop work when `signal` aborts. */
export type BreakerAction<T> = (signal: AbortSignal) => T | Promise<T>;

const ROLLING_BUCKETS = 10;
const MAX_TIMER_MS = 2 ** 31 - 1;
const NO_BOUNDARY = Number.POSITIVE_INFINITY;
const NO_OPTIONS: CallOptions<never> = Object.freeze({});
const RESOLVED = Promise.resolve();
/** Where a time window counts slow calls and each failure kind (see CountingWindow.add). */
const SLOW_COUNTER: ExtraCounter = 'tracseqSlowCalls';
const KIND_COUNTERS = FAILURE_KINDS.map((kind): ExtraCounter => `tracseqFailed_${kind}`);
const KIND_INDEX = new Map<FailureKind, number>(FAILURE_KINDS.map((kind, i) => [kind, i]));

/** A call in flight with a deadline: an entry of a breaker's deadline queue. */
interface Pending {
  controller: AbortController | undefined;
  /** `performance.now()` at which the call times out. */
  readonly deadline: number;
  reject: ((error: unknown) => void) | undefined;
  /** The caller's signal and the listener that forwards its abort, removed once settled. */
  callerSignal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
  next: Pending | undefined;
}

/** Marks a pending call settled and lets go of what it held. */
function release(pending: Pending): void {
  pending.settled = true;
  pending.controller = undefined;
  pending.reject = undefined;
  if (pending.onAbort) pending.callerSignal?.removeEventListener('abort', pending.onAbort);
  pending.callerSignal = undefined;
  pending.onAbort = undefined;
}

/**
 * A promise that rejects with `error` on the next microtask. Returned already rejected, it would
 * have no handler yet: Node's unhandled-rejection bookkeeping (and then "handled after all")
 * would cost several times the rest of an open breaker's rejection.
 */
function rejectLater(error: unknown): Promise<never> {
  // A reaction of a resolved promise, not queueMicrotask (which wraps each task in an AsyncResource).
  return new Promise((_, reject) => {
    RESOLVED.then(() => reject(error));
  });
}

/** opossum's action: never called, as calls do not go through opossum's fire(). */
function notFired(): Promise<never> {
  return Promise.reject(new Error('LabBreaker calls do not go through opossum fire()'));
}

/** Runs the action now; a synchronous throw becomes a rejection. */
function start<T>(action: BreakerAction<T>, signal: AbortSignal): Promise<T> {
  try {
    return Promise.resolve(action(signal));
  } catch (error) {
    return Promise.reject(error);
  }
}

function nextBoundaryAfter(windows: readonly MaintenancePlan[], now: number): number {
  return nextMaintenanceBoundaryAfter(windows, now) ?? NO_BOUNDARY;
}

function target(key: BreakerKey): string {
  const parts = [
    key.instrument,
    key.operation && `operation ${key.operation}`,
    key.lab && `in lab ${key.lab}`,
  ];
  return parts.filter(Boolean).join(' ') || 'the dependency';
}

/**
 * One lab-aware circuit breaker. opossum keeps the rolling window, the open/half-open/closed
 * state and the reset timer; calls report to it through its own events (`fire`, `success`,
 * `failure`) and trip it with its own rule (see `judge`). This adds what labs need on top: N
 * half-open trials that must all succeed, a capacity whose rejections are not failures, per-call
 * timeouts that abort the action, maintenance windows that force the breaker open, error
 * classification, and the contract's metrics, a span event per call and a warning log per
 * transition.
 *
 * The closed path is kept cheap (see BENCHMARKS.md): a call runs the action itself instead of
 * through opossum's fire() (whose promise layers, semaphore and clock reads cost about as much as
 * the rest of the call); the state is read from a field kept current by opossum's events and a
 * cached next maintenance boundary; per-call timeouts share one timer per breaker (calls time out
 * in the order they started, since the timeout is the same for all); each outcome's metric series
 * is bound once and updated in place (see {@link CallSeries}). The open path builds no stack
 * trace, throws nothing and runs no async function.
 */
export class LabBreaker {
  readonly name: string;
  readonly key: BreakerKey;
  readonly policy: BreakerPolicy;
  private readonly observers: BreakerObservers;
  private readonly classify: ErrorClassifier | undefined;
  private readonly opossum: CircuitBreaker<[], never>;
  /** opossum's rolling window, read directly (undefined if its internals were not recognised). */
  private readonly window: CountingWindow | undefined;
  private current: BreakerState;
  private inFlight = 0;
  private trialsStarted = 0;
  private trialSuccesses = 0;
  private openedAt = 0;
  private maintenanceTimer: NodeJS.Timeout | undefined;
  /**
   * Wall-clock ms of the next maintenance window start or end (of a one-off window or the next
   * occurrence of a recurring one); calls check it, not the windows.
   */
  private nextBoundary = NO_BOUNDARY;
  private disposed = false;
  /** Calls in flight with a timeout, oldest first (so earliest deadline first). */
  private pendingHead: Pending | undefined;
  private pendingTail: Pending | undefined;
  /** The one timer behind every call's timeout; referenced only while a call is pending. */
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** The metric series of each outcome, bound on the outcome's first call; none without metrics. */
  private readonly series: Partial<Record<CallOutcome, CallSeries>> | undefined;
  /** A span per call (`spanPerCall` with a tracer) instead of an event on the caller's span. */
  private readonly spanPerCall: boolean;
  /** When the current opening admits a trial; built once per opening, not per rejection. */
  private retryAfter: Date | undefined;
  /** The failure kinds with a threshold of their own, as [kind index, threshold]. */
  private readonly kindThresholds: readonly (readonly [number, number])[];
  /** Wall-clock ms until which a 429's Retry-After holds calls back; 0 when none. */
  private backPressureUntil = 0;
  /** The last N completed closed calls, for a count-based window; none for a time window. */
  private readonly lastCalls: CountWindow | undefined;
  /** Why the breaker is being opened, when not for opossum's failure ratio (see `open` event). */
  private tripReason: string | undefined;
  /**
   * Calls admitted in flight at once: the capacity, or the adaptive limit (never above the
   * capacity) when the policy has `concurrency`. One field either way, so a breaker without a
   * concurrency policy checks exactly what it checked before.
   */
  private limit: number;
  /** The adaptive concurrency limit; none without a `concurrency` policy. */
  private readonly limiter: ConcurrencyLimit | undefined;

  constructor(
    key: BreakerKey,
    policy: BreakerPolicy,
    observers: BreakerObservers = {},
    classify?: ErrorClassifier,
  ) {
    this.key = key;
    this.name = breakerName(key);
    this.policy = policy;
    this.observers = observers;
    this.series = observers.metrics ? {} : undefined;
    this.spanPerCall = observers.spanPerCall === true && observers.tracer !== undefined;
    this.classify = classify;
    // Calls never go through opossum's fire(): see `call`. opossum requires an action anyway.
    this.opossum = new CircuitBreaker(notFired, {
      timeout: false,
      errorThresholdPercentage: policy.errorThreshold * 100,
      volumeThreshold: policy.volumeThreshold,
      rollingCountTimeout: policy.rollingWindowMs,
      rollingCountBuckets: ROLLING_BUCKETS,
      resetTimeout: policy.resetTimeoutMs,
      enableSnapshots: false,
      // On, every failure would copy and sort every latency in the window to judge the error
      // ratio: a failure storm would slow down as the window fills. Nothing reads percentiles.
      rollingPercentilesEnabled: false,
    });
    this.window = countOnly(this.opossum.status);
    this.lastCalls =
      policy.window.type === 'count' ? new CountWindow(policy.window.size, FAILURE_KINDS.length) : undefined;
    this.kindThresholds = FAILURE_KINDS.flatMap((kind, i) => {
      const threshold = policy.errorThresholds[kind];
      return threshold === undefined ? [] : [[i, threshold] as const];
    });
    this.opossum.on('open', () => {
      this.openedAt = Date.now();
      this.retryAfter = undefined;
      this.resetTrials();
      const stats = this.opossum.stats;
      const tripReason = this.tripReason;
      this.tripReason = undefined;
      const reason =
        tripReason ??
        (this.current === 'half_open'
          ? 'a half-open trial failed'
          : `${stats.failures} of ${stats.fires} calls failed in ${policy.rollingWindowMs} ms (threshold ${policy.errorThreshold * 100} %)`);
      this.sync(reason);
    });
    this.opossum.on('halfOpen', () => {
      this.resetTrials();
      this.sync(
        `reset timeout of ${policy.resetTimeoutMs} ms elapsed; admitting ${policy.halfOpenTrials} trial call(s)`,
      );
    });
    this.opossum.on('close', () => {
      this.resetTrials();
      // resilience4j: a breaker that closes again judges only the calls made since.
      this.lastCalls?.reset();
      this.sync(`${policy.halfOpenTrials} half-open trial(s) succeeded`);
    });
    if (
      (policy.slowCallDurationMs > 0 || this.kindThresholds.length > 0) &&
      this.window === undefined &&
      this.lastCalls === undefined
    ) {
      observers.logger?.warn(
        { breaker: this.name },
        `circuit breaker ${this.name}: opossum's window was not recognised; slow calls and errorThresholds never open the breaker`,
      );
    }
    this.limit = policy.capacity;
    if (policy.concurrency !== undefined) {
      this.limiter = createConcurrencyLimit(policy.concurrency, {
        // AIMD backs off on calls slower than this: the policy's own idea of too slow.
        dropAfterMs:
          policy.slowCallDurationMs > 0
            ? policy.slowCallDurationMs
            : policy.timeoutMs > 0
              ? policy.timeoutMs
              : undefined,
      });
      this.limit = Math.min(policy.capacity, this.limiter.limit);
      this.publishLimit();
    }
    this.current = this.computeState();
    this.publishState();
    this.scheduleMaintenance();
  }

  /** Calls admitted in flight at once now: the adaptive limit, or the capacity without one. */
  concurrencyLimit(): number {
    return this.limit;
  }

  /** The state now (maintenance windows are read from the clock). */
  state(): BreakerState {
    return this.computeState();
  }

  /** The maintenance window in force now, if any. */
  maintenanceNow(): MaintenanceWindow | undefined {
    // A recurring window answers from its cached expansion: no list walk per rejection.
    return maintenanceWindowAt(this.policy.maintenance, Date.now());
  }

  /**
   * Runs `action` through the breaker. Rejections (open, maintenance, capacity) and failures use
   * the fallback when one is given; ignored errors (4xx, validation) reach the caller untouched
   * and never open the breaker.
   */
  call<T>(action: BreakerAction<T>, options: CallOptions<T> = NO_OPTIONS): Promise<T> {
    if (this.disposed) return Promise.reject(new Error(`circuit breaker ${this.name} has been disposed`));
    const started = performance.now();
    // A window may start or end before its timer fires: the call checks the cached boundary.
    if (this.nextBoundary !== NO_BOUNDARY && Date.now() >= this.nextBoundary) this.crossBoundary();
    const state = this.current;
    const rejection = this.rejection(state);
    if (rejection === undefined) return this.execute(action, options, state, started);
    if (options.fallback) return this.fail(rejection, 'rejected', state, started, options);
    // The open path: no async function, no throw (both cost more than the rest of a rejection).
    this.record('rejected', (performance.now() - started) / 1000, state);
    // Planned maintenance must not spend the error budget of the request that hit it.
    if (rejection instanceof MaintenanceError) excludeFromSlis('maintenance');
    return rejectLater(rejection);
  }

  /** Runs a call the breaker admitted; settles it through {@link fail} unless it succeeds. */
  private async execute<T>(
    action: BreakerAction<T>,
    options: CallOptions<T>,
    state: BreakerState,
    started: number,
  ): Promise<T> {
    let error: unknown;
    let outcome: CallOutcome;
    let inflight = 0;
    try {
      let result: T;
      let slow = false;
      if (state === 'closed') {
        // What opossum's fire() would do, without its promise layers: the window counts the
        // call ('fire'), then its success or failure (judge).
        this.opossum.emit('fire');
        inflight = ++this.inFlight;
        try {
          result = await this.run(action, options.signal, started);
        } finally {
          this.inFlight--;
        }
        if (this.limiter !== undefined) this.sampleLimit(started, inflight, false);
        this.opossum.emit('success');
        slow = this.isSlow(started);
        if (slow) this.judgeSlow();
        else this.lastCalls?.record(CallMark.Ok);
      } else if (state === 'half_open') {
        this.inFlight++;
        try {
          ({ value: result, slow } = await this.trial(action, options.signal, started));
        } finally {
          this.inFlight--;
        }
      } else {
        result = await this.run(action, options.signal, started);
        slow = this.isSlow(started);
      }
      this.record(slow ? 'slow' : 'success', (performance.now() - started) / 1000, state);
      return result;
    } catch (caught) {
      error = caught;
      outcome = this.outcomeOf(caught);
      if (state === 'closed') {
        if (this.limiter !== undefined && inflight > 0)
          this.sampleFailure(caught, outcome, started, inflight);
        this.judge(caught);
      }
      if (outcome === 'ignored' && state !== 'disabled') this.holdBackFor(caught);
    }
    return this.fail(error, outcome, state, started, options);
  }

  /**
   * A call that did not succeed: the fallback's result (failures, timeouts and rejections; not
   * ignored errors), or the error (the fallback's own, if it failed; the outcome stays).
   */
  private async fail<T>(
    error: unknown,
    outcome: CallOutcome,
    state: BreakerState,
    started: number,
    options: CallOptions<T>,
  ): Promise<T> {
    if (outcome !== 'ignored' && options.fallback) {
      try {
        const result = await options.fallback(error);
        this.record('fallback', (performance.now() - started) / 1000, state);
        return result;
      } catch (fallbackError) {
        error = fallbackError;
      }
    }
    this.record(outcome, (performance.now() - started) / 1000, state);
    if (error instanceof MaintenanceError) excludeFromSlis('maintenance');
    throw error;
  }

  /** Stops timers and listeners; later calls throw. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.maintenanceTimer);
    // Calls still in flight keep their timeout; the timer stops once they have settled.
    if (this.pendingHead === undefined) {
      clearTimeout(this.deadlineTimer);
      this.deadlineTimer = undefined;
    }
    this.opossum.shutdown();
  }

  /**
   * Why the breaker cannot take a call now (maintenance, open, half-open trial slots taken, over
   * capacity), or `undefined` when it can. A disabled breaker takes every call.
   */
  private rejection(state: BreakerState): BreakerRejectedError | undefined {
    if (state === 'disabled') return undefined;
    if (state === 'forced_open') {
      const window = this.maintenanceNow() as MaintenanceWindow;
      return new MaintenanceError(this.name, target(this.key), window.end, window.reason);
    }
    if (this.backPressureUntil !== 0) {
      if (Date.now() < this.backPressureUntil)
        return new BackPressureError(this.name, new Date(this.backPressureUntil));
      this.backPressureUntil = 0;
    }
    if (this.inFlight >= this.limit) {
      return this.limiter === undefined
        ? new CapacityError(this.name, this.policy.capacity)
        : new ConcurrencyLimitError(this.name, this.limit);
    }
    if (state === 'open') {
      this.retryAfter ??= new Date(this.openedAt + this.policy.resetTimeoutMs);
      return openRejection(this.name, this.retryAfter);
    }
    if (state === 'half_open' && this.trialsStarted >= this.policy.halfOpenTrials) {
      return openRejection(this.name);
    }
    return undefined;
  }

  /**
   * Counts a closed call's error in opossum's window as opossum's fire() does, and opens the
   * breaker the same way (opossum 10.0.0's `handleError` and `fail`): an ignored error counts as
   * a success; a failure counts as one and opens the breaker when the window holds at least the
   * minimum volume and the failure ratio is above the threshold (or opossum is half-open).
   */
  private judge(error: unknown): void {
    const opossum = this.opossum;
    const lastCalls = this.lastCalls;
    const kind = failureKind(error, this.classify);
    if (kind === undefined) {
      opossum.emit('success');
      lastCalls?.record(CallMark.Ok);
      return;
    }
    opossum.emit('failure', error);
    const kindIndex = KIND_INDEX.get(kind) as number;
    if (lastCalls !== undefined) {
      lastCalls.record(CallMark.Failed + kindIndex);
      this.judgeFailures(lastCalls.calls, lastCalls.failures, false, 'of the last');
      return;
    }
    const halfOpen = opossum.halfOpen;
    const window = this.window;
    const stats = window ? undefined : opossum.stats;
    if (window !== undefined && this.kindThresholds.length > 0) {
      window.add(KIND_COUNTERS[kindIndex] as ExtraCounter);
    }
    const fires = window ? window.sum('fires') : (stats as CircuitBreaker.Stats).fires;
    const failures = window ? window.sum('failures') : (stats as CircuitBreaker.Stats).failures;
    this.judgeFailures(fires, failures, halfOpen, 'of');
  }

  /**
   * Opens the breaker when the window holds at least the minimum volume and the failure ratio,
   * or one kind's ratio, is above its threshold (or opossum is half-open).
   */
  private judgeFailures(calls: number, failures: number, halfOpen: boolean, of: string): void {
    const policy = this.policy;
    if (calls < policy.volumeThreshold && !halfOpen) return;
    if ((failures / calls) * 100 > policy.errorThreshold * 100 || halfOpen) {
      // A time window's reason is built from opossum's stats by the 'open' listener.
      if (this.lastCalls !== undefined) {
        this.tripReason = `${failures} ${of} ${calls} calls failed (threshold ${policy.errorThreshold * 100} %)`;
      }
      this.opossum.open();
      return;
    }
    for (const [kindIndex, threshold] of this.kindThresholds) {
      const ofKind = this.lastCalls
        ? this.lastCalls.failuresOf(kindIndex)
        : (this.window?.extra(KIND_COUNTERS[kindIndex] as ExtraCounter) ?? 0);
      if (ofKind / calls <= threshold) continue;
      const kind = FAILURE_KINDS[kindIndex] as FailureKind;
      const within = this.lastCalls ? '' : ` in ${policy.rollingWindowMs} ms`;
      this.tripReason = `${ofKind} ${of} ${calls} calls failed with ${kind}${within} (errorThresholds.${kind} ${threshold * 100} %)`;
      this.opossum.open();
      return;
    }
  }

  /**
   * After a 429 with `Retry-After` (an ignored error: back-pressure, not a failure), rejects
   * calls until then, at most the reset timeout: a dependency's clock or a bogus header must not
   * cut it off for longer than an opening would.
   */
  private holdBackFor(error: unknown): void {
    const now = Date.now();
    const wait = retryAfterMs(error, now);
    if (wait === undefined || wait <= 0) return;
    const until = now + Math.min(wait, this.policy.resetTimeoutMs);
    if (until <= this.backPressureUntil) return;
    const starts = this.backPressureUntil <= now;
    this.backPressureUntil = until;
    if (starts) {
      this.observers.logger?.warn(
        { breaker: this.name, until: new Date(until).toISOString() },
        `circuit breaker ${this.name}: 429 with Retry-After; holding calls back until ${new Date(until).toISOString()}`,
      );
    }
  }

  /** Feeds a closed call's round-trip time to the adaptive limit; publishes the limit if it moved. */
  private sampleLimit(started: number, inflight: number, dropped: boolean): void {
    const limiter = this.limiter as ConcurrencyLimit;
    const next = Math.min(
      this.policy.capacity,
      limiter.sample(performance.now() - started, inflight, dropped),
    );
    if (next === this.limit) return;
    this.limit = next;
    this.publishLimit();
  }

  /**
   * A closed call that failed: timeouts and overload (408/429) are drops (the dependency is
   * saturated: the limit backs off); other failures say nothing about concurrency and are not
   * sampled, as in Netflix's limiter (`onIgnore`).
   */
  private sampleFailure(error: unknown, outcome: CallOutcome, started: number, inflight: number): void {
    if (outcome === 'timeout' || failureKind(error, this.classify) === 'overload') {
      this.sampleLimit(started, inflight, true);
    }
  }

  private publishLimit(): void {
    this.observers.metrics?.concurrencyLimit?.set({ [LABEL.breaker]: this.name }, this.limit);
  }

  /** Whether a call that started at `started` (performance.now()) and just succeeded was slow. */
  private isSlow(started: number): boolean {
    const limit = this.policy.slowCallDurationMs;
    return limit > 0 && performance.now() - started > limit;
  }

  /**
   * Counts a closed call's slow success in the window and opens the breaker when the window
   * holds at least the minimum volume and the slow-call ratio has reached the threshold
   * (resilience4j: "equal or greater"). The call itself already counted as a success.
   */
  private judgeSlow(): void {
    const policy = this.policy;
    let calls: number;
    let slow: number;
    let over: string;
    const lastCalls = this.lastCalls;
    if (lastCalls !== undefined) {
      lastCalls.record(CallMark.Slow);
      calls = lastCalls.calls;
      slow = lastCalls.slow;
      over = `of the last ${calls} calls`;
    } else {
      const window = this.window;
      if (window === undefined) return;
      window.add(SLOW_COUNTER);
      calls = window.sum('fires');
      slow = window.extra(SLOW_COUNTER);
      over = `of ${calls} calls`;
    }
    if (calls < policy.volumeThreshold || slow / calls < policy.slowCallRateThreshold) return;
    const within = lastCalls === undefined ? ` in ${policy.rollingWindowMs} ms` : '';
    this.tripReason = `${slow} ${over} were slower than ${policy.slowCallDurationMs} ms${within} (slow-call threshold ${policy.slowCallRateThreshold * 100} %)`;
    this.opossum.open();
  }

  private async trial<T>(
    action: BreakerAction<T>,
    signal: AbortSignal | undefined,
    started: number,
  ): Promise<{ value: T; slow: boolean }> {
    this.trialsStarted++;
    try {
      const value = await this.run(action, signal, started);
      const slow = this.isSlow(started);
      if (slow) {
        // Still slow: the dependency has not recovered. The caller gets the result all the same.
        if (this.opossum.halfOpen) {
          this.tripReason = `a half-open trial was slower than ${this.policy.slowCallDurationMs} ms`;
          this.opossum.open();
        }
        return { value, slow };
      }
      this.trialSuccesses++;
      if (this.trialSuccesses >= this.policy.halfOpenTrials && this.opossum.halfOpen) this.opossum.close();
      return { value, slow };
    } catch (error) {
      if (classifyError(error, this.classify) === 'ignored') {
        // No verdict on the dependency: free the slot for another trial.
        this.trialsStarted--;
      } else if (this.opossum.halfOpen) {
        this.opossum.open();
      }
      throw error;
    }
  }

  /**
   * Starts the action with a signal of its own, aborted by the caller's signal and by the
   * timeout; the returned promise rejects with {@link BreakerTimeoutError} at the deadline even
   * if the action ignores its signal.
   */
  private run<T>(
    action: BreakerAction<T>,
    callerSignal: AbortSignal | undefined,
    started: number,
  ): Promise<T> {
    // Work whose caller already gave up never starts.
    if (callerSignal?.aborted) return Promise.reject(callerSignal.reason);
    const controller = new AbortController();
    let onAbort: (() => void) | undefined;
    if (callerSignal) {
      onAbort = () => controller.abort(callerSignal.reason);
      callerSignal.addEventListener('abort', onAbort, { once: true });
    }
    const timeoutMs = this.policy.timeoutMs;
    if (!(timeoutMs > 0)) {
      const work = start(action, controller.signal);
      if (!onAbort) return work;
      const listener = onAbort;
      return work.finally(() => callerSignal?.removeEventListener('abort', listener));
    }
    return new Promise<T>((resolve, reject) => {
      // Queued before the action starts, so a call the action makes itself queues behind it.
      const pending = this.enqueue({
        controller,
        deadline: started + timeoutMs,
        reject,
        callerSignal,
        onAbort,
        settled: false,
        next: undefined,
      });
      start(action, controller.signal).then(
        (value) => {
          this.settle(pending);
          resolve(value);
        },
        // Also swallows a late rejection after the timeout won, which must not surface as unhandled.
        (error: unknown) => {
          this.settle(pending);
          reject(error);
        },
      );
    });
  }

  private enqueue(pending: Pending): Pending {
    const tail = this.pendingTail;
    this.pendingTail = pending;
    if (tail) {
      tail.next = pending;
      return pending;
    }
    this.pendingHead = pending;
    if (this.deadlineTimer) this.deadlineTimer.ref();
    else this.armDeadlineTimer(this.policy.timeoutMs);
    return pending;
  }

  /** Marks a call settled and drops settled calls from the head of the queue. */
  private settle(pending: Pending): void {
    if (pending.settled) return;
    release(pending);
    if (pending !== this.pendingHead) return;
    let head: Pending | undefined = pending;
    while (head?.settled) head = head.next;
    this.pendingHead = head;
    if (head) return;
    this.pendingTail = undefined;
    // Idle: the timer may stay armed (re-arming per call costs more) but must not hold the process.
    this.deadlineTimer?.unref();
    if (this.disposed) {
      clearTimeout(this.deadlineTimer);
      this.deadlineTimer = undefined;
    }
  }

  private armDeadlineTimer(delayMs: number): void {
    const delay = Math.min(Math.max(1, Math.ceil(delayMs)), MAX_TIMER_MS);
    // No closure per breaker: the timer passes the breaker to a shared function.
    this.deadlineTimer = setTimeout(LabBreaker.deadlineReached, delay, this);
  }

  private static deadlineReached(breaker: LabBreaker): void {
    breaker.expireDue();
  }

  /** Times out every call whose deadline has passed, oldest first, then re-arms for the next. */
  private expireDue(): void {
    this.deadlineTimer = undefined;
    const now = performance.now();
    const expired: Pending[] = [];
    let head = this.pendingHead;
    while (head && (head.settled || head.deadline <= now)) {
      if (!head.settled) expired.push(head);
      head = head.next;
    }
    this.pendingHead = head;
    if (head) this.armDeadlineTimer(head.deadline - now);
    else this.pendingTail = undefined;
    // Abort listeners run synchronously and may call the breaker again: the queue is consistent.
    for (const pending of expired) {
      const { controller, reject } = pending;
      release(pending);
      const error = new BreakerTimeoutError(this.name, this.policy.timeoutMs);
      controller?.abort(error);
      reject?.(error);
    }
  }

  private outcomeOf(error: unknown): CallOutcome {
    if (error instanceof BreakerTimeoutError) return 'timeout';
    if (
      error instanceof BreakerOpenError ||
      error instanceof MaintenanceError ||
      error instanceof CapacityError ||
      error instanceof BackPressureError
    ) {
      return 'rejected';
    }
    return classifyError(error, this.classify) === 'ignored' ? 'ignored' : 'failure';
  }

  /** The series of an outcome's calls, bound on its first call. */
  private bindSeries(outcome: CallOutcome): CallSeries {
    const series = new CallSeries(this.observers.metrics as BreakerMetrics, {
      [LABEL.breaker]: this.name,
      [LABEL.outcome]: outcome,
    });
    (this.series as Partial<Record<CallOutcome, CallSeries>>)[outcome] = series;
    return series;
  }

  private record(outcome: CallOutcome, seconds: number, state: BreakerState): void {
    const series = this.series;
    if (series !== undefined) (series[outcome] ?? this.bindSeries(outcome)).record(seconds);
    if (this.spanPerCall) {
      const span: Span = (this.observers.tracer as Tracer).startSpan(
        `breaker ${this.name}`,
        { attributes: this.attributes(state, outcome) },
        context.active(),
      );
      if (outcome !== 'success' && outcome !== 'fallback' && outcome !== 'ignored') {
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      }
      span.end();
      return;
    }
    // A sampled-out (non-recording) span drops events anyway: skip building one.
    const active = trace.getActiveSpan();
    if (active?.isRecording()) active.addEvent('circuit_breaker.call', this.attributes(state, outcome));
  }

  private attributes(state: BreakerState, outcome: CallOutcome): Record<string, string> {
    return {
      'tracseq.breaker.name': this.name,
      'tracseq.breaker.state': state,
      'tracseq.breaker.outcome': outcome,
    };
  }

  private computeState(): BreakerState {
    if (!this.policy.enabled) return 'disabled';
    if (this.maintenanceNow()) return 'forced_open';
    if (this.opossum.halfOpen) return 'half_open';
    if (this.opossum.opened) return 'open';
    return 'closed';
  }

  private resetTrials(): void {
    this.trialsStarted = 0;
    this.trialSuccesses = 0;
  }

  private crossBoundary(): void {
    this.nextBoundary = nextBoundaryAfter(this.policy.maintenance, Date.now());
    this.sync('maintenance window boundary');
  }

  private sync(reason: string): void {
    const next = this.computeState();
    if (next === this.current) return;
    const from = this.current;
    this.current = next;
    const window = next === 'forced_open' ? this.maintenanceNow() : undefined;
    const why = window
      ? `maintenance until ${window.end.toISOString()}${window.reason ? ` (${window.reason})` : ''}`
      : from === 'forced_open'
        ? 'maintenance window ended'
        : reason;
    this.observers.metrics?.transitions.inc({
      [LABEL.breaker]: this.name,
      [LABEL.from]: from,
      [LABEL.to]: next,
    });
    this.publishState();
    this.observers.logger?.warn(
      { breaker: this.name, from, to: next, reason: why },
      `circuit breaker ${this.name}: ${from} -> ${next}: ${why}`,
    );
  }

  private publishState(): void {
    for (const state of BREAKER_STATES) {
      this.observers.metrics?.state.set(
        { [LABEL.breaker]: this.name, [LABEL.state]: state },
        state === this.current ? 1 : 0,
      );
    }
  }

  private scheduleMaintenance(): void {
    if (this.disposed) return;
    const now = Date.now();
    const next = nextBoundaryAfter(this.policy.maintenance, now);
    this.nextBoundary = next;
    if (next === NO_BOUNDARY) return;
    this.maintenanceTimer = setTimeout(
      () => {
        this.sync('maintenance window boundary');
        this.scheduleMaintenance();
      },
      Math.min(next - now, MAX_TIMER_MS),
    );
    this.maintenanceTimer.unref();
  }
}
