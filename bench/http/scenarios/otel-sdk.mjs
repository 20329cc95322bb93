// The OpenTelemetry NodeSDK as the getting-started guides wire it: http + express
// auto-instrumentations, a BatchSpanProcessor and the OTLP/HTTP (JSON) trace exporter, sampling
// everything. Shared by the "OTel auto" and "peer stack" scenarios.
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

/** Starts the SDK; must run before `express` is required so the require hook can patch it. */
export function startOtelSdk(serviceName, sinkUrl) {
  const sdk = new NodeSDK({
    serviceName,
    traceExporter: new OTLPTraceExporter({ url: sinkUrl }),
    instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
    // Metrics and logs are not what this stack uses OTel for (prom-bundle and pino do that);
    // without these the SDK would push both to localhost:4318 by default.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return {
    // The global provider is a proxy; its delegate is the SDK's TracerProvider.
    flush: () => /** @type {any} */ (trace.getTracerProvider()).getDelegate?.().forceFlush?.(),
  };
}
