import { context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { excludeFromSlis } from '@tracseq/telemetry';
import CircuitBreaker from 'opossum';
import type { BreakerPolicy, MaintenanceWindow } from './breaker-config.js';
import { type BreakerKey, breakerName } from './breaker-name.js';
import {
  BREAKER_STATES,
  type BreakerObservers,
  type BreakerState,
  type CallOutcome,
  LABEL,
} from './breaker-observers.js';
import { classifyError, type ErrorClassifier } from './classify-error.js';
import { countOnly } from './count-only-status.js';
import { BreakerOpenError, BreakerTimeoutError, CapacityError, MaintenanceError } from './errors.js';

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

/** Runs the action now; a synchronous throw becomes a rejection. */
function start<T>(action: BreakerAction<T>, signal: AbortSignal): Promise<T> {
  try {
    return Promise.resolve(action(signal));
  } catch (error) {
    return Promise.reject(error);
  }
}

function nextBoundaryAfter(windows: readonly MaintenanceWindow[], now: number): number {
  let next = NO_BOUNDARY;
  for (const w of windows) {
    const start = w.start.getTime();
    const end = w.end.getTime();
    if (start > now && start < next) next = start;
    if (end > now && end < next) next = end;
  }
  return next;
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
 * One lab-aware circuit breaker. opossum keeps the rolling window, the error-ratio trip and the
 * reset timer; this adds what labs need on top: N half-open trials that must all succeed, a
 * capacity whose rejections are not failures, per-call timeouts that abort the action,
 * maintenance windows that force the breaker open, error classification, and the contract's
 * metrics, a span event per call and a warning log per transition.
 *
 * The closed path is kept cheap (see BENCHMARKS.md): the state is read from a field kept current
 * by opossum's events and a cached next maintenance boundary; per-call timeouts share one timer
 * per breaker (calls time out in the order they started, since the timeout is the same for all);
 * metric labels are built once per outcome.
 */
export class LabBreaker {
  readonly name: string;
  readonly key: BreakerKey;
  readonly policy: BreakerPolicy;
  private readonly observers: BreakerObservers;
  private readonly classify: ErrorClassifier | undefined;
  private readonly opossum: CircuitBreaker<
    [BreakerAction<unknown>, AbortSignal | undefined, number],
    unknown
  >;
  private current: BreakerState;
  private inFlight = 0;
  private trialsStarted = 0;
  private trialSuccesses = 0;
  private openedAt = 0;
  private maintenanceTimer: NodeJS.Timeout | undefined;
  /** Wall-clock ms of the next maintenance window start or end; calls check it, not the list. */
  private nextBoundary = NO_BOUNDARY;
  private disposed = false;
  /** Calls in flight with a timeout, oldest first (so earliest deadline first). */
  private pendingHead: Pending | undefined;
  private pendingTail: Pending | undefined;
  /** The one timer behind every call's timeout; referenced only while a call is pending. */
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** `{breaker, outcome}` label objects, built on an outcome's first call and never mutated. */
  private outcomeLabels: Partial<Record<CallOutcome, Record<string, string>>> | undefined;
  /** When the current opening admits a trial; built once per opening, not per rejection. */
  private retryAfter: Date | undefined;

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
    this.classify = classify;
    this.opossum = new CircuitBreaker(
      (action: BreakerAction<unknown>, signal: AbortSignal | undefined, started: number) =>
        this.run(action, signal, started),
      {
        timeout: false,
        errorThresholdPercentage: policy.errorThreshold * 100,
        volumeThreshold: policy.volumeThreshold,
        rollingCountTimeout: policy.rollingWindowMs,
        rollingCountBuckets: ROLLING_BUCKETS,
        resetTimeout: policy.resetTimeoutMs,
        errorFilter: (error: unknown) => classifyError(error, this.classify) === 'ignored',
        enableSnapshots: false,
        // On, every failure would copy and sort every latency in the window to judge the error
        // ratio: a failure storm would slow down as the window fills. Nothing reads percentiles.
        rollingPercentilesEnabled: false,
      },
    );
    countOnly(this.opossum.status);
    this.opossum.on('open', () => {
      this.openedAt = Date.now();
      this.retryAfter = undefined;
      this.resetTrials();
      const stats = this.opossum.stats;
      const reason =
        this.current === 'half_open'
          ? 'a half-open trial failed'
          : `${stats.failures} of ${stats.fires} calls failed in ${policy.rollingWindowMs} ms (threshold ${policy.errorThreshold * 100} %)`;
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
      this.sync(`${policy.halfOpenTrials} half-open trial(s) succeeded`);
    });
    this.current = this.computeState();
    this.publishState();
    this.scheduleMaintenance();
  }

  /** The state now (maintenance windows are read from the clock). */
  state(): BreakerState {
    return this.computeState();
  }

  /** The maintenance window in force now, if any. */
  maintenanceNow(): MaintenanceWindow | undefined {
    const now = Date.now();
    return this.policy.maintenance.find((w) => w.start.getTime() <= now && now < w.end.getTime());
  }

  /**
   * Runs `action` through the breaker. Rejections (open, maintenance, capacity) and failures use
   * the fallback when one is given; ignored errors (4xx, validation) reach the caller untouched
   * and never open the breaker.
   */
  async call<T>(action: BreakerAction<T>, options: CallOptions<T> = NO_OPTIONS): Promise<T> {
    if (this.disposed) throw new Error(`circuit breaker ${this.name} has been disposed`);
    const started = performance.now();
    // A window may start or end before its timer fires: the call checks the cached boundary.
    if (this.nextBoundary !== NO_BOUNDARY && Date.now() >= this.nextBoundary) this.crossBoundary();
    const state = this.current;
    let outcome: CallOutcome;
    let result: T | undefined;
    let error: unknown;
    try {
      if (state === 'closed' || state === 'half_open') {
        this.admit(state);
        this.inFlight++;
        try {
          result =
            state === 'closed'
              ? ((await this.opossum.fire(action, options.signal, started)) as T)
              : await this.trial(action, options.signal, started);
        } finally {
          this.inFlight--;
        }
      } else {
        result = await this.bypass(action, options.signal, state, started);
      }
      outcome = 'success';
    } catch (caught) {
      error = caught;
      outcome = this.outcomeOf(caught);
    }
    if (outcome !== 'success' && outcome !== 'ignored' && options.fallback) {
      try {
        result = await options.fallback(error);
        outcome = 'fallback';
        error = undefined;
      } catch (fallbackError) {
        error = fallbackError;
      }
    }
    this.record(outcome, (performance.now() - started) / 1000, state);
    if (outcome === 'success' || outcome === 'fallback') return result as T;
    // Planned maintenance must not spend the error budget of the request that hit it.
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

  /** Throws when a guarded state cannot take the call now (over capacity, open). */
  private admit(state: BreakerState): void {
    if (this.inFlight >= this.policy.capacity) throw new CapacityError(this.name, this.policy.capacity);
    if (state === 'half_open' && this.trialsStarted >= this.policy.halfOpenTrials) {
      throw new BreakerOpenError(this.name);
    }
  }

  /** States that do not go through opossum: disabled runs the action, the others reject. */
  private bypass<T>(
    action: BreakerAction<T>,
    signal: AbortSignal | undefined,
    state: BreakerState,
    started: number,
  ): Promise<T> {
    if (state === 'disabled') return this.run(action, signal, started);
    if (state === 'forced_open') {
      const window = this.maintenanceNow() as MaintenanceWindow;
      throw new MaintenanceError(this.name, target(this.key), window.end, window.reason);
    }
    if (this.inFlight >= this.policy.capacity) throw new CapacityError(this.name, this.policy.capacity);
    this.retryAfter ??= new Date(this.openedAt + this.policy.resetTimeoutMs);
    throw new BreakerOpenError(this.name, this.retryAfter);
  }

  private async trial<T>(
    action: BreakerAction<T>,
    signal: AbortSignal | undefined,
    started: number,
  ): Promise<T> {
    this.trialsStarted++;
    try {
      const result = await this.run(action, signal, started);
      this.trialSuccesses++;
      if (this.trialSuccesses >= this.policy.halfOpenTrials && this.opossum.halfOpen) this.opossum.close();
      return result;
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
      error instanceof CapacityError
    ) {
      return 'rejected';
    }
    return classifyError(error, this.classify) === 'ignored' ? 'ignored' : 'failure';
  }

  /** The labels of one outcome's series, built once: prom-client copies before it adds any. */
  private labelsOf(outcome: CallOutcome): Record<string, string> {
    this.outcomeLabels ??= {};
    const labels = this.outcomeLabels[outcome] ?? { [LABEL.breaker]: this.name, [LABEL.outcome]: outcome };
    this.outcomeLabels[outcome] = labels;
    return labels;
  }

  private record(outcome: CallOutcome, seconds: number, state: BreakerState): void {
    const metrics = this.observers.metrics;
    if (metrics) {
      const labels = this.outcomeLabels?.[outcome] ?? this.labelsOf(outcome);
      metrics.calls.inc(labels);
      metrics.duration.observe(labels, seconds);
    }
    if (this.observers.spanPerCall && this.observers.tracer) {
      const span: Span = this.observers.tracer.startSpan(
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
