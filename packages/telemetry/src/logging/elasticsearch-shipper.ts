import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { type BulkResult, readBulkResponse } from './bulk-response.js';
import { type CheckedOutBatch, LogBuffer } from './log-buffer.js';
import type { LogRecordOutcome, LogShippingStats } from './log-shipping-stats.js';

/** Resolved settings of an {@link ElasticsearchShipper}; see `ElasticsearchLogOptions` for meanings. */
export interface ElasticsearchShipperSettings {
  readonly url: string;
  readonly index: string;
  readonly bufferBytes: number;
  readonly flushBytes: number;
  readonly flushIntervalMs: number;
  readonly maxRetries: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly requestTimeoutMs: number;
  readonly apiKey?: string | undefined;
  /** Called once per outcome change with how many records it concerns. */
  readonly onOutcome?: ((outcome: LogRecordOutcome, count: number) => void) | undefined;
}

/** `_bulk` action for each line: data streams accept only `create`. */
const CREATE_ACTION = '{"create":{}}\n';

/** Only what the shipper reads from the `_bulk` answer, so ES sends less back (as Beats do). */
const FILTER_PATH = 'errors,items.*.error,items.*.status';

interface FlushWaiter {
  /** Resolve once every record with a sequence number below this has an outcome. */
  readonly upTo: number;
  readonly resolve: () => void;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch() reports network failures as "fetch failed" with the real reason in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}

function bulkEndpoint(url: string, index: string): { endpoint: URL; authorization: string | undefined } {
  const endpoint = new URL(url);
  // fetch() refuses URLs with credentials, so they move to a Basic authorization header.
  let authorization: string | undefined;
  if (endpoint.username !== '' || endpoint.password !== '') {
    const user = decodeURIComponent(endpoint.username);
    const password = decodeURIComponent(endpoint.password);
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    endpoint.username = '';
    endpoint.password = '';
  }
  // Keep a path prefix (ES behind a reverse proxy at /es/) and append <index>/_bulk to it.
  const prefix = endpoint.pathname.endsWith('/') ? endpoint.pathname : `${endpoint.pathname}/`;
  endpoint.pathname = `${prefix}${encodeURIComponent(index)}/_bulk`;
  endpoint.search = `filter_path=${FILTER_PATH}`;
  return { endpoint, authorization };
}

/**
 * Ships serialized log lines to Elasticsearch through a byte-capped buffer of its own, one
 * `_bulk` request at a time, and accounts for every line exactly once.
 *
 * Why not pino-elasticsearch: it feeds the official bulk helper from an unbounded stream (pino
 * ignores backpressure, so a stalled ES grows memory without limit); when a `_bulk` request fails
 * as a whole (ES down, 500, 401) the helper aborts and the documents of that request and of its
 * half-built next batch vanish without a per-document event; and successes are only reported
 * as a total when the stream ends. Counting shipped/dropped/failed exactly needs the per-item
 * answer of each request, which this class reads itself.
 *
 * Counting rule, per line:
 * - `shipped`: its `_bulk` item came back 2xx;
 * - `dropped`: evicted from the full buffer (oldest first) or larger than the whole buffer;
 * - `failed`: ES refused it: an item error other than 429, or a request-level status other than
 *   429/500/502/503/504, at once; an item 429 or a request-level 429/5xx after `maxRetries`
 *   further attempts; and anything still unacknowledged when `close()` reaches its deadline
 *   (a request aborted then may have been indexed: it counts as failed, never twice).
 * - Unreachable (connection refused/reset, timeout, no answer) is not a refusal: the batch stays
 *   in the buffer, evictable, and is retried with capped exponential backoff until ES answers,
 *   the buffer evicts it (`dropped`) or `close()` gives up (`failed`). Delivery is therefore
 *   at-least-once: a request that timed out after ES indexed it is sent again, but counted once.
 */
export class ElasticsearchShipper {
  readonly #settings: ElasticsearchShipperSettings;
  readonly #buffer: LogBuffer;
  readonly #endpoint: URL;
  readonly #headers: Record<string, string>;
  #produced = 0;
  #shipped = 0;
  #dropped = 0;
  #failed = 0;
  #lastError: string | undefined;
  #accepting = true;
  #terminated = false;
  #inFlight: AbortController | undefined;
  #kickScheduled = false;
  #flushTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #unreachableStreak = 0;
  readonly #waiters = new Set<FlushWaiter>();
  #closing: Promise<void> | undefined;

