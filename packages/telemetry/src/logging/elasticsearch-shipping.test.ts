import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type ElasticsearchDouble, startElasticsearchDouble, waitFor } from '@tracseq/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type TelemetryLogger } from './create-logger.js';
import type { LogShippingStats } from './log-shipping-stats.js';
import type { ElasticsearchLogOptions, LogRecordsCounter } from './logger-options.js';
import { captureStream } from './test-capture.js';

/** Fast timings so outages and recoveries play out in well under a second. */
const FAST: Omit<ElasticsearchLogOptions, 'url'> = {
  flushIntervalMs: 20,
  retryDelayMs: 10,
  maxRetryDelayMs: 50,
  maxRetries: 2,
};

/** A counter double that sums increments per label set, to compare with stats(). */
function recordingCounter(): LogRecordsCounter & { totals: Record<string, number> } {
  const totals: Record<string, number> = {};
  return {
    totals,
    inc(labels, value = 1) {
      expect(labels.destination).toBe('elasticsearch');
      const outcome = labels.outcome as string;
      totals[outcome] = (totals[outcome] ?? 0) + value;
    },
  };
}

function expectBalanced(stats: LogShippingStats): void {
  expect(stats.bufferedLines).toBe(0);
  expect(stats.shipped + stats.dropped + stats.failed).toBe(stats.produced);
}

/**
 * A garbage collector for heap measurements: vitest workers run without --expose-gc, and V8
 * allows exposing it at run time. `undefined` if the flag cannot be set.
 */
function exposedGc(): (() => void) | undefined {
  setFlagsFromString('--expose-gc');
  return runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
}

