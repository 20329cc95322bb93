import { diag, ProxyTracerProvider, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { defaultResource, type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider as SdkTracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { redactUrl } from '../logging/redact-url.js';
import { CountingSpanExporter } from './counting-span-exporter.js';
import { createSampler } from './create-sampler.js';
import { createDropCountingMeterProvider } from './drop-counting-meter-provider.js';
import { EncodingSpanProcessor } from './encoding-span-processor.js';
import { LossCountingSpanProcessor } from './loss-counting-span-processor.js';
import { createOtlpTraceExporter, type GivingUpSpanExporter } from './otlp-trace-exporter.js';
import { PooledIdGenerator } from './pooled-id-generator.js';
import { ensureContextManager, registerTracingGlobals } from './register-globals.js';
import { REHEARSAL_ROUND_SPANS, rehearsePipeline } from './rehearse-pipeline.js';
import { ServerSpanFactory } from './server-span.js';
import { SpanLossLedger, type SpanLossStats } from './span-loss-ledger.js';
import {
  type ResolvedTracingOptions,
  resolveTracingOptions,
  type TracingOptions,
} from './tracing-options.js';

/** Instrumentation scope of every span the toolkit creates. */
export const TRACER_NAME = '@tracseq/telemetry';

/** Default deadline of {@link Tracing.forceFlush} and {@link Tracing.shutdown}. */
export const DEFAULT_TRACING_DEADLINE_MS = 5000;

/** The tracing pipeline {@link createTracing} built. */
export interface Tracing {
  /** Tracer for the toolkit's and the service's spans (a no-op tracer when disabled). */
  readonly tracer: Tracer;
  /** The SDK provider (a no-op provider when disabled). */
  readonly provider: TracerProvider;
  /**
   * Starts HTTP server spans on the provider's sampler, ids, resource and processor without the
   * SDK's generic start path (see {@link ServerSpanFactory}); absent when tracing is disabled.
   */
  readonly serverSpans?: ServerSpanFactory;
  /**
   * Exports every queued span. Resolves `true` when all were accepted by the collector within
   * `deadlineMs` (default 5000), `false` otherwise; never rejects.
   */
  forceFlush(deadlineMs?: number): Promise<boolean>;
  /**
   * Flushes, stops the pipeline and removes the globals this call registered. Resolves by
   * `deadlineMs` (default 5000) at the latest, `true` if everything was exported in time; never
   * rejects, even with the collector down or stalled. The exporter stops retrying, so with the
   * collector refusing connections it resolves as soon as the final export was refused, not at the
   * deadline. Spans without an outcome by then count as dropped (`shutdown`). Later calls return
   * the first call's promise.
   */
  shutdown(deadlineMs?: number): Promise<boolean>;
  /** What became of the sampled spans so far (all zero when tracing is disabled). */
  spanLoss(): SpanLossStats;
  /**
   * Resolves when the pipeline is ready to export (the OTLP exporter's worker thread has booted),
   * or after `maxWaitMs` (default 2000) at the latest; never rejects. `startTelemetry` waits for
   * it so the boot's CPU time is spent before the service takes traffic.
   */
  ready(maxWaitMs?: number): Promise<void>;
  /**
   * Runs request-shaped spans through the whole pipeline without sending or counting them (see
   * `rehearsePipeline`), so the service's first requests find its code compiled. Resolves `true`
   * when the rehearsal finished within `maxWaitMs` (default 1000), `false` when it was cut short;
   * never rejects. Only the toolkit's OTLP exporter rehearses; with an injected exporter, disabled
   * tracing or after shutdown it resolves `true` at once. `startTelemetry` calls it after
   * {@link ready}, before the service takes traffic.
   */
  rehearse(maxWaitMs?: number): Promise<boolean>;
}

/** Default {@link Tracing.ready} bound. */
export const DEFAULT_READY_WAIT_MS = 2000;

/** Default {@link Tracing.rehearse} bound. */
export const DEFAULT_REHEARSAL_WAIT_MS = 1000;

/** Shutdown runs from signal handlers, so a bad deadline falls back to the default instead of throwing. */
function checkDeadline(deadlineMs: number): number {
  if (typeof deadlineMs === 'number' && Number.isFinite(deadlineMs) && deadlineMs >= 0) return deadlineMs;
  diag.warn(
    `tracing: deadlineMs ${deadlineMs} is not a finite number >= 0; using ${DEFAULT_TRACING_DEADLINE_MS} ms`,
  );
  return DEFAULT_TRACING_DEADLINE_MS;
}

/**
 * Settles with `work`'s outcome or `false` at the deadline, whichever comes first. The loser is
 * left running but can no longer reject into anyone: its rejection is observed here.
 */
function withDeadline(work: () => Promise<unknown>, deadlineMs: number, what: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      diag.warn(`tracing: ${what} did not finish within ${deadlineMs} ms; giving up on the remaining spans`);
      resolve(false);
    }, deadlineMs);
    let running: Promise<unknown>;
    try {
      running = work();
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      (error: unknown) => {
        clearTimeout(timer);
        diag.warn(`tracing: ${what} failed`, error);
        resolve(false);
      },
    );
  });
}

