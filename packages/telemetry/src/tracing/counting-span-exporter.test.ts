import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { CountingSpanExporter } from './counting-span-exporter.js';
import { SpanLossLedger } from './span-loss-ledger.js';

const service = resourceFromAttributes({ 'service.name': 'svc' });
const rehearsal = resourceFromAttributes({ 'service.name': 'svc' });

/** Only what the counting exporter reads of a span: its resource (and a name to tell them apart). */
function span(name: string, resource = service): ReadableSpan {
  return { name, resource } as unknown as ReadableSpan;
}

/** An exporter that records what it was handed and answers when told to. */
function recordingExporter(options: { rehearses: boolean }) {
  const exported: string[][] = [];
  const rehearsed: string[][] = [];
  const answers: ((result: ExportResult) => void)[] = [];
  const exporter: SpanExporter & { rehearse?: SpanExporter['export'] } = {
    export: (spans, done) => {
      exported.push(spans.map((s) => s.name));
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => undefined,
  };
  if (options.rehearses) {
    exporter.rehearse = (spans, done) => {
      rehearsed.push(spans.map((s) => s.name));
      answers.push(done);
    };
  }
  return { exporter, exported, rehearsed, answers };
}

function ledger() {
  return new SpanLossLedger({ endpoint: 'http://collector:4318/v1/traces', maxQueueSize: 2048 });
}

describe('CountingSpanExporter with rehearsal spans', () => {
  it('exports and counts the real spans of a mixed batch, rehearses the others uncounted', async () => {
    const books = ledger();
    const { exporter, exported, rehearsed, answers } = recordingExporter({ rehearses: true });
    const counting = new CountingSpanExporter(exporter, books, rehearsal);
    for (let i = 0; i < 2; i++) books.accept();
    const results: ExportResult[] = [];
    counting.export([span('a'), span('r1', rehearsal), span('b'), span('r2', rehearsal)], (r) =>
      results.push(r),
    );

    expect(exported).toEqual([['a', 'b']]);
    expect(rehearsed).toEqual([['r1', 'r2']]);
    // The batch's answer is the real export's, not held for the rehearsal.
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    let idle = false;
    const waiting = counting.idle().then(() => {
      idle = true;
    });
    await Promise.resolve();
    expect(idle).toBe(false);
    answers[0]?.({ code: ExportResultCode.SUCCESS });
    await waiting;
    expect(books.stats()).toEqual({
      accepted: 2,
      exported: 2,
      dropped: { queue_full: 0, export_failed: 0, shutdown: 0 },
    });
  });

  it('answers a batch of rehearsal spans alone when its rehearsal is answered, as success even if it failed', () => {
    const books = ledger();
    const { exporter, exported, answers } = recordingExporter({ rehearses: true });
    const counting = new CountingSpanExporter(exporter, books, rehearsal);
    const results: ExportResult[] = [];
    counting.export([span('r1', rehearsal), span('r2', rehearsal)], (r) => results.push(r));
    expect(results).toEqual([]);
    answers[0]?.({ code: ExportResultCode.FAILED, error: new Error('worker gone') });
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect(exported).toEqual([]);
    expect(books.stats().exported + books.stats().dropped.export_failed).toBe(0);
  });

  it('answers rehearsal spans at once when the exporter cannot rehearse, and never hands them to it', () => {
    const { exporter, exported } = recordingExporter({ rehearses: false });
    const counting = new CountingSpanExporter(exporter, ledger(), rehearsal);
    const results: ExportResult[] = [];
    counting.export([span('r1', rehearsal)], (r) => results.push(r));
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect(exported).toEqual([]);
  });

  it('without a rehearsal resource, exports every span as it is', () => {
    const { exporter, exported } = recordingExporter({ rehearses: true });
    new CountingSpanExporter(exporter, ledger()).export([span('a'), span('r1', rehearsal)], () => undefined);
    expect(exported).toEqual([['a', 'r1']]);
  });
});
