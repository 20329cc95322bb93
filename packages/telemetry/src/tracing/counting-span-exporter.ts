import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { canGiveUp } from './otlp-trace-exporter.js';
import type { SpanLossLedger } from './span-loss-ledger.js';

/**
 * Wraps the exporter the BatchSpanProcessor hands batches to, so every batch's outcome reaches
 * the {@link SpanLossLedger}: exported, or failed for good (the processor itself only logs a
 * failed export, and the spans are gone). Also knows when no export is in flight, so shutdown can
 * let the last failures arrive (and be counted as `export_failed`) before it closes the books.
 */
export class CountingSpanExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #ledger: SpanLossLedger;
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(inner: SpanExporter, ledger: SpanLossLedger) {
    this.#inner = inner;
    this.#ledger = ledger;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.#inFlight++;
    let settled = false;
    const done = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      if (result.code === ExportResultCode.SUCCESS) this.#ledger.exported(spans.length);
      else this.#ledger.exportFailed(spans.length, result.error);
      if (--this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
      resultCallback(result);
    };
    try {
      this.#inner.export(spans, done);
    } catch (error) {
      done({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }

  /** Resolves once no export is waiting for its result. */
  idle(): Promise<void> {
    return this.#inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Tells the wrapped exporter to stop retrying, when it can (see `GivingUpSpanExporter`). */
  giveUp(): void {
    if (canGiveUp(this.#inner)) this.#inner.giveUp();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}
