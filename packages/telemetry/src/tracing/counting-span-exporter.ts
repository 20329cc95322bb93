import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { canGiveUp, canRehearse } from './otlp-trace-exporter.js';
import type { SpanLossLedger } from './span-loss-ledger.js';

/**
 * Wraps the exporter the BatchSpanProcessor hands batches to, so every batch's outcome reaches
 * the {@link SpanLossLedger}: exported, or failed for good (the processor itself only logs a
 * failed export, and the spans are gone). Also knows when no export is in flight, so shutdown can
 * let the last failures arrive (and be counted as `export_failed`) before it closes the books.
 *
 * Spans of the rehearsal resource (see `rehearsePipeline`) are taken out of their batch and
 * handed to the exporter as a rehearsal, which sends nothing; they are never counted.
 */
export class CountingSpanExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #ledger: SpanLossLedger;
  readonly #rehearsal: Resource | undefined;
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(inner: SpanExporter, ledger: SpanLossLedger, rehearsal?: Resource) {
    this.#inner = inner;
    this.#ledger = ledger;
    this.#rehearsal = rehearsal;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const rehearsal = this.#rehearsal;
    if (rehearsal !== undefined && spans.some((span) => span.resource === rehearsal)) {
      const real = spans.filter((span) => span.resource !== rehearsal);
      // A batch of rehearsal spans alone is answered when its rehearsal is, as an export would be.
      this.#rehearse(
        spans.filter((span) => span.resource === rehearsal),
        real.length === 0 ? resultCallback : undefined,
      );
      if (real.length === 0) return;
      this.#export(real, resultCallback);
      return;
    }
    this.#export(spans, resultCallback);
  }

  #rehearse(spans: ReadableSpan[], resultCallback: ((result: ExportResult) => void) | undefined): void {
    this.#inFlight++;
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      this.#settled();
      resultCallback?.({ code: ExportResultCode.SUCCESS });
    };
    const inner = this.#inner;
    if (!canRehearse(inner)) {
      done();
      return;
    }
    try {
      inner.rehearse(spans, done);
    } catch {
      done();
    }
  }

  #settled(): void {
    if (--this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.#inFlight++;
    let settled = false;
    const done = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      if (result.code === ExportResultCode.SUCCESS) this.#ledger.exported(spans.length);
      else this.#ledger.exportFailed(spans.length, result.error);
      this.#settled();
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
