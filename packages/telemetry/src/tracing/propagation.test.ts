import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { createTracing, type Tracing } from './create-tracing.js';
import { extractContext, injectHeaders } from './propagation.js';

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown(1000);
  tracing = undefined;
});

/** Hands a message to the consumer on a later tick with no inherited context, like a real broker. */
function deliver<T>(message: T, consume: (message: T) => void): Promise<void> {
  return new Promise((resolve) => {
    context.with(ROOT_CONTEXT, () =>
      setImmediate(() => {
        consume(message);
        resolve();
      }),
    );
  });
}

describe('message header propagation', () => {
  it('keeps producer and consumer in one trace, with baggage', async () => {
    const memory = new InMemorySpanExporter();
    tracing = createTracing({ serviceName: 'sample-service', exporter: memory });
    const { tracer } = tracing;
    const message = { body: { sampleId: 'S-1' }, headers: {} as Record<string, string> };

    const producer = tracer.startActiveSpan(
      'sample.received publish',
      { kind: SpanKind.PRODUCER },
      (span) => {
        const withTenant = propagation.setBaggage(
          context.active(),
          propagation.createBaggage({ 'tracseq.tenant_id': { value: 'lab-north' } }),
        );
        injectHeaders(message.headers, withTenant);
        span.end();
        return span.spanContext();
      },
    );
    expect(message.headers.traceparent).toBe(`00-${producer.traceId}-${producer.spanId}-01`);
    expect(message.headers.baggage).toBe('tracseq.tenant_id=lab-north');

    let tenant: string | undefined;
    await deliver(message, (received) => {
      expect(trace.getActiveSpan()).toBeUndefined();
      const parent = extractContext(received.headers);
      tenant = propagation.getBaggage(parent)?.getEntry('tracseq.tenant_id')?.value;
      context.with(parent, () =>
        tracer.startActiveSpan('sample.received process', { kind: SpanKind.CONSUMER }, (span) => span.end()),
      );
    });

    expect(await tracing.forceFlush()).toBe(true);
    const consumer = memory.getFinishedSpans().find((s) => s.name === 'sample.received process');
    expect(consumer?.spanContext().traceId).toBe(producer.traceId);
    expect(consumer?.parentSpanContext?.spanId).toBe(producer.spanId);
    expect(consumer?.parentSpanContext?.isRemote).toBe(true);
    expect(tenant).toBe('lab-north');
  });

  it('reads headers whatever their case, and byte values as Kafka delivers them', () => {
    tracing = createTracing({ serviceName: 'sample-service', exporter: new InMemorySpanExporter() });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    for (const headers of [{ Traceparent: traceparent }, { traceparent: Buffer.from(traceparent) }]) {
      const span = trace.getSpanContext(extractContext(headers));
      expect(span).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
    }
  });

  it('injects the active context by default and nothing outside a span', () => {
    tracing = createTracing({ serviceName: 'sample-service', exporter: new InMemorySpanExporter() });
    expect(injectHeaders({})).toEqual({});
    tracing.tracer.startActiveSpan('storage.reserve', (span) => {
      expect(injectHeaders({ 'content-type': 'application/json' })).toEqual({
        'content-type': 'application/json',
        traceparent: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
      });
      span.end();
    });
  });
});
