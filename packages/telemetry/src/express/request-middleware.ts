import type { IncomingMessage, ServerResponse } from 'node:http';
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
} from '@opentelemetry/api';
import { OTHER_LABEL_VALUE, UNMATCHED_ROUTE } from '@tracseq/contract';
import { atTurnEnd } from '../lifecycle/turn-end.js';
import {
  type RequestLogRecord,
  requestLogFields,
  requestLogLevel,
  requestLogMessage,
  SLI_EXCLUDED_FIELD,
} from '../logging/request-log-fields.js';
import { ServerSpan } from '../tracing/server-span.js';
import {
  isValidTenant,
  TENANT_BAGGAGE_KEY,
  withoutInvalidTenant,
  withTenant,
} from '../tracing/tenant-baggage.js';
import { type ExpressRuntime, HEALTH_PREFIX, METRICS_PATH } from './express-runtime.js';
import type { HttpSeries } from './http-series.js';
import { normalizeMethod } from './normalize-method.js';
import { requestContext } from './request-context.js';
import { errorType } from './request-error.js';
import { requestPath } from './request-path.js';
import type { RequestState } from './request-state.js';
import { type RoutedRequest, routeTemplate } from './route-template.js';
import type { EndpointHandler } from './telemetry-endpoints.js';

const SERVER_SPAN = Object.freeze({ kind: SpanKind.SERVER });

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

/**
 * The caller's context with the request's tenant: a valid tenant header wins; a tenant from the
 * caller's baggage is kept only when it passes the same rule.
 */
function parentContext(headers: IncomingMessage['headers'], tenantHeader: string): Context {
  // Without any header the propagator reads, extraction would only hand back the root context.
  let parent = carriesContext(headers)
    ? withoutInvalidTenant(propagation.extract(ROOT_CONTEXT, headers))
    : ROOT_CONTEXT;
  const tenant = headers[tenantHeader];
  if (tenant !== undefined && isValidTenant(tenant)) parent = withTenant(parent, tenant);
  return parent;
}

/** Writes the request line: the fast path when it takes it, else pino in the request's context. */
function logRequest(rt: ExpressRuntime, record: RequestLogRecord, ctx: Context): void {
  if (rt.requestLine?.(record) === true) return;
  const fields = requestLogFields(record);
  // ecs-pino-format turns `err` into error.type, error.message and error.stack_trace.
  if (record.error !== undefined) fields.err = record.error;
  const level = requestLogLevel(record);
  context.with(ctx, () => rt.logger[level](fields, requestLogMessage(record)));
}

/**
 * The per-request middleware, the hot path: a SERVER span (continuing the caller's trace), the
 * request's state in its OTel context, and on `close` the span's name and status, the RED
 * metrics and one request line. A GET or HEAD of one of `endpoints` (`/metrics`, `/health/*`) is
 * answered by it, uninstrumented; anything else under those paths passes through untouched.
 */
export function createRequestMiddleware(
  rt: ExpressRuntime,
  series: HttpSeries,
  endpoints: ReadonlyMap<string, EndpointHandler>,
): (req: IncomingMessage & RoutedRequest, res: ServerResponse, next: () => void) => void {
  const tenants = rt.tenantAllowList;
  return (req, res, next) => {
    const path = requestPath(req.url);
    if (path === METRICS_PATH || path.startsWith(HEALTH_PREFIX)) {
      const endpoint = req.method === 'GET' || req.method === 'HEAD' ? endpoints.get(path) : undefined;
      if (endpoint === undefined) next();
      else endpoint(req, res);
      return;
    }
    const started = performance.now();
    const method = normalizeMethod(req.method);
    const activeHandle = series.active(method);
    const parent = parentContext(req.headers, rt.tenantHeader);
    // The attributes are set after the start: passed to startSpan they would be copied and
    // validated twice (before and after sampling), and none of our samplers reads them.
    const span = rt.startServerSpan
      ? rt.startServerSpan(method, parent, started)
      : rt.tracer.startSpan(method, SERVER_SPAN, parent);
    setOwnAttribute(span, 'http.request.method', method);
    setOwnAttribute(span, 'url.path', path);
    const state: RequestState = { done: false, excluded: undefined, error: undefined };
    const ctx = requestContext(parent, span, state);
    // Counted in flight only once nothing before the `close` listener can throw any more (the
    // app entry serves a request uninstrumented when this function throws): a request counted
    // but never uncounted would hold up every graceful shutdown until its deadline.
    activeHandle.inc();
    rt.inFlight.count++;
    // What the request's end records, taken when it ends; recorded at the turn's end.
    let endedAt = 0;
    let status = 0;
    let route = UNMATCHED_ROUTE;
    // 'close' is emitted once per response, after 'finish' when the response completed (Node >= 22),
    // or alone when the connection went away first (recorded as 499). `on`, not `once`: `state.done`
    // already ignores a second call, and `once` wraps every listener in two more objects.
    res.on('close', () => {
      if (state.done) return;
      state.done = true;
      rt.inFlight.count--;
      activeHandle.dec();
      endedAt = performance.now();
      status = res.writableFinished ? res.statusCode : 499;
      route = routeTemplate(req);
      // The span's end, the metrics and the request line wait for the end of the turn, so they
      // do not delay the responses of the turn's other requests (see atTurnEnd).
      atTurnEnd(record, 'record');
    });
    const record = (): void => {
      const { excluded, error } = state;
      span.updateName(route === UNMATCHED_ROUTE ? method : `${method} ${route}`);
      if (route !== UNMATCHED_ROUTE) setOwnAttribute(span, 'http.route', route);
      setOwnAttribute(span, 'http.response.status_code', status);
      if (status >= 500) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
        setOwnAttribute(span, 'error.type', error === undefined ? String(status) : errorType(error));
      }
      if (excluded !== undefined) span.setAttribute(SLI_EXCLUDED_FIELD, excluded);
      if (span instanceof ServerSpan) span.endAt(endedAt);
      else span.end(endedAt);
      const seconds = (endedAt - started) / 1000;
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
        const handle = series.duration(method, route, status, statusLabel, tenantLabelValue);
        if (handle === undefined) {
          // Refused by the cap and no overflow room: counted in series_dropped, not observed.
        } else if (sc.traceFlags & TraceFlags.SAMPLED) handle.observe(seconds, sc.traceId, sc.spanId);
        else handle.observe(seconds);
      } else {
        // Left out of the SLIs: counted, not observed, so the histogram's SLIs never see it.
        series.countExcluded(method, route, status, statusLabel, excluded, tenantLabelValue);
      }
      logRequest(
        rt,
        {
          method,
          route,
          status,
          path,
          durationNs: Math.round(seconds * 1e9),
          traceId: correlated ? sc.traceId : undefined,
          spanId: correlated ? sc.spanId : undefined,
          tenantId,
          sliExcluded: excluded,
          error,
        },
        ctx,
      );
    };
    context.with(ctx, next);
  };
}
