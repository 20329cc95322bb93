import { type DestinationStream, type Logger, symbols } from 'pino';
import { LabelSetMap } from '../metrics/label-set-map.js';
import { SPAN_ID_FIELD, TENANT_ID_FIELD, TRACE_ID_FIELD } from './log-context-mixin.js';
import { redactSensitiveHeaders } from './redact-headers.js';
import {
  compileRequestLine,
  REQUEST_LOG_FIELDS,
  type RequestLineSegment,
  type RequestLogRecord,
  requestLogLevel,
  requestLogMessage,
} from './request-log-fields.js';

/**
 * Writes one request line. Returns `false` when it cannot take the fast path (configured redact
 * paths apply to every line, and an exception needs pino's error serializer): the caller then
 * logs the same record through pino (`requestLogFields`, `requestLogLevel`, `requestLogMessage`).
 */
export type RequestLineWriter = (record: RequestLogRecord) => boolean;

// pino keeps the serialized bindings (`,"process.pid":…,"service.name":…`) under this symbol;
// pino exports its symbols for exactly this kind of integration.
const CHINDINGS = symbols.chindingsSym;

const { segments: SEGMENTS, suffix: SUFFIX } = compileRequestLine(REQUEST_LOG_FIELDS);

/**
 * The segments in line order, consecutive per-label-set ones joined into one run: the fast path
 * writes a run's text from its cache and renders the others (`url.path`, `event.duration`, …)
 * per request.
 */
const RUNS: readonly (readonly RequestLineSegment[])[] = (() => {
  const runs: RequestLineSegment[][] = [];
  let previousCached = false;
  for (const segment of SEGMENTS) {
    const cached = segment.field.perLabelSet === true;
    if (cached && previousCached) runs.at(-1)?.push(segment);
    else runs.push([segment]);
    previousCached = cached;
  }
  return runs;
})();

/** Label sets whose line texts are kept; past it, lines are rendered in full (still correct). */
const MAX_CACHED_LABEL_SETS = 4096;

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

/** `segment` with its value for `r`, as the line carries it (only `close` when left out). */
function renderSegment(segment: RequestLineSegment, r: RequestLogRecord): string {
  const value = segment.field.value(r);
  if (value === undefined) return segment.close;
  if (typeof value === 'string') return segment.close + segment.prefix + jsonString(value);
  return segment.close + segment.prefix + (Number.isFinite(value) ? String(value) : 'null');
}

/**
 * A request line's pieces per {@link RUNS} entry: the text of a per-label-set run, or the segment
 * to render per request; then the line's end (`SUFFIX` and `message`).
 */
type LinePieces = readonly (string | RequestLineSegment)[];

/** The {@link LinePieces} of `r`'s label set (method, route, status), rendered once per label set. */
class LabelSetTexts {
  readonly #pieces = new LabelSetMap<LinePieces>();

  get(r: RequestLogRecord): LinePieces {
    const known = this.#pieces.get(r.route, r.status, r.method, '');
    if (known !== undefined) return known;
    const pieces: (string | RequestLineSegment)[] = RUNS.map((run) =>
      run[0]?.field.perLabelSet === true
        ? run.map((segment) => renderSegment(segment, r)).join('')
        : (run[0] as RequestLineSegment),
    );
    pieces.push(`${SUFFIX},"message":${jsonString(requestLogMessage(r))}}\n`);
    if (this.#pieces.size < MAX_CACHED_LABEL_SETS) this.#pieces.set(r.route, r.status, r.method, '', pieces);
    return pieces;
  }
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
 * The request line fast path: the line `logger[level](requestLogFields(r), message)` would write
 * for a request inside its span (same fields, same order: level, `@timestamp`, the logger's
 * bindings incl. `service.name` and `ecs.version`, trace correlation, tenant, the request fields,
 * `message`), built as one string from {@link REQUEST_LOG_FIELDS} and written to the logger's own
 * destination, so stdout and the Elasticsearch shipper (with its counting) see it exactly like
 * any other line.
 *
 * It skips what cannot change this line: pino's per-call merging, the ECS `log` formatter (no
 * `err`/`req`/`res` here), the mixin (the record carries the span ids and tenant), and the
 * sensitive-header scan, which cannot match: every field name is fixed here, and inside a JSON
 * string every `"` is escaped, so `,"cookie":` cannot appear in a value. The bindings are scanned
 * once per change instead. With `redactPaths` configured, or for a request that ended in an
 * exception, it declines, so those lines go through pino.
 */
export function createRequestLineWriter(
  logger: Logger,
  destination: DestinationStream,
  redactPaths: readonly string[],
): RequestLineWriter {
  if (redactPaths.length > 0) return () => false;
  const timestamp = isoClock();
  const labelSetTexts = new LabelSetTexts();
  const holder = logger as unknown as Record<symbol, unknown>;
  let rawBindings: unknown;
  let bindings = '';
  return (r) => {
    if (r.error !== undefined) return false;
    const level = requestLogLevel(r);
    if (!logger.isLevelEnabled(level)) return true;
    const current = holder[CHINDINGS];
    if (current !== rawBindings) {
      rawBindings = current;
      bindings = typeof current === 'string' ? redactSensitiveHeaders(current) : '';
    }
    let line = `{"log.level":"${level}","@timestamp":"${timestamp()}"${bindings}`;
    if (r.traceId !== undefined && r.spanId !== undefined) {
      line += `,"${TRACE_ID_FIELD}":"${r.traceId}","${SPAN_ID_FIELD}":"${r.spanId}"`;
    }
    if (r.tenantId !== undefined && r.tenantId !== '') {
      line += `,"${TENANT_ID_FIELD}":${jsonString(r.tenantId)}`;
    }
    for (const piece of labelSetTexts.get(r)) {
      line += typeof piece === 'string' ? piece : renderSegment(piece, r);
    }
    destination.write(line);
    return true;
  };
}
