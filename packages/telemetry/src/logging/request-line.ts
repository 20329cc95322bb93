import { type DestinationStream, type Logger, symbols } from 'pino';
import { SPAN_ID_FIELD, TENANT_ID_FIELD, TRACE_ID_FIELD } from './log-context-mixin.js';
import { redactSensitiveHeaders } from './redact-headers.js';

/** What the request log line of one HTTP request says. */
export interface RequestLogRecord {
  /** Normalized method (`GET`, …, `_OTHER`). */
  readonly method: string;
  /** Route template or `unmatched`. */
  readonly route: string;
  readonly status: number;
  /** URL path without the query string. */
  readonly path: string;
  /** Duration in nanoseconds (ECS `event.duration`). */
  readonly durationNs: number;
  /** Ids of the request's span; `undefined` when it has no valid span context. */
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  /** The request's tenant (baggage), written as `tracseq.tenant_id`. */
  readonly tenantId: string | undefined;
  /** Set when the request was left out of the SLIs (`tracseq.sli_excluded`). */
  readonly sliExcluded: string | undefined;
}

/**
 * Writes one request line. Returns `false` when it cannot take the fast path (configured redact
 * paths apply to every line, so such lines must go through pino): the caller then logs the same
 * fields with `logger.info`.
 */
export type RequestLineWriter = (record: RequestLogRecord) => boolean;

/** Field of a request left out of the SLIs (log line and span attribute). */
export const SLI_EXCLUDED_FIELD = 'tracseq.sli_excluded';

// pino keeps the serialized bindings (`,"process.pid":…,"service.name":…`) under this symbol;
// pino exports its symbols for exactly this kind of integration.
const CHINDINGS = symbols.chindingsSym;

/**
 * `value` as a JSON string. Only control characters, `"` and `\\` need escaping (and lone
 * surrogates, which JSON.stringify writes as escapes); anything else is copied as is.
 */
function jsonString(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) {
      return JSON.stringify(value);
    }
  }
  return `"${value}"`;
}

/**
 * `@timestamp` as `toISOString()` writes it, with the part up to the second rebuilt only when
 * the second changes (ECS formatting with a new Date per line cost ~1.5 µs).
 */
function isoClock(): () => string {
  let second = -1;
  let prefix = '';
  return () => {
    const now = Date.now();
    const s = Math.floor(now / 1000);
    if (s !== second) {
      second = s;
      prefix = new Date(s * 1000).toISOString().slice(0, 20);
    }
    const ms = now - s * 1000;
    return `${prefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  };
}

/**
 * The request line fast path: the line `logger.info(fields, message)` would write for a request
 * (same fields, same order: level, `@timestamp`, the logger's bindings incl. `service.name` and
 * `ecs.version`, trace correlation, tenant, the request fields, `message`), built as one string
 * and written to the logger's own destination, so stdout and the Elasticsearch shipper (with its
 * counting) see it exactly like any other line.
 *
 * It skips what cannot change this line: pino's per-call merging, the ECS `log` formatter (no
 * `err`/`req`/`res` here), the mixin (the record carries the span ids and tenant), and the
 * sensitive-header scan, which cannot match: every field name is fixed here, and inside a JSON
 * string every `"` is escaped, so `,"cookie":` cannot appear in a value. The bindings are scanned
 * once per change instead. With `redactPaths` configured it declines, so those paths keep
 * applying to request lines exactly as before.
 */
export function createRequestLineWriter(
  logger: Logger,
  destination: DestinationStream,
  redactPaths: readonly string[],
): RequestLineWriter {
  if (redactPaths.length > 0) return () => false;
  const timestamp = isoClock();
  const holder = logger as unknown as Record<symbol, unknown>;
  let rawBindings: unknown;
  let bindings = '';
  return (r) => {
    if (!logger.isLevelEnabled('info')) return true;
    const current = holder[CHINDINGS];
    if (current !== rawBindings) {
      rawBindings = current;
      bindings = typeof current === 'string' ? redactSensitiveHeaders(current) : '';
    }
    let line = `{"log.level":"info","@timestamp":"${timestamp()}"${bindings}`;
    if (r.traceId !== undefined && r.spanId !== undefined) {
      line += `,"${TRACE_ID_FIELD}":"${r.traceId}","${SPAN_ID_FIELD}":"${r.spanId}"`;
    }
    if (r.tenantId !== undefined && r.tenantId !== '') {
      line += `,"${TENANT_ID_FIELD}":${jsonString(r.tenantId)}`;
    }
    const route = jsonString(r.route);
    line +=
      `,"http":{"request":{"method":${jsonString(r.method)}},"response":{"status_code":${r.status}}}` +
      `,"url":{"path":${jsonString(r.path)}},"http.route":${route},"event":{"duration":${r.durationNs}}`;
    if (r.sliExcluded !== undefined) line += `,"${SLI_EXCLUDED_FIELD}":${jsonString(r.sliExcluded)}`;
    line += `,"message":${jsonString(`${r.method} ${r.route} ${r.status}`)}}\n`;
    destination.write(line);
    return true;
  };
}
