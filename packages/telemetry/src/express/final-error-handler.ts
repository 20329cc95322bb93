import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { finished } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import type { ExpressRuntime } from './express-runtime.js';
import { normalizeMethod } from './normalize-method.js';
import { errorStatus, toError } from './request-error.js';
import { requestPath } from './request-path.js';
import { REQUEST_STATE_KEY, type RequestState } from './request-state.js';

/** The minimal HTML page Express's own final handler answers with. */
function errorPage(message: string): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${message}</pre>\n</body>\n</html>\n`;
}

/** `err.headers` when the error also gave the status (as Express's final handler does). */
function errorHeaders(err: unknown): Record<string, unknown> | undefined {
  const headers = (err as { headers?: unknown } | null)?.headers;
  return headers !== null && typeof headers === 'object'
    ? { ...(headers as Record<string, unknown>) }
    : undefined;
}

/**
 * Answers an error no application error handler took, as Express's default final handler does
 * (status from `err.status`/`err.statusCode`, else the response's 4xx/5xx, else 500; the
 * error's headers; the same minimal page; the request body drained first; a response already
 * under way is cut by closing the connection) — except that the page never shows the stack,
 * which Express's handler puts there outside `NODE_ENV=production`.
 */
function respond(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    // Half a response is out: closing the connection is the only way to say it failed.
    req.socket?.destroy();
    return;
  }
  let status = errorStatus(err);
  const headers = status === undefined ? undefined : errorHeaders(err);
  if (status === undefined) status = res.statusCode >= 400 && res.statusCode <= 599 ? res.statusCode : 500;
  const answer = status;
  const write = () => {
    if (res.headersSent || res.destroyed) return;
    const body = errorPage(STATUS_CODES[answer] ?? 'Error');
    res.statusCode = answer;
    res.removeHeader('Content-Encoding');
    res.removeHeader('Content-Language');
    res.removeHeader('Content-Range');
    for (const [name, value] of Object.entries(headers ?? {})) {
      try {
        res.setHeader(name, value as string | number | readonly string[]);
      } catch {
        // A header the error carried that Node refuses must not keep the answer from going out.
      }
    }
    res.setHeader('Content-Security-Policy', "default-src 'none'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.readableEnded || req.destroyed) {
    write();
    return;
  }
  // Answering before the body was read would leave it in the connection for the next request.
  req.unpipe();
  finished(req, () => write());
  req.resume();
}

/**
 * Takes an error no application handler took: the request's span gets an `exception` event
 * (and the error status when the answer is a 5xx), the error goes on the request's state so its
 * request line carries it (one ECS record with `error.type`, `error.message`,
 * `error.stack_trace`, correlated with the trace), and the client gets an answer. Outside an
 * instrumented request (`/metrics`, a lost async context, an error after the response ended) the
 * error gets a line of its own.
 */
export function handleUncaught(
  err: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  rt: ExpressRuntime,
): void {
  try {
    const error = toError(err);
    const active = context.active();
    trace.getSpan(active)?.recordException(error);
    const state = active.getValue(REQUEST_STATE_KEY) as RequestState | undefined;
    if (state !== undefined && !state.done) {
      state.error = error;
    } else {
      const method = normalizeMethod(req.method);
      const path = requestPath(req.url);
      rt.logger.error(
        { err: error, http: { request: { method } }, url: { path } },
        `${method} ${path}: unhandled ${error.name}: ${error.message}`,
      );
    }
  } finally {
    respond(req, res, err);
  }
}
