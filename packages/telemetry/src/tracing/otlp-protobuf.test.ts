import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
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
import { encodeTraceRequest, ProtobufWriter } from './otlp-protobuf.js';

/** Finished spans of every shape the encoder handles, from two resources and three scopes. */
function sampleSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const make = (attributes: Record<string, string>) =>
    new TracerProvider({
      resource: resourceFromAttributes(attributes),
      sampler: new AlwaysOnSampler(),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
  const a = make({ 'service.name': 'sample-service', 'deployment.environment.name': 'tést' });
  const b = make({ 'service.name': 'storage-service', 'host.name': 'x'.repeat(300) });
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=abc,other=1'),
  });
  const server = a
    .getTracer('@tracseq/telemetry', '0.1.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' })
    .startSpan(
      'GET /api/samples/:id',
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': 'GET',
          'url.path': '/api/samples/S-000123',
          'http.response.status_code': 200,
          'tracseq.negative': -42,
          'tracseq.big': 2 ** 40 + 7,
          'tracseq.huge_negative': -(2 ** 53) + 1,
          'tracseq.ratio': 0.25,
          'tracseq.not_a_number': Number.NaN,
          'tracseq.infinite': Number.POSITIVE_INFINITY,
          'tracseq.urgent': true,
          'tracseq.checks': ['barcode', 'volume', 'ümlaut'],
          'tracseq.volumes': [1.5, 2, -3],
          'tracseq.flags': [true, false],
          'tracseq.long': 'é'.repeat(200),
          'tracseq.empty': '',
        },
        links: [
          {
            context: {
              traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
              spanId: '00f067aa0ba902b7',
              traceFlags: TraceFlags.NONE,
              isRemote: true,
              traceState: new TraceState('k=v'),
            },
            attributes: { 'link.kind': 'follows' },
          },
        ],
      },
      remoteParent,
    );
  server.addEvent('sample received', { 'tracseq.lab': 'lab-a', 'tracseq.tubes': 3 });
  server.addEvent('no attributes');
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'database down — retry' });
  server.end();
  const tracer = a.getTracer('workflow');
  const parent = tracer.startSpan('sample intake');
  const child = tracer.startSpan('validate sample', {}, trace.setSpan(ROOT_CONTEXT, parent));
  child.setStatus({ code: SpanStatusCode.OK });
  child.end();
  parent.end();
  for (let i = 0; i < 300; i++) {
    b.getTracer('@tracseq/telemetry')
      .startSpan(`reserve slot ${i}`, { kind: SpanKind.CLIENT, attributes: { 'tracseq.slot': i } })
      .end();
  }
  return exporter.getFinishedSpans();
}

describe('encodeTraceRequest', () => {
  it("writes the same bytes as the OTel SDK's protobuf serializer", () => {
    const spans = sampleSpans();
    expect(spans.length).toBe(303);
    const ours = Buffer.from(encodeTraceRequest(spans));
    const sdk = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
    expect(ours.length).toBe(sdk.length);
    expect(ours.equals(sdk)).toBe(true);
    // One span alone, and no spans.
    const one = spans.slice(0, 1);
    expect(
      Buffer.from(encodeTraceRequest(one)).equals(
        Buffer.from(ProtobufTraceSerializer.serializeRequest(one) as Uint8Array),
      ),
    ).toBe(true);
    expect(encodeTraceRequest([]).length).toBe(0);
  });

  it('writes canonical (shortest) length varints when a message outgrows its reserved byte', () => {
    const w = new ProtobufWriter(4);
    for (const size of [0, 127, 128, 16383, 16384, 2097152]) {
      w.reset();
      const start = w.begin();
      w.ensure(size);
      w.buf.fill(7, w.pos, w.pos + size);
      w.pos += size;
      w.end(start);
      let length = 0;
      let shift = 0;
      let at = 0;
      let byte: number;
      do {
        byte = w.buf[at++] as number;
        length += (byte & 127) * 2 ** shift;
        shift += 7;
      } while (byte & 128);
      expect(length).toBe(size);
      expect(at).toBe(size < 128 ? 1 : size < 16384 ? 2 : size < 2097152 ? 3 : 4);
      expect(w.pos).toBe(at + size);
      expect(w.buf[w.pos - 1]).toBe(size === 0 ? w.buf[w.pos - 1] : 7);
    }
  });
});