describe('Elasticsearch shipping under failures', () => {
  let es: ElasticsearchDouble;
  let telemetry: TelemetryLogger | undefined;

  beforeAll(async () => {
    es = await startElasticsearchDouble();
  });

  beforeEach(async () => {
    await es.setMode('up');
  });

  afterEach(async () => {
    await telemetry?.close(500);
    telemetry = undefined;
  });

  afterAll(async () => {
    await es.close();
  });

  it('keeps stdout complete and memory bounded while ES is down, then resumes', async () => {
    const bufferBytes = 256 * 1024;
    const lines = 60_000;
    const padding = 'p'.repeat(400); // ~640 bytes per serialized line
    const gc = exposedGc();
    // With a collection before each reading the growth is the live data (measured: ~2 MB);
    // without one, uncollected garbage counts too and only a looser bound is meaningful.
    const heapBound = gc === undefined ? 64 * 1024 * 1024 : 16 * 1024 * 1024;
    const out = captureStream({ keep: false });
    const counter = recordingCounter();
    await es.setMode('down');
    const firstDocument = es.documents.length;
    telemetry = createLogger({
      serviceName: 'sample-service',
      stdout: out.stream,
      elasticsearch: { url: es.url, ...FAST, bufferBytes },
      logRecords: counter,
    });
    const { logger } = telemetry;

    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeapGrowth = 0;
    for (let i = 0; i < lines; i++) {
      logger.info({ seq: i, padding }, 'sample stored');
      if (i % 500 === 499) {
        // Sustained logging, not one synchronous burst: let retries and timers run in between.
        await yieldToEventLoop();
        const stats = telemetry.stats();
        expect(stats.bufferedBytes).toBeLessThanOrEqual(bufferBytes);
        expect(stats.produced).toBe(stats.shipped + stats.dropped + stats.failed + stats.bufferedLines);
      }
      if (i % 10_000 === 9_999) {
        gc?.();
        peakHeapGrowth = Math.max(peakHeapGrowth, process.memoryUsage().heapUsed - heapBefore);
      }
    }
    const down = telemetry.stats();
    // 60,000 lines of ~640 bytes are ~38 MB: an unbounded queue would hold all of them.
    expect(peakHeapGrowth).toBeLessThan(heapBound);
    expect(down.peakBufferedBytes).toBeLessThanOrEqual(bufferBytes);
    expect(down.peakBufferedBytes).toBeGreaterThan(bufferBytes * 0.9);
    expect(out.count).toBe(lines);
    expect(down.produced).toBe(lines);
    expect(down.shipped).toBe(0);
    expect(down.dropped).toBeGreaterThan(lines - 1000);
    expect(down.lastError).toMatch(/unreachable/);
    expect(es.documents.length).toBe(firstDocument);

    await es.setMode('up');
    logger.info({ phase: 'after' }, 'ES is back');
    await waitFor(() => es.documents.some((doc) => doc.phase === 'after'), {
      timeoutMs: 10_000,
      intervalMs: 20,
      description: 'a line logged after ES came back',
    });
    await telemetry.close(5_000);

    const final = telemetry.stats();
    expectBalanced(final);
    expect(final.produced).toBe(lines + 1);
    // What was still buffered when ES came back (the newest lines) was shipped too, exactly once.
    expect(final.shipped).toBe(es.documents.length - firstDocument);
    expect(final.shipped * 640).toBeGreaterThan(bufferBytes * 0.5);
    expect(final.failed).toBe(0);
    expect(counter.totals).toEqual({ dropped: final.dropped, shipped: final.shipped });
    expect(out.count).toBe(lines + 1);
  });

  it.each([
    { status: 429, attempts: 3 },
    { status: 500, attempts: 3 },
    { status: 401, attempts: 1 },
  ])(
    'counts lines refused with HTTP $status as failed after $attempts attempt(s), then resumes',
    async ({ status, attempts }) => {
      const out = captureStream({ keep: false });
      const counter = recordingCounter();
      await es.setMode({ status });
      telemetry = createLogger({
        serviceName: 'svc',
        stdout: out.stream,
        // One batch for all 50 lines, so the request count is exactly the attempts.
        elasticsearch: { url: es.url, ...FAST, flushIntervalMs: 600_000 },
        logRecords: counter,
      });
      const requestsBefore = es.requests;
      for (let i = 0; i < 50; i++) telemetry.logger.info({ seq: i }, 'refused');
      await telemetry.flush(5_000);

      expect(telemetry.stats()).toMatchObject({ produced: 50, shipped: 0, dropped: 0, failed: 50 });
      expect(telemetry.stats().lastError).toContain(`HTTP ${status}`);
      expect(es.requests - requestsBefore).toBe(attempts);
      expect(out.count).toBe(50);

      await es.setMode('up');
      const before = es.documents.length;
      telemetry.logger.info('accepted again');
      await telemetry.close(5_000);
      expect(es.documents.length - before).toBe(1);
      const final = telemetry.stats();
      expectBalanced(final);
      expect(final).toMatchObject({ produced: 51, shipped: 1, failed: 50 });
      expect(counter.totals).toEqual({ failed: 50, shipped: 1 });
    },
  );

  it('counts per-document answers: 2xx shipped, 400 failed at once, 429 retried', async () => {
    const counter = recordingCounter();
    telemetry = createLogger({
      serviceName: 'svc',
      stdout: captureStream({ keep: false }).stream,
      elasticsearch: { url: es.url, ...FAST, flushIntervalMs: 600_000 },
      logRecords: counter,
    });
    const before = es.documents.length;
    // Every 2nd document is refused as malformed: never retried.
    await es.setMode({ itemStatus: 400, every: 2 });
    for (let i = 0; i < 10; i++) telemetry.logger.info({ seq: i }, 'mapping');
    await telemetry.flush(5_000);
    expect(telemetry.stats()).toMatchObject({ produced: 10, shipped: 5, failed: 5, bufferedLines: 0 });

    // Every document is rejected as "busy" (429): retried, then given up after maxRetries.
    await es.setMode({ itemStatus: 429 });
    const requestsBefore = es.requests;
    for (let i = 0; i < 10; i++) telemetry.logger.info({ seq: i }, 'busy');
    await telemetry.flush(5_000);
    expect(es.requests - requestsBefore).toBe(3);
    expect(telemetry.stats()).toMatchObject({ produced: 20, shipped: 5, failed: 15 });

    // Every 3rd document of each request is busy: the first retry carries only seq 2, 5 and 8,
    // of which ES refuses the 3rd (8) again; the last allowed attempt carries 8 alone and ships.
    await es.setMode({ itemStatus: 429, every: 3 });
    const partlyBefore = es.requests;
    for (let i = 0; i < 9; i++) telemetry.logger.info({ seq: i }, 'partly busy');
    await telemetry.close(5_000);
    expect(es.requests - partlyBefore).toBe(3);

    const final = telemetry.stats();
    expectBalanced(final);
    expect(final).toMatchObject({ produced: 29, shipped: 14, failed: 15, dropped: 0 });
    expect(final.shipped).toBe(es.documents.length - before);
    expect(es.documents.slice(-3).map((doc) => doc.seq)).toEqual([2, 5, 8]);
    expect(counter.totals).toEqual({ shipped: 14, failed: 15 });
  });

  it('close() returns by its deadline while ES stalls, counting the unacknowledged lines as failed', async () => {
    await es.setMode('stall');
    const counter = recordingCounter();
    telemetry = createLogger({
      serviceName: 'svc',
      stdout: captureStream({ keep: false }).stream,
      // The request timeout would keep a request open for a minute: only the deadline ends it.
      elasticsearch: { url: es.url, ...FAST, requestTimeoutMs: 60_000 },
      logRecords: counter,
    });
    const requestsBefore = es.requests;
    for (let i = 0; i < 20; i++) telemetry.logger.info({ seq: i }, 'stalled');
    await waitFor(() => es.requests > requestsBefore, { intervalMs: 5 });

    await telemetry.flush(200);
    expect(telemetry.stats()).toMatchObject({ produced: 20, shipped: 0, bufferedLines: 20 });

    await telemetry.close(500);
    const final = telemetry.stats();
    expectBalanced(final);
    expect(final).toMatchObject({ produced: 20, shipped: 0, dropped: 0, failed: 20 });
    expect(final.lastError).toMatch(/deadline/);
    expect(counter.totals).toEqual({ failed: 20 });
    // Lines after close() still reach stdout but are neither shipped nor counted.
    telemetry.logger.info('after close');
    expect(telemetry.stats().produced).toBe(20);
  }, 5_000);

  it('retries a request that timed out and ships it once ES answers again', async () => {
    await es.setMode('stall');
    telemetry = createLogger({
      serviceName: 'svc',
      stdout: captureStream({ keep: false }).stream,
      elasticsearch: { url: es.url, ...FAST, requestTimeoutMs: 100 },
    });
    const before = es.documents.length;
    const requestsBefore = es.requests;
    telemetry.logger.info('slow cluster');
    await waitFor(() => es.requests >= requestsBefore + 2, {
      intervalMs: 5,
      description: 'a retry after timeout',
    });
    expect(telemetry.stats()).toMatchObject({ shipped: 0, failed: 0, bufferedLines: 1 });
    expect(telemetry.stats().lastError).toMatch(/unreachable.*(timeout|abort)/i);

    await es.setMode('up');
    await telemetry.close(5_000);
    expect(telemetry.stats()).toMatchObject({ produced: 1, shipped: 1, failed: 0 });
    expect(es.documents.length - before).toBe(1);
  });

  it('drops a line larger than the whole buffer and keeps the others', async () => {
    telemetry = createLogger({
      serviceName: 'svc',
      stdout: captureStream({ keep: false }).stream,
      elasticsearch: { url: es.url, ...FAST, bufferBytes: 2048, flushBytes: 512 },
    });
    telemetry.logger.info({ blob: 'b'.repeat(4096) }, 'too big');
    telemetry.logger.info('fits');
    await telemetry.close(5_000);
    expect(telemetry.stats()).toMatchObject({ produced: 2, shipped: 1, dropped: 1, failed: 0 });
    expect(es.documents.at(-1)).toMatchObject({ message: 'fits' });
  });

  it('never emits unhandled errors or rejections while ES refuses connections', async () => {
    await es.setMode('down');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      telemetry = createLogger({
        serviceName: 'svc',
        stdout: captureStream({ keep: false }).stream,
        elasticsearch: { url: es.url, ...FAST },
      });
      for (let i = 0; i < 100; i++) telemetry.logger.error({ seq: i }, 'nobody listens');
      await telemetry.flush(300);
      await telemetry.close(300);
      expectBalanced(telemetry.stats());
      expect(telemetry.stats()).toMatchObject({ produced: 100, failed: 100 });
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
