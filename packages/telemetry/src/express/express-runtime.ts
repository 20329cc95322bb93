import type { Server } from 'node:http';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import type { ReadinessRegistry } from '../health/readiness.js';
import type { RequestLineWriter } from '../logging/request-line.js';
import type { ContractMetrics, MetricsRegistry } from '../metrics/create-metrics-registry.js';
import type { SeriesLimiter } from '../metrics/series-limiter.js';

/** The logger calls the instrumentation makes (pino's signature). */
export interface RequestLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** What the Express instrumentation needs from the running telemetry. */
export interface ExpressRuntime {
  readonly tracer: Tracer;
  /**
   * Starts the request's SERVER span at `startedAt` (a `performance.now()` reading; see
   * `ServerSpanFactory`); default `tracer.startSpan`.
   */
  readonly startServerSpan?: ((name: string, parent: Context, startedAt: number) => Span) | undefined;
  readonly metrics: ContractMetrics;
  readonly registries: MetricsRegistry;
  readonly limiter: SeriesLimiter;
  readonly logger: RequestLogger;
  /**
   * Fast path for the request log line (see `createRequestLineWriter`); when absent or when it
   * declines, the line goes through the logger in the request's context.
   */
  readonly requestLine?: RequestLineWriter;
  readonly readiness: ReadinessRegistry;
  readonly metricsToken: string | undefined;
  readonly tenantHeader: string;
  /**
   * Tenants recorded as `tracseq_tenant` (others as `other`); `undefined`: no tenant label (the
   * metrics were created without it).
   */
  readonly tenantAllowList?: ReadonlySet<string> | undefined;
  /** Called with every server the app listens on, for graceful shutdown. */
  readonly onServer: (server: Server) => void;
  /** Requests in flight, for graceful shutdown. */
  readonly inFlight: { count: number };
}

/**
 * An Express 5 application, structurally (method syntax keeps Express's overloads assignable
 * without a dependency on its types).
 */
export interface ExpressApp {
  use(...args: never[]): unknown;
  get(...args: never[]): unknown;
  listen?(...args: never[]): Server;
}

/** A function of Express's with its argument types erased, for wrapping and re-applying. */
export type LooseFunction = (...args: unknown[]) => unknown;

/** Path of the metrics endpoint. */
export const METRICS_PATH = '/metrics';
/** Prefix of the health endpoints. */
export const HEALTH_PREFIX = '/health/';
