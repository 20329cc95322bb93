import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import {
  DEFAULT_LAB_SETTINGS,
  type LabSettings,
  METRICS,
  parseLabSettings,
  SPAN_DROP_REASONS,
  tenantLabel,
} from '@tracseq/contract';
import type { Logger } from 'pino';
import {
  resolveTelemetryConfig,
  type TelemetryConfig,
  type TelemetryOptions,
} from './config/telemetry-config.js';
import { type ExpressApp, instrumentExpressApp } from './express/instrument-express.js';
import { type ReadinessCheck, ReadinessRegistry } from './health/readiness.js';
import { createLabMetrics, type LabMetrics } from './lab/lab-metrics.js';
import { createWorkflowRunner, type WorkflowRunner } from './lab/run-workflow.js';
import { shutdownSummary } from './lifecycle/shutdown-summary.js';
import { startupSummary, type TraceExportMode } from './lifecycle/startup-summary.js';
import { runPendingRecords } from './lifecycle/turn-end.js';
import { createLogger } from './logging/index.js';
import {
  type ContractMetrics,
  createMetricsRegistry,
  type MetricsRegistry,
} from './metrics/create-metrics-registry.js';
import { SeriesLimiter } from './metrics/series-limiter.js';
import { createTracing, enableOutgoingPropagation } from './tracing/index.js';
import { activeTenant } from './tracing/tenant-baggage.js';

/** The handle `startTelemetry` returns. */
export interface Telemetry {
  readonly config: TelemetryConfig;
  /** pino logger writing ECS JSON, correlated with the active span. */
  readonly logger: Logger;
  readonly tracer: Tracer;
  /** Prometheus text and OpenMetrics registries with every contract metric. */
  readonly registry: MetricsRegistry;
  readonly metrics: ContractMetrics;
  /** Lab business metrics, bounded by the lab settings' allow-lists. */
  readonly lab: LabMetrics;
  /** Runs saga workflows with spans, step durations and counted compensations. */
  readonly workflow: WorkflowRunner;
  /** Adds spans, RED metrics, request logs, `/metrics` and `/health/*` to an Express app. */
  instrumentExpress(app: ExpressApp): void;
  /** Adds a readiness check reported by `/health/ready`; returns its remover. */
  addReadinessCheck(name: string, check: ReadinessCheck): () => void;
  /** Tracks a server for graceful shutdown (servers from `app.listen` are tracked already). */
  trackServer(server: Server): void;
  /** Exports buffered spans and ships buffered logs now (bounded by the shutdown deadline). */
  flush(): Promise<void>;
  /** Stops accepting, lets in-flight requests finish, flushes spans and logs within the deadline. */
  shutdown(): Promise<void>;
}

