import { context, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { type OtlpReceiver, startOtlpReceiver, waitFor } from '@tracseq/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTracing, type Tracing } from './create-tracing.js';
import { DEFAULT_MAX_EXPORT_BATCH_SIZE, resolveTracesUrl } from './tracing-options.js';

// OTLP SpanKind numbers as they appear on the wire (not the JS API enum).
const OTLP_KIND_INTERNAL = 1;
const OTLP_KIND_SERVER = 2;

let receiver: OtlpReceiver;
const open: Tracing[] = [];

/** Tracing that is shut down after the test, so no exporter outlives it. */
function track(tracing: Tracing): Tracing {
  open.push(tracing);
  return tracing;
}

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

describe('createTracing exports over OTLP/HTTP', () => {
  it.each(['http/protobuf', 'http/json'] as const)(
    '%s: names, attributes, status, resource and parent ids arrive',
    async (protocol) => {
      const tracing = track(
        createTracing({
          serviceName: 'sample-service',
          serviceVersion: '1.4.2',
          resourceAttributes: {
            'deployment.environment.name': 'test',
            'service.name': 'overridden',
            'test.protocol': protocol,
          },
          endpoint: receiver.url,
          protocol,
        }),
      );
      const { tracer } = tracing;
      const ids = tracer.startActiveSpan(
        'POST /api/samples',
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': 'POST', 'http.route': '/api/samples' },
        },
        (parent) => {
          const childId = tracer.startActiveSpan('validate sample', (child) => {
            child.setAttributes({
              'tracseq.sample_type': 'blood',
              'tracseq.volume_ml': 2.5,
              'tracseq.tubes': 3,
              'tracseq.checks': ['barcode', 'volume'],
              'tracseq.urgent': false,
            });
            child.addEvent('barcode rejected', { 'tracseq.reason': 'checksum' });
            child.setStatus({ code: SpanStatusCode.ERROR, message: 'invalid barcode' });
            child.end();
            return child.spanContext().spanId;
          });
          parent.setAttribute('http.response.status_code', 422);
          parent.setStatus({ code: SpanStatusCode.OK });
          parent.end();
          return { traceId: parent.spanContext().traceId, parentId: parent.spanContext().spanId, childId };
        },
      );

      expect(await tracing.forceFlush(5000)).toBe(true);
      const spans = await receiver.waitForSpans((s) => s.traceId === ids.traceId, 5000, 2);
      expect(spans).toHaveLength(2);
      const server = spans.find((s) => s.name === 'POST /api/samples');
      const child = spans.find((s) => s.name === 'validate sample');
      expect(server).toMatchObject({
        spanId: ids.parentId,
        kind: OTLP_KIND_SERVER,
        status: { code: 1 },
        attributes: {
          'http.request.method': 'POST',
          'http.route': '/api/samples',
          'http.response.status_code': 422,
        },
        scope: { name: '@tracseq/telemetry' },
      });
      expect(server?.parentSpanId).toBeUndefined();
      expect(child).toMatchObject({
        spanId: ids.childId,
        parentSpanId: ids.parentId,
        kind: OTLP_KIND_INTERNAL,
        status: { code: 2, message: 'invalid barcode' },
        attributes: {
          'tracseq.sample_type': 'blood',
          'tracseq.volume_ml': 2.5,
          'tracseq.tubes': 3,
          'tracseq.checks': ['barcode', 'volume'],
          'tracseq.urgent': false,
        },
        events: [{ name: 'barcode rejected', attributes: { 'tracseq.reason': 'checksum' } }],
      });
      expect(child?.resource).toMatchObject({
        'service.name': 'sample-service',
        'service.version': '1.4.2',
        'deployment.environment.name': 'test',
        'telemetry.sdk.language': 'nodejs',
      });
      // The spans that warm the protobuf encoder at start are never exported.
      const sent = await receiver.waitForSpans((s) => s.resource['test.protocol'] === protocol, 5000, 2);
      expect(sent).toHaveLength(2);
      expect(tracing.spanLoss()).toMatchObject({ accepted: 2, exported: 2 });
      const contentType = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
      expect(
        receiver.requests.filter((r) => r.spanCount > 0 && r.contentType === contentType).length,
      ).toBeGreaterThan(0);
    },
  );

  it('sends to tracesEndpoint as is, ignoring endpoint', async () => {
    const tracing = track(
      createTracing({
        serviceName: 'storage-service',
        endpoint: 'http://127.0.0.1:9/never-used',
        tracesEndpoint: receiver.tracesUrl,
        registerGlobal: false,
      }),
    );
    tracing.tracer.startSpan('reserve slot').end();
    expect(await tracing.forceFlush(5000)).toBe(true);
    const [span] = await receiver.waitForSpans(
      (s) => s.name === 'reserve slot' && s.resource['service.name'] === 'storage-service',
    );
    expect(span?.resource['service.name']).toBe('storage-service');
  });
});

