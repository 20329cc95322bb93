import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExpressApp, ExpressRuntime } from './express-runtime.js';
import { handleUncaught } from './final-error-handler.js';

type Handle = (
  this: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next?: (err?: unknown) => void,
) => unknown;

/** The parts of an Express 5 app (and its router) the final handler hooks into. */
interface HandlingApp {
  handle?: Handle;
  readonly router?: { handle?: Handle };
}

/** The toolkit's entry for a request the app serves itself (see {@link installAppEntry}). */
export type AppEntry = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * Wraps this app instance's `handle` and its router's `handle` (nothing at module level), for
 * two things, both only for requests the app serves itself (top level; an app mounted in another
 * is called with a callback and passes everything on as before):
 *
 * - `entry` runs before the app's router and calls `next` to go on into it: the toolkit's
 *   endpoints and per-request instrumentation sit in front of the router rather than as layers in
 *   it, so a request does not walk (and regex-match) four more layers, and none of the app's
 *   middleware, wherever `instrumentExpress` was called, runs before the span starts or stands
 *   between Prometheus and `/metrics`.
 * - Express's default final handler for errors is replaced: it prints the stack unstructured on
 *   stderr and, outside production, into the response. Errors an application error handler
 *   (`app.use((err, req, res, next) => …)`) takes never get here, and everything that is not an
 *   error (a 404 for an unmatched path) still goes to Express's handler.
 *
 * How: `app.handle(req, res, callback)` gets no callback exactly when the app serves the request
 * itself; after setting up `req` and `res` (prototypes, `res.locals`) it calls
 * `this.router.handle(req, res, finalHandler)` synchronously. The first wrapper notes that the call
 * is top-level; the second runs `entry` and then the router with the final handler wrapped.
 * (`entry` runs after Express's set-up, not before it: Express switches the prototypes of `req`
 * and `res`, and on objects the entry had already used that took 3.5 → 5.3 µs per request in a
 * profile of `app.handle`.) Returns `false` (nothing changed) when the app does not look like
 * Express 5.
 */
export function installAppEntry(app: ExpressApp, rt: ExpressRuntime, entry: AppEntry): boolean {
  const target = app as unknown as HandlingApp;
  const appHandle = target.handle;
  let router: HandlingApp['router'];
  try {
    router = target.router;
  } catch {
    // Express 4's `app.router` getter throws.
    return false;
  }
  const routerHandle = router?.handle;
  if (typeof appHandle !== 'function' || router === undefined || typeof routerHandle !== 'function') {
    return false;
  }
  let topLevel = false;
  target.handle = function handleWithAppEntry(req, res, callback) {
    topLevel = callback === undefined;
    try {
      return appHandle.call(this, req, res, callback);
    } finally {
      topLevel = false;
    }
  };
  router.handle = function routeWithAppEntry(req, res, done) {
    if (!topLevel || done === undefined) return routerHandle.call(this, req, res, done);
    topLevel = false;
    let routed = false;
    const route = () => {
      routed = true;
      routerHandle.call(this, req, res, (err?: unknown) => {
        if (err) handleUncaught(err, req, res, rt);
        else done(err);
      });
    };
    try {
      entry(req, res, route);
    } catch (error) {
      // Outside the router no Express layer catches what the entry throws, and Node's server
      // would take it down with the process: the request is served uninstrumented instead.
      if (routed) throw error;
      rt.logger.error({ err: error }, 'instrumenting a request failed; it is served without telemetry');
      route();
    }
    return undefined;
  };
  return true;
}
