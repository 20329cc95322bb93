import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseBreakerConfigYaml } from './breaker-config.js';
import { BreakerRegistry } from './breaker-registry.js';
import { failing, observed, succeeding } from './test-support.js';

const SETTINGS = `
lab: lab-a
breakers:
  defaults: { timeout: 2s, errorThreshold: 0.5, volumeThreshold: 4, resetTimeout: 30s }
  rules:
    - match: { lab: lab-a }
      resetTimeout: 1m
    - match: { instrument: sequencer-1 }
      timeout: 5m
      critical: true
      maintenance:
        - window: 2026-11-25T09:00:00Z/2026-11-25T11:00:00Z
          reason: quarterly calibration
    - match: { instrument: lims, operation: lookup }
      timeout: 500ms
      halfOpenTrials: 3
`;

const SEQUENCER = { lab: 'lab-a', instrument: 'sequencer-1', operation: 'schedule' };
const LIMS = { lab: 'lab-a', instrument: 'lims', operation: 'lookup' };
const STORAGE = { lab: 'lab-a', instrument: 'storage-service', operation: 'reserve' };

describe('BreakerRegistry', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-25T08:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves the most specific rule and keeps one breaker per key', () => {
    const registry = new BreakerRegistry(parseBreakerConfigYaml(SETTINGS));
    expect(registry.get(SEQUENCER).policy).toMatchObject({
      timeoutMs: 300_000,
      resetTimeoutMs: 30_000,
      critical: true,
    });
    expect(registry.get(LIMS).policy).toMatchObject({ timeoutMs: 500, halfOpenTrials: 3 });
    expect(registry.get(STORAGE).policy).toMatchObject({ timeoutMs: 2_000, resetTimeoutMs: 60_000 });
    expect(registry.get({ lab: 'lab-b', instrument: 'x' }).policy.resetTimeoutMs).toBe(30_000);
    expect(registry.get(SEQUENCER)).toBe(registry.get({ ...SEQUENCER }));
    expect(registry.list().map((b) => b.name)).toEqual([
      'lab-a/sequencer-1/schedule',
      'lab-a/lims/lookup',
      'lab-a/storage-service/reserve',
      'lab-b/x/*',
    ]);
    registry.dispose();
  });

  it('finds the breaker of a key by its value, whatever object spells it', () => {
    const registry = new BreakerRegistry(parseBreakerConfigYaml(SETTINGS));
    const key: { lab: string; instrument: string; operation?: string } = { ...LIMS };
    const breaker = registry.get(key);
    expect(registry.get({ lab: 'lab-a', instrument: 'lims', operation: 'lookup' })).toBe(breaker);
    expect(registry.get(key)).toBe(breaker);
    // A key object changed after use finds the breaker of its new value; the breaker keeps its own.
    key.operation = 'update';
    const update = registry.get(key);
    expect(update).not.toBe(breaker);
    expect(update.name).toBe('lab-a/lims/update');
    expect(update.policy.timeoutMs).toBe(2_000);
    expect(breaker.key).toEqual(LIMS);
    expect(registry.get(LIMS)).toBe(breaker);
    // An unset part and an empty one are the same breaker, `*`.
    delete key.operation;
    const wildcard = registry.get(key);
    expect(wildcard.name).toBe('lab-a/lims/*');
    expect(registry.get({ lab: 'lab-a', instrument: 'lims', operation: '' })).toBe(wildcard);
    expect(registry.list()).toHaveLength(3);
    expect(() => registry.get({ lab: 'lab-a', instrument: 'a/b' })).toThrow('must not contain "/"');
    registry.dispose();
  });

  it('fails readiness while a critical breaker is open, but not during maintenance', async () => {
    const registry = new BreakerRegistry(parseBreakerConfigYaml(SETTINGS));
    for (let i = 0; i < 4; i++) await registry.call(STORAGE, failing).catch(() => undefined);
    expect(registry.get(STORAGE).state()).toBe('open');
    expect(registry.readiness().ok).toBe(true);
    for (let i = 0; i < 4; i++) await registry.call(SEQUENCER, failing).catch(() => undefined);
    expect(registry.readiness()).toEqual({
      ok: false,
      message: 'critical circuit breaker(s) open: lab-a/sequencer-1/schedule',
    });
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(registry.get(SEQUENCER).state()).toBe('forced_open');
    expect(registry.readiness().ok).toBe(true);
    registry.dispose();
  });

  it('applies a new config live and keeps the state of breakers whose rule did not change', async () => {
    const registry = new BreakerRegistry(parseBreakerConfigYaml(SETTINGS));
    for (let i = 0; i < 4; i++) {
      await registry.call(STORAGE, failing).catch(() => undefined);
      await registry.call(LIMS, failing).catch(() => undefined);
    }
    const storage = registry.get(STORAGE);
    expect(storage.state()).toBe('open');
    expect(registry.get(LIMS).state()).toBe('open');
    const lims = registry.get(LIMS);
    registry.update(parseBreakerConfigYaml(SETTINGS.replace('timeout: 500ms', 'timeout: 750ms')));
    expect(registry.get(STORAGE)).toBe(storage);
    expect(registry.get({ ...LIMS })).not.toBe(lims);
    await expect(lims.call(succeeding)).rejects.toThrow(/disposed/);
    expect(registry.get(STORAGE).state()).toBe('open');
    expect(registry.get(LIMS).state()).toBe('closed');
    expect(registry.get(LIMS).policy.timeoutMs).toBe(750);
    registry.dispose();
  });

  it('live updates tell recurring windows apart by schedule: same schedule kept, changed one applied', () => {
    const withSchedule = (day: string) =>
      parseBreakerConfigYaml(
        `lab: lab-a\nmaintenance_windows:\n  - { instrument: storage-service, schedule: "DTSTART:20261124T080000Z\\nRRULE:FREQ=WEEKLY;BYDAY=${day}", duration: 1h, reason: flush }\n`,
      );
    // 2026-11-25 08:00Z (the fake now) is a Wednesday.
    const registry = new BreakerRegistry(withSchedule('WE'));
    const storage = registry.get(STORAGE);
    expect(storage.state()).toBe('forced_open');
    registry.update(withSchedule('WE'));
    expect(registry.get(STORAGE)).toBe(storage);
    registry.update(withSchedule('TH'));
    expect(registry.get(STORAGE)).not.toBe(storage);
    expect(registry.get(STORAGE).state()).toBe('closed');
    registry.dispose();
  });

  it('records the contract metrics for every call', async () => {
    const o = observed();
    const registry = new BreakerRegistry(parseBreakerConfigYaml(SETTINGS), o.observers);
    await registry.call(STORAGE, succeeding);
    await registry.call(STORAGE, succeeding);
    await registry.call(STORAGE, failing).catch(() => undefined);
    const exposition = await o.registry.metrics();
    expect(exposition).toContain(
      'tracseq_circuit_breaker_calls_total{breaker="lab-a/storage-service/reserve",outcome="success",service="test"} 2',
    );
    expect(exposition).toContain(
      'tracseq_circuit_breaker_call_duration_seconds_count{service="test",breaker="lab-a/storage-service/reserve",outcome="failure"} 1',
    );
    expect(exposition).toContain(
      'tracseq_circuit_breaker_state{breaker="lab-a/storage-service/reserve",state="closed",service="test"} 1',
    );
    registry.dispose();
  });
});

