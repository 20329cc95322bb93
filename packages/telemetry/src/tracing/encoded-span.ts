import { type SpanContext, TraceFlags } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';

/** What the BatchSpanProcessor reads of a queued span: only its (sampled) trace flags. */
const SAMPLED_CONTEXT: SpanContext = Object.freeze({
  traceId: '',
  spanId: '',
  traceFlags: TraceFlags.SAMPLED,
});

/**
 * An ended span already encoded as its OTLP/protobuf `Span` message (with the `ScopeSpans.spans`
 * tag and length): what the export queue holds instead of the span object when spans are
 * exported as OTLP/protobuf (see `SpanEncoder`). One small object pointing into a shared chunk
 * of bytes, so a span waiting for its batch no longer keeps its attributes, times, status and
 * context alive; those die young instead of being promoted to old space.
 *
 * The batch processor reads `spanContext().traceFlags` and `resource`; the request encoder
 * groups by `resource` and `instrumentationScope` (by identity, as for span objects) and copies
 * `chunk[start, end)` in place of encoding the span.
 *
 * The fields change only when the `SpanEncoder` that made the object reuses it for a later span,
 * after the exporter has framed it into a request (see `SpanEncoder.recycle`).
 */
export class EncodedSpan {
  constructor(
    public resource: Resource,
    public instrumentationScope: InstrumentationScope,
    /** Holds the encoded message at `[start, end)`; shared with other spans, never rewritten there. */
    public chunk: Buffer,
    public start: number,
    public end: number,
  ) {}

  /** Only the trace flags are meaningful: queued spans are sampled. */
  spanContext(): SpanContext {
    return SAMPLED_CONTEXT;
  }
}
