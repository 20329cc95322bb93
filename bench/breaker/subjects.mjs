// What the breaker benchmark calls: the same trivial async action directly, through raw opossum
// configured like a LabBreaker's default policy, and through LabBreaker itself.
import * as ours from '@tracseq/circuit-breaker';
import { createMetricsRegistry } from '@tracseq/telemetry';
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  SamplingBreaker,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import CircuitBreaker from 'opossum';

const { BreakerOpenError, DEFAULT_BREAKER_POLICY } = ours;

// A reset timeout far beyond any measurement, so a tripped breaker stays open while timed.
export const POLICY = { ...DEFAULT_BREAKER_POLICY, resetTimeoutMs: 600_000 };
/** POLICY as lab settings: what a registry resolves for every key. */
const SETTINGS = { defaults: { resetTimeout: '10m' } };
/** The key services pass to `BreakerRegistry.call`; a fresh object per call, as call sites write it. */
const registryKey = (i) => ({ lab: 'lab-a', instrument: `lims-${i}`, operation: 'lookup' });

/** opossum options equivalent to POLICY (opossum's abort signal is per breaker, not per call). */
/** @returns {import('opossum').Options} */
export function opossumOptions(policy = POLICY, timeout = true) {
  return {
    timeout: timeout ? policy.timeoutMs : false,
    errorThresholdPercentage: policy.errorThreshold * 100,
    volumeThreshold: policy.volumeThreshold,
    rollingCountTimeout: policy.rollingWindowMs,
    rollingCountBuckets: 10,
    resetTimeout: policy.resetTimeoutMs,
    capacity: policy.capacity,
    enableSnapshots: false,
  };
}

/**
 * cockatiel configured like POLICY: a sampling breaker (same ratio, window and minimum volume)
 * behind a cooperative per-call timeout that hands the action an AbortSignal, as LabBreaker does.
 */
export function cockatielPolicy(policy = POLICY, breaker = undefined) {
  const minimumRps = policy.volumeThreshold / (policy.rollingWindowMs / 1000);
  const breakerPolicy = circuitBreaker(handleAll, {
    halfOpenAfter: policy.resetTimeoutMs,
    breaker:
      breaker ??
      new SamplingBreaker({ threshold: policy.errorThreshold, duration: policy.rollingWindowMs, minimumRps }),
  });
  return {
    breaker: breakerPolicy,
    policy: wrap(timeout(policy.timeoutMs, TimeoutStrategy.Cooperative), breakerPolicy),
  };
}

export const work = async () => 42;
const action = () => work();
const failing = () => Promise.reject(new Error('instrument unreachable'));
const ignore = () => undefined;

/** Contract breaker metrics in a fresh registry (default process metrics off: not per call). */
export function contractObservers(lib = ours) {
  const { metrics } = createMetricsRegistry({ serviceName: 'bench-breaker', defaultMetrics: false });
  return { metrics: lib.breakerMetricsFrom(metrics) };
}

export function labBreaker(i = 0, observers = {}, lib = ours) {
  return new lib.LabBreaker(
    { lab: 'lab-a', instrument: `lims-${i}`, operation: 'lookup' },
    POLICY,
    observers,
  );
}

/**
 * How services call a breaker: `BreakerRegistry.call` with a key object and the contract metrics
 * of a `createMetricsRegistry` registry. `lib` is the @tracseq/circuit-breaker module (another
 * build can be passed to compare).
 */
export function registrySubject(i, lib = ours) {
  const registry = new lib.BreakerRegistry(lib.parseBreakerConfig(SETTINGS), contractObservers(lib));
  const key = registryKey(i);
  return {
    registry,
    call: (run) => registry.call({ lab: key.lab, instrument: key.instrument, operation: key.operation }, run),
    state: () => registry.get(key).state(),
    dispose: () => registry.dispose(),
  };
}

