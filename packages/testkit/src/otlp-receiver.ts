import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { waitFor } from './wait-for.js';

// Jaeger, Tempo and the OTel Collector are not installable here, so tests export to this double.
// It decodes the real wire formats: protobuf with the message definitions below (field numbers
// copied from opentelemetry-proto, trimmed to what a trace export carries) and OTLP/JSON. Package
// names are kept so the fully qualified type names match the official ones.
const COMMON_PROTO = `
syntax = "proto3";
package opentelemetry.proto.common.v1;
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
`;

const RESOURCE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.resource.v1;
message Resource {
  repeated .opentelemetry.proto.common.v1.KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
`;

const TRACE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.trace.v1;
message ResourceSpans {
  .opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ScopeSpans {
  .opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  enum SpanKind {
    SPAN_KIND_UNSPECIFIED = 0;
    SPAN_KIND_INTERNAL = 1;
    SPAN_KIND_SERVER = 2;
    SPAN_KIND_CLIENT = 3;
    SPAN_KIND_PRODUCER = 4;
    SPAN_KIND_CONSUMER = 5;
  }
  SpanKind kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated .opentelemetry.proto.common.v1.KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated .opentelemetry.proto.common.v1.KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  message Link {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    repeated .opentelemetry.proto.common.v1.KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5;
    fixed32 flags = 6;
  }
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
message Status {
  reserved 1;
  string message = 2;
  enum StatusCode {
    STATUS_CODE_UNSET = 0;
    STATUS_CODE_OK = 1;
    STATUS_CODE_ERROR = 2;
  }
  StatusCode code = 3;
}
`;

const TRACE_SERVICE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.collector.trace.v1;
message ExportTraceServiceRequest {
  repeated .opentelemetry.proto.trace.v1.ResourceSpans resource_spans = 1;
}
`;

/** Lazily built: most test files never start a receiver. */
let requestType: protobuf.Type | undefined;
function exportTraceServiceRequest(): protobuf.Type {
  if (!requestType) {
    const root = new protobuf.Root();
    for (const source of [COMMON_PROTO, RESOURCE_PROTO, TRACE_PROTO, TRACE_SERVICE_PROTO]) {
      protobuf.parse(source, root);
    }
    root.resolveAll();
    requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  }
  return requestType;
}

/**
 * How the receiver answers: normally; with HTTP 500 (not retryable in OTLP), 503 or 429 (both
 * retryable, see {@link OtlpReceiverModeOptions.retryAfterSeconds}); never (holding the request);
 * or not at all (port closed: connection refused).
 */
export type OtlpReceiverMode = 'up' | 'fail500' | 'fail503' | 'fail429' | 'stall' | 'down';

/** Options of {@link OtlpReceiver.setMode}. */
export interface OtlpReceiverModeOptions {
  /** `Retry-After` (seconds) on 429 and 503 answers; none when absent. */
  readonly retryAfterSeconds?: number;
}

/** Status each failing mode answers with. */
const FAILURE_STATUS: Partial<Record<OtlpReceiverMode, number>> = {
  fail500: 500,
  fail503: 503,
  fail429: 429,
};

/** A span event, normalised from either wire format. */
export interface ReceivedSpanEvent {
  readonly name: string;
  /** Nanoseconds since the epoch, as a decimal string (int64 does not fit a number). */
  readonly timeUnixNano: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A span as the receiver decoded it, the same shape for protobuf and JSON payloads. */
export interface ReceivedSpan {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
  /** Absent for root spans. */
  readonly parentSpanId?: string;
  readonly name: string;
  /** OTLP `SpanKind` number: 1 internal, 2 server, 3 client, 4 producer, 5 consumer (not the JS API's enum). */
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  /** Attribute values: string, boolean, number (bigint past 2^53), array, nested record or Uint8Array. */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** OTLP status: code 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message?: string };
  readonly resource: Readonly<Record<string, unknown>>;
  readonly scope: { readonly name: string; readonly version?: string };
  readonly events: readonly ReceivedSpanEvent[];
}

/** One HTTP request the receiver saw, whatever it answered. */
export interface OtlpReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  /** Request headers as Node parsed them (lowercase names). */
  readonly headers: IncomingHttpHeaders;
  /** The mode the receiver was in when the request arrived. */
  readonly mode: OtlpReceiverMode;
  /** Status answered; absent while stalled (and forever if never released). */
  readonly status?: number;
  /** Spans decoded from the body (0 when it was not decoded). */
  readonly spanCount: number;
}

/** A fake OTLP/HTTP trace collector on 127.0.0.1. */
export interface OtlpReceiver {
  /** Base URL to use as `OTEL_EXPORTER_OTLP_ENDPOINT` (exporters append `/v1/traces`). */
  readonly url: string;
  /** Full traces URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`). */
  readonly tracesUrl: string;
  /** Every span accepted so far, in arrival order. Spans of failed or stalled requests are not kept. */
  readonly spans: readonly ReceivedSpan[];
  /** Every request seen so far, in arrival order. */
  readonly requests: readonly OtlpReceivedRequest[];
  readonly mode: OtlpReceiverMode;
  /**
   * Switches behaviour for the next requests. `down` closes the port (connection refused) and drops
   * open connections; leaving `down` listens again on the same port. Requests already stalled stay
   * stalled (as with a hung collector) until {@link OtlpReceiver.close}; switching back to `up`
   * recovers for new requests.
   */
  setMode(mode: OtlpReceiverMode, options?: OtlpReceiverModeOptions): Promise<void>;
  /**
   * Resolves with the accepted spans matching `predicate` once there are at least `minCount` of them,
   * counting spans received before the call too; rejects after `timeoutMs` (default 10 s).
   */
  waitForSpans(
    predicate: (span: ReceivedSpan) => boolean,
    timeoutMs?: number,
    minCount?: number,
  ): Promise<ReceivedSpan[]>;
  /** Stops listening and destroys every connection, stalled ones included. */
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/** Reads a field by its lowerCamelCase name or its proto name: OTLP/JSON receivers must accept both. */
function field(object: Json, camel: string): unknown {
  if (camel in object) return object[camel];
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return object[snake];
}