describe('sampling and disabling', () => {
  it('always_off exports nothing', async () => {
    const quiet = await startOtlpReceiver();
    try {
      const tracing = createTracing({
        serviceName: 'sample-service',
        endpoint: quiet.url,
        sampler: { name: 'always_off' },
        registerGlobal: false,
      });
      const span = tracing.tracer.startSpan('not sampled');
      expect(span.isRecording()).toBe(false);
      expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
      span.end();
      expect(await tracing.forceFlush(2000)).toBe(true);
      expect(await tracing.shutdown(2000)).toBe(true);
      expect(quiet.requests).toHaveLength(0);
      expect(quiet.spans).toHaveLength(0);
    } finally {
      await quiet.close();
    }
  });

  it('traceidratio 0 records nothing, parentbased_traceidratio follows a sampled parent', async () => {
    const memory = new InMemorySpanExporter();
    const none = track(
      createTracing({
        serviceName: 's',
        exporter: memory,
        sampler: { name: 'traceidratio', arg: 0 },
        registerGlobal: false,
      }),
    );
    none.tracer.startSpan('dropped by ratio').end();
    const parentBased = track(
      createTracing({
        serviceName: 's',
        exporter: memory,
        sampler: { name: 'parentbased_traceidratio', arg: 0 },
        registerGlobal: false,
      }),
    );
    const remoteParent = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    };
    const child = parentBased.tracer.startSpan(
      'kept by parent',
      {},
      trace.setSpanContext(context.active(), remoteParent),
    );
    expect(child.isRecording()).toBe(true);
    child.end();
    await none.forceFlush(1000);
    await parentBased.forceFlush(1000);
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['kept by parent']);
  });

  it('disabled gives a no-op tracer and exports nothing', async () => {
    const memory = new InMemorySpanExporter();
    const tracing = createTracing({ serviceName: 'sample-service', disabled: true, exporter: memory });
    const span = tracing.tracer.startSpan('ignored');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(await tracing.forceFlush()).toBe(true);
    expect(await tracing.shutdown()).toBe(true);
    expect(memory.getFinishedSpans()).toHaveLength(0);
  });
});

describe('bounded queue', () => {
  it('counts every span the full queue refuses, exactly, and the stalled batch as export_failed', async () => {
    await receiver.setMode('stall');
    const dropped = { queue_full: 0, export_failed: 0, shutdown: 0 };
    const warnings: string[] = [];
    const tracing = track(
      createTracing({
        serviceName: 'sample-service',
        endpoint: receiver.url,
        maxQueueSize: 10,
        exportTimeoutMs: 1000,
        registerGlobal: false,
        onSpansDropped: (count, reason) => {
          dropped[reason] += count;
        },
        logger: { warn: (_fields, message) => warnings.push(message), info: () => undefined },
      }),
    );
    const before = receiver.requests.length;
    for (let i = 0; i < 100; i++) tracing.tracer.startSpan(`burst-${i}`).end();
    // Span 10 fills the queue and leaves at once as one batch (which the collector stalls);
    // spans 11-20 fill the queue again; the remaining 80 are refused.
    expect(dropped.queue_full).toBe(80);
    // One warning, at the first drop, for the whole burst: not one per span.
    expect(warnings.filter((w) => w.includes('queue is full'))).toHaveLength(1);
    expect(warnings[0]).toContain(`span export queue is full (10 spans waiting for ${receiver.tracesUrl})`);

    await waitFor(() => receiver.requests.length > before, { timeoutMs: 5000, intervalMs: 20 });
    await receiver.setMode('up');
    // After the stalled export times out, the 10 queued spans go out: 10 lost + 10 + 80 = 100.
    const delivered = await receiver.waitForSpans((s) => s.name.startsWith('burst-'), 10_000, 10);
    expect(await tracing.forceFlush(5000)).toBe(true);
    expect(delivered.map((s) => s.name).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `burst-${i + 10}`).sort(),
    );
    expect(receiver.spans.filter((s) => s.name.startsWith('burst-'))).toHaveLength(10);
    // The stalled batch timed out: its 10 spans never arrived and are counted as such.
    expect(dropped).toEqual({ queue_full: 80, export_failed: 10, shutdown: 0 });
    // The receiver may hold the spans a moment before the exporter has read its answer.
    await waitFor(() => tracing.spanLoss().exported === 10, { timeoutMs: 5000, intervalMs: 10 });
    expect(tracing.spanLoss()).toEqual({ accepted: 100, exported: 10, dropped });
  }, 20_000);

  it('a throwing onSpansDropped never reaches span.end()', async () => {
    const stuck: SpanExporter = { export: () => {}, shutdown: async () => {} };
    const tracing = track(
      createTracing({
        serviceName: 'sample-service',
        exporter: stuck,
        maxQueueSize: 2,
        exportTimeoutMs: 100,
        registerGlobal: false,
        onSpansDropped: () => {
          throw new Error('metrics broke');
        },
      }),
    );
    expect(() => {
      for (let i = 0; i < 10; i++) tracing.tracer.startSpan(`s${i}`).end();
    }).not.toThrow();
  });
});

