import { getFreePort, type OtlpReceiver, startOtlpReceiver, waitFor } from '@tracseq/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTracing, type Tracing } from './create-tracing.js';
import type { SpanDropReason, TracingEventLogger } from './span-loss-ledger.js';
import type { TracingOptions } from './tracing-options.js';

// Every span that never reaches the collector is counted with its reason, and an outage is one
// warning (reason and endpoint) plus one line when it ends: against the OTLP receiver double in
// its failure modes and against a port nobody listens on.

interface LogLine {
  readonly level: 'warn' | 'info';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

let receiver: OtlpReceiver;
const open: Tracing[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((tracing) => tracing.shutdown(200)));
  await receiver.setMode('up');
});
afterAll(async () => {
  await receiver.close();
});

/** Tracing to `endpoint` whose drops and log lines the test reads. */
function pipeline(endpoint: string, options: Partial<TracingOptions> = {}) {
  const dropped: Record<SpanDropReason, number> = { queue_full: 0, export_failed: 0, shutdown: 0 };
  const lines: LogLine[] = [];
  const logger: TracingEventLogger = {
    warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
  };
  const tracing = createTracing({
    serviceName: 'sample-service',
    endpoint,
    registerGlobal: false,
    onSpansDropped: (count, reason) => {
      dropped[reason] += count;
    },
    logger,
    ...options,
  });
  open.push(tracing);
  const end = (name: string, count = 1) => {
    for (let i = 0; i < count; i++) tracing.tracer.startSpan(name).end();
  };
  return { tracing, dropped, lines, end };
}

const warnings = (lines: readonly LogLine[]) => lines.filter((l) => l.level === 'warn');
const recoveries = (lines: readonly LogLine[]) => lines.filter((l) => l.message.includes('recovered'));

describe('spans that never reach the collector', () => {
  it('HTTP 500: counted as export_failed, one warning per outage with reason and endpoint, one line on recovery', async () => {
    const { tracing, dropped, lines, end } = pipeline(receiver.url, { exportTimeoutMs: 2000 });
    const before = receiver.requests.length;
    await receiver.setMode('fail500');
    end('during 500', 3);
    expect(await tracing.forceFlush(3000)).toBe(false);
    end('still during 500', 2);
    expect(await tracing.forceFlush(3000)).toBe(false);
    expect(dropped).toEqual({ queue_full: 0, export_failed: 5, shutdown: 0 });
    expect(warnings(lines)).toHaveLength(1);
    expect(warnings(lines)[0]).toMatchObject({
      fields: { event: { reason: 'export_failed' }, url: { full: receiver.tracesUrl } },
      message: expect.stringContaining(`span export to ${receiver.tracesUrl} failed: HTTP 500`),
    });
    // 500 is not retryable in OTLP: one attempt per batch.
    expect(receiver.requests.slice(before).filter((r) => r.mode === 'fail500')).toHaveLength(2);

    await receiver.setMode('up');
    end('after recovery');
    expect(await tracing.forceFlush(3000)).toBe(true);
    end('still fine');
    expect(await tracing.forceFlush(3000)).toBe(true);
    expect(recoveries(lines)).toHaveLength(1);
    expect(recoveries(lines)[0]?.message).toContain('5 span(s) failed to export meanwhile');
    expect(warnings(lines)).toHaveLength(1);
    expect(tracing.spanLoss()).toMatchObject({ accepted: 7, exported: 2 });
  }, 20_000);

  it('HTTP 429 with Retry-After: retried after the delay it asks for, delivered, nothing dropped', async () => {
    const { tracing, dropped, lines, end } = pipeline(receiver.url, { exportTimeoutMs: 5000 });
    await receiver.setMode('fail429', { retryAfterSeconds: 1 });
    const before = receiver.requests.length;
    end('throttled');
    const flushed = tracing.forceFlush(5000);
    await waitFor(() => receiver.requests.slice(before).some((r) => r.mode === 'fail429'), {
      intervalMs: 10,
    });
    await receiver.setMode('up');
    expect(await flushed).toBe(true);
    expect(receiver.spans.filter((s) => s.name === 'throttled')).toHaveLength(1);
    expect(dropped).toEqual({ queue_full: 0, export_failed: 0, shutdown: 0 });
    expect(warnings(lines)).toHaveLength(0);
  }, 15_000);

  it('HTTP 503 past the retry budget: counted as export_failed with the status as reason', async () => {
    // A 1.5 s budget fits the first backoff (1 s ± 20 %) but not the second (1.5 s).
    const { tracing, dropped, lines, end } = pipeline(receiver.url, { exportTimeoutMs: 1500 });
    const before = receiver.requests.length;
    await receiver.setMode('fail503');
    end('unavailable', 4);
    expect(await tracing.forceFlush(5000)).toBe(false);
    expect(receiver.requests.slice(before).map((r) => r.status)).toEqual([503, 503]);
    expect(dropped.export_failed).toBe(4);
    expect(warnings(lines)[0]?.message).toContain('failed: HTTP 503');
  }, 15_000);

  it('a stalled collector: the request times out, counted as export_failed (timeout), then recovers', async () => {
    const { tracing, dropped, lines, end } = pipeline(receiver.url, { exportTimeoutMs: 400 });
    await receiver.setMode('stall');
    end('stalled', 2);
    expect(await tracing.forceFlush(3000)).toBe(false);
    expect(dropped.export_failed).toBe(2);
    expect(warnings(lines)[0]?.message).toContain('failed: timeout');
    await receiver.setMode('up');
    end('after stall');
    expect(await tracing.forceFlush(3000)).toBe(true);
    expect(recoveries(lines)).toHaveLength(1);
  }, 15_000);

  it('a closed port: connection refused, counted and warned once', async () => {
    const port = await getFreePort();
    const endpoint = `http://127.0.0.1:${port}`;
    // One attempt fits a 500 ms budget; the first backoff (about 1 s) does not.
    const { tracing, dropped, lines, end } = pipeline(endpoint, { exportTimeoutMs: 500 });
    end('nobody listens', 3);
    expect(await tracing.forceFlush(3000)).toBe(false);
    end('nobody listens', 2);
    expect(await tracing.forceFlush(3000)).toBe(false);
    expect(dropped).toEqual({ queue_full: 0, export_failed: 5, shutdown: 0 });
    expect(warnings(lines)).toHaveLength(1);
    expect(warnings(lines)[0]?.message).toContain(
      `span export to ${endpoint}/v1/traces failed: connection refused`,
    );
  }, 15_000);
});

