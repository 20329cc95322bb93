import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  type Context,
  context,
  INVALID_SPANID,
  INVALID_TRACEID,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  METRICS,
  OTHER_LABEL_VALUE,
  TENANT_ID_PATTERN,
  tenantLabel,
  UNMATCHED_ROUTE,
} from '@tracseq/contract';
import type { ReadinessRegistry } from '../health/readiness.js';
import { type RequestLineWriter, SLI_EXCLUDED_FIELD } from '../logging/request-line.js';
import type { ContractMetrics, MetricsRegistry } from '../metrics/create-metrics-registry.js';
import { GaugeSeries, HistogramSeries } from '../metrics/fast-series.js';
import type { SeriesLimiter } from '../metrics/series-limiter.js';
import { ServerSpan } from '../tracing/server-span.js';
import { normalizeMethod } from './normalize-method.js';
import { REQUEST_STATE_KEY, type RequestState } from './request-state.js';
import { type Mountable, type RoutedRequest, routeTemplate, trackMounts } from './route-template.js';

/** The logger calls the instrumentation makes (pino's signature). */
export interface RequestLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** What the Express instrumentation needs from the running telemetry. */
export interface ExpressRuntime {
  readonly tracer: Tracer;
  /** Starts the request's SERVER span (see `ServerSpanFactory`); default `tracer.startSpan`. */
  readonly startServerSpan?: ((name: string, parent: Context) => Span) | undefined;
  readonly metrics: ContractMetrics;
  readonly registries: MetricsRegistry;
  readonly limiter: SeriesLimiter;
  readonly logger: RequestLogger;
  /**
   * Fast path for the request log line (see `createRequestLineWriter`); when absent or when it
   * declines, the line goes through `logger.info` in the request's context.
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

type Loose = (...args: unknown[]) => unknown;

/** Baggage entry carrying the validated tenant id. */
export const TENANT_BAGGAGE_KEY = 'tracseq.tenant_id';

const METRICS_PATH = '/metrics';
const HEALTH_PREFIX = '/health/';
const DURATION = METRICS.httpServerRequestDuration.name;
const EXCLUDED = METRICS.httpServerExcludedRequests.name;
const TENANT_LABEL = tenantLabel.name;
const INSTRUMENTED = new WeakSet<object>();
const SERVER_SPAN = Object.freeze({ kind: SpanKind.SERVER });

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

/** Sets an attribute the instrumentation produced (always a valid value). */
function setOwnAttribute(span: Span, key: string, value: string | number): void {
  if (span instanceof ServerSpan) span.setKnownAttribute(key, value);
  else span.setAttribute(key, value);
}

/** Whether a request carries any header the global propagator reads (`traceparent`, `baggage`, …). */
function carriesContext(headers: IncomingMessage['headers']): boolean {
  for (const field of propagation.fields()) if (headers[field] !== undefined) return true;
  return false;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(text);
}

/**
 * Instruments one Express app: a server span per request named `METHOD /route/template`, RED
 * metrics with exemplars, one request log line, `/metrics` and `/health/*`. Nothing is patched
 * at module level: `use` and `listen` are wrapped on this app instance only.
 */
export function instrumentExpressApp(app: ExpressApp, rt: ExpressRuntime): void {
  // Instrumenting twice (e.g. `--import @tracseq/telemetry/register` plus an explicit call) would
  // record every request twice.
  if (INSTRUMENTED.has(app)) {
    rt.logger.warn({}, 'instrumentExpress: this app is instrumented already; ignoring the second call');
    return;
  }
  INSTRUMENTED.add(app);
  trackMounts(app as unknown as Mountable);
  const use = (...args: unknown[]) => (app.use as unknown as Loose).apply(app, args);
  const get = (path: string, handler: (req: IncomingMessage, res: ServerResponse) => void) =>
    (app.get as unknown as Loose).call(app, path, handler);
  const duration = rt.metrics.httpServerRequestDuration;
  const active = rt.metrics.httpServerActiveRequests;
  const excludedRequests = rt.metrics.httpServerExcludedRequests;
  const tenants = rt.tenantAllowList;

  /** `http_server_active_requests` handles by method (normalized, so a handful). */
  const activeByMethod = new Map<string, GaugeSeries>();
  const activeSeries = (method: string): GaugeSeries => {
    let handle = activeByMethod.get(method);
    if (handle === undefined) {
      handle = new GaugeSeries(active, { http_request_method: method });
      activeByMethod.set(method, handle);
    }
    return handle;
  };
  /**
   * Duration histogram handles by `method\0route\0status[\0tenant]`. Only label sets the cap
   * admitted are cached (they stay admitted); a refused one asks the limiter again each time,
   * which counts every refused observation as before, and is recorded with `http_route="other"`.
   */
  const durationByKey = new Map<string, HistogramSeries>();
  const overflowByKey = new Map<string, HistogramSeries>();
  const durationSeries = (
    method: string,
    route: string,
    status: string,
    tenant: string | undefined,
  ): HistogramSeries => {
    const key =
      tenant === undefined
        ? `${method}\u0000${route}\u0000${status}`
        : `${method}\u0000${route}\u0000${status}\u0000${tenant}`;
    const known = durationByKey.get(key);
    if (known !== undefined) return known;
    const admitted = rt.limiter.allow(DURATION, key);
    const cache = admitted ? durationByKey : overflowByKey;
    const cacheKey = admitted ? key : `${method}\u0000${status}\u0000${tenant ?? ''}`;
    let handle = cache.get(cacheKey);
    if (handle === undefined) {
      const labels: Record<string, string> = {
        http_request_method: method,
        http_route: admitted ? route : OTHER_LABEL_VALUE,
        http_response_status_code: status,
      };
      if (tenant !== undefined) labels[TENANT_LABEL] = tenant;
      handle = new HistogramSeries(duration, labels);
      cache.set(cacheKey, handle);
    }
    return handle;
  };

  use((req: IncomingMessage & RoutedRequest, res: ServerResponse, next: () => void) => {
    const path = pathOf(req.url);
    if (path === METRICS_PATH || path.startsWith(HEALTH_PREFIX)) {
      next();
      return;
    }
    const started = performance.now();
    const method = normalizeMethod(req.method);
    const activeHandle = activeSeries(method);
    rt.inFlight.count++;
    activeHandle.inc();
    const headers = req.headers;
    // Without any header the propagator reads, extraction would only hand back the root context.
    let parent: Context = carriesContext(headers) ? propagation.extract(ROOT_CONTEXT, headers) : ROOT_CONTEXT;
    const tenant = headers[rt.tenantHeader];
    if (typeof tenant === 'string' && TENANT_ID_PATTERN.test(tenant)) {
      const bag = (propagation.getBaggage(parent) ?? propagation.createBaggage()).setEntry(
        TENANT_BAGGAGE_KEY,
        {
          value: tenant,
        },
      );
      parent = propagation.setBaggage(parent, bag);
    }
    // The attributes are set after the start: passed to startSpan they would be copied and
    // validated twice (before and after sampling), and none of our samplers reads them.
    const span = rt.startServerSpan
      ? rt.startServerSpan(method, parent)
      : rt.tracer.startSpan(method, SERVER_SPAN, parent);
    setOwnAttribute(span, 'http.request.method', method);
    setOwnAttribute(span, 'url.path', path);
    const state: RequestState = { done: false, excluded: undefined };
    const ctx = trace.setSpan(parent, span).setValue(REQUEST_STATE_KEY, state);
    // 'close' is emitted once per response, after 'finish' when the response completed (Node >= 22),
    // or alone when the connection went away first (recorded as 499).
    res.once('close', () => {
      if (state.done) return;
      state.done = true;
      const excluded = state.excluded;
      rt.inFlight.count--;
      activeHandle.dec();
      const route = routeTemplate(req);
      const status = res.writableFinished ? res.statusCode : 499;
      span.updateName(route === UNMATCHED_ROUTE ? method : `${method} ${route}`);
      if (route !== UNMATCHED_ROUTE) setOwnAttribute(span, 'http.route', route);
      setOwnAttribute(span, 'http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
      if (excluded !== undefined) span.setAttribute(SLI_EXCLUDED_FIELD, excluded);
      span.end();
      const seconds = (performance.now() - started) / 1000;
      const statusLabel = String(status);
      const sc = span.spanContext();
      const correlated = sc.traceId !== INVALID_TRACEID && sc.spanId !== INVALID_SPANID;
      const tenantId = propagation.getBaggage(parent)?.getEntry(TENANT_BAGGAGE_KEY)?.value;
      const tenantLabelValue =
        tenants === undefined
          ? undefined
          : tenantId !== undefined && tenants.has(tenantId)
            ? tenantId
            : OTHER_LABEL_VALUE;
      if (excluded === undefined) {
        const handle = durationSeries(method, route, statusLabel, tenantLabelValue);
        if (sc.traceFlags & TraceFlags.SAMPLED) handle.observe(seconds, sc.traceId, sc.spanId);
        else handle.observe(seconds);
      } else {
        // Left out of the SLIs: counted, not observed, so the histogram's SLIs never see it.
        const key = `${method}\u0000${route}\u0000${statusLabel}`;
        const labels: Record<string, string> = {
          http_request_method: method,
          http_route: rt.limiter.allow(
            EXCLUDED,
            tenantLabelValue === undefined
              ? `${key}\u0000${excluded}`
              : `${key}\u0000${excluded}\u0000${tenantLabelValue}`,
          )
            ? route
            : OTHER_LABEL_VALUE,
          http_response_status_code: statusLabel,
          reason: excluded,
        };
        if (tenantLabelValue !== undefined) labels[TENANT_LABEL] = tenantLabelValue;
        excludedRequests.inc(labels);
      }
      const durationNs = Math.round(seconds * 1e9);
      const written = rt.requestLine?.({
        method,
        route,
        status,
        path,
        durationNs,
        traceId: correlated ? sc.traceId : undefined,
        spanId: correlated ? sc.spanId : undefined,
        tenantId,
        sliExcluded: excluded,
      });
      if (written !== true) {
        const fields: Record<string, unknown> = {
          http: { request: { method }, response: { status_code: status } },
          url: { path },
          'http.route': route,
          event: { duration: durationNs },
        };
        if (excluded !== undefined) fields[SLI_EXCLUDED_FIELD] = excluded;
        context.with(ctx, () => rt.logger.info(fields, `${method} ${route} ${status}`));
      }
    });
    context.with(ctx, next);
  });

  get(METRICS_PATH, (req, res) => {
    if (rt.metricsToken !== undefined && req.headers.authorization !== `Bearer ${rt.metricsToken}`) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return;
    }
    const open = (req.headers.accept ?? '').includes('application/openmetrics-text');
    const registry = open ? rt.registries.openMetricsRegistry : rt.registries.registry;
    registry
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body))
      .catch((error: unknown) => {
        rt.logger.warn({ err: error }, 'collecting metrics failed');
        res.writeHead(500).end();
      });
  });
  get(`${HEALTH_PREFIX}live`, (_req, res) => json(res, 200, { status: 'ok', checks: {} }));
  get(`${HEALTH_PREFIX}ready`, (_req, res) => {
    rt.readiness
      .report()
      .then((report) => json(res, report.status === 'ok' ? 200 : 503, report))
      .catch(() => json(res, 503, { status: 'unavailable', checks: {} }));
  });

  const listen = app.listen as unknown as ((...args: unknown[]) => Server) | undefined;
  if (typeof listen === 'function') {
    (app as { listen: unknown }).listen = function instrumentedListen(this: unknown, ...args: unknown[]) {
      const server = listen.apply(this, args);
      rt.onServer(server);
      return server;
    };
  }
}
