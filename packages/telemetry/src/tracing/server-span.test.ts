import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { suppressTracing, TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  RandomIdGenerator,
  type ReadableSpan,
  type Sampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { ServerSpan, ServerSpanFactory } from './server-span.js';

/** An SDK tracer and a ServerSpanFactory sharing sampler, ids, resource, scope and processor. */
function pair(sampler: Sampler) {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor({ exporter });
  const idGenerator = new RandomIdGenerator();
  const resource = resourceFromAttributes({ 'service.name': 'sample-service' });
  const provider = new TracerProvider({ resource, sampler, idGenerator, spanProcessors: [processor] });
  const tracer = provider.getTracer('@tracseq/telemetry');
  const scope = (tracer as unknown as { instrumentationScope: { name: string } }).instrumentationScope;
  const factory = new ServerSpanFactory({ sampler, idGenerator, resource, scope, processor });
  return {
    exporter,
    sdk: (name: string, parent: Context) => tracer.startSpan(name, { kind: SpanKind.SERVER }, parent),
    ours: (name: string, parent: Context, startedAt?: number) => factory.start(name, parent, startedAt),
  };
}

/** What a span exports, without what differs by construction (ids, clock readings). */
function shape(span: ReadableSpan) {
  const { traceFlags, traceState } = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    traceFlags,
    traceState: traceState?.serialize(),
    parent: span.parentSpanContext,
    attributes: span.attributes,
    events: span.events.map(({ name, attributes, droppedAttributesCount }) => ({
      name,
      attributes,
      droppedAttributesCount,
    })),
    links: span.links,
    status: span.status,
    ended: span.ended,
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
    resource: span.resource,
    scope: span.instrumentationScope,
    durationNonNegative: span.duration[0] >= 0 && span.duration[1] >= 0,
  };
}

const FAILURE = new TypeError('bad barcode');

/** The same calls a service's code might make on the active server span. */
function exercise(span: Span): void {
  span.setAttribute('http.request.method', 'GET');
  span.setAttribute('tracseq.tubes', 3);
  span.setAttribute('tracseq.checks', ['barcode', 'volume']);
  span.setAttribute('tracseq.invalid', { nested: () => 1 } as never);
  span.setAttribute('', 'empty key');
  span.setAttribute('tracseq.undefined', undefined);
  span.setAttributes({ 'tracseq.lab': 'lab-a', 'tracseq.urgent': true });
  for (let i = 0; i < 130; i++) span.setAttribute(`tracseq.many_${i}`, i);
  span.addEvent('sample received', { 'tracseq.lab': 'lab-a', 'tracseq.bad': { a: 1 } as never });
  span.addEvent('timed', Date.now());
  span.addLink({
    context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 },
    attributes: { 'link.kind': 'follows' },
  });
  span.recordException(FAILURE);
  span.recordException('plain message');
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'HTTP 500' });
  span.setStatus({ code: SpanStatusCode.UNSET });
  span.updateName('GET /api/samples/:id');
  span.end();
  // After the end: ignored (with the SDK's warnings).
  span.setAttribute('late', 1);
  span.updateName('late');
  span.end();
}

const REMOTE_SAMPLED = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor=abc'),
});
const REMOTE_UNSAMPLED = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.NONE,
  isRemote: true,
});

