import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ExpressRuntime, HEALTH_PREFIX, METRICS_PATH } from './express-runtime.js';

/** Registers a GET handler on the app (Express's `app.get`, its overloads erased). */
export type RegisterGet = (
  path: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
) => void;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(text);
}

/**
 * `/metrics` (Prometheus text, or OpenMetrics with exemplars when the scraper asks for it;
 * bearer token when configured) and `/health/live`, `/health/ready`.
 */
export function addTelemetryEndpoints(get: RegisterGet, rt: ExpressRuntime): void {
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
        rt.logger.error({ err: error }, 'collecting metrics for /metrics failed');
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
}