describe('shutdown with the collector failing', () => {
  it('gives up after the failed attempt: a retryable 503 is not retried, the spans count as export_failed', async () => {
    const { tracing, dropped, end } = pipeline(receiver.url, { exportTimeoutMs: 10_000 });
    await receiver.setMode('fail503');
    end('at shutdown', 6);
    const before = receiver.requests.length;
    expect(await tracing.shutdown(8000)).toBe(false);
    // Outside shutdown this batch would be sent up to six times within its 10 s budget.
    expect(receiver.requests.slice(before).map((r) => r.status)).toEqual([503]);
    expect(dropped).toEqual({ queue_full: 0, export_failed: 6, shutdown: 0 });
  }, 15_000);

  it('a closed port: the refused final export is final, so nothing waits for the deadline to be cut', async () => {
    const port = await getFreePort();
    const { tracing, dropped, end } = pipeline(`http://127.0.0.1:${port}`, { exportTimeoutMs: 10_000 });
    end('refused at shutdown', 4);
    expect(await tracing.shutdown(8000)).toBe(false);
    // Spans still retrying at the deadline would have been counted as `shutdown` instead.
    expect(dropped).toEqual({ queue_full: 0, export_failed: 4, shutdown: 0 });
  }, 15_000);

  it('a stalled collector: spans in flight at the deadline count as shutdown, later results are ignored', async () => {
    const { tracing, dropped, end } = pipeline(receiver.url, { exportTimeoutMs: 10_000 });
    await receiver.setMode('stall');
    end('held', 3);
    expect(await tracing.shutdown(300)).toBe(false);
    expect(dropped).toEqual({ queue_full: 0, export_failed: 0, shutdown: 3 });
    // Spans ended once shutdown began never leave either.
    end('too late', 2);
    expect(dropped.shutdown).toBe(5);
    const { accepted, exported } = tracing.spanLoss();
    expect(accepted).toBe(3);
    expect(exported).toBe(0);
  }, 15_000);
});
