import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanEncoder } from './span-encoder.js';

/**
 * Sits in front of the BatchSpanProcessor when spans are exported as OTLP/protobuf by the
 * toolkit's exporter, and hands it each ended span already encoded (an `EncodedSpan`, see
 * {@link SpanEncoder}), so the queue holds bytes rather than span objects. Only sampled spans
 * reach it (`LossCountingSpanProcessor` filters and counts them first); the batch processor's
 * queue limit, drop counting and flushing are unchanged, one queue entry per span.
 */
export class EncodingSpanProcessor implements SpanProcessor {
  readonly #inner: SpanProcessor;
  readonly #encoder: SpanEncoder;

  constructor(inner: SpanProcessor, encoder: SpanEncoder) {
    this.#inner = inner;
    this.#encoder = encoder;
  }

  onStart(span: Span, parentContext: Context): void {
    this.#inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // The queue and the exporter only pass entries on; our protobuf encoder reads them back.
    this.#inner.onEnd(this.#encoder.encode(span) as unknown as ReadableSpan);
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}
