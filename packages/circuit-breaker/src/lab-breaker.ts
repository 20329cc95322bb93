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
 */
export class LabBreaker {
  readonly name: string;
  readonly key: BreakerKey;
  readonly policy: BreakerPolicy;
  private readonly observers: BreakerObservers;
  private readonly classify: ErrorClassifier | undefined;
  private readonly opossum: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private current: BreakerState;
  private inFlight = 0;
  private trialsStarted = 0;
  private trialSuccesses = 0;
  private openedAt = 0;
  private maintenanceTimer: NodeJS.Timeout | undefined;
  private disposed = false;

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
    this.opossum = new CircuitBreaker((run: () => Promise<unknown>) => run(), {
      timeout: false,
      errorThresholdPercentage: policy.errorThreshold * 100,
      volumeThreshold: policy.volumeThreshold,
      rollingCountTimeout: policy.rollingWindowMs,
      rollingCountBuckets: ROLLING_BUCKETS,
      resetTimeout: policy.resetTimeoutMs,
      errorFilter: (error: unknown) => classifyError(error, this.classify) === 'ignored',
      enableSnapshots: false,
    });
    this.opossum.on('open', () => {
      this.openedAt = Date.now();
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
  async call<T>(action: BreakerAction<T>, options: CallOptions<T> = {}): Promise<T> {
    if (this.disposed) throw new Error(`circuit breaker ${this.name} has been disposed`);
    const started = performance.now();
    this.sync('maintenance window boundary');
    const state = this.current;
    let outcome: CallOutcome;
    let result: T | undefined;
    let error: unknown;
    try {
      result = await this.execute(action, options.signal, state);
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
    this.opossum.shutdown();
  }

  private async execute<T>(
    action: BreakerAction<T>,
    signal: AbortSignal | undefined,
    state: BreakerState,
  ): Promise<T> {
    if (state === 'disabled') return this.run(action, signal);
    if (state === 'forced_open') {
      const window = this.maintenanceNow() as MaintenanceWindow;
      throw new MaintenanceError(this.name, target(this.key), window.end, window.reason);
    }
    if (this.inFlight >= this.policy.capacity) throw new CapacityError(this.name, this.policy.capacity);
    if (state === 'open')
      throw new BreakerOpenError(this.name, new Date(this.openedAt + this.policy.resetTimeoutMs));
    this.inFlight++;
    try {
      if (state === 'half_open') return await this.trial(action, signal);
      return (await this.opossum.fire(() => this.run(action, signal))) as T;
    } finally {
      this.inFlight--;
    }
  }

  private async trial<T>(action: BreakerAction<T>, signal: AbortSignal | undefined): Promise<T> {
    if (this.trialsStarted >= this.policy.halfOpenTrials) throw new BreakerOpenError(this.name);
    this.trialsStarted++;
    try {
      const result = await this.run(action, signal);
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

  private run<T>(action: BreakerAction<T>, callerSignal: AbortSignal | undefined): Promise<T> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    // Work whose caller already gave up never starts.
    const work = Promise.resolve().then(() => {
      controller.signal.throwIfAborted();
      return action(controller.signal);
    });
    const racers: Promise<T>[] = [work];
    if (this.policy.timeoutMs > 0) {
      racers.push(
        new Promise<T>((_, reject) => {
          timer = setTimeout(() => {
            const error = new BreakerTimeoutError(this.name, this.policy.timeoutMs);
            controller.abort(error);
            reject(error);
          }, this.policy.timeoutMs);
        }),
      );
      // A late rejection after the timeout won must not surface as unhandled.
      work.catch(() => undefined);
    }
    return Promise.race(racers).finally(() => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    });
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

  private record(outcome: CallOutcome, seconds: number, state: BreakerState): void {
    const metrics = this.observers.metrics;
    metrics?.calls.inc({ [LABEL.breaker]: this.name, [LABEL.outcome]: outcome });
    metrics?.duration.observe({ [LABEL.breaker]: this.name, [LABEL.outcome]: outcome }, seconds);
    const attributes = {
      'tracseq.breaker.name': this.name,
      'tracseq.breaker.state': state,
      'tracseq.breaker.outcome': outcome,
    };
    if (this.observers.spanPerCall && this.observers.tracer) {
      const span: Span = this.observers.tracer.startSpan(
        `breaker ${this.name}`,
        { attributes },
        context.active(),
      );
      if (outcome !== 'success' && outcome !== 'fallback' && outcome !== 'ignored') {
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      }
      span.end();
    } else {
      trace.getActiveSpan()?.addEvent('circuit_breaker.call', attributes);
    }
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
    const next = this.policy.maintenance
      .flatMap((w) => [w.start.getTime(), w.end.getTime()])
      .filter((t) => t > now)
      .sort((a, b) => a - b)[0];
    if (next === undefined) return;
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