  /** @param settings - validated settings (see `createLogger` for defaults and checks). */
  constructor(settings: ElasticsearchShipperSettings) {
    this.#settings = settings;
    this.#buffer = new LogBuffer(settings.bufferBytes);
    const { endpoint, authorization } = bulkEndpoint(settings.url, settings.index);
    this.#endpoint = endpoint;
    this.#headers = { 'content-type': 'application/x-ndjson', accept: 'application/json' };
    if (settings.apiKey !== undefined) this.#headers.authorization = `ApiKey ${settings.apiKey}`;
    else if (authorization !== undefined) this.#headers.authorization = authorization;
  }

  /**
   * Takes one serialized line (ending in `\n`). Never throws and never blocks on ES: at worst the
   * line, or older ones, are dropped and counted. Lines offered after `close()` are ignored.
   */
  enqueue(line: string): void {
    if (!this.#accepting) return;
    const seq = this.#produced++;
    const dropped = this.#buffer.add(line, Buffer.byteLength(line), seq);
    if (dropped > 0) {
      this.#count('dropped', dropped);
      this.#resolveWaiters();
    }
    this.#schedule();
  }

  /**
   * Resolves once every line offered before the call has an outcome, or after `deadlineMs`,
   * whichever comes first; never rejects. Sends at once instead of waiting for the interval.
   */
  flush(deadlineMs: number): Promise<void> {
    const upTo = this.#produced;
    if (this.#terminated || this.#buffer.firstSeq >= upTo) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: FlushWaiter = {
        upTo,
        resolve: () => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve();
        },
      };
      // Not unref'd: a caller awaiting flush() at shutdown must get its answer, even if the
      // shipper's own timers are all that is left in the event loop.
      const timer = setTimeout(waiter.resolve, Math.max(0, deadlineMs));
      this.#waiters.add(waiter);
      this.#schedule();
    });
  }

  /**
   * Stops accepting lines, ships what it can until `deadlineMs`, then aborts any request in
   * flight and counts every line still held as `failed`. Idempotent.
   */
  close(deadlineMs: number): Promise<void> {
    this.#closing ??= (async () => {
      this.#accepting = false;
      await this.flush(deadlineMs);
      this.#terminate();
    })();
    return this.#closing;
  }

  /** Current counters; see {@link LogShippingStats}. */
  stats(): LogShippingStats {
    return {
      produced: this.#produced,
      shipped: this.#shipped,
      dropped: this.#dropped,
      failed: this.#failed,
      bufferedLines: this.#buffer.lines,
      bufferedBytes: this.#buffer.bytes,
      peakBufferedBytes: this.#buffer.peakBytes,
      lastError: this.#lastError,
    };
  }

  #count(outcome: LogRecordOutcome, count: number): void {
    if (count <= 0) return;
    if (outcome === 'shipped') this.#shipped += count;
    else if (outcome === 'dropped') this.#dropped += count;
    else this.#failed += count;
    try {
      this.#settings.onOutcome?.(outcome, count);
    } catch {
      // A misbehaving metrics hook must not break logging; the local counters stay exact.
    }
  }

  /** Decides when the next request goes out: now, after the flush interval, or after a backoff. */
  #schedule(): void {
    if (this.#terminated || this.#inFlight !== undefined || this.#retryTimer !== undefined) return;
    if (this.#buffer.lines === 0) return;
    const urgent =
      this.#waiters.size > 0 ||
      this.#buffer.pendingBytes >= this.#settings.flushBytes ||
      this.#buffer.hasRetry;
    if (urgent) {
      this.#kick();
    } else if (this.#flushTimer === undefined) {
      this.#flushTimer = setTimeout(() => {
        this.#flushTimer = undefined;
        this.#kick();
      }, this.#settings.flushIntervalMs);
      // Buffered logs alone must not keep a finished process alive; close() ships them.
      this.#flushTimer.unref();
    }
  }

  /** Sends on the next turn of the event loop, so a log call never builds a request body itself. */
  #kick(): void {
    if (this.#kickScheduled) return;
    this.#kickScheduled = true;
    setImmediate(() => {
      this.#kickScheduled = false;
      this.#send().catch((error: unknown) => {
        this.#lastError = describe(error);
      });
    });
  }

  async #send(): Promise<void> {
    if (this.#terminated || this.#inFlight !== undefined || this.#retryTimer !== undefined) return;
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const batch = this.#buffer.checkout(this.#settings.flushBytes);
    if (batch === undefined) return;
    const controller = new AbortController();
    this.#inFlight = controller;
    let result: BulkResult | undefined;
    let unreachable: unknown;
    try {
      result = await this.#post(batch.lines, controller.signal);
    } catch (error) {
      unreachable = error;
    }
    if (this.#inFlight === controller) this.#inFlight = undefined;
    // close() gave up on this batch while it was in flight and already counted it as failed.
    if (this.#terminated) return;
    if (result === undefined) this.#onUnreachable(batch, unreachable);
    else this.#onAnswer(batch, result);
    this.#resolveWaiters();
    this.#schedule();
  }

  async #post(lines: readonly string[], abort: AbortSignal): Promise<BulkResult> {
    let body = '';
    for (const line of lines) body += CREATE_ACTION + (line.endsWith('\n') ? line : `${line}\n`);
    const signal = AbortSignal.any([abort, AbortSignal.timeout(this.#settings.requestTimeoutMs)]);
    // Our own export traffic must not be traced (it would produce spans about shipping logs,
    // which produce logs...): instrumentations honour the suppression flag, as OTel exporters do.
    const response = await context.with(suppressTracing(context.active()), () =>
      fetch(this.#endpoint, { method: 'POST', headers: this.#headers, body, signal }),
    );
    const text = await response.text();
    return readBulkResponse(response.status, response.headers.get('x-elastic-product'), text, lines.length);
  }

  #onUnreachable(batch: CheckedOutBatch, error: unknown): void {
    this.#lastError = `Elasticsearch unreachable: ${describe(error)}`;
    this.#buffer.release(batch.token);
    this.#retryAfter(this.#unreachableStreak++);
  }

  #onAnswer(batch: CheckedOutBatch, result: BulkResult): void {
    this.#unreachableStreak = 0;
    const outOfRetries = batch.attempts >= this.#settings.maxRetries;
    if (result.kind === 'failed') {
      this.#lastError = result.reason;
      this.#buffer.settle(batch.token, []);
      this.#count('failed', batch.lines.length);
      return;
    }
    if (result.kind === 'retry') {
      this.#lastError = result.reason;
      if (outOfRetries) {
        this.#buffer.settle(batch.token, []);
        this.#count('failed', batch.lines.length);
      } else {
        this.#buffer.settle(
          batch.token,
          batch.lines.map((_, i) => i),
        );
        this.#retryAfter(batch.attempts);
      }
      return;
    }
    let shipped = 0;
    let failed = 0;
    const retry: number[] = [];
    result.outcomes.forEach((outcome, i) => {
      if (outcome === 'shipped') shipped++;
      else if (outcome === 'failed' || outOfRetries) failed++;
      else retry.push(i);
    });
    if (failed > 0 || retry.length > 0) {
      this.#lastError = `Elasticsearch refused ${failed + retry.length} of ${batch.lines.length} documents`;
    }
    this.#buffer.settle(batch.token, retry);
    this.#count('shipped', shipped);
    this.#count('failed', failed);
    if (retry.length > 0) this.#retryAfter(batch.attempts);
  }

  /** Waits before the next request: exponential from `retryDelayMs`, capped, with jitter. */
  #retryAfter(attempt: number): void {
    const { retryDelayMs, maxRetryDelayMs } = this.#settings;
    const ceiling = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** Math.min(attempt, 30));
    // Jitter spreads the retries of many replicas when a shared cluster comes back.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#schedule();
    }, delay);
    this.#retryTimer.unref();
  }

  #resolveWaiters(): void {
    if (this.#waiters.size === 0) return;
    const firstUnsettled = this.#buffer.firstSeq;
    for (const waiter of this.#waiters) if (firstUnsettled >= waiter.upTo) waiter.resolve();
  }

  #terminate(): void {
    this.#terminated = true;
    this.#accepting = false;
    clearTimeout(this.#flushTimer);
    clearTimeout(this.#retryTimer);
    this.#flushTimer = undefined;
    this.#retryTimer = undefined;
    this.#inFlight?.abort();
    this.#inFlight = undefined;
    const unsent = this.#buffer.clear();
    if (unsent > 0) {
      this.#lastError = `${unsent} records unacknowledged when close() reached its deadline`;
      this.#count('failed', unsent);
    }
    for (const waiter of this.#waiters) waiter.resolve();
  }
}
