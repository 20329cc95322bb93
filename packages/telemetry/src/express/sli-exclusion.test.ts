import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promtoolCheckMetrics } from '@tracseq/testkit';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTelemetry, excludeFromSlis, METRICS, type TestTelemetry } from '../index.js';

async function listen(app: express.Express): Promise<{ server: Server; base: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const HISTOGRAM_COUNT = `${METRICS.httpServerRequestDuration.name}_count`;
const EXCLUDED = METRICS.httpServerExcludedRequests.name;

// First in the file on purpose: before any tracing telemetry installed a context manager.
describe('excludeFromSlis with tracing off', () => {
  it('still marks the active request (request context does not depend on a tracer)', async () => {
    const telemetry = await createTestTelemetry({ disabled: true });
    const app = express();
    telemetry.instrumentExpress(app);
    app.get('/down', async (_req, res) => {
      await new Promise((r) => setTimeout(r, 5));
      res.status(503).json({ marked: excludeFromSlis('maintenance') });
    });
    const { server, base } = await listen(app);
    expect(await (await fetch(`${base}/down`)).json()).toEqual({ marked: true });
    expect(await telemetry.metricValue(EXCLUDED, { reason: 'maintenance' })).toBe(1);
    expect(await telemetry.metricValue(HISTOGRAM_COUNT)).toBeUndefined();
    server.close();
    await telemetry.shutdown();
  });
});

describe('excludeFromSlis', () => {
  let telemetry: TestTelemetry;
  let server: Server;
  let base: string;
  const marks: boolean[] = [];

  beforeAll(async () => {
    telemetry = await createTestTelemetry({ serviceName: 'sample-service' });
    const app = express();
    telemetry.instrumentExpress(app);
    app.get('/api/samples/:id', (_req, res) => {
      res.status(503).json({ error: 'database down' });
    });
    const storage = express.Router();
    storage.get('/:zone', async (_req, res) => {
      // Marked after an await: the request's async context carries the state.
      await new Promise((r) => setTimeout(r, 5));
      marks.push(excludeFromSlis('maintenance'));
      res.status(503).json({ error: 'storage in maintenance' });
    });
    app.use('/api/storage', storage);
    ({ server, base } = await listen(app));
  });

  afterAll(async () => {
    server?.close();
    await telemetry?.shutdown();
  });

  it('keeps a marked request out of the HTTP histogram and counts it by reason instead', async () => {
    expect((await fetch(`${base}/api/samples/S-1`)).status).toBe(503);
    expect((await fetch(`${base}/api/storage/freezer_minus_80`)).status).toBe(503);
    expect(marks).toEqual([true]);

    expect(await telemetry.metricValue(HISTOGRAM_COUNT, { http_response_status_code: '503' })).toBe(1);
    expect(await telemetry.metricValue(HISTOGRAM_COUNT, { http_route: '/api/samples/:id' })).toBe(1);
    expect(
      await telemetry.metricValue(HISTOGRAM_COUNT, { http_route: '/api/storage/:zone' }),
    ).toBeUndefined();
    expect(
      await telemetry.metricValue(EXCLUDED, {
        http_request_method: 'GET',
        http_route: '/api/storage/:zone',
        http_response_status_code: '503',
        reason: 'maintenance',
      }),
    ).toBe(1);
    expect(await telemetry.metricValue(EXCLUDED, { http_route: '/api/samples/:id' })).toBeUndefined();

    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain(
      'tracseq_http_server_excluded_requests_total{http_request_method="GET",http_route="/api/storage/:zone",http_response_status_code="503",reason="maintenance",service="sample-service"} 1',
    );
    expect(text).not.toMatch(/http_server_request_duration_seconds_count\{[^}]*\/api\/storage/);
    expect((await promtoolCheckMetrics(text)).ok).toBe(true);
  });

  it('still ends the span and writes the request line, both marked', async () => {
    const spans = await telemetry.spans();
    const excluded = spans.find((s) => s.name === 'GET /api/storage/:zone');
    const normal = spans.find((s) => s.name === 'GET /api/samples/:id');
    expect(excluded?.attributes).toMatchObject({
      'http.response.status_code': 503,
      'tracseq.sli_excluded': 'maintenance',
    });
    expect(excluded?.status.code).toBe(2);
    expect(normal?.attributes['tracseq.sli_excluded']).toBeUndefined();
    const lines = telemetry.logs();
    expect(lines.find((l) => l.message === 'GET /api/storage/:zone 503')).toMatchObject({
      'tracseq.sli_excluded': 'maintenance',
      'trace.id': excluded?.spanContext().traceId,
    });
    expect(lines.find((l) => l.message === 'GET /api/samples/:id 503')).not.toHaveProperty(
      'tracseq.sli_excluded',
    );
  });

  it('returns false outside a request and refuses reasons outside the contract', () => {
    expect(excludeFromSlis('maintenance')).toBe(false);
    expect(() => excludeFromSlis('deploy' as 'maintenance')).toThrow(/use one of maintenance/);
  });
});

describe('excluded requests under the cardinality cap', () => {
  it('records label sets past the cap under their status class and counts the refusal', async () => {
    // 50 is the smallest cap with overflow label sets: 45 for routes, 5 for status classes.
    const telemetry = await createTestTelemetry({ seriesLimit: 50 });
    const app = express();
    telemetry.instrumentExpress(app);
    // A literal route per zone, as a router registering one route per instrument would: 60 routes.
    for (let i = 0; i < 60; i++)
      app.get(`/literal/${i}`, (_req, res) => {
        excludeFromSlis('maintenance');
        res.status(503).end();
      });
    const { server, base } = await listen(app);
    for (let i = 0; i < 60; i++) await fetch(`${base}/literal/${i}`);
    expect(await telemetry.metricValue(EXCLUDED, { http_route: '/literal/0' })).toBe(1);
    expect(await telemetry.metricValue(EXCLUDED, { http_route: '/literal/44' })).toBe(1);
    expect(await telemetry.metricValue(EXCLUDED, { http_route: '/literal/45' })).toBeUndefined();
    expect(
      await telemetry.metricValue(EXCLUDED, {
        http_request_method: '_OTHER',
        http_route: 'other',
        http_response_status_code: '5xx',
        reason: 'maintenance',
      }),
    ).toBe(15);
    expect(await telemetry.metricValue('tracseq_telemetry_series_dropped_total', { metric: EXCLUDED })).toBe(
      15,
    );
    server.close();
    await telemetry.shutdown();
  });
});
