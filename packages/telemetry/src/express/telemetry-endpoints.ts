import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry, RegistryContentType } from 'prom-client';
import { runPendingRecords } from '../lifecycle/turn-end.js';
import { ChunkPool } from '../metrics/byte-chunks.js';
import { renderInSlices } from '../metrics/render-in-slices.js';
import { type ExpressRuntime, HEALTH_PREFIX, METRICS_PATH } from './express-runtime.js';

/** Answers one request to a telemetry endpoint. */
export type EndpointHandler = (req: IncomingMessage, res: ServerResponse) => void;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(text);
}

/** Resolves when `res` can take more (`drain`) or is gone (`close`). */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Streams the registry's text as {@link renderInSlices} hands it out, waiting for the socket when
 * the scraper reads slower than we render; each piece's chunk goes back to `chunks` once the
 * socket has written it. A failure before the first piece answers 500; after it, the response is
 * cut (the scraper sees an incomplete scrape, not a wrong one).
 */
async function streamMetrics(
  res: ServerResponse,
  registry: Registry<RegistryContentType>,
  chunks: ChunkPool,
  rt: ExpressRuntime,
): Promise<void> {
  const pieces = renderInSlices(registry, { chunks });
  let started = false;
  try {
    for await (const piece of pieces) {
      if (!started) {
        started = true;
        res.writeHead(200, { 'content-type': registry.contentType });
      }
      if (res.destroyed) return; // the scraper went away; `return` ends the generator too
      if (!res.write(piece, () => chunks.release(piece))) await writable(res);
    }
    res.end();
  } catch (error) {
    rt.logger.error({ err: error }, 'collecting metrics for /metrics failed');
    if (started) res.destroy();
    else res.writeHead(500).end();
  }
}

/**
 * `/metrics` (Prometheus text, or OpenMetrics with exemplars when the scraper asks for it;
 * bearer token when configured; rendered in slices between which the service's requests run) and
 * `/health/live`, `/health/ready`, by exact path, for GET and HEAD.
 */
export function createTelemetryEndpoints(rt: ExpressRuntime): ReadonlyMap<string, EndpointHandler> {
  // Shared by every scrape of this app: a scrape reuses the chunks the previous one wrote.
  const chunks = new ChunkPool();
  return new Map<string, EndpointHandler>([
    [
      METRICS_PATH,
      (req, res) => {
        if (rt.metricsToken !== undefined && req.headers.authorization !== `Bearer ${rt.metricsToken}`) {
          res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
          return;
        }
        // A scrape counts every request answered before it, also those of its own turn.
        runPendingRecords();
        const open = (req.headers.accept ?? '').includes('application/openmetrics-text');
        const registry = open ? rt.registries.openMetricsRegistry : rt.registries.registry;
        void streamMetrics(res, registry, chunks, rt);
      },
    ],
    [`${HEALTH_PREFIX}live`, (_req, res) => json(res, 200, { status: 'ok', checks: {} })],
    [
      `${HEALTH_PREFIX}ready`,
      (_req, res) => {
        rt.readiness
          .report()
          .then((report) => json(res, report.status === 'ok' ? 200 : 503, report))
          .catch(() => json(res, 503, { status: 'unavailable', checks: {} }));
      },
    ],
  ]);
}
