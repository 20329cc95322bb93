import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { EncodedSpan } from './encoded-span.js';
import { ProtobufWriter, writeSpan } from './otlp-protobuf.js';

/** Bytes per chunk the encoded spans share (a few hundred server spans). */
const CHUNK_SIZE = 64 * 1024;
/** A span starts in a fresh chunk when less than this is left (a span rarely needs more). */
const CHUNK_RESERVE = 4 * 1024;

/**
 * Encodes each ended span into its OTLP/protobuf `Span` message at once, into chunks of bytes
 * shared by consecutive spans, and returns the {@link EncodedSpan} the export queue keeps instead
 * of the span. Why: a span object waits ~50 ms (up to `scheduledDelayMs`) for its batch,
 * survives young-generation collections and is promoted; in a service's first seconds (small
 * young generation) that fills old space and costs mark-compacts. Encoded, the span's objects
 * die young and the queue holds one small object per span plus off-heap bytes. The batch
 * request then frames the pre-encoded messages (`writeTraceRequest`): the same bytes as encoding
 * the spans in the batch.
 *
 * A chunk is never written again where it holds a span's bytes: when a span outgrows the chunk,
 * the writer moves to a larger copy and earlier spans keep the old one.
 */
export class SpanEncoder {
  readonly #writer = new ProtobufWriter(CHUNK_SIZE);

  /** The encoded form of `span` (which must be sampled and ended). */
  encode(span: ReadableSpan): EncodedSpan {
    const w = this.#writer;
    if (w.buf.length - w.pos < CHUNK_RESERVE) {
      w.buf = Buffer.allocUnsafe(CHUNK_SIZE);
      w.pos = 0;
    }
    const start = w.pos;
    writeSpan(w, span);
    return new EncodedSpan(span.resource, span.instrumentationScope, w.buf, start, w.pos);
  }
}
