import { installAppEntry } from './app-entry.js';
import type { ExpressApp, ExpressRuntime, LooseFunction } from './express-runtime.js';
import { HttpSeries } from './http-series.js';
import { createRequestMiddleware } from './request-middleware.js';
import { type Mountable, trackMounts } from './route-template.js';
import { createTelemetryEndpoints } from './telemetry-endpoints.js';
import { trackListeningServers } from './track-servers.js';

export type { ExpressApp, ExpressRuntime, RequestLogger } from './express-runtime.js';

const INSTRUMENTED = new WeakSet<object>();

/**
 * Instruments one Express app: a server span per request named `METHOD /route/template`, RED
 * metrics with exemplars, one request log line, `/metrics` and `/health/*`, errors no handler
 * took logged once (structured, correlated) instead of Express's stderr stack, and the servers
 * it listens on tracked for shutdown. Nothing is patched at module level: `use`, `listen`,
 * `handle` and the router's `handle` are wrapped on this app instance only.
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
  const entry = createRequestMiddleware(
    rt,
    new HttpSeries(rt.metrics, rt.limiter),
    createTelemetryEndpoints(rt),
  );
  if (!installAppEntry(app, rt, entry)) {
    // Not Express 5: the same entry as the first middleware of the app's stack.
    (app.use as unknown as LooseFunction).call(app, entry);
    rt.logger.warn(
      {},
      "instrumentExpress: this app does not look like Express 5; errors no handler takes stay with Express's default handler",
    );
  }
  trackListeningServers(app, rt.onServer);
}
