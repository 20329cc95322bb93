import { describe, expect, it } from 'vitest';
import type { BreakerMetrics } from './breaker-observers.js';
import { CallSeries } from './call-series.js';
import { observed } from './test-support.js';

const LABELS = { breaker: 'lab-a/lims/lookup', outcome: 'success' };
const OTHER = { breaker: 'lab-a/lims/lookup', outcome: 'failure' };
// On bounds, between them, past the last one, and zero.
const SECONDS = [0, 0.0005, 0.001, 0.0011, 0.05, 0.3, 0.3, 2.5, 9.99, 10, 11, 120, 0.02];

/** Contract metrics whose public inc/observe calls are counted. */
function counted() {
  const o = observed();
  const metrics = o.observers.metrics;
  const slow = { inc: 0, observe: 0 };
  const calls = metrics.calls as { inc(labels: Record<string, string>, value?: number): void };
  const duration = metrics.duration as { observe(labels: Record<string, string>, value: number): void };
  const inc = calls.inc.bind(calls);
  const observe = duration.observe.bind(duration);
  calls.inc = (labels, value) => {
    slow.inc++;
    inc(labels, value);
  };
  duration.observe = (labels, value) => {
    slow.observe++;
    observe(labels, value);
  };
  return { ...o, metrics, slow };
}

describe('CallSeries', () => {
  it('renders exactly what inc(labels) and observe(labels, value) render, across reset and remove', async () => {
    const fast = counted();
    const reference = observed();
    const series = new CallSeries(fast.metrics, LABELS);
    const other = new CallSeries(fast.metrics, OTHER);
    const recordBoth = (seconds: number) => {
      series.record(seconds);
      other.record(seconds / 3);
      for (const [labels, value] of [
        [LABELS, seconds],
        [OTHER, seconds / 3],
      ] as const) {
        reference.observers.metrics.calls.inc(labels);
        reference.observers.metrics.duration.observe(labels, value);
      }
    };
    SECONDS.forEach(recordBoth);
    expect(await fast.registry.metrics()).toBe(await reference.registry.metrics());
    // Only each series' first update took the public path: if prom-client's internals changed
    // shape, every update would, and this would fail.
    expect(fast.slow).toEqual({ inc: 2, observe: 2 });

    // reset() replaces the records; remove() drops one: the series must follow, not update orphans.
    for (const metric of ['calls', 'duration'] as const) {
      (fast.metrics[metric] as unknown as { reset(): void }).reset();
      (reference.observers.metrics[metric] as unknown as { reset(): void }).reset();
    }
    SECONDS.slice(0, 4).forEach(recordBoth);
    expect(await fast.registry.metrics()).toBe(await reference.registry.metrics());
    for (const m of [fast.metrics, reference.observers.metrics]) {
      (m.calls as unknown as { remove(labels: Record<string, string>): void }).remove(LABELS);
      (m.duration as unknown as { remove(labels: Record<string, string>): void }).remove(OTHER);
    }
    SECONDS.slice(4).forEach(recordBoth);
    expect(await fast.registry.metrics()).toBe(await reference.registry.metrics());
    expect(await fast.registry.metrics()).toContain(
      'tracseq_circuit_breaker_calls_total{breaker="lab-a/lims/lookup",outcome="success",service="test"} 9',
    );
  });

  it('uses the public calls of metrics that are not prom-client', () => {
    const seen: string[] = [];
    const metrics: BreakerMetrics = {
      state: { set: () => undefined },
      calls: { inc: (labels) => seen.push(`inc ${labels.outcome}`) },
      duration: { observe: (labels, value) => seen.push(`observe ${labels.outcome} ${value}`) },
      transitions: { inc: () => undefined },
    };
    const series = new CallSeries(metrics, LABELS);
    series.record(0.25);
    series.record(0.5);
    expect(seen).toEqual(['inc success', 'observe success 0.25', 'inc success', 'observe success 0.5']);
  });
});
