import { SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { EncodedSpan } from './encoded-span.js';
import { type ExportableSpan, encodeTraceRequest } from './otlp-protobuf.js';
import { SpanEncoder } from './span-encoder.js';

/** `count` finished spans from two resources and two scopes, some with `bigAttribute` bytes. */
function finishedSpans(count: number, bigAttribute = 0): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const providers = ['sample-service', 'storage-service'].map(
    (name) =>
      new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': name }),
        sampler: new AlwaysOnSampler(),
        spanProcessors: [new SimpleSpanProcessor({ exporter })],
      }),
  );
  for (let i = 0; i < count; i++) {
    const provider = providers[i % 2] as TracerProvider;
    const tracer = provider.getTracer(i % 3 === 0 ? 'workflow' : '@tracseq/telemetry', '0.1.0');
    tracer
      .startSpan(`GET /api/samples/:id ${i}`, {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': 'GET',
          'url.path': `/api/samples/S-${i}`,
          'http.response.status_code': 200 + (i % 5),
          ...(bigAttribute > 0 && i % 7 === 3 ? { 'tracseq.note': 'ü'.repeat(bigAttribute) } : {}),
        },
      })
      .end();
  }
  return exporter.getFinishedSpans();
}

function sdkBytes(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
}

describe('SpanEncoder', () => {
  it("encoded spans frame into the same request bytes as the OTel SDK's serializer", () => {
    const spans = finishedSpans(700);
    const encoder = new SpanEncoder();
    const encoded = spans.map((span) => encoder.encode(span));
    expect(encoded.every((e) => e instanceof EncodedSpan)).toBe(true);
    // 700 spans of ~150 bytes span more than one 64 KiB chunk.
    expect(new Set(encoded.map((e) => e.chunk)).size).toBeGreaterThan(1);
    expect(Buffer.from(encodeTraceRequest(encoded)).equals(sdkBytes(spans))).toBe(true);
    // Any batch of them, in queue order.
    expect(
      Buffer.from(encodeTraceRequest(encoded.slice(100, 612))).equals(sdkBytes(spans.slice(100, 612))),
    ).toBe(true);
  });

  it('keeps earlier spans intact when a span outgrows its chunk', () => {
    // Every 7th span carries 40,000 two-byte characters: more than a 64 KiB chunk holds.
    const spans = finishedSpans(60, 40_000);
    const encoder = new SpanEncoder();
    const encoded = spans.map((span) => encoder.encode(span));
    expect(Math.max(...encoded.map((e) => e.end - e.start))).toBeGreaterThan(64 * 1024);
    expect(Buffer.from(encodeTraceRequest(encoded)).equals(sdkBytes(spans))).toBe(true);
  });

  it('copies back-to-back spans of one resource and scope as runs, across chunks', () => {
    // Only the spans of one resource and scope: each lies right after the previous one in its chunk.
    const spans = finishedSpans(1200).filter(
      (span) =>
        span.resource.attributes['service.name'] === 'sample-service' &&
        span.instrumentationScope.name === 'workflow',
    );
    expect(spans.length).toBe(200);
    const encoder = new SpanEncoder();
    const encoded = [...spans, ...spans, ...spans].map((span) => encoder.encode(span));
    expect(new Set(encoded.map((e) => e.chunk)).size).toBeGreaterThan(1);
    expect(Buffer.from(encodeTraceRequest(encoded)).equals(sdkBytes([...spans, ...spans, ...spans]))).toBe(
      true,
    );
    // A batch that starts and ends inside runs.
    expect(
      Buffer.from(encodeTraceRequest(encoded.slice(7, 513))).equals(
        sdkBytes([...spans, ...spans, ...spans].slice(7, 513)),
      ),
    ).toBe(true);
  });

  it('mixes with span objects in one request', () => {
    const spans = finishedSpans(40);
    const encoder = new SpanEncoder();
    const mixed: ExportableSpan[] = spans.map((span, i) => (i % 2 === 0 ? encoder.encode(span) : span));
    expect(Buffer.from(encodeTraceRequest(mixed)).equals(sdkBytes(spans))).toBe(true);
  });

  it('reuses the entries of a framed batch for later spans, each entry once', () => {
    const spans = finishedSpans(300);
    const encoder = new SpanEncoder();
    const first = spans.slice(0, 100).map((span) => encoder.encode(span));
    expect(Buffer.from(encodeTraceRequest(first)).equals(sdkBytes(spans.slice(0, 100)))).toBe(true);
    // Taken back twice (a list framed twice) and with a span object among them: each entry once.
    encoder.recycle([...first, spans[0]]);
    encoder.recycle(first);
    const second = spans.slice(100, 300).map((span) => encoder.encode(span));
    const reused = second.filter((entry) => first.includes(entry));
    expect(reused.length).toBe(100);
    expect(new Set(second).size).toBe(200);
    expect(Buffer.from(encodeTraceRequest(second)).equals(sdkBytes(spans.slice(100, 300)))).toBe(true);
  });
});
