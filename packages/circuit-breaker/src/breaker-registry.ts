import { type BreakerKey, breakerName, resolvePolicy } from '@tracseq/contract';
import type { BreakerConfig, BreakerPolicy } from './breaker-config.js';
import type { BreakerObservers } from './breaker-observers.js';
import type { ErrorClassifier } from './classify-error.js';
import { type BreakerAction, type CallOptions, LabBreaker } from './lab-breaker.js';

/** Options of {@link BreakerRegistry}. */
export interface BreakerRegistryOptions extends BreakerObservers {
  /** Classifies errors before the default rules (4xx, validation and domain errors are ignored). */
  readonly classifyError?: ErrorClassifier;
}

/** Result of a readiness check, in the shape `/health/ready` reports per check. */
export interface ReadinessResult {
  readonly ok: boolean;
  readonly message: string;
}

function samePolicy(a: BreakerPolicy, b: BreakerPolicy): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Breakers by key part: lab, then instrument, then operation (`undefined` for an unset part). */
type PartCache = Map<string | undefined, Map<string | undefined, Map<string | undefined, LabBreaker>>>;

/**
 * Keeps one {@link LabBreaker} per `<lab>/<instrument>/<operation>`, each with the policy of
 * the most specific matching rule, created on first use.
 *
 * A call finds its breaker by the key's parts in nested maps, so the hot path neither builds the
 * breaker name nor resolves the policy: both happen once per breaker. Keys are compared by
 * value, never by object identity (call sites usually write the key inline, a new object per
 * call, and a reused key object may have been changed since).
 */
export class BreakerRegistry {
  private config: BreakerConfig;
  private readonly options: BreakerRegistryOptions;
  /** By name: one breaker per name, in creation order (`list()`). */
  private readonly breakers = new Map<string, LabBreaker>();
  /** By key parts: a key spelt `''` or unset finds the same breaker through its name. */
  private readonly byParts: PartCache = new Map();

  constructor(config: BreakerConfig, options: BreakerRegistryOptions = {}) {
    this.config = config;
    this.options = options;
  }

  /** The breaker for `key`, created with its resolved policy on first use. */
  get(key: BreakerKey): LabBreaker {
    return this.byParts.get(key.lab)?.get(key.instrument)?.get(key.operation) ?? this.lookUp(key);
  }

  /** The first call with these key parts: by name, created if new; then cached by parts. */
  private lookUp(key: BreakerKey): LabBreaker {
    const name = breakerName(key);
    let breaker = this.breakers.get(name);
    if (!breaker) {
      // A copy: the caller may reuse and change its key object.
      const own: BreakerKey = {
        ...(key.lab === undefined ? {} : { lab: key.lab }),
        ...(key.instrument === undefined ? {} : { instrument: key.instrument }),
        ...(key.operation === undefined ? {} : { operation: key.operation }),
      };
      breaker = new LabBreaker(
        own,
        resolvePolicy(this.config, own),
        this.options,
        this.options.classifyError,
      );
      this.breakers.set(name, breaker);
    }
    let byInstrument = this.byParts.get(key.lab);
    if (!byInstrument) {
      byInstrument = new Map();
      this.byParts.set(key.lab, byInstrument);
    }
    let byOperation = byInstrument.get(key.instrument);
    if (!byOperation) {
      byOperation = new Map();
      byInstrument.set(key.instrument, byOperation);
    }
    byOperation.set(key.operation, breaker);
    return breaker;
  }

  /** Runs `action` through the breaker for `key`. */
  call<T>(key: BreakerKey, action: BreakerAction<T>, options?: CallOptions<T>): Promise<T> {
    return this.get(key).call(action, options);
  }

  /**
   * Applies a new configuration live: breakers whose resolved policy is unchanged keep their
   * state and statistics; the others are disposed and recreated on next use.
   */
  update(config: BreakerConfig): void {
    this.config = config;
    for (const [name, breaker] of this.breakers) {
      if (!samePolicy(breaker.policy, resolvePolicy(config, breaker.key))) {
        breaker.dispose();
        this.breakers.delete(name);
      }
    }
    // Refilled by the next call of each key: cheaper than finding the replaced breakers' entries.
    this.byParts.clear();
  }

  /** Every live breaker. */
  list(): LabBreaker[] {
    return [...this.breakers.values()];
  }

  /**
   * Not ready while a breaker marked critical is open or half-open. A breaker forced open by a
   * maintenance window never fails readiness: planned maintenance must not restart pods.
   */
  readiness(): ReadinessResult {
    const failing = this.list().filter(
      (b) => b.policy.critical && (b.state() === 'open' || b.state() === 'half_open'),
    );
    if (failing.length === 0) return { ok: true, message: 'no critical circuit breaker is open' };
    return {
      ok: false,
      message: `critical circuit breaker(s) open: ${failing.map((b) => b.name).join(', ')}`,
    };
  }

  /** Disposes every breaker: no timer or listener outlives the registry. */
  dispose(): void {
    for (const breaker of this.breakers.values()) breaker.dispose();
    this.breakers.clear();
    this.byParts.clear();
  }
}
