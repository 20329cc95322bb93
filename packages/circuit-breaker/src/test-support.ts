import { createMetricsRegistry } from '@tracseq/telemetry';
import { type BreakerPolicy, DEFAULT_BREAKER_POLICY } from './breaker-config.js';
import { breakerMetricsFrom } from './breaker-observers.js';

/** A policy for tests: small numbers so transitions are quick to provoke. */
export function testPolicy(overrides: Partial<BreakerPolicy> = {}): BreakerPolicy {
  return {
    ...DEFAULT_BREAKER_POLICY,
    timeoutMs: 1_000,
    volumeThreshold: 4,
    errorThreshold: 0.5,
    rollingWindowMs: 10_000,
    resetTimeoutMs: 5_000,
    ...overrides,
  };
}

/** Real contract metrics plus a log recorder. */
export function observed() {
  const { registry, metrics } = createMetricsRegistry({ serviceName: 'test', defaultMetrics: false });
  const logs: { fields: Record<string, unknown>; message: string }[] = [];
  const value = async (name: string, labels: Record<string, string>): Promise<number> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const match = metric?.values.find((v) =>
      Object.entries(labels).every(([k, val]) => String((v.labels as Record<string, unknown>)[k]) === val),
    );
    return match?.value ?? 0;
  };
  return {
    registry,
    logs,
    value,
    observers: {
      metrics: breakerMetricsFrom(metrics),
      logger: { warn: (fields: Record<string, unknown>, message: string) => logs.push({ fields, message }) },
    },
  };
}

/** An action that fails with a server error. */
export const failing = async (): Promise<never> => {
  throw Object.assign(new Error('sequencer unavailable'), { status: 503 });
};

/** An action that succeeds. */
export const succeeding = async (): Promise<string> => 'ok';
