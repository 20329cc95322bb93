/**
 * Tracing for TracSeq services: the OTel SDK pipeline to OTLP/HTTP, W3C propagation helpers for
 * message headers, and outgoing HTTP propagation through `diagnostics_channel`.
 *
 * @packageDocumentation
 */
export { createSampler } from './create-sampler.js';
export { createTracing, DEFAULT_TRACING_DEADLINE_MS, TRACER_NAME, type Tracing } from './create-tracing.js';
export {
  createDropCountingMeterProvider,
  QUEUE_FULL,
  SPAN_PROCESSED_METRIC,
} from './drop-counting-meter-provider.js';
export {
  canGiveUp,
  createOtlpTraceExporter,
  type GivingUpSpanExporter,
  type OtlpTraceExporterOptions,
} from './otlp-trace-exporter.js';
export {
  enableOutgoingPropagation,
  OUTGOING_CHANNELS,
  type OutgoingPropagationOptions,
} from './outgoing-propagation.js';
export { extractContext, injectHeaders, type MessageHeaderCarrier } from './propagation.js';
export { createW3CPropagator, registerTracingGlobals } from './register-globals.js';
export {
  describeExportError,
  SPAN_DROP_REASONS,
  type SpanDropReason,
  type SpanLossStats,
  type TracingEventLogger,
} from './span-loss-ledger.js';
export { isValidTenant, TENANT_BAGGAGE_KEY } from './tenant-baggage.js';
export {
  DEFAULT_MAX_EXPORT_BATCH_SIZE,
  DEFAULT_OTLP_ENDPOINT,
  OTLP_PROTOCOLS,
  type OtlpProtocol,
  type ResolvedTracingOptions,
  resolveTracesUrl,
  resolveTracingOptions,
  SAMPLER_NAMES,
  type SamplerConfig,
  type SamplerName,
  type TracingOptions,
} from './tracing-options.js';
