import { diag } from '@opentelemetry/api';
import type { SpanDropReason } from '@tracseq/contract';

export { SPAN_DROP_REASONS, type SpanDropReason } from '@tracseq/contract';

/** Where the tracing pipeline reports outages and recoveries: pino's `(fields, message)` signature. */
export interface TracingEventLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

/** What became of the sampled spans handed to the export pipeline. */
export interface SpanLossStats {
  /** Spans the processor took in before shutdown began. */
  readonly accepted: number;
  /** Spans the collector accepted. */
  readonly exported: number;
  /** Spans that never reached the collector, by reason (spans ended after shutdown began included). */
  readonly dropped: Readonly<Record<SpanDropReason, number>>;
}

/** Options of {@link SpanLossLedger}. */
export interface SpanLossLedgerOptions {
  /** The collector URL, without credentials, for the log lines. */
  readonly endpoint: string;
  /** Queue capacity, for the queue-full warning. */
  readonly maxQueueSize: number;
  /** Called for every drop; exceptions it throws are swallowed. */
  readonly onDropped?: ((count: number, reason: SpanDropReason) => void) | undefined;
  /** Outage and recovery lines; OTel's `diag` when absent. */
  readonly logger?: TracingEventLogger | undefined;
  /** Clock (ms), for tests. */
  readonly now?: () => number;
}

/** Shortest time between two queue-full warnings: a full queue at high load drops on every request. */
export const QUEUE_FULL_WARN_INTERVAL_MS = 60_000;

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ETIMEDOUT: 'timeout',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'network unreachable',
};

/**
 * A short reason for a failed export, for the outage warning: `connection refused`, `timeout`,
 * `HTTP 503`, … (the error's message when it is none of those).
 */
export function describeExportError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_REASONS[code] !== undefined) return NETWORK_REASONS[code];
    if (typeof code === 'number' && code >= 100 && code <= 599) return `HTTP ${code}`;
    if (error.message !== '') return error.message;
  }
  return typeof error === 'string' && error !== '' ? error : 'unknown error';
}

const diagLogger: TracingEventLogger = {
  warn: (_fields, message) => diag.warn(message),
  info: (_fields, message) => diag.info(message),
};

/**
 * The books of the span pipeline: every sampled span the processor takes in ends up exported,
 * refused by the full queue, failed in export, or still unsent when shutdown closes the books —
 * so `accepted = exported + queue_full + export_failed + shutdown` afterwards, and each drop is
 * reported to `onDropped` with its reason. It also turns drops into log lines an operator can act
 * on: one warning when exports start failing (with the reason and the endpoint), one line when
 * they succeed again, and a rate-limited warning while the queue overflows.
 */
export class SpanLossLedger {
  readonly #options: SpanLossLedgerOptions;
  readonly #logger: TracingEventLogger;
  readonly #now: () => number;
  readonly #dropped: Record<SpanDropReason, number> = { queue_full: 0, export_failed: 0, shutdown: 0 };
  #accepted = 0;
  #exported = 0;
  /** Drops of accepted spans (spans ended after shutdown began are not accepted). */
  #settledDrops = 0;
  #closed = false;
  #outage: { since: number; dropped: number } | undefined;
  #lastQueueWarning = Number.NEGATIVE_INFINITY;
  #queueDropsSinceWarning = 0;

  constructor(options: SpanLossLedgerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? diagLogger;
    this.#now = options.now ?? Date.now;
  }

  /** One sampled span handed to the processor (hot path: a counter). */
  accept(): void {
    this.#accepted++;
  }

  /** Spans the full queue refused. */
  queueFull(count: number): void {
    this.#settledDrops += count;
    this.#drop('queue_full', count);
    this.#queueDropsSinceWarning += count;
    const now = this.#now();
    if (now - this.#lastQueueWarning < QUEUE_FULL_WARN_INTERVAL_MS) return;
    const dropped = this.#queueDropsSinceWarning;
    this.#lastQueueWarning = now;
    this.#queueDropsSinceWarning = 0;
    const { endpoint, maxQueueSize } = this.#options;
    this.#log('warn', { event: { reason: 'queue_full' }, url: { full: endpoint } }, [
      `span export queue is full (${maxQueueSize} spans waiting for ${endpoint}): ${dropped} span(s) dropped`,
      'counted in tracseq_telemetry_spans_dropped_total{reason="queue_full"}; at most one such warning a minute',
    ]);
  }

  /** Spans the collector accepted; ends an outage. */
  exported(count: number): void {
    if (this.#closed) return;
    this.#exported += count;
    const outage = this.#outage;
    if (outage === undefined) return;
    this.#outage = undefined;
    const seconds = Math.round((this.#now() - outage.since) / 100) / 10;
    const { endpoint } = this.#options;
    this.#log('info', { url: { full: endpoint }, event: { duration: Math.round(seconds * 1e9) } }, [
      `span export to ${endpoint} recovered after ${seconds} s`,
      `${outage.dropped} span(s) failed to export meanwhile`,
    ]);
  }

  /** Spans whose export failed for good (after the exporter's retries); starts an outage. */
  exportFailed(count: number, error: unknown): void {
    if (this.#closed) return;
    this.#settledDrops += count;
    this.#drop('export_failed', count);
    if (this.#outage !== undefined) {
      this.#outage.dropped += count;
      return;
    }
    this.#outage = { since: this.#now(), dropped: count };
    const reason = describeExportError(error);
    const { endpoint } = this.#options;
    this.#log(
      'warn',
      { event: { reason: 'export_failed' }, url: { full: endpoint }, error: { message: reason } },
      [
        `span export to ${endpoint} failed: ${reason}`,
        'spans are dropped and counted in tracseq_telemetry_spans_dropped_total{reason="export_failed"} until it recovers',
      ],
    );
  }

  /** Spans ended after shutdown began, which the processor no longer takes. */
  endedAfterShutdown(count: number): void {
    this.#drop('shutdown', count);
  }

  /**
   * Counts every accepted span without an outcome yet (still queued or in flight) as dropped at
   * shutdown, and ignores export results arriving later. Returns how many that was.
   */
  close(): number {
    if (this.#closed) return 0;
    this.#closed = true;
    const unsent = this.#accepted - this.#exported - this.#settledDrops;
    if (unsent > 0) this.#drop('shutdown', unsent);
    return Math.max(0, unsent);
  }

  stats(): SpanLossStats {
    return { accepted: this.#accepted, exported: this.#exported, dropped: { ...this.#dropped } };
  }

  #drop(reason: SpanDropReason, count: number): void {
    if (count <= 0) return;
    this.#dropped[reason] += count;
    try {
      this.#options.onDropped?.(count, reason);
    } catch {
      // Counting must never break `span.end()` in the caller's request path.
    }
  }

  #log(level: 'warn' | 'info', fields: Record<string, unknown>, sentences: readonly string[]): void {
    try {
      this.#logger[level](fields, sentences.join('; '));
    } catch {
      // A broken logger must not break the export pipeline.
    }
  }
}
