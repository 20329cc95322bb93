import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { describe, expect, it } from 'vitest';
import { describeExportError, SpanLossLedger } from './span-loss-ledger.js';

function ledger() {
  let now = 0;
  const lines: { level: string; message: string }[] = [];
  const drops: [number, string][] = [];
  const books = new SpanLossLedger({
    endpoint: 'http://collector:4318/v1/traces',
    maxQueueSize: 4,
    onDropped: (count, reason) => drops.push([count, reason]),
    logger: {
      warn: (_f, message) => lines.push({ level: 'warn', message }),
      info: (_f, message) => lines.push({ level: 'info', message }),
    },
    now: () => now,
  });
  return { books, lines, drops, advance: (ms: number) => (now += ms) };
}

describe('SpanLossLedger', () => {
  it('warns about a full queue at the first drop, then at most once a minute with the count since', () => {
    const { books, lines, advance } = ledger();
    books.queueFull(1);
    advance(30_000);
    books.queueFull(5);
    expect(lines).toHaveLength(1);
    advance(30_000);
    books.queueFull(2);
    expect(lines.map((l) => l.message)).toEqual([
      expect.stringContaining('(4 spans waiting for http://collector:4318/v1/traces): 1 span(s) dropped'),
      expect.stringContaining('7 span(s) dropped'),
    ]);
  });

  it('balances its books at close: what has no outcome yet is dropped at shutdown, later results are ignored', () => {
    const { books, drops } = ledger();
    for (let i = 0; i < 10; i++) books.accept();
    books.exported(3);
    books.queueFull(2);
    books.exportFailed(1, new Error('x'));
    expect(books.close()).toBe(4);
    books.exported(4);
    books.exportFailed(4, new Error('late'));
    books.endedAfterShutdown(2);
    expect(books.stats()).toEqual({
      accepted: 10,
      exported: 3,
      dropped: { queue_full: 2, export_failed: 1, shutdown: 6 },
    });
    expect(drops).toEqual([
      [2, 'queue_full'],
      [1, 'export_failed'],
      [4, 'shutdown'],
      [2, 'shutdown'],
    ]);
  });

  it('survives a throwing counter and a throwing logger', () => {
    const books = new SpanLossLedger({
      endpoint: 'e',
      maxQueueSize: 1,
      onDropped: () => {
        throw new Error('metrics broke');
      },
      logger: {
        warn: () => {
          throw new Error('logger broke');
        },
        info: () => undefined,
      },
    });
    expect(() => books.exportFailed(1, new Error('x'))).not.toThrow();
    expect(books.stats().dropped.export_failed).toBe(1);
  });
});

describe('describeExportError', () => {
  it('names network failures, HTTP statuses and anything else by its message', () => {
    const coded = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
    expect(describeExportError(coded('ECONNREFUSED'))).toBe('connection refused');
    expect(describeExportError(coded('ETIMEDOUT'))).toBe('timeout');
    expect(describeExportError(coded('ENOTFOUND'))).toBe('host not found');
    expect(describeExportError(new OTLPExporterError('Service Unavailable', 503))).toBe('HTTP 503');
    expect(describeExportError(new Error('Concurrent export limit reached'))).toBe(
      'Concurrent export limit reached',
    );
    expect(describeExportError(undefined)).toBe('unknown error');
  });
});