describe('export batches', () => {
  /** Tracing to the receiver whose batch timer never fires during a test: only full batches leave. */
  function batching(options: { maxQueueSize?: number; maxExportBatchSize?: number } = {}) {
    return track(
      createTracing({
        serviceName: 'sample-service',
        endpoint: receiver.url,
        scheduledDelayMs: 600_000,
        registerGlobal: false,
        ...options,
      }),
    );
  }

  /** Ends `count` spans named `prefix-<i>`; resolves to the export requests that carried them. */
  async function requestsFor(tracing: Tracing, prefix: string, count: number, flush: boolean) {
    const before = receiver.requests.length;
    for (let i = 0; i < count; i++) tracing.tracer.startSpan(`${prefix}-${i}`).end();
    if (flush) expect(await tracing.forceFlush(5000)).toBe(true);
    await receiver.waitForSpans((s) => s.name.startsWith(`${prefix}-`), 10_000, count);
    return receiver.requests.length - before;
  }

  it('sends the whole default queue (2048 spans) per batch by default, and maxExportBatchSize when set', async () => {
    expect(DEFAULT_MAX_EXPORT_BATCH_SIZE).toBe(2048);
    expect(await requestsFor(batching(), 'default', 2048, false)).toBe(1);
    expect(await requestsFor(batching({ maxExportBatchSize: 512 }), 'sdk-sized', 2048, false)).toBe(4);
    // 250 spans in batches of 100: two leave full, the flush sends the last 50.
    expect(await requestsFor(batching({ maxExportBatchSize: 100 }), 'sized', 250, true)).toBe(3);
  });

  it('takes a queue smaller than the default batch as the batch', async () => {
    expect(await requestsFor(batching({ maxQueueSize: 300 }), 'small-queue', 300, false)).toBe(1);
  });
});

describe('rehearsal', () => {
  /** A tracing to the receiver, and the drops it reports. */
  function rehearsing(options: { maxQueueSize?: number } = {}) {
    const dropped: string[] = [];
    const tracing = track(
      createTracing({
        serviceName: 'sample-service',
        endpoint: receiver.url,
        ...options,
        registerGlobal: false,
        onSpansDropped: (count, reason) => dropped.push(`${count} ${reason}`),
      }),
    );
    return { tracing, dropped };
  }

  it('sends and counts none of its spans; a span queued before it shares its first batch and is exported, counted', async () => {
    const { tracing, dropped } = rehearsing();
    const spansBefore = receiver.spans.length;
    tracing.tracer.startSpan('queued before the rehearsal').end();
    expect(await tracing.rehearse(10_000)).toBe(true);
    tracing.tracer.startSpan('after the rehearsal').end();
    expect(await tracing.forceFlush(5000)).toBe(true);
    const arrived = receiver.spans.slice(spansBefore).map((s) => s.name);
    expect(arrived.sort()).toEqual(['after the rehearsal', 'queued before the rehearsal']);
    expect(tracing.spanLoss()).toEqual({
      accepted: 2,
      exported: 2,
      dropped: { queue_full: 0, export_failed: 0, shutdown: 0 },
    });
    expect(dropped).toEqual([]);
  });

  it('never overfills a small queue: nothing dropped', async () => {
    const { tracing, dropped } = rehearsing({ maxQueueSize: 16 });
    expect(await tracing.rehearse(10_000)).toBe(true);
    expect(dropped).toEqual([]);
    expect(tracing.spanLoss().accepted).toBe(0);
  });

  it('a stalled collector cannot hold it past its deadline', async () => {
    await receiver.setMode('stall');
    const tracing = track(
      createTracing({
        serviceName: 'sample-service',
        endpoint: receiver.url,
        maxQueueSize: 16,
        exportTimeoutMs: 5000,
        registerGlobal: false,
      }),
    );
    // A full batch of the service's own goes out first and stalls: the rehearsal waits behind it.
    for (let i = 0; i < 16; i++) tracing.tracer.startSpan('stalled').end();
    expect(await tracing.rehearse(300)).toBe(false);
  }, 3000);
});

