// (e) The lean pipeline a team would wire by hand from the standard libraries for the same signals
// as @tracseq/telemetry, without auto-instrumentation: one middleware that starts a SERVER span (OTel SDK tracer,
// AsyncLocalStorage context, BatchSpanProcessor, OTLP/HTTP protobuf exporter, 100 % sampling),
// and on `finish` ends it, observes a prom-client histogram (method, route, status) and writes
// one pino line (pino's default synchronous stdout). What the same signals cost wired by hand from
// the libraries, with none of the toolkit's guarantees (no loss counting, no exemplars, no series
// cap, no ECS fields, no tenant/baggage handling, no trace context from callers).
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { Histogram, Registry } from 'prom-client';

export async function start({ sinkUrl }) {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-hand' }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: sinkUrl }) })],
  });
  trace.setGlobalTracerProvider(provider);
  const tracer = trace.getTracer('bench-hand');
  const registry = new Registry();
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'HTTP server request duration',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const logger = pino();
  return {
    instrument(app) {
      app.use((req, res, next) => {
        const started = performance.now();
        const span = tracer.startSpan(req.method, {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': req.method, 'url.path': req.path },
        });
        res.on('finish', () => {
          const route = req.route?.path === undefined ? 'unmatched' : `${req.baseUrl}${req.route.path}`;
          span.updateName(`${req.method} ${route}`);
          span.setAttribute('http.route', route);
          span.setAttribute('http.response.status_code', res.statusCode);
          span.end();
          const seconds = (performance.now() - started) / 1000;
          duration.observe(
            { http_request_method: req.method, http_route: route, http_response_status_code: res.statusCode },
            seconds,
          );
          const { traceId, spanId } = span.spanContext();
          logger.info(
            {
              http: { request: { method: req.method }, response: { status_code: res.statusCode } },
              url: { path: req.path },
              route,
              duration_ms: seconds * 1000,
              trace_id: traceId,
              span_id: spanId,
            },
            'request completed',
          );
        });
        context.with(trace.setSpan(context.active(), span), next);
      });
    },
    flush: () => provider.forceFlush(),
  };
}