function disabledTracing(): Tracing {
  // A ProxyTracerProvider without a delegate hands out the API's no-op tracer.
  const provider = new ProxyTracerProvider();
  return {
    tracer: provider.getTracer(TRACER_NAME),
    provider,
    forceFlush: async () => true,
    shutdown: async () => true,
    spanLoss: () => ({ accepted: 0, exported: 0, dropped: { queue_full: 0, export_failed: 0, shutdown: 0 } }),
    ready: async () => undefined,
    rehearse: async () => true,
  };
}

/** The service's resource: the SDK's defaults, the configured attributes, name and version. */
function buildResource(resolved: ResolvedTracingOptions): Resource {
  return defaultResource().merge(
    resourceFromAttributes({
      ...resolved.resourceAttributes,
      // OTEL_SERVICE_NAME wins over OTEL_RESOURCE_ATTRIBUTES, as the SDK spec requires.
      [ATTR_SERVICE_NAME]: resolved.serviceName,
      ...(resolved.serviceVersion === undefined ? {} : { [ATTR_SERVICE_VERSION]: resolved.serviceVersion }),
    }),
  );
}

/**
 * Builds the trace pipeline: SDK tracer provider → BatchSpanProcessor with a bounded queue →
 * OTLP/HTTP exporter (protobuf or JSON). Every sampled span that will never reach the collector
 * is reported to `onSpansDropped` with its reason (queue full, export failed, shutdown), and
 * export outages are logged once each, with their recovery (see {@link SpanLossLedger}). Options
 * are validated first; a bad value throws an Error naming the field.
 *
 * Nothing here patches modules: server spans come from the Express middleware and outgoing
 * propagation from {@link enableOutgoingPropagation}.
 */
