import type { LOG_RECORD_OUTCOMES } from '@tracseq/contract';

/** Outcome of one log record sent to a log backend (the contract's `outcome` label values). */
export type LogRecordOutcome = (typeof LOG_RECORD_OUTCOMES)[number];

/**
 * Counters of the Elasticsearch shipping of one logger.
 *
 * At any moment `produced = shipped + dropped + failed + bufferedLines`; once `close()` has
 * resolved, nothing is buffered, so `produced = shipped + dropped + failed`.
 */
export interface LogShippingStats {
  /** Records handed to the Elasticsearch shipper (0 when no Elasticsearch is configured). */
  readonly produced: number;
  /** Records Elasticsearch acknowledged (item status 2xx in a `_bulk` answer). */
  readonly shipped: number;
  /** Records evicted from the bounded buffer (oldest first), or too large for it. */
  readonly dropped: number;
  /**
   * Records Elasticsearch refused (a non-retryable status, or a retryable one after the retries
   * ran out) and records still unacknowledged when `close()` reached its deadline.
   */
  readonly failed: number;
  /** Records waiting in the buffer or in flight. */
  readonly bufferedLines: number;
  /** UTF-8 bytes of the buffered records; never more than `bufferBytes`. */
  readonly bufferedBytes: number;
  /** The highest `bufferedBytes` seen; never more than `bufferBytes`. */
  readonly peakBufferedBytes: number;
  /** Why the last attempt did not ship everything, if one did not. */
  readonly lastError: string | undefined;
}
