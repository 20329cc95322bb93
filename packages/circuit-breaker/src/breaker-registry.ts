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

/**
 * Keeps one {@link LabBreaker} per `<lab>/<instrument>/<operation>`, each with the policy of
 * the most specific matching rule, created on first use.
 */
export class BreakerRegistry {
  private config: BreakerConfig;
  private readonly options: BreakerRegistryOptions;
  private readonly breakers = new Map<string, LabBreaker>();

  constructor(config: BreakerConfig, options: BreakerRegistryOptions = {}) {
    this.config = config;
    this.options = options;
  }

  /** The breaker for `key`, created with its resolved policy on first use. */
  get(key: BreakerKey): LabBreaker {
    const name = breakerName(key);
    let breaker = this.breakers.get(name);
    if (!breaker) {
      breaker = new LabBreaker(
        key,
        resolvePolicy(this.config, key),
        this.options,
        this.options.classifyError,
      );
      this.breakers.set(name, breaker);
    }
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
  }
}