describe('an unhealthy collector', () => {
  it('down: shutdown resolves by its deadline, without throwing', async () => {
    await receiver.setMode('down');
    const tracing = createTracing({
      serviceName: 'sample-service',
      endpoint: receiver.url,
      exportTimeoutMs: 2000,
    });
    for (let i = 0; i < 5; i++) tracing.tracer.startSpan('lost while down').end();
    expect(await tracing.shutdown(500)).toBe(false);
  }, 1500);

  it('stalled: forceFlush and shutdown resolve by their deadlines, without throwing', async () => {
    await receiver.setMode('stall');
    const tracing = createTracing({
      serviceName: 'sample-service',
      endpoint: receiver.url,
      exportTimeoutMs: 2000,
    });
    tracing.tracer.startSpan('stuck in a stalled export').end();
    expect(await tracing.forceFlush(300)).toBe(false);
    tracing.tracer.startSpan('queued behind it').end();
    expect(await tracing.shutdown(500)).toBe(false);
    // A second shutdown is the same one, not a new wait.
    expect(await tracing.shutdown(500)).toBe(false);
  }, 2000);

  it('recovers: after HTTP 500 and after the port was closed, new spans arrive', async () => {
    const tracing = track(
      createTracing({
        serviceName: 'sample-service',
        endpoint: receiver.url,
        exportTimeoutMs: 1500,
        registerGlobal: false,
      }),
    );
    await receiver.setMode('fail500');
    tracing.tracer.startSpan('during 500').end();
    expect(await tracing.forceFlush(3000)).toBe(false);
    expect(receiver.requests.at(-1)).toMatchObject({ mode: 'fail500', status: 500 });

    await receiver.setMode('up');
    tracing.tracer.startSpan('after 500').end();
    expect(await tracing.forceFlush(3000)).toBe(true);
    await receiver.waitForSpans((s) => s.name === 'after 500', 5000);

    await receiver.setMode('down');
    tracing.tracer.startSpan('during outage').end();
    expect(await tracing.forceFlush(300)).toBe(false);
    await receiver.setMode('up');
    tracing.tracer.startSpan('after outage').end();
    expect(await tracing.forceFlush(5000)).toBe(true);
    await receiver.waitForSpans((s) => s.name === 'after outage', 5000);
    expect(receiver.spans.some((s) => s.name === 'during 500')).toBe(false);
  }, 20_000);
});

describe('options', () => {
  it.each([
    [
      { sampler: { name: 'sometimes' as never } },
      /sampler\.name is "sometimes"; expected one of always_on, always_off, traceidratio/,
    ],
    [
      { sampler: { name: 'traceidratio' as const, arg: 1.5 } },
      /sampler\.arg is 1\.5; expected a number in \[0, 1\]/,
    ],
    [{ sampler: { name: 'parentbased_traceidratio' as const, arg: -0.1 } }, /sampler\.arg is -0\.1/],
    [{ protocol: 'grpc' as never }, /protocol is "grpc"; expected one of http\/protobuf, http\/json/],
    [{ serviceName: ' ' }, /serviceName is " "; expected a non-empty string/],
    [{ endpoint: 'collector:4318' }, /endpoint is "collector:4318"; expected an absolute http/],
    [{ maxQueueSize: 0 }, /maxQueueSize is 0; expected a positive integer/],
    [{ maxExportBatchSize: 1.5 }, /maxExportBatchSize is 1\.5; expected a positive integer/],
    [
      { maxQueueSize: 100, maxExportBatchSize: 200 },
      /maxExportBatchSize is 200; expected at most maxQueueSize \(100\)/,
    ],
  ])('rejects %o', (bad, message) => {
    expect(() => createTracing({ serviceName: 'sample-service', registerGlobal: false, ...bad })).toThrow(
      message,
    );
  });

  it('derives the traces URL the way the OTLP exporter spec does', () => {
    expect(resolveTracesUrl(undefined, undefined)).toBe('http://localhost:4318/v1/traces');
    expect(resolveTracesUrl('http://collector:4318', undefined)).toBe('http://collector:4318/v1/traces');
    expect(resolveTracesUrl('http://collector:4318/', undefined)).toBe('http://collector:4318/v1/traces');
    expect(resolveTracesUrl('https://gw.example/otlp', undefined)).toBe('https://gw.example/otlp/v1/traces');
    expect(resolveTracesUrl('http://collector:4318', 'http://tempo:4318/custom/path')).toBe(
      'http://tempo:4318/custom/path',
    );
  });

  it('exports through an injected exporter with the resource applied', async () => {
    const memory = new InMemorySpanExporter();
    const tracing = track(
      createTracing({ serviceName: 'inventory-service', exporter: memory, registerGlobal: false }),
    );
    tracing.tracer.startSpan('count reagents').end();
    expect(await tracing.forceFlush()).toBe(true);
    const [span] = memory.getFinishedSpans() as ReadableSpan[];
    expect(span?.name).toBe('count reagents');
    expect(span?.resource.attributes['service.name']).toBe('inventory-service');
  });
});
