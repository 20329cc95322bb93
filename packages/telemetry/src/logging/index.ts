/**
 * Structured logging for TracSeq services: pino in ECS JSON to stdout, correlated with
 * OpenTelemetry traces, with sensitive headers redacted and a bounded, fully counted shipping
 * to Elasticsearch.
 *
 * @packageDocumentation
 */
export { createLogger, type TelemetryLogger } from './create-logger.js';
export { SPAN_ID_FIELD, TENANT_ID_FIELD, TRACE_ID_FIELD } from './log-context-mixin.js';
export { LOG_LEVELS, parseLogLevel } from './log-level.js';
export type { LogRecordOutcome, LogShippingStats } from './log-shipping-stats.js';
export {
  DEFAULT_LOG_BUFFER_BYTES,
  DEFAULT_LOG_DEADLINE_MS,
  DEFAULT_LOG_FLUSH_BYTES,
  DEFAULT_LOG_FLUSH_INTERVAL_MS,
  DEFAULT_LOG_INDEX,
  DEFAULT_LOG_MAX_RETRIES,
  DEFAULT_LOG_MAX_RETRY_DELAY_MS,
  DEFAULT_LOG_REQUEST_TIMEOUT_MS,
  DEFAULT_LOG_RETRY_DELAY_MS,
  type ElasticsearchLogOptions,
  type LoggerOptions,
  type LogRecordsCounter,
} from './logger-options.js';
export { REDACTED, redactSensitiveHeaders, SENSITIVE_HEADERS } from './redact-headers.js';
export { redactUrl } from './redact-url.js';
export { createRequestLineWriter, type RequestLineWriter } from './request-line.js';
export {
  REQUEST_LOG_FIELDS,
  type RequestLogField,
  type RequestLogLevel,
  type RequestLogRecord,
  requestLogFields,
  requestLogLevel,
  requestLogMessage,
  SLI_EXCLUDED_FIELD,
} from './request-log-fields.js';
