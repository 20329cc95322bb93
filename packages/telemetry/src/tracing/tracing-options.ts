import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { SpanDropReason, TracingEventLogger } from './span-loss-ledger.js';

/** Sampler names of `OTEL_TRACES_SAMPLER` that the toolkit supports. */
export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** One of {@link SAMPLER_NAMES}. */
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** A sampler as `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` describe it. */
export interface SamplerConfig {
  readonly name: SamplerName;
  /** Ratio in [0, 1] for the `*traceidratio` samplers (default 1); ignored by the others. */
  readonly arg?: number;
}

/** OTLP/HTTP encodings (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`); gRPC is not supported. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;

/**
 * Default {@link TracingOptions.maxExportBatchSize}: the whole default queue, four times the OTel
 * SDK's 512. An export costs the service mostly per request, not per span (the export worker's
 * HTTP request alone ~0.4-0.8 ms of CPU), so batches of 2048 cost ~2 µs less CPU per span in
 * `bench/`. It costs no headroom: one export runs at a time and takes up to a batch out of the
 * queue when it starts, so spans are dropped once a whole queue of them ends during one export;
 * a batch as large as the queue empties it every time. Queued spans are bytes (`SpanEncoder`), so
 * a large batch holds no span objects either; under sustained load the process still ended
 * 7-41 MiB above batches of 512 in `bench/` (V8 sizes its young generation by what survives).
 */
export const DEFAULT_MAX_EXPORT_BATCH_SIZE = 2048;

/** One of {@link OTLP_PROTOCOLS}. */
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/**
 * Options of {@link createTracing}. Each maps to an `OTEL_*` variable; parsing the environment is
 * the caller's job, so this module stays pure and testable.
 */
export interface TracingOptions {
  /** `service.name` (`OTEL_SERVICE_NAME`); wins over a `service.name` in {@link resourceAttributes}. */
  readonly serviceName: string;
  /** `service.version`. */
  readonly serviceVersion?: string;
  /** Extra resource attributes, e.g. parsed from `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** OTLP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`, default `http://localhost:4318`); `/v1/traces` is appended. */
  readonly endpoint?: string;
  /** Full traces URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), used as is; wins over {@link endpoint}. */
  readonly tracesEndpoint?: string;
  /** Wire encoding (default `http/protobuf`, as the OTel spec recommends). */
  readonly protocol?: OtlpProtocol;
  /** Extra request headers for the collector (`OTEL_EXPORTER_OTLP_HEADERS`), e.g. an auth token. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Default `parentbased_always_on`. */
  readonly sampler?: SamplerConfig;
  /** `OTEL_SDK_DISABLED`: a no-op tracer, nothing registered or exported. */
  readonly disabled?: boolean;
  /**
   * Spans waiting for export (default 2048; the OTel SDK's `OTEL_BSP_MAX_QUEUE_SIZE`, which is not
   * read here); past it spans are dropped and counted.
   */
  readonly maxQueueSize?: number;
  /**
   * Spans per export request (the SDK's `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, not read here), at most
   * {@link maxQueueSize}; default {@link DEFAULT_MAX_EXPORT_BATCH_SIZE} or the queue size if
   * smaller. One export runs at a time, so a collector that answers in `r` ms takes at most one
   * batch per `r`: larger batches suit a slow collector and cost less CPU per span.
   */
  readonly maxExportBatchSize?: number;
  /**
   * Longest wait before a batch is sent (default 5000 ms; the SDK's `OTEL_BSP_SCHEDULE_DELAY`, not
   * read here).
   */
  readonly scheduledDelayMs?: number;
  /**
   * Time allowed for one export, retries included (default 10000 ms; the SDK's
   * `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, not read here).
   */
  readonly exportTimeoutMs?: number;
  /** Replaces the OTLP exporter (tests inject an `InMemorySpanExporter`). */
  readonly exporter?: SpanExporter;
  /**
   * Called with the number of spans that will never reach the collector and why (queue full,
   * export failed for good, shutdown); wire it to the contract counter
   * `tracseq_telemetry_spans_dropped_total{reason}`. Exceptions it throws are swallowed.
   */
  readonly onSpansDropped?: (count: number, reason: SpanDropReason) => void;
  /**
   * Where export outages (one warning each, with the reason and the endpoint), recoveries and a
   * full queue are reported; OTel's `diag` logger when absent.
   */
  readonly logger?: TracingEventLogger;
  /**
   * Install the tracer provider, the W3C tracecontext + baggage propagator and an
   * AsyncLocalStorage context manager as the process-wide OTel globals (default `true`).
   */
  readonly registerGlobal?: boolean;
}

