import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { EncodedSpan } from './encoded-span.js';
import { ProtobufWriter, writeSpan } from './otlp-protobuf.js';

/** Bytes per chunk the encoded spans share (a few hundred server spans). */
const CHUNK_SIZE = 64 * 1024;
/** A span starts in a fresh chunk when less than this is left (a span rarely needs more). */
const CHUNK_RESERVE = 4 * 1024;
/** Most {@link EncodedSpan}s kept for reuse: a full default queue plus a batch in flight. */
const MAX_SPARE = 4096;
/** What a spare entry points at instead of a chunk, so the chunk can be freed. */
const NO_BYTES = Buffer.alloc(0);

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
 * The queue entries themselves are reused ({@link recycle}): a new entry per span lived as long as
 * its batch took to fill, so a scavenge found up to a batch of them alive, and with larger batches
 * V8 answered the higher survival by doubling the young generation (~60 MiB more resident memory
 * under load). Reused entries are old objects; only the chunks are new.
 *
 * A chunk is never written again where it holds a span's bytes: when a span outgrows the chunk,
 * the writer moves to a larger copy and earlier spans keep the old one.
 */
export class SpanEncoder {
  readonly #writer = new ProtobufWriter(CHUNK_SIZE);
  readonly #spare: EncodedSpan[] = [];

  /** The encoded form of `span` (which must be sampled and ended). */
  encode(span: ReadableSpan): EncodedSpan {
    const w = this.#writer;
    if (w.buf.length - w.pos < CHUNK_RESERVE) {
      w.buf = Buffer.allocUnsafe(CHUNK_SIZE);
      w.pos = 0;
    }
    const start = w.pos;
    writeSpan(w, span);
    const entry = this.#spare.pop();
    if (entry === undefined) {
      return new EncodedSpan(span.resource, span.instrumentationScope, w.buf, start, w.pos);
    }
    entry.resource = span.resource;
    entry.instrumentationScope = span.instrumentationScope;
    entry.chunk = w.buf;
    entry.start = start;
    entry.end = w.pos;
    return entry;
  }

  /**
   * Takes back the entries of `spans` this encoder made, for later spans. Call it only once their
   * bytes were copied into a request and nothing reads them any more (the exporter does, right
   * after framing a batch; the batch processor then only counts the list).
   */
  recycle(spans: readonly unknown[]): void {
    const spare = this.#spare;
    for (const span of spans) {
      if (spare.length >= MAX_SPARE) return;
      // Not ours, or taken back and not reused since: one entry must never be handed out twice.
      if (!(span instanceof EncodedSpan) || span.chunk === NO_BYTES) continue;
      span.chunk = NO_BYTES;
      spare.push(span);
    }
  }
}
