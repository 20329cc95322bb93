import type { Server } from 'node:http';
import type { ExpressApp } from './express-runtime.js';

/**
 * Wraps this app's `listen` so every server it starts is handed to `onServer` (graceful
 * shutdown closes them). Servers created around the app (`http.createServer(app)`) are tracked
 * with `telemetry.trackServer`.
 */
export function trackListeningServers(app: ExpressApp, onServer: (server: Server) => void): void {
  const listen = app.listen as unknown as ((...args: unknown[]) => Server) | undefined;
  if (typeof listen !== 'function') return;
  (app as { listen: unknown }).listen = function instrumentedListen(this: unknown, ...args: unknown[]) {
    const server = listen.apply(this, args);
    onServer(server);
    return server;
  };
}