/** {@link TracingOptions} after validation, with every default applied. */
export interface ResolvedTracingOptions {
  readonly serviceName: string;
  readonly serviceVersion: string | undefined;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly tracesUrl: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly sampler: Required<SamplerConfig>;
  readonly disabled: boolean;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
  readonly exportTimeoutMs: number;
  readonly exporter: SpanExporter | undefined;
  readonly onSpansDropped: ((count: number, reason: SpanDropReason) => void) | undefined;
  readonly logger: TracingEventLogger | undefined;
  readonly registerGlobal: boolean;
}

/** OTLP/HTTP's default port on localhost, as the OTel spec gives it. */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

function fail(field: string, value: unknown, expected: string): never {
  throw new Error(
    `createTracing: ${field} is ${JSON.stringify(value) ?? String(value)}; expected ${expected}`,
  );
}

function positiveInteger(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) fail(field, value, 'a positive integer');
  return value;
}

function httpUrl(field: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(field, value, 'an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(field, value, 'an absolute http:// or https:// URL');
  }
  return url;
}

/**
 * The traces URL as the OTel exporter spec derives it: a signal-specific endpoint is used as is;
 * the generic endpoint is a base URL to which `v1/traces` is appended after its path.
 */
export function resolveTracesUrl(endpoint: string | undefined, tracesEndpoint: string | undefined): string {
  if (tracesEndpoint !== undefined) return httpUrl('tracesEndpoint', tracesEndpoint).href;
  const base = httpUrl('endpoint', endpoint ?? DEFAULT_OTLP_ENDPOINT);
  // `new URL('v1/traces', base)` would drop the base's last path segment unless it ends in '/'.
  const path = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return new URL(`${path}v1/traces`, base).href;
}

/** Validates {@link TracingOptions} and applies defaults; throws an Error naming the bad field. */
export function resolveTracingOptions(options: TracingOptions): ResolvedTracingOptions {
  if (typeof options.serviceName !== 'string' || options.serviceName.trim() === '') {
    fail('serviceName', options.serviceName, 'a non-empty string');
  }
  const samplerName = options.sampler?.name ?? 'parentbased_always_on';
  if (!(SAMPLER_NAMES as readonly string[]).includes(samplerName)) {
    fail('sampler.name', samplerName, `one of ${SAMPLER_NAMES.join(', ')}`);
  }
  const samplerArg = options.sampler?.arg ?? 1;
  if (typeof samplerArg !== 'number' || !Number.isFinite(samplerArg) || samplerArg < 0 || samplerArg > 1) {
    fail('sampler.arg', samplerArg, 'a number in [0, 1]');
  }
  const protocol = options.protocol ?? 'http/protobuf';
  if (!(OTLP_PROTOCOLS as readonly string[]).includes(protocol)) {
    fail('protocol', protocol, `one of ${OTLP_PROTOCOLS.join(', ')}`);
  }
  for (const [key, value] of Object.entries(options.resourceAttributes ?? {})) {
    if (typeof value !== 'string') fail(`resourceAttributes.${key}`, value, 'a string');
  }
  const maxQueueSize = positiveInteger('maxQueueSize', options.maxQueueSize, 2048);
  const maxExportBatchSize = positiveInteger(
    'maxExportBatchSize',
    options.maxExportBatchSize,
    Math.min(DEFAULT_MAX_EXPORT_BATCH_SIZE, maxQueueSize),
  );
  if (maxExportBatchSize > maxQueueSize) {
    fail('maxExportBatchSize', maxExportBatchSize, `at most maxQueueSize (${maxQueueSize})`);
  }
  return {
    serviceName: options.serviceName,
    serviceVersion: options.serviceVersion,
    resourceAttributes: options.resourceAttributes ?? {},
    tracesUrl: resolveTracesUrl(options.endpoint, options.tracesEndpoint),
    protocol,
    headers: options.headers ?? {},
    sampler: { name: samplerName, arg: samplerArg },
    disabled: options.disabled ?? false,
    maxQueueSize,
    maxExportBatchSize,
    scheduledDelayMs: positiveInteger('scheduledDelayMs', options.scheduledDelayMs, 5000),
    exportTimeoutMs: positiveInteger('exportTimeoutMs', options.exportTimeoutMs, 10_000),
    exporter: options.exporter,
    onSpansDropped: options.onSpansDropped,
    logger: options.logger,
    registerGlobal: options.registerGlobal ?? true,
  };
}