/** Hooks for tests and the in-memory telemetry; not part of the service-facing options. */
export interface TelemetryInternals {
  readonly spanExporter?: SpanExporter;
  readonly stdout?: NodeJS.WritableStream;
  readonly registerGlobal?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

function loadLabSettings(config: TelemetryConfig): LabSettings {
  if (!config.labSettingsPath) return DEFAULT_LAB_SETTINGS;
  let text: string;
  try {
    text = readFileSync(config.labSettingsPath, 'utf8');
  } catch (error) {
    throw new Error(
      `TRACSEQ_LAB_SETTINGS: cannot read ${config.labSettingsPath}: ${(error as Error).message}`,
    );
  }
  return parseLabSettings(text, config.labSettingsPath);
}

/** Starts telemetry with explicit internals; `startTelemetry` and the test telemetry share it. */
export async function startTelemetryWith(
  options: TelemetryOptions,
  internals: TelemetryInternals,
): Promise<Telemetry> {
  const config = resolveTelemetryConfig(options, internals.env ?? process.env);
  const labSettings = loadLabSettings(config);
  const registries = createMetricsRegistry({
    serviceName: config.serviceName,
    // The tenant label exists only with an allow-list: default output keeps today's label sets.
    optionalLabels: config.tenantAllowList.length > 0 ? [tenantLabel.name] : [],
  });
  const { metrics } = registries;
  const limiter = new SeriesLimiter(config.seriesLimit, (metric) =>
    metrics.seriesDropped.inc({ [METRICS.seriesDropped.labels[0].name]: metric }),
  );
  const logging = createLogger({
    serviceName: config.serviceName,
    level: config.logLevel,
    redactPaths: [...config.redactPaths],
    ...(internals.stdout ? { stdout: internals.stdout } : {}),
    tenant: () => activeTenant(),
    ...(config.elasticsearchUrl
      ? {
          elasticsearch: {
            url: config.elasticsearchUrl,
            index: config.elasticsearchIndex,
            bufferBytes: config.logBufferBytes,
          },
        }
      : {}),
    logRecords: metrics.logRecords,
  });
  // Exported at 0 from the start, so a rate over each reason is a real series before any drop.
  for (const reason of SPAN_DROP_REASONS) {
    metrics.spansDropped.inc({ reason }, 0);
  }
  const traceExport: TraceExportMode = config.disabled
    ? 'disabled'
    : internals.spanExporter
      ? 'injected'
      : config.tracesExporter;
  const tracing = createTracing({
    serviceName: config.serviceName,
    ...(config.serviceVersion ? { serviceVersion: config.serviceVersion } : {}),
    resourceAttributes: config.resourceAttributes,
    tracesEndpoint: config.otlpTracesUrl,
    protocol: config.otlpProtocol,
    sampler: { name: config.sampler, ...(config.samplerArg !== undefined ? { arg: config.samplerArg } : {}) },
    disabled: traceExport === 'disabled' || traceExport === 'none',
    ...(internals.spanExporter ? { exporter: internals.spanExporter } : {}),
    onSpansDropped: (count, reason) => metrics.spansDropped.inc({ reason }, count),
    logger: logging.logger,
    registerGlobal: internals.registerGlobal ?? true,
  });
  const serverSpans = tracing.serverSpans;
  // The export worker boots in parallel with the rest of start-up; the service's first seconds of
  // traffic should not share its core with that boot (~150-200 ms of CPU).
  const exportReady = tracing.ready();
  // Outgoing fetch/http calls carry traceparent/baggage without patching modules.
  const stopPropagation = config.disabled ? () => undefined : enableOutgoingPropagation();
  const readiness = new ReadinessRegistry();
  const servers = new Set<Server>();
  const inFlight = { count: 0 };
  let stopping: Promise<void> | undefined;

  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      const deadline = Date.now() + config.shutdownTimeoutMs;
      readiness.startDraining();
      // Keep accepting briefly so probes and load balancers see 503 and stop routing here
      // before the listener closes (a closed port only shows as connection refused).
      await new Promise((r) => setTimeout(r, Math.min(1_000, Math.floor(config.shutdownTimeoutMs / 10))));
      for (const server of servers) server.close();
      while (inFlight.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const server of servers) server.closeAllConnections();
      const remaining = Math.max(0, deadline - Date.now());
      // Requests answered in this turn still end their spans and write their lines.
      runPendingRecords();
      stopPropagation();
      const [spans] = await Promise.allSettled([tracing.shutdown(remaining), logging.close(remaining)]);
      // After close(): reaches stdout, no longer Elasticsearch.
      const summary = shutdownSummary(
        tracing.spanLoss(),
        config.elasticsearchUrl === undefined ? undefined : logging.stats(),
        spans.status === 'fulfilled' && spans.value,
      );
      logging.logger[summary.level](summary.fields, summary.message);
    })();
    return stopping;
  };

  await exportReady;
  // Compiles the span pipeline before the first request needs it (nothing is sent or counted).
  await tracing.rehearse();
  const startup = startupSummary(config, traceExport);
  logging.logger.info(startup.fields, startup.message);

  if (config.handleSignals) {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) process.exit(130);
      logging.logger.warn({ signal }, `received ${signal}: draining`);
      shutdown().finally(() => process.exit(0));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  return {
    config,
    logger: logging.logger,
    tracer: tracing.tracer,
    registry: registries,
    metrics,
    lab: createLabMetrics(labSettings, metrics, limiter),
    workflow: createWorkflowRunner(tracing.tracer, metrics, labSettings),
    instrumentExpress: (app) =>
      instrumentExpressApp(app, {
        tracer: tracing.tracer,
        startServerSpan: serverSpans
          ? (name, parent, startedAt) => serverSpans.start(name, parent, startedAt)
          : undefined,
        metrics,
        registries,
        limiter,
        logger: logging.logger,
        requestLine: logging.requestLine,
        readiness,
        metricsToken: config.metricsToken,
        tenantHeader: config.tenantHeader,
        tenantAllowList: config.tenantAllowList.length > 0 ? new Set(config.tenantAllowList) : undefined,
        onServer: (server) => servers.add(server),
        inFlight,
      }),
    addReadinessCheck: (name, check) => readiness.add(name, check),
    trackServer: (server) => servers.add(server),
    flush: async () => {
      runPendingRecords();
      await Promise.allSettled([
        tracing.forceFlush(config.shutdownTimeoutMs),
        logging.flush(config.shutdownTimeoutMs),
      ]);
    },
    shutdown,
  };
}

/**
 * Starts telemetry for a service: options over `OTEL_*`/`TRACSEQ_*` environment over defaults,
 * validated (a bad value throws naming the setting). Traces go over OTLP/HTTP, logs to stdout as
 * ECS JSON (and Elasticsearch when configured), metrics to `/metrics`. Handles SIGTERM/SIGINT
 * unless `handleSignals: false`.
 */
export function startTelemetry(options: TelemetryOptions = {}): Promise<Telemetry> {
  return startTelemetryWith(options, {});
}
