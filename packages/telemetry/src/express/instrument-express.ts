import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { OTHER_LABEL_VALUE, TENANT_ID_PATTERN, tenantLabel, UNMATCHED_ROUTE } from '../contract/labels.js';
import { METRICS } from '../contract/metrics.js';
import type { ReadinessRegistry } from '../health/readiness.js';
import type { ContractMetrics, MetricsRegistry } from '../metrics/create-metrics-registry.js';
import type { SeriesLimiter } from '../metrics/series-limiter.js';
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
  readonly metrics: ContractMetrics;
  readonly registries: MetricsRegistry;
  readonly limiter: SeriesLimiter;
  readonly logger: RequestLogger;
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
/** Span attribute and log field of a request left out of the SLIs. */
const SLI_EXCLUDED_FIELD = 'tracseq.sli_excluded';
const TENANT_LABEL = tenantLabel.name;
const INSTRUMENTED = new WeakSet<object>();

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
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
  /** `tracseq_tenant` of a request: its tenant (header or incoming baggage) when listed, else other. */
  const tenantOf = (ctx: Context, allowed: ReadonlySet<string>): string => {
    const value = propagation.getBaggage(ctx)?.getEntry(TENANT_BAGGAGE_KEY)?.value;
    return value !== undefined && allowed.has(value) ? value : OTHER_LABEL_VALUE;
  };

  use((req: IncomingMessage & RoutedRequest, res: ServerResponse, next: () => void) => {
    const path = pathOf(req.url);
    if (path === METRICS_PATH || path.startsWith(HEALTH_PREFIX)) {
      next();
      return;
    }
    const started = performance.now();
    const method = normalizeMethod(req.method);
    rt.inFlight.count++;
    active.inc({ http_request_method: method });
    let parent: Context = propagation.extract(ROOT_CONTEXT, req.headers);
    const tenant = req.headers[rt.tenantHeader];
    if (typeof tenant === 'string' && TENANT_ID_PATTERN.test(tenant)) {
      const bag = (propagation.getBaggage(parent) ?? propagation.createBaggage()).setEntry(
        TENANT_BAGGAGE_KEY,
        {
          value: tenant,
        },
      );
      parent = propagation.setBaggage(parent, bag);
    }
    const span = rt.tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } },
      parent,
    );
    const state: RequestState = { done: false, excluded: undefined };
    const ctx = trace.setSpan(parent, span).setValue(REQUEST_STATE_KEY, state);
    const finish = () => {
      if (state.done) return;
      state.done = true;
      const excluded = state.excluded;
      rt.inFlight.count--;
      active.dec({ http_request_method: method });
      const route = routeTemplate(req);
      const status = res.writableFinished ? res.statusCode : 499;
      span.updateName(route === UNMATCHED_ROUTE ? method : `${method} ${route}`);
      if (route !== UNMATCHED_ROUTE) span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
      if (excluded !== undefined) span.setAttribute(SLI_EXCLUDED_FIELD, excluded);
      span.end();
      const seconds = (performance.now() - started) / 1000;
      const statusLabel = String(status);
      const fields: Record<string, unknown> = {
        http: { request: { method }, response: { status_code: status } },
        url: { path },
        'http.route': route,
        event: { duration: Math.round(seconds * 1e9) },
      };
      const tenant = tenants === undefined ? undefined : tenantOf(parent, tenants);
      const key = `${method}\u0000${route}\u0000${statusLabel}`;
      if (excluded === undefined) {
        const labels: Record<string, string> = {
          http_request_method: method,
          http_route: rt.limiter.allow(DURATION, tenant === undefined ? key : `${key}\u0000${tenant}`)
            ? route
            : OTHER_LABEL_VALUE,
          http_response_status_code: statusLabel,
        };
        if (tenant !== undefined) labels[TENANT_LABEL] = tenant;
        const sc = span.spanContext();
        if (sc.traceFlags & 1) {
          duration.observe({
            labels,
            value: seconds,
            exemplarLabels: { trace_id: sc.traceId, span_id: sc.spanId },
          });
        } else {
          // An exemplar-enabled histogram only takes the object form.
          duration.observe({ labels, value: seconds });
        }
      } else {
        // Left out of the SLIs: counted, not observed, so the histogram's SLIs never see it.
        const labels: Record<string, string> = {
          http_request_method: method,
          http_route: rt.limiter.allow(
            EXCLUDED,
            tenant === undefined ? `${key}\u0000${excluded}` : `${key}\u0000${excluded}\u0000${tenant}`,
          )
            ? route
            : OTHER_LABEL_VALUE,
          http_response_status_code: statusLabel,
          reason: excluded,
        };
        if (tenant !== undefined) labels[TENANT_LABEL] = tenant;
        excludedRequests.inc(labels);
        fields[SLI_EXCLUDED_FIELD] = excluded;
      }
      context.with(ctx, () => rt.logger.info(fields, `${method} ${route} ${status}`));
    };
    res.once('finish', finish);
    res.once('close', finish);
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
