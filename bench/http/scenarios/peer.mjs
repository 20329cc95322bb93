// (c) The stack services hand-wire today: OTel auto-instrumentation for traces,
// express-prom-bundle for RED metrics, pino-http for request logs (to stdout, discarded).
import { startOtelSdk } from './otel-sdk.mjs';

export async function start({ sinkUrl, require }) {
  const otel = startOtelSdk('bench-peer', sinkUrl);
  // Required after the SDK started, like express, so its require hook sees them.
  const promBundle = require('express-prom-bundle');
  const pinoHttp = /** @type {any} */ (require('pino-http'));
  return {
    instrument(app) {
      app.use(promBundle({ includeMethod: true, includePath: true, includeStatusCode: true }));
      app.use(pinoHttp());
    },
    flush: otel.flush,
  };
}
