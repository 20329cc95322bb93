import { ecsFormat } from '@elastic/ecs-pino-format';
import { type LOG_DESTINATIONS, METRICS } from '@tracseq/contract';
import { type DestinationStream, type Logger, pino } from 'pino';
import { ElasticsearchShipper } from './elasticsearch-shipper.js';
import { createLogContextMixin } from './log-context-mixin.js';
import { parseLogLevel } from './log-level.js';
import type { LogRecordOutcome, LogShippingStats } from './log-shipping-stats.js';
import {
  DEFAULT_LOG_DEADLINE_MS,
  type LoggerOptions,
  type LogRecordsCounter,
  resolveElasticsearchSettings,
} from './logger-options.js';
import { type LineSink, processStdoutLines, streamLines } from './process-stdout-lines.js';
import { REDACTED, redactSensitiveHeaders } from './redact-headers.js';
import { createRequestLineWriter, type RequestLineWriter } from './request-line.js';

/** A configured pino logger with its Elasticsearch shipping. */
export interface TelemetryLogger {
  /** The pino logger: ECS JSON, one line per event, to stdout and (if configured) Elasticsearch. */
  readonly logger: Logger;
  /**
   * Resolves once every line logged before the call has been shipped, dropped or failed, or
   * after `deadlineMs` (default 5000), whichever is first. Never rejects.
   */
  flush(deadlineMs?: number): Promise<void>;
  /**
   * Ships what it can within `deadlineMs` (default 5000), then gives up: lines still unsent
   * count as `failed`, so afterwards `produced = shipped + dropped + failed`. Lines logged after
   * `close()` still reach stdout but are not shipped or counted. Idempotent; never rejects.
   */
  close(deadlineMs?: number): Promise<void>;
  /** Shipping counters (all zero without Elasticsearch); see {@link LogShippingStats}. */
  stats(): LogShippingStats;
  /**
   * Writes an HTTP request's log line as `logger.info` would, in one string to the same
   * destination; declines (returns `false`) when `redactPaths` are configured.
   */
  readonly requestLine: RequestLineWriter;
}

const [destinationLabel, outcomeLabel] = METRICS.logRecords.labels;
const ELASTICSEARCH: (typeof LOG_DESTINATIONS)[number] = 'elasticsearch';

const NO_SHIPPING: LogShippingStats = Object.freeze({
  produced: 0,
  shipped: 0,
  dropped: 0,
  failed: 0,
  bufferedLines: 0,
  bufferedBytes: 0,
  peakBufferedBytes: 0,
  lastError: undefined,
});

/** Turns outcome counts into increments of the contract counter, with label sets built once. */
function outcomeRecorder(counter: LogRecordsCounter): (outcome: LogRecordOutcome, count: number) => void {
  const labels = new Map<LogRecordOutcome, Record<string, string>>();
  return (outcome, count) => {
    let set = labels.get(outcome);
    if (set === undefined) {
      set = { [destinationLabel.name]: ELASTICSEARCH, [outcomeLabel.name]: outcome };
      labels.set(outcome, set);
    }
    counter.inc(set, count);
  };
}

function deadline(value: number | undefined): number {
  return value === undefined || !Number.isFinite(value) ? DEFAULT_LOG_DEADLINE_MS : Math.max(0, value);
}

/**
 * Creates the service's logger: pino writing ECS JSON (`@timestamp`, `log.level`, `message`,
 * `service.name`, `ecs.version`, plus `trace.id`/`span.id` inside an active OpenTelemetry span
 * and `tracseq.tenant_id`), with sensitive headers and `redactPaths` redacted.
 *
 * Every line goes to stdout first, whatever happens to Elasticsearch. The process's stdout gets
 * the lines of one event-loop turn in one write at the end of the turn, and at once on every exit
 * that runs JavaScript (`process.exit()`, the end of the program, an uncaught exception or
 * unhandled rejection, the shutdown on SIGTERM/SIGINT) and after a `fatal` line; only a death
 * without `exit` (SIGKILL, OOM) can lose the current turn's lines (see `processStdoutLines`). A
 * `stdout` stream given in the options gets each line as its own write, at once. With
 * `elasticsearch` set, the same line is then handed to a byte-capped shipper that never throws
 * into the log call, never holds more than `bufferBytes` of lines, counts each line exactly once
 * as shipped, dropped or failed (also on `logRecords`), and resumes when the cluster returns.
 *
 * @throws Error naming the option when an option is invalid (level, URL, sizes, index name).
 */
export function createLogger(options: LoggerOptions): TelemetryLogger {
  if (typeof options.serviceName !== 'string' || options.serviceName.trim() === '') {
    throw new Error(
      `createLogger: serviceName must be a non-empty string (got ${JSON.stringify(options.serviceName)})`,
    );
  }
  const level = parseLogLevel(options.level ?? 'info');
  const stdout: LineSink = options.stdout === undefined ? processStdoutLines() : streamLines(options.stdout);
  const redactPaths = options.redactPaths ?? [];
  const counter = options.logRecords;
  const shipper =
    options.elasticsearch === undefined
      ? undefined
      : new ElasticsearchShipper({
          ...resolveElasticsearchSettings(options.elasticsearch),
          onOutcome: counter === undefined ? undefined : outcomeRecorder(counter),
        });

  const destination: DestinationStream & { flush(done?: () => void): void; flushSync(): void } = {
    write(line: string) {
      // stdout first: it is the record of last resort and must not depend on ES.
      stdout.write(line);
      shipper?.enqueue(line);
    },
    // `logger.flush(cb)` reaches flush; pino calls flushSync right after every `fatal` line,
    // which usually comes just before the process dies, maybe without `exit`.
    flush(done) {
      stdout.flush();
      done?.();
    },
    flushSync: () => stdout.flush(),
  };

  let logger: Logger;
  try {
    logger = pino(
      {
        // apmIntegration off: trace correlation comes from OpenTelemetry (the mixin), and the
        // lookup of elastic-apm-node would otherwise run once per process for nothing.
        ...ecsFormat({ serviceName: options.serviceName, apmIntegration: false }),
        level,
        mixin: createLogContextMixin(options.tenant),
        // Sensitive headers are redacted on the serialized line, at any depth and after pino's
        // serializers; pino redact handles only the configured paths (see redact-headers.ts).
        hooks: { streamWrite: redactSensitiveHeaders },
        ...(redactPaths.length > 0 ? { redact: { paths: [...redactPaths], censor: REDACTED } } : {}),
      },
      destination,
    );
  } catch (error) {
    // pino validates redact paths when the logger is built; name our option in the message.
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`createLogger: redactPaths is invalid: ${reason}`, { cause: error });
  }

  return {
    logger,
    flush: (deadlineMs) => shipper?.flush(deadline(deadlineMs)) ?? Promise.resolve(),
    close: (deadlineMs) => shipper?.close(deadline(deadlineMs)) ?? Promise.resolve(),
    stats: () => shipper?.stats() ?? NO_SHIPPING,
    requestLine: createRequestLineWriter(logger, destination, redactPaths),
  };
}
