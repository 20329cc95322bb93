import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import {
  type IExportTraceServiceResponse,
  type ISerializer,
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper,
} from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { encodeTraceRequest } from './otlp-protobuf.js';
import type { OtlpProtocol } from './tracing-options.js';

/** Options of {@link createOtlpTraceExporter}. */
export interface OtlpTraceExporterOptions {
  /** Full traces URL, e.g. `http://localhost:4318/v1/traces`. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly headers?: Readonly<Record<string, string>>;
  /** Budget for one export including the exporter's own retries. */
  readonly timeoutMs: number;
}

/** Our single-pass encoder (same bytes as the SDK's), the SDK's response decoder. */
const PROTOBUF_SERIALIZER: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = {
  serializeRequest: encodeTraceRequest,
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};

/**
 * OTLP/HTTP protobuf trace exporter: `@opentelemetry/exporter-trace-otlp-http` only speaks JSON;
 * this is what `@opentelemetry/exporter-trace-otlp-proto` does (the Node HTTP delegate with its
 * retry policy and bounded concurrency), with two differences on the hot path:
 *
 * - the batch is encoded by {@link encodeTraceRequest}, which writes the same bytes as the SDK's
 *   serializer in one pass;
 * - encoding and sending start on the next turn of the event loop (`setImmediate`), not inside
 *   `export()`. The BatchSpanProcessor calls `export()` synchronously from the `span.end()` that
 *   fills a batch, so the request ending that span used to pay for serializing 512 spans.
 *   The processor's queue accounting is unchanged: it takes the batch out of its queue at the
 *   same moment, and waits for the result callback as before.
 */
class OtlpProtobufTraceExporter implements SpanExporter {
  private readonly delegate: IOtlpExportDelegate<ReadableSpan[]>;
  /** Exports handed over but not started yet (waiting for `setImmediate`). */
  private pending = 0;
  private drained: (() => void)[] = [];

  constructor(config: ConstructorParameters<typeof OTLPTraceExporter>[0]) {
    this.delegate = createOtlpHttpExportDelegate(
      convertLegacyHttpOptions(config ?? {}, 'TRACES', 'v1/traces', {
        'Content-Type': 'application/x-protobuf',
      }),
      PROTOBUF_SERIALIZER,
      'otlp_http_span_exporter',
      TraceExporterMetricsHelper,
      undefined,
    );
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.pending++;
    setImmediate(() => {
      try {
        this.delegate.export(spans, resultCallback);
      } catch (error) {
        // Outside the processor's promise now: a throw here would be an uncaught exception.
        resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
      } finally {
        if (--this.pending === 0) for (const resolve of this.drained.splice(0)) resolve();
      }
    });
  }

  private started(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.drained.push(resolve));
  }

  async forceFlush(): Promise<void> {
    await this.started();
    await this.delegate.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.started();
    await this.delegate.shutdown();
  }
}

/**
 * The OTLP/HTTP trace exporter for the requested encoding. The URL is passed explicitly so the
 * exporter's own `OTEL_EXPORTER_OTLP_*` lookup cannot override the resolved one.
 */
export function createOtlpTraceExporter(options: OtlpTraceExporterOptions): SpanExporter {
  const config = {
    url: options.url,
    headers: { ...options.headers },
    timeoutMillis: options.timeoutMs,
    keepAlive: true,
  };
  return options.protocol === 'http/json'
    ? new OTLPTraceExporter(config)
    : new OtlpProtobufTraceExporter(config);
}