export function createTracing(options: TracingOptions): Tracing {
  const resolved = resolveTracingOptions(options);
  if (resolved.disabled) {
    // No tracer, but request context (tenant in logs, excludeFromSlis) still needs a manager.
    if (resolved.registerGlobal) ensureContextManager();
    return disabledTracing();
  }

  const resource = buildResource(resolved);
  // Built the same way, so rehearsal spans have the service's shapes; only its identity differs,
  // and that is what marks a span as a rehearsal's in the processors and the exporter.
  const rehearsal = buildResource(resolved);
  const ledger = new SpanLossLedger({
    endpoint: resolved.exporter ? 'the configured exporter' : redactUrl(resolved.tracesUrl),
    maxQueueSize: resolved.maxQueueSize,
    onDropped: resolved.onSpansDropped,
    logger: resolved.logger,
  });
  const otlp = resolved.exporter
    ? undefined
    : createOtlpTraceExporter({
        url: resolved.tracesUrl,
        protocol: resolved.protocol,
        headers: resolved.headers,
        timeoutMs: resolved.exportTimeoutMs,
      });
  const exporter = new CountingSpanExporter(
    resolved.exporter ?? (otlp as GivingUpSpanExporter),
    ledger,
    rehearsal,
  );
  const batches = new BatchSpanProcessor({
    exporter,
    maxQueueSize: resolved.maxQueueSize,
    maxExportBatchSize: resolved.maxExportBatchSize,
    scheduledDelayMillis: resolved.scheduledDelayMs,
    // The exporter gives up (retries included) after exportTimeoutMs; the processor's own timer
    // only backs that up, so a hung export cannot block the queue much longer than that.
    exportTimeoutMillis: resolved.exportTimeoutMs + 1000,
    selfObsMeterProvider: createDropCountingMeterProvider((count) => ledger.queueFull(count)),
  });
  // With our OTLP/protobuf exporter, spans are encoded when they end and queued as bytes (see
  // SpanEncoder); a configured exporter, or OTLP/JSON, gets the span objects.
  const encoder = otlp?.encoder;
  const processor = new LossCountingSpanProcessor(
    encoder ? new EncodingSpanProcessor(batches, encoder) : batches,
    ledger,
    rehearsal,
  );
  const sampler = createSampler(resolved.sampler);
  const idGenerator = new PooledIdGenerator();
  const provider = new SdkTracerProvider({ resource, sampler, idGenerator, spanProcessors: [processor] });
  const unregister = resolved.registerGlobal ? registerTracingGlobals(provider) : () => {};
  const tracer = provider.getTracer(TRACER_NAME);
  // The SDK tracer's scope object: spans from both group into one ScopeSpans on export.
  const scope = (tracer as { instrumentationScope?: InstrumentationScope }).instrumentationScope ?? {
    name: TRACER_NAME,
  };

  let stopped: Promise<boolean> | undefined;
  return {
    tracer,
    provider,
    serverSpans: new ServerSpanFactory({ sampler, idGenerator, resource, scope, processor }),
    forceFlush: (deadlineMs = DEFAULT_TRACING_DEADLINE_MS) => {
      const deadline = checkDeadline(deadlineMs);
      if (stopped) return stopped;
      return withDeadline(() => provider.forceFlush({ timeoutMillis: deadline }), deadline, 'span flush');
    },
    shutdown: (deadlineMs = DEFAULT_TRACING_DEADLINE_MS) => {
      const deadline = checkDeadline(deadlineMs);
      stopped ??= (async () => {
        unregister();
        processor.stop();
        // The process is going away: a refused or failed attempt is final from here on.
        exporter.giveUp();
        const flushed = await withDeadline(
          async () => {
            try {
              await provider.shutdown();
            } finally {
              // A failed batch rejects the processor's flush at once; let the batches still in
              // flight report too, so their spans count as export_failed rather than shutdown.
              await exporter.idle();
            }
          },
          deadline,
          'tracing shutdown',
        );
        ledger.close();
        // Aborts an export a stalled collector still holds (the processor only shuts the exporter
        // down after a successful final flush).
        exporter.shutdown().catch(() => undefined);
        return flushed;
      })();
      return stopped;
    },
    spanLoss: () => ledger.stats(),
    rehearse: async (maxWaitMs = DEFAULT_REHEARSAL_WAIT_MS) => {
      if (otlp === undefined || stopped) return true;
      return rehearsePipeline(
        {
          spans: new ServerSpanFactory({ sampler, idGenerator, resource: rehearsal, scope, processor }),
          // Rounds as measured when the rehearsal was tuned; `settle` flushes each round.
          batchSize: Math.min(REHEARSAL_ROUND_SPANS, resolved.maxExportBatchSize),
          settle: async () => {
            await batches.forceFlush().catch(() => undefined);
            await exporter.idle();
          },
        },
        checkDeadline(maxWaitMs),
      );
    },
    ready: (maxWaitMs = DEFAULT_READY_WAIT_MS) => {
      const booted = otlp?.ready?.();
      if (booted === undefined) return Promise.resolve();
      return new Promise<void>((resolve) => {
        // Referenced: while a script awaits startTelemetry at top level, this may be all that
        // keeps the process alive (the worker is unreferenced while idle).
        const timer = setTimeout(resolve, maxWaitMs);
        void booted.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
