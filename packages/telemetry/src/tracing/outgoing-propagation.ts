import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import {
  type Attributes,
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapSetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';

/**
 * Channels used. `http.client.request.created` (Node ≥ 22.12) fires in the ClientRequest
 * constructor, before headers are sent, so `setHeader` still works; `http.client.request.start`
 * fires after the headers went out (setHeader throws ERR_HTTP_HEADERS_SENT there), so it is no use
 * for propagation. `undici:request:create` is published by the undici bundled in Node (`fetch`)
 * and by the undici package, with `request.addHeader` meant for exactly this.
 */
export const OUTGOING_CHANNELS = {
  httpCreated: 'http.client.request.created',
  httpResponse: 'http.client.response.finish',
  httpError: 'http.client.request.error',
  undiciCreate: 'undici:request:create',
  undiciHeaders: 'undici:request:headers',
  undiciError: 'undici:request:error',
} as const;

/** Options of {@link enableOutgoingPropagation}. */
export interface OutgoingPropagationOptions {
  /**
   * When given, every propagated request also gets a CLIENT span (named after the method, with
   * `url.full` minus the query string) and the injected `traceparent` names that span. Without it
   * only headers are written, which is the cheapest option.
   */
  readonly tracer?: Tracer;
}

/** The parts of undici's request object the channel hands out that this module uses. */
interface UndiciRequest {
  readonly method?: string;
  readonly origin?: unknown;
  readonly path?: string;
  /** A flat `[name, value, ...]` array in undici ≥ 6, a raw `name: value\r\n` string before. */
  readonly headers?: unknown;
  addHeader(name: string, value: string): unknown;
}

function isUndiciRequest(value: unknown): value is UndiciRequest {
  return (
    typeof value === 'object' && value !== null && typeof (value as UndiciRequest).addHeader === 'function'
  );
}

function undiciHasHeader(request: UndiciRequest, name: string): boolean {
  const { headers } = request;
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === name) return true;
    }
    return false;
  }
  return typeof headers === 'string' && headers.toLowerCase().includes(`${name}:`);
}

// A header the caller set wins: it may come from explicit propagation or a proxy.
const undiciSetter: TextMapSetter<UndiciRequest> = {
  set(request, key, value) {
    if (!undiciHasHeader(request, key)) request.addHeader(key, value);
  },
};

const httpSetter: TextMapSetter<ClientRequest> = {
  set(request, key, value) {
    if (request.getHeader(key) === undefined) request.setHeader(key, value);
  },
};

/** The context to propagate, or undefined when there is nothing worth writing. */
function propagatedContext(): Context | undefined {
  const active = context.active();
  // The OTLP exporter runs with tracing suppressed: its own requests must not carry (or create) spans.
  if (isTracingSuppressed(active)) return undefined;
  if (!trace.getSpanContext(active) && !propagation.getBaggage(active)) return undefined;
  return active;
}

function withoutQuery(path: string): string {
  const index = path.indexOf('?');
  return index === -1 ? path : path.slice(0, index);
}

function clientAttributes(method: string, origin: string, path: string): Attributes {
  const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: method };
  try {
    const url = new URL(origin);
    attributes[ATTR_SERVER_ADDRESS] = url.hostname;
    attributes[ATTR_SERVER_PORT] = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    // Lab data may identify patients: the query string stays out of span attributes.
    attributes[ATTR_URL_FULL] = `${url.origin}${withoutQuery(path)}`;
  } catch {
    // An origin we cannot parse only costs the address attributes.
  }
  return attributes;
}

function endWithStatus(span: Span, statusCode: number | undefined): void {
  if (statusCode !== undefined) {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
    // For client spans both 4xx and 5xx are errors (HTTP semantic conventions).
    if (statusCode >= 400) {
      span.setAttribute(ATTR_ERROR_TYPE, String(statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end();
}

function endWithError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.setAttribute(ATTR_ERROR_TYPE, (err as NodeJS.ErrnoException).code ?? err.name);
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  span.end();
}

/**
 * Makes outgoing `fetch`/undici and `http`/`https` requests carry `traceparent`, `tracestate`
 * and `baggage` of the active context, by subscribing to Node's `diagnostics_channel` instead of
 * patching modules (the snippet in the README imports express before telemetry starts, so
 * load-time patching is not an option). Requests that already carry a `traceparent` are left
 * alone, as are the exporter's own requests. Uses the global propagator.
 *
 * @returns A function that unsubscribes again.
 */
export function enableOutgoingPropagation(options: OutgoingPropagationOptions = {}): () => void {
  const { tracer } = options;
  const spans = new WeakMap<object, Span>();
  const subscriptions: [string, (message: unknown) => void][] = [];

  /** Subscribers run inside the caller's request; an exception there would surface as uncaught. */
  const on = (name: string, handler: (message: Record<string, unknown>) => void) => {
    const safe = (message: unknown) => {
      try {
        if (typeof message === 'object' && message !== null) handler(message as Record<string, unknown>);
      } catch {
        // Propagation is best effort; the request itself must go out unharmed.
      }
    };
    diagnosticsChannel.subscribe(name, safe);
    subscriptions.push([name, safe]);
  };

  /** Starts the client span if asked to and returns the context whose ids go into the headers. */
  const startRequest = (carrier: object, active: Context, method: string, origin: string, path: string) => {
    if (!tracer) return active;
    const span = tracer.startSpan(
      method,
      { kind: SpanKind.CLIENT, attributes: clientAttributes(method, origin, path) },
      active,
    );
    spans.set(carrier, span);
    return trace.setSpan(active, span);
  };

  const finish = (carrier: unknown, statusCode: number | undefined, error?: unknown) => {
    if (typeof carrier !== 'object' || carrier === null) return;
    const span = spans.get(carrier);
    if (!span) return;
    spans.delete(carrier);
    if (error === undefined) endWithStatus(span, statusCode);
    else endWithError(span, error);
  };

  on(OUTGOING_CHANNELS.httpCreated, ({ request }) => {
    const req = request as ClientRequest;
    if (req.getHeader('traceparent') !== undefined) return;
    const active = propagatedContext();
    if (!active) return;
    const host = req.getHeader('host');
    const origin = `${req.protocol}//${typeof host === 'string' ? host : req.host}`;
    const ctx = startRequest(req, active, req.method, origin, req.path);
    propagation.inject(ctx, req, httpSetter);
  });

  on(OUTGOING_CHANNELS.undiciCreate, ({ request }) => {
    if (!isUndiciRequest(request) || undiciHasHeader(request, 'traceparent')) return;
    const active = propagatedContext();
    if (!active) return;
    const ctx = startRequest(
      request,
      active,
      request.method ?? 'GET',
      String(request.origin),
      request.path ?? '/',
    );
    propagation.inject(ctx, request, undiciSetter);
  });

  if (tracer) {
    on(OUTGOING_CHANNELS.httpResponse, ({ request, response }) =>
      finish(request, (response as IncomingMessage | undefined)?.statusCode),
    );
    on(OUTGOING_CHANNELS.httpError, ({ request, error }) =>
      finish(request, undefined, error ?? 'request error'),
    );
    on(OUTGOING_CHANNELS.undiciHeaders, ({ request, response }) =>
      finish(request, (response as { statusCode?: number } | undefined)?.statusCode),
    );
    on(OUTGOING_CHANNELS.undiciError, ({ request, error }) =>
      finish(request, undefined, error ?? 'request error'),
    );
  }

  return () => {
    for (const [name, handler] of subscriptions) diagnosticsChannel.unsubscribe(name, handler);
    subscriptions.length = 0;
  };
}