describe('ServerSpan', () => {
  it.each([
    ['always on, no parent', new AlwaysOnSampler(), ROOT_CONTEXT],
    [
      'parent based, sampled remote parent',
      new ParentBasedSampler({ root: new AlwaysOnSampler() }),
      REMOTE_SAMPLED,
    ],
    [
      'parent based, root ratio 1',
      new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(1) }),
      ROOT_CONTEXT,
    ],
  ] as const)('exports what an SDK span exports for the same calls (%s)', (_name, sampler, parent) => {
    const { exporter, sdk, ours } = pair(sampler);
    const reference = sdk('GET', parent);
    const fast = ours('GET', parent);
    expect(fast).toBeInstanceOf(ServerSpan);
    exercise(reference);
    exercise(fast);
    const [a, b] = exporter.getFinishedSpans();
    expect(exporter.getFinishedSpans()).toHaveLength(2);
    expect(shape(b as ReadableSpan)).toEqual(shape(a as ReadableSpan));
    if (parent === REMOTE_SAMPLED) {
      expect(b?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    }
    // Times: the start is the wall clock in ms (as the SDK takes it), the end follows it.
    const start = (b?.startTime[0] ?? 0) * 1000 + (b?.startTime[1] ?? 0) / 1e6;
    expect(Math.abs(start - Date.now())).toBeLessThan(5000);
    expect(b?.endTime[0]).toBeGreaterThanOrEqual(b?.startTime[0] ?? 0);
  });

  it('is non-recording where the SDK span is: sampler drop, unsampled parent, suppressed context', () => {
    for (const [sampler, parent] of [
      [new AlwaysOffSampler(), ROOT_CONTEXT],
      [new ParentBasedSampler({ root: new AlwaysOnSampler() }), REMOTE_UNSAMPLED],
      [new AlwaysOnSampler(), suppressTracing(ROOT_CONTEXT)],
    ] as const) {
      const { exporter, sdk, ours } = pair(sampler);
      const reference = sdk('GET', parent);
      const fast = ours('GET', parent);
      expect(fast.isRecording()).toBe(reference.isRecording());
      expect(fast.isRecording()).toBe(false);
      expect(fast.spanContext().traceFlags).toBe(reference.spanContext().traceFlags);
      expect(fast.spanContext().traceId === reference.spanContext().traceId).toBe(parent !== ROOT_CONTEXT);
      fast.end();
      reference.end();
      expect(exporter.getFinishedSpans()).toHaveLength(0);
    }
  });

  it('starts at the reading it is given and ends at a later one as end(reading) does', () => {
    const { exporter, sdk, ours } = pair(new AlwaysOnSampler());
    const startedAt = performance.now();
    const span = ours('GET', ROOT_CONTEXT, startedAt) as ServerSpan;
    const reference = sdk('GET', ROOT_CONTEXT);
    // end(reading) takes a reading later than now for an epoch time: end at one already past.
    while (performance.now() < startedAt + 12.5) {}
    span.endAt(startedAt + 12.5);
    span.endAt(startedAt + 99); // refused, as a second end() is
    reference.end(startedAt + 12.5);
    const [fast, sdkSpan] = exporter.getFinishedSpans(); // in the order they ended
    expect(exporter.getFinishedSpans()).toHaveLength(2);
    const ms = (t: readonly [number, number] | undefined) => (t ? t[0] * 1000 + t[1] / 1e6 : Number.NaN);
    expect(ms(fast?.duration)).toBeCloseTo(12.5, 3);
    expect(ms(fast?.endTime) - ms(fast?.startTime)).toBeCloseTo(12.5, 3);
    // Both end 12.5 ms after the same reading; the wall clocks they started from are read in ms.
    expect(Math.abs(ms(fast?.endTime) - ms(sdkSpan?.endTime))).toBeLessThan(2);
  });

  it('takes own attributes without revalidation, within the count limit', () => {
    const { exporter, ours } = pair(new AlwaysOnSampler());
    const span = ours('GET', ROOT_CONTEXT) as ServerSpan;
    for (let i = 0; i < 127; i++) span.setKnownAttribute(`a${i}`, i);
    span.setKnownAttribute('url.path', '/x');
    span.setKnownAttribute('a0', 'overwritten');
    span.setKnownAttribute('over.limit', 1);
    span.end();
    const [exported] = exporter.getFinishedSpans();
    expect(Object.keys(exported?.attributes ?? {})).toHaveLength(128);
    expect(exported?.attributes).toMatchObject({ a0: 'overwritten', 'url.path': '/x' });
    expect(exported?.droppedAttributesCount).toBe(1);
  });
});