describe('BreakerRegistry tracing', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
  });

  it("adds an event to the caller's span by default", async () => {
    const registry = new BreakerRegistry(parseBreakerConfigYaml(SETTINGS));
    const tracer = provider.getTracer('test');
    await tracer.startActiveSpan('POST /api/samples', async (span) => {
      await registry.call(STORAGE, succeeding);
      span.end();
    });
    const [span] = exporter.getFinishedSpans();
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'circuit_breaker.call',
        {
          'tracseq.breaker.name': 'lab-a/storage-service/reserve',
          'tracseq.breaker.state': 'closed',
          'tracseq.breaker.outcome': 'success',
        },
      ],
    ]);
    registry.dispose();
    exporter.reset();
  });

  it('creates a child span per call when asked', async () => {
    const tracer = provider.getTracer('test');
    const registry = new BreakerRegistry(parseBreakerConfigYaml(SETTINGS), { tracer, spanPerCall: true });
    await tracer.startActiveSpan('parent', async (span) => {
      await registry.call(STORAGE, failing).catch(() => undefined);
      span.end();
    });
    const spans = exporter.getFinishedSpans();
    const child = spans.find((s) => s.name === 'breaker lab-a/storage-service/reserve');
    const parent = spans.find((s) => s.name === 'parent');
    expect(child?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(child?.attributes['tracseq.breaker.outcome']).toBe('failure');
    expect(trace.getActiveSpan()).toBeUndefined();
    registry.dispose();
  });
});