/** Closed-path subjects: `{id, label, call, dispose}`, each `call` one awaited call. */
export function closedSubjects() {
  const raw = new CircuitBreaker(work, opossumOptions());
  const rawNoTimeout = new CircuitBreaker(work, opossumOptions(POLICY, false));
  const ours = labBreaker(0);
  const oursMetrics = labBreaker(1, contractObservers());
  const registry = registrySubject(4);
  const cockatiel = cockatielPolicy().policy;
  return [
    { id: 'direct', label: 'direct async call', call: () => work() },
    {
      id: 'opossum',
      label: 'raw opossum, same options',
      call: () => raw.fire(),
      dispose: () => raw.shutdown(),
    },
    {
      id: 'opossum-no-timeout',
      label: 'raw opossum, timeout off',
      call: () => rawNoTimeout.fire(),
      dispose: () => rawNoTimeout.shutdown(),
    },
    {
      id: 'cockatiel',
      label: 'cockatiel: sampling breaker + cooperative timeout',
      call: () => cockatiel.execute(action),
    },
    {
      id: 'lab',
      label: 'LabBreaker, no observers',
      call: () => ours.call(action),
      dispose: () => ours.dispose(),
    },
    {
      id: 'lab-metrics',
      label: 'LabBreaker + contract metrics',
      call: () => oursMetrics.call(action),
      dispose: () => oursMetrics.dispose(),
    },
    {
      id: 'registry-metrics',
      label: 'BreakerRegistry.call(key) + contract metrics (as services call it)',
      call: () => registry.call(action),
      dispose: () => registry.dispose(),
    },
  ];
}

/** Open-path subjects: breakers tripped by real failures, each `call` one rejected call. */
export async function openSubjects() {
  const raw = new CircuitBreaker(failing, opossumOptions());
  // Tripped by consecutive failures: a sampling breaker would need a second of traffic first.
  const cockatiel = cockatielPolicy(POLICY, new ConsecutiveBreaker(POLICY.volumeThreshold));
  const ours = labBreaker(2);
  const oursMetrics = labBreaker(3, contractObservers());
  const registry = registrySubject(5);
  for (let i = 0; i < POLICY.volumeThreshold * 2; i++) {
    await raw.fire().catch(ignore);
    await cockatiel.policy.execute(failing).catch(ignore);
    await ours.call(failing).catch(ignore);
    await oursMetrics.call(failing).catch(ignore);
    await registry.call(failing).catch(ignore);
  }
  if (
    !raw.opened ||
    cockatiel.breaker.state !== CircuitState.Open ||
    ours.state() !== 'open' ||
    oursMetrics.state() !== 'open' ||
    registry.state() !== 'open'
  ) {
    throw new Error('open-path setup: a breaker did not open after repeated failures');
  }
  const rejects = (promise) =>
    promise.then(
      () => {
        throw new Error('an open breaker let a call through');
      },
      (error) => error,
    );
  // Sanity check once that ours rejects with its own error, not by running the action.
  if (!((await rejects(ours.call(action))) instanceof BreakerOpenError)) {
    throw new Error('open-path setup: LabBreaker did not reject with BreakerOpenError');
  }
  // What any call whose promise rejects costs the caller here, breaker or not: a pending promise
  // rejected one microtask later with an error made beforehand, caught.
  const made = new Error('made once');
  const resolved = Promise.resolve();
  return [
    {
      id: 'floor',
      label: 'floor: a promise rejected a microtask later (error made beforehand), caught',
      call: () =>
        new Promise((_resolve, reject) => {
          resolved.then(() => reject(made));
        }).catch(ignore),
    },
    {
      id: 'opossum',
      label: 'raw opossum',
      call: () => raw.fire().catch(ignore),
      dispose: () => raw.shutdown(),
    },
    {
      id: 'cockatiel',
      label: 'cockatiel',
      call: () => cockatiel.policy.execute(action).catch(ignore),
    },
    {
      id: 'lab',
      label: 'LabBreaker, no observers',
      call: () => ours.call(action).catch(ignore),
      dispose: () => ours.dispose(),
    },
    {
      id: 'lab-metrics',
      label: 'LabBreaker + contract metrics',
      call: () => oursMetrics.call(action).catch(ignore),
      dispose: () => oursMetrics.dispose(),
    },
    {
      id: 'registry-metrics',
      label: 'BreakerRegistry.call(key) + contract metrics',
      call: () => registry.call(action).catch(ignore),
      dispose: () => registry.dispose(),
    },
  ];
}
