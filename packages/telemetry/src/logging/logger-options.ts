import type { ElasticsearchShipperSettings } from './elasticsearch-shipper.js';

/** Default data stream the logs go to (`logs-<dataset>-<namespace>`, matched by ES's built-in `logs-*-*` template). */
export const DEFAULT_LOG_INDEX = 'logs-tracseq-default';
/** Default byte cap of the Elasticsearch buffer: 8 MiB. */
export const DEFAULT_LOG_BUFFER_BYTES = 8 * 1024 * 1024;
/** Default upper size of one `_bulk` request: 1 MiB (never more than a quarter of the buffer). */
export const DEFAULT_LOG_FLUSH_BYTES = 1024 * 1024;
/** Default longest time a line waits in the buffer before a `_bulk` request is sent. */
export const DEFAULT_LOG_FLUSH_INTERVAL_MS = 1000;
/** Default retries of a batch ES refused with 429 or a 5xx (the official client also retries 3 times). */
export const DEFAULT_LOG_MAX_RETRIES = 3;
/** Default first backoff delay after a failed attempt; doubles up to the maximum. */
export const DEFAULT_LOG_RETRY_DELAY_MS = 250;
/** Default longest backoff delay. */
export const DEFAULT_LOG_MAX_RETRY_DELAY_MS = 10_000;
/** Default time a `_bulk` request may take before it is aborted and retried (the official client's). */
export const DEFAULT_LOG_REQUEST_TIMEOUT_MS = 30_000;
/** Default deadline of `flush()` and `close()`. */
export const DEFAULT_LOG_DEADLINE_MS = 5000;

/** Where and how log lines are shipped to Elasticsearch. */
export interface ElasticsearchLogOptions {
  /** Base URL of the cluster; credentials in it (`https://user:pass@host`) become Basic auth. */
  readonly url: string;
  /** Data stream (or index) written with `create` actions. Default {@link DEFAULT_LOG_INDEX}. */
  readonly index?: string;
  /** Byte cap of the buffer (serialized lines, queued and in flight). Default 8 MiB. */
  readonly bufferBytes?: number;
  /** Longest wait before buffered lines are sent. Default 1000 ms. */
  readonly flushIntervalMs?: number;
  /** Send as soon as this many bytes are buffered; also the most one request carries. Default 1 MiB or a quarter of `bufferBytes`. */
  readonly flushBytes?: number;
  /** Further attempts for a batch ES refused with 429/500/502/503/504. Default 3. */
  readonly maxRetries?: number;
  /** First backoff delay (doubling, with jitter). Default 250 ms. */
  readonly retryDelayMs?: number;
  /** Longest backoff delay. Default 10 s. */
  readonly maxRetryDelayMs?: number;
  /** Abort a request without an answer after this long. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Elasticsearch API key (the base64 `encoded` form), sent as `Authorization: ApiKey …`. */
  readonly apiKey?: string;
}

/**
 * The counter `tracseq_telemetry_log_records_total` (a prom-client `Counter` fits), incremented
 * with labels `destination` and `outcome` from the metric contract.
 */
export interface LogRecordsCounter {
  inc(labels: Record<string, string>, value?: number): void;
}

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** `service.name` on every line. */
  readonly serviceName: string;
  /** Lowest level written: trace, debug, info, warn, error, fatal or silent. Default `info`. */
  readonly level?: string;
  /**
   * pino redact paths (e.g. `patient.name`, `sample.*.donor`) whose values become `[REDACTED]`,
   * in addition to the sensitive headers, which are always redacted. Prefer explicit paths:
   * pino evaluates paths starting with `*` on every field of every line.
   */
  readonly redactPaths?: readonly string[];
  /**
   * Where every line is written, each as its own `write`, before anything else. Default: the
   * process's stdout (file descriptor 1), one write per event-loop turn, flushed on exit (see
   * `createLogger`).
   */
  readonly stdout?: NodeJS.WritableStream;
  /** Current tenant, called for every line and written as `tracseq.tenant_id` when defined. */
  readonly tenant?: () => string | undefined;
  /** Also ship lines to Elasticsearch (off when absent). */
  readonly elasticsearch?: ElasticsearchLogOptions;
  /** Counter of shipping outcomes (`tracseq_telemetry_log_records_total`). */
  readonly logRecords?: LogRecordsCounter;
}

/** Characters Elasticsearch refuses in index and data stream names. */
const INVALID_INDEX_CHARS = /[\\/*?"<>| ,#:]/;

function positiveInteger(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`createLogger: ${field} must be a positive integer (got ${JSON.stringify(value)})`);
  }
  return value;
}

function nonNegativeInteger(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`createLogger: ${field} must be a non-negative integer (got ${JSON.stringify(value)})`);
  }
  return value;
}

/**
 * Validates the Elasticsearch options and fills in defaults, throwing an Error that names the
 * field, the value and what is expected: misconfiguration must fail at start-up, not at the
 * first `_bulk` request.
 */
export function resolveElasticsearchSettings(
  options: ElasticsearchLogOptions,
): Omit<ElasticsearchShipperSettings, 'onOutcome'> {
  const field = (name: string) => `elasticsearch.${name}`;
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new Error(
      `createLogger: ${field('url')} must be an absolute http(s) URL (got ${JSON.stringify(options.url)})`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `createLogger: ${field('url')} must use http or https (got ${JSON.stringify(options.url)})`,
    );
  }
  const index = options.index ?? DEFAULT_LOG_INDEX;
  if (
    typeof index !== 'string' ||
    index === '' ||
    index !== index.toLowerCase() ||
    INVALID_INDEX_CHARS.test(index) ||
    /^[-_+.]/.test(index)
  ) {
    throw new Error(
      `createLogger: ${field('index')} must be a lowercase Elasticsearch data stream or index name without \\ / * ? " < > | , # : or spaces, not starting with - _ + . (got ${JSON.stringify(index)})`,
    );
  }
  const bufferBytes = positiveInteger(options.bufferBytes, DEFAULT_LOG_BUFFER_BYTES, field('bufferBytes'));
  const flushBytes = positiveInteger(
    options.flushBytes,
    Math.max(1, Math.min(DEFAULT_LOG_FLUSH_BYTES, Math.floor(bufferBytes / 4))),
    field('flushBytes'),
  );
  if (flushBytes > bufferBytes) {
    throw new Error(
      `createLogger: ${field('flushBytes')} must not exceed ${field('bufferBytes')} (${bufferBytes}); got ${flushBytes}`,
    );
  }
  const retryDelayMs = positiveInteger(
    options.retryDelayMs,
    DEFAULT_LOG_RETRY_DELAY_MS,
    field('retryDelayMs'),
  );
  return {
    url: options.url,
    index,
    bufferBytes,
    flushBytes,
    flushIntervalMs: positiveInteger(
      options.flushIntervalMs,
      DEFAULT_LOG_FLUSH_INTERVAL_MS,
      field('flushIntervalMs'),
    ),
    maxRetries: nonNegativeInteger(options.maxRetries, DEFAULT_LOG_MAX_RETRIES, field('maxRetries')),
    retryDelayMs,
    maxRetryDelayMs: Math.max(
      retryDelayMs,
      positiveInteger(options.maxRetryDelayMs, DEFAULT_LOG_MAX_RETRY_DELAY_MS, field('maxRetryDelayMs')),
    ),
    requestTimeoutMs: positiveInteger(
      options.requestTimeoutMs,
      DEFAULT_LOG_REQUEST_TIMEOUT_MS,
      field('requestTimeoutMs'),
    ),
    apiKey: options.apiKey,
  };
}