function list(object: Json, camel: string): Json[] {
  const value = field(object, camel);
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function text(object: Json, camel: string): string | undefined {
  const value = field(object, camel);
  return typeof value === 'string' ? value : undefined;
}

/** Protobuf ids arrive as bytes, OTLP/JSON ids as hex strings; both end up lowercase hex. */
function id(value: unknown): string | undefined {
  if (value instanceof Uint8Array) return value.length === 0 ? undefined : Buffer.from(value).toString('hex');
  if (typeof value === 'string') return value === '' ? undefined : value.toLowerCase();
  return undefined;
}

function int64(value: unknown): unknown {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const big = BigInt(value);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(big)
      : big;
  }
  return value;
}

function double(value: unknown): unknown {
  // proto3 JSON spells non-finite doubles as strings.
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  return typeof value === 'string' ? Number.parseFloat(value) : value;
}

function anyValue(value: unknown): unknown {
  if (!isRecord(value)) return undefined;
  const has = (name: string) => field(value, name) !== undefined;
  if (has('stringValue')) return field(value, 'stringValue');
  if (has('boolValue')) return field(value, 'boolValue');
  if (has('intValue')) return int64(field(value, 'intValue'));
  if (has('doubleValue')) return double(field(value, 'doubleValue'));
  if (has('arrayValue')) {
    const array = field(value, 'arrayValue');
    return isRecord(array) ? list(array, 'values').map(anyValue) : [];
  }
  if (has('kvlistValue')) {
    const kvlist = field(value, 'kvlistValue');
    return isRecord(kvlist) ? attributes(kvlist, 'values') : {};
  }
  if (has('bytesValue')) {
    const bytes = field(value, 'bytesValue');
    return typeof bytes === 'string' ? Buffer.from(bytes, 'base64') : bytes;
  }
  return undefined;
}

function attributes(object: Json, camel: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const kv of list(object, camel)) {
    const key = text(kv, 'key');
    if (key !== undefined) result[key] = anyValue(field(kv, 'value'));
  }
  return result;
}

function nanos(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint')
    return String(value);
  return '0';
}

function enumNumber(value: unknown, names: readonly string[]): number {
  if (typeof value === 'number') return value;
  // Tolerate enum names, which proto3 JSON allows even though OTLP/JSON requires numbers.
  if (typeof value === 'string') return Math.max(0, names.indexOf(value));
  return 0;
}

