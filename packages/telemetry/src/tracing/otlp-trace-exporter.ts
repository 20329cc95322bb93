import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import { ProtobufTraceSerializer, TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
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

/**
 * OTLP/HTTP protobuf trace exporter. `@opentelemetry/exporter-trace-otlp-http` only speaks JSON;
 * this is what `@opentelemetry/exporter-trace-otlp-proto` does, built from the same pieces (the
 * OTel protobuf serializer and the Node HTTP delegate with its retry policy).
 */
class OtlpProtobufTraceExporter extends OTLPExporterBase<ReadableSpan[]> implements SpanExporter {
  constructor(config: ConstructorParameters<typeof OTLPTraceExporter>[0]) {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(config ?? {}, 'TRACES', 'v1/traces', {
          'Content-Type': 'application/x-protobuf',
        }),
        ProtobufTraceSerializer,
        'otlp_http_span_exporter',
        TraceExporterMetricsHelper,
        undefined,
      ),
    );
  }
}

/**
 * The OTel SDK's OTLP/HTTP trace exporter for the requested encoding. The URL is passed
 * explicitly so the exporter's own `OTEL_EXPORTER_OTLP_*` lookup cannot override the resolved one.
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
