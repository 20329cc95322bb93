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
  /** The exception that reached Express's final handler, written as ECS `error.*`. */
  readonly error?: unknown;
}

/** Field of a request left out of the SLIs (log line and span attribute). */
export const SLI_EXCLUDED_FIELD = 'tracseq.sli_excluded';

/** pino level of a request line. */
export type RequestLogLevel = 'info' | 'warn' | 'error';

/**
 * A 5xx answer is an error of the service; a 4xx that an exception produced (a malformed body, say)
 * is worth a warning; anything else is information.
 */
export function requestLogLevel(record: RequestLogRecord): RequestLogLevel {
  if (record.status >= 500) return 'error';
  return record.error === undefined ? 'info' : 'warn';
}

/** `message` of a request line: `GET /api/samples/:id 200`. */
export function requestLogMessage(record: RequestLogRecord): string {
  return `${record.method} ${record.route} ${record.status}`;
}

/** One request field: where it goes in the line and where its value comes from. */
export interface RequestLogField {
  /** Object path in the line: `['http', 'request', 'method']` is `{"http":{"request":{"method":…}}}`. */
  readonly key: readonly string[];
  /** Left out of the line when its value is `undefined`; only top-level fields can be. */
  readonly optional?: boolean;
  /**
   * Its value depends on nothing but the request's method, route and status (the HTTP
   * histogram's label set): the fast path renders it once per such triple.
   */
  readonly perLabelSet?: boolean;
  readonly value: (record: RequestLogRecord) => string | number | undefined;
}

/**
 * The request fields of a request line, in line order: the one definition both the pino path
 * ({@link requestLogFields}) and the fast path (`createRequestLineWriter`) are built from. The
 * correlation fields (`trace.id`, `span.id`, `tracseq.tenant_id`) are not here: on the pino path
 * the logger's mixin adds them from the request's context, as on every other line.
 */
export const REQUEST_LOG_FIELDS: readonly RequestLogField[] = [
  { key: ['http', 'request', 'method'], perLabelSet: true, value: (r) => r.method },
  { key: ['http', 'response', 'status_code'], perLabelSet: true, value: (r) => r.status },
  { key: ['url', 'path'], value: (r) => r.path },
  { key: ['http.route'], perLabelSet: true, value: (r) => r.route },
  { key: ['event', 'duration'], value: (r) => r.durationNs },
  { key: [SLI_EXCLUDED_FIELD], optional: true, value: (r) => r.sliExcluded },
];

/** The request fields as the object `logger.info(fields, message)` takes (the pino path). */
export function requestLogFields(record: RequestLogRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of REQUEST_LOG_FIELDS) {
    const value = field.value(record);
    if (value === undefined) continue;
    let target = fields;
    const last = field.key.length - 1;
    for (let i = 0; i < last; i++) {
      const name = field.key[i] as string;
      target[name] ??= {};
      target = target[name] as Record<string, unknown>;
    }
    target[field.key[last] as string] = value;
  }
  return fields;
}

/** A piece of the serialized request fields: closers always written, then `prefix` + the value. */
export interface RequestLineSegment {
  /** `}` that close the previous field's objects; written even when this field is left out. */
  readonly close: string;
  /** `,"http":{"request":{"method":` — written with the value. */
  readonly prefix: string;
  readonly field: RequestLogField;
}

/**
 * {@link REQUEST_LOG_FIELDS} turned into JSON text around the values, computed once: the fast path
 * concatenates `close`, `prefix` and the encoded value per field, then `suffix`. Every field
 * starts with `,`: the line has `log.level` and `@timestamp` before them.
 */
export function compileRequestLine(fields: readonly RequestLogField[]): {
  readonly segments: readonly RequestLineSegment[];
  readonly suffix: string;
} {
  const segments: RequestLineSegment[] = [];
  const open: string[] = [];
  /** Members written so far in each open object. */
  const members: number[] = [];
  const separator = () => (open.length === 0 || (members.at(-1) ?? 0) > 0 ? ',' : '');
  for (const field of fields) {
    const parents = field.key.slice(0, -1);
    let common = 0;
    while (common < open.length && common < parents.length && open[common] === parents[common]) common++;
    let close = '';
    while (open.length > common) {
      close += '}';
      open.pop();
      members.pop();
    }
    if (field.optional && parents.length > 0) {
      // Leaving out a nested field would leave its object's commas and braces wrong.
      throw new Error(`request log field ${field.key.join('.')}: only top-level fields can be optional`);
    }
    let prefix = '';
    for (const parent of parents.slice(common)) {
      prefix += `${separator()}${JSON.stringify(parent)}:{`;
      if (members.length > 0) members[members.length - 1] = (members.at(-1) ?? 0) + 1;
      open.push(parent);
      members.push(0);
    }
    prefix += `${separator()}${JSON.stringify(field.key.at(-1))}:`;
    if (members.length > 0) members[members.length - 1] = (members.at(-1) ?? 0) + 1;
    segments.push({ close, prefix, field });
  }
  return { segments, suffix: '}'.repeat(open.length) };
}
