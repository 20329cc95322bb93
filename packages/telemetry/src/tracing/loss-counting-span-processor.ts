import { type Context, TraceFlags } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanLossLedger } from './span-loss-ledger.js';

/**
 * Sits in front of the BatchSpanProcessor and tells the {@link SpanLossLedger} about every
 * sampled span handed to it, so spans still queued or in flight at shutdown can be counted. Once
 * {@link stop} is called, sampled spans that end are counted as dropped at shutdown instead: the
 * processor ignores them silently after its own shutdown began.
 *
 * Per span this costs one flag test and one increment on the path `span.end()` already takes.
 */
export class LossCountingSpanProcessor implements SpanProcessor {
  readonly #inner: SpanProcessor;
  readonly #ledger: SpanLossLedger;
  readonly #rehearsal: Resource | undefined;
  #stopped = false;

  /** Spans of `rehearsal`, the rehearsal resource (see `rehearsePipeline`), pass on uncounted. */
  constructor(inner: SpanProcessor, ledger: SpanLossLedger, rehearsal?: Resource) {
    this.#inner = inner;
    this.#ledger = ledger;
    this.#rehearsal = rehearsal;
  }

  onStart(span: Span, parentContext: Context): void {
    this.#inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // The batch processor takes only sampled spans; the others were never meant to leave.
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (span.resource === this.#rehearsal) {
      if (!this.#stopped) this.#inner.onEnd(span);
      return;
    }
    if (this.#stopped) {
      this.#ledger.endedAfterShutdown(1);
      return;
    }
    this.#ledger.accept();
    this.#inner.onEnd(span);
  }

  /** From now on, ended spans are counted as dropped at shutdown (see the class comment). */
  stop(): void {
    this.#stopped = true;
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.#stopped = true;
    return this.#inner.shutdown();
  }
}