const SPAN_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/** Flattens an ExportTraceServiceRequest (decoded protobuf or parsed JSON, camelCase) into spans. */
function normalise(request: Json): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of list(request, 'resourceSpans')) {
    const resourceObject = field(resourceSpans, 'resource');
    const resource = isRecord(resourceObject) ? attributes(resourceObject, 'attributes') : {};
    for (const scopeSpans of list(resourceSpans, 'scopeSpans')) {
      const scopeObject = field(scopeSpans, 'scope');
      const scopeName = isRecord(scopeObject) ? (text(scopeObject, 'name') ?? '') : '';
      const scopeVersion = isRecord(scopeObject) ? text(scopeObject, 'version') : undefined;
      for (const span of list(scopeSpans, 'spans')) {
        const statusObject = field(span, 'status');
        const statusMessage = isRecord(statusObject) ? text(statusObject, 'message') : undefined;
        const parentSpanId = id(field(span, 'parentSpanId'));
        spans.push({
          traceId: id(field(span, 'traceId')) ?? '',
          spanId: id(field(span, 'spanId')) ?? '',
          ...(parentSpanId === undefined ? {} : { parentSpanId }),
          name: text(span, 'name') ?? '',
          kind: enumNumber(field(span, 'kind'), SPAN_KINDS),
          startTimeUnixNano: nanos(field(span, 'startTimeUnixNano')),
          endTimeUnixNano: nanos(field(span, 'endTimeUnixNano')),
          attributes: attributes(span, 'attributes'),
          status: {
            code: isRecord(statusObject) ? enumNumber(field(statusObject, 'code'), STATUS_CODES) : 0,
            ...(statusMessage ? { message: statusMessage } : {}),
          },
          resource,
          scope: { name: scopeName, ...(scopeVersion ? { version: scopeVersion } : {}) },
          events: list(span, 'events').map((event) => ({
            name: text(event, 'name') ?? '',
            timeUnixNano: nanos(field(event, 'timeUnixNano')),
            attributes: attributes(event, 'attributes'),
          })),
        });
      }
    }
  }
  return spans;
}

/** Decodes an OTLP/HTTP trace payload of either content type into spans. */
export function decodeOtlpTraces(body: Uint8Array, contentType: string): ReceivedSpan[] {
  if (contentType.startsWith('application/x-protobuf')) {
    const type = exportTraceServiceRequest();
    const message = type.decode(body);
    // Keep bytes as bytes (ids become hex later) and int64 as decimal strings, so nothing is rounded.
    return normalise(type.toObject(message, { longs: String, enums: Number, arrays: true }) as Json);
  }
  if (contentType.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    if (!isRecord(parsed)) throw new Error('OTLP/JSON body is not an object');
    return normalise(parsed);
  }
  throw new Error(`unsupported content-type ${contentType}`);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/** Starts an OTLP/HTTP trace receiver on a free loopback port, in mode `up`. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: OtlpReceivedRequest[] = [];
  const stalled = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let mode: OtlpReceiverMode = 'up';
  let modeOptions: OtlpReceiverModeOptions = {};

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const contentType = (request.headers['content-type'] ?? '').toLowerCase();
    const arrivedIn = mode;
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const record = (status: number | undefined, spanCount: number) => {
      const entry = {
        method: request.method ?? 'GET',
        path,
        contentType,
        headers: request.headers,
        mode: arrivedIn,
        spanCount,
      };
      requests.push(status === undefined ? entry : { ...entry, status });
    };
    if (request.method !== 'POST' || path !== '/v1/traces') {
      request.resume();
      record(404, 0);
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only POST /v1/traces is served');
      return;
    }
    const body = await readBody(request);
    if (arrivedIn === 'stall') {
      // Hold the response: the exporter must give up on its own timeout.
      record(undefined, 0);
      stalled.add(response);
      response.on('close', () => stalled.delete(response));
      return;
    }
    const failure = FAILURE_STATUS[arrivedIn];
    if (failure !== undefined) {
      record(failure, 0);
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (failure !== 500 && modeOptions.retryAfterSeconds !== undefined) {
        headers['retry-after'] = String(modeOptions.retryAfterSeconds);
      }
      response.writeHead(failure, headers).end('simulated collector failure');
      return;
    }
    let decoded: ReceivedSpan[];
    try {
      decoded = decodeOtlpTraces(body, contentType);
    } catch (error) {
      const unsupported = !/^application\/(x-protobuf|json)/.test(contentType);
      record(unsupported ? 415 : 400, 0);
      response
        .writeHead(unsupported ? 415 : 400, { 'content-type': 'text/plain' })
        .end(error instanceof Error ? error.message : String(error));
      return;
    }
    spans.push(...decoded);
    record(200, decoded.length);
    // An empty ExportTraceServiceResponse: zero bytes in protobuf, `{}` in JSON.
    if (contentType.startsWith('application/json')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else {
      response.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      }
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
    });

  await listen(0);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    spans,
    requests,
    get mode() {
      return mode;
    },
    async setMode(next, options = {}) {
      modeOptions = options;
      if (next === mode) return;
      const previous = mode;
      mode = next;
      if (next === 'down') await stopListening();
      else if (previous === 'down') await listen(port);
    },
    waitForSpans: (predicate, timeoutMs = 10_000, minCount = 1) =>
      waitFor(
        () => {
          const matching = spans.filter(predicate);
          return matching.length >= minCount ? matching : undefined;
        },
        {
          timeoutMs,
          intervalMs: 20,
          description: `${minCount} matching span(s) at ${url}/v1/traces`,
        },
      ),
    close: async () => {
      for (const response of stalled) response.destroy();
      stalled.clear();
      await stopListening();
    },
  };
}
