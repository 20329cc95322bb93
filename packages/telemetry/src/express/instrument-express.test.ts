import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { promtoolCheckMetrics } from '@tracseq/testkit';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTelemetry, type TestTelemetry } from '../testing/create-test-telemetry.js';

describe('instrumentExpress', () => {
  let telemetry: TestTelemetry;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    telemetry = await createTestTelemetry({ serviceName: 'sample-service', metricsToken: undefined });
    const app = express();
    telemetry.instrumentExpress(app);
    const samples = express.Router();
    samples.get('/:id', (req, res) => {
      telemetry.logger.info({ sample: req.params.id }, 'looked up sample');
      res.json({ id: req.params.id });
    });
    samples.post('/', (_req, res) => {
      res.status(500).json({ error: 'database down' });
    });
    const labs = express.Router();
    const labSamples = express.Router();
    labSamples.get('/:id', (_req, res) => {
      res.send('ok');
    });
    labs.use('/samples', labSamples);
    app.use('/api/samples', samples);
    app.use('/api/labs/:lab', labs);
    app.get('/slow', (_req, res) => {
      setTimeout(() => res.send('late'), 20);
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.close();
    await telemetry?.shutdown();
  });

  it('names one server span per request after the route template, mounted prefixes included', async () => {
    await fetch(`${base}/api/samples/S-1?patient=secret`, {
      headers: {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'x-tenant-id': 'lab-a',
      },
    });
    await fetch(`${base}/api/labs/lab-a/samples/S-2`);
    await fetch(`${base}/api/samples`, { method: 'POST' });
    await fetch(`${base}/no/such/path`);
    await fetch(`${base}/metrics`);
    await fetch(`${base}/health/live`);
    const spans = await telemetry.spans();
    expect(spans.map((s) => s.name)).toEqual([
      'GET /api/samples/:id',
      'GET /api/labs/:lab/samples/:id',
      'POST /api/samples',
      'GET',
    ]);
    const [first, , failed] = spans;
    expect(first?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(first?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(first?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/api/samples/:id',
      'http.response.status_code': 200,
      'url.path': '/api/samples/S-1',
    });
    expect(JSON.stringify(first?.attributes)).not.toContain('secret');
    expect(failed?.status.code).toBe(2);
  });

  it('records RED metrics by method, route template and status', async () => {
    await fetch(`${base}/api/samples/S-9`);
    await fetch(`${base}/slow`, { method: 'PURGE' });
    expect(
      await telemetry.metricValue('http_server_request_duration_seconds_count', {
        http_request_method: 'GET',
        http_route: '/api/samples/:id',
        http_response_status_code: '200',
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await telemetry.metricValue('http_server_request_duration_seconds_count', {
        http_route: 'unmatched',
        http_response_status_code: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await telemetry.metricValue('http_server_request_duration_seconds_count', {
        http_request_method: '_OTHER',
      }),
    ).toBe(1);
    expect(await telemetry.metricValue('http_server_active_requests', { http_request_method: 'GET' })).toBe(
      0,
    );
  });

  it('writes one ECS request line per request, correlated with its span, without the query string', async () => {
    await fetch(`${base}/api/samples/S-42?patient=secret`, { headers: { 'x-tenant-id': 'lab-b' } });
    const spans = await telemetry.spans();
    const span = spans.find((s) => s.attributes['url.path'] === '/api/samples/S-42');
    const lines = telemetry.logs().filter((l) => JSON.stringify(l).includes('S-42'));
    expect(lines).toHaveLength(2);
    const request = lines.find((l) => l.message === 'GET /api/samples/:id 200');
    expect(JSON.stringify(lines)).not.toContain('secret');
    expect(request).toMatchObject({ 'service.name': 'sample-service', 'log.level': 'info' });
    const flat = JSON.stringify(request);
    expect(flat).toContain(span?.spanContext().traceId);
    expect(flat).toContain(span?.spanContext().spanId);
    expect(flat).toContain('lab-b');
    expect(flat).toMatch(/"duration":\d+/);
  });

  it('serves /metrics that passes promtool, and OpenMetrics with trace exemplars when asked', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('http_server_request_duration_seconds_bucket{le="0.1",service="sample-service"');
    const check = await promtoolCheckMetrics(text);
    expect(check.stdout + check.stderr).toBe('');
    expect(check.ok).toBe(true);
    const open = await fetch(`${base}/metrics`, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(open.headers.get('content-type')).toContain('application/openmetrics-text');
    expect(await open.text()).toMatch(
      /http_server_request_duration_seconds_bucket\{[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\}/,
    );
    // An OpenMetrics scrape must leave the text format intact (prom-client renames shared counters).
    const after = await (await fetch(`${base}/metrics`)).text();
    expect(after).toContain('# TYPE http_server_request_duration_seconds histogram');
    expect(after).not.toMatch(/^# TYPE \w+(?<!_total) counter$/m);
    expect((await promtoolCheckMetrics(after)).ok).toBe(true);
  });

  it('answers health with {status, checks} and turns ready to 503 when a check fails', async () => {
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await (await fetch(`${base}/health/ready`)).json()).toEqual({ status: 'ok', checks: {} });
    const remove = telemetry.addReadinessCheck('storage-service', () => ({
      ok: false,
      message: 'breaker open',
    }));
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'unavailable',
      checks: { 'storage-service': { ok: false, message: 'breaker open' } },
    });
    remove();
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  });

  it('keeps an unmatched-route flood of 100,000 distinct paths to one series', async () => {
    // Raw http with keep-alive: fetch's per-request overhead would dominate 100,000 requests.
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const hit = (i: number) =>
      new Promise<void>((resolve, reject) => {
        request(`${base}/scan/${i}`, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
    const worker = async (from: number) => {
      for (let i = from; i < 100_000; i += 16) await hit(i);
    };
    await Promise.all(Array.from({ length: 16 }, (_, i) => worker(i)));
    agent.destroy();
    const text = await (await fetch(`${base}/metrics`)).text();
    const routes = new Set(
      [...text.matchAll(/http_server_request_duration_seconds_count\{[^}]*http_route="([^"]*)"/g)].map(
        (m) => m[1],
      ),
    );
    // PURGE /slow matched no route: it is unmatched too.
    expect(routes).toEqual(
      new Set(['/api/samples/:id', '/api/labs/:lab/samples/:id', '/api/samples', 'unmatched']),
    );
    expect(text).not.toContain('/scan/');
  }, 300_000);
});

describe('metrics token', () => {
  it('requires the bearer token on /metrics when configured', async () => {
    const telemetry = await createTestTelemetry({ metricsToken: 's3cret' });
    const app = express();
    telemetry.instrumentExpress(app);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    server.close();
    await telemetry.shutdown();
  });
});

describe('instrumenting an app twice', () => {
  it('records each request once and warns about the second call', async () => {
    const telemetry = await createTestTelemetry();
    const app = express();
    telemetry.instrumentExpress(app);
    telemetry.instrumentExpress(app);
    app.get('/once', (_req, res) => {
      res.send('ok');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/once`);
    expect(
      await telemetry.metricValue('http_server_request_duration_seconds_count', { http_route: '/once' }),
    ).toBe(1);
    expect(telemetry.logs().filter((l) => String(l.message).includes('instrumented already'))).toHaveLength(
      1,
    );
    server.close();
    await telemetry.shutdown();
  });
});

describe('an instrumented app mounted in another (as `--import @tracseq/telemetry/register` does to every app)', () => {
  it('records each request once, by the top-level app, and serves the endpoints at the top level only', async () => {
    const telemetry = await createTestTelemetry();
    const app = express();
    telemetry.instrumentExpress(app);
    const reports = express();
    telemetry.instrumentExpress(reports);
    reports.get('/daily', (_req, res) => {
      res.send('ok');
    });
    app.use('/reports', reports);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/reports/daily`)).status).toBe(200);
    expect((await fetch(`${base}/reports/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    const spans = await telemetry.spans();
    expect(spans.map((s) => s.name)).toEqual(['GET /reports/daily', 'GET']);
    expect(
      telemetry
        .logs()
        .filter((l) => l.url !== undefined)
        .map((l) => l.message),
    ).toEqual(['GET /reports/daily 200', 'GET unmatched 404']);
    server.close();
    await telemetry.shutdown();
  });
});

describe('an app that does not look like Express 5 (Express 4)', () => {
  it('gets the same entry as its first middleware: endpoints answered, requests instrumented, one warning', async () => {
    const telemetry = await createTestTelemetry();
    type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
    const stack: Middleware[] = [];
    // No `handle` and no `router`: what installAppEntry cannot wrap.
    const app = {
      use: (...handlers: unknown[]) => {
        for (const handler of handlers) if (typeof handler === 'function') stack.push(handler as Middleware);
        return app;
      },
      get: () => app,
    };
    telemetry.instrumentExpress(app as never);
    expect(stack).toHaveLength(1);
    const server = createServer((req, res) => {
      (stack[0] as Middleware)(req, res, () => {
        res.end('from the app');
      });
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'ok', checks: {} });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE http_server_request_duration_seconds histogram');
    expect(await (await fetch(`${base}/samples/1`)).text()).toBe('from the app');
    expect((await telemetry.spans()).map((s) => s.attributes['url.path'])).toEqual(['/samples/1']);
    expect(
      telemetry.logs().filter((l) => String(l.message).includes('does not look like Express 5')),
    ).toHaveLength(1);
    server.close();
    await telemetry.shutdown();
  });
});

describe('a failure inside the request entry', () => {
  it('serves the request without telemetry and logs the error, instead of taking the process down', async () => {
    // A request counted in flight and never uncounted would hold shutdown() for all of this
    // deadline, past the test's timeout.
    const telemetry = await createTestTelemetry({ shutdownTimeoutMs: 600_000 });
    const app = express();
    telemetry.instrumentExpress(app);
    app.get('/samples/:id', (_req, res) => {
      res.send('ok');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The first update of a series goes through prom-client's public call: make it fail once.
    const gauge = telemetry.metrics.httpServerActiveRequests;
    const inc = gauge.inc;
    gauge.inc = () => {
      gauge.inc = inc;
      throw new Error('metric store broken');
    };
    const first = await fetch(`${base}/samples/1`);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('ok');
    expect((await fetch(`${base}/samples/2`)).status).toBe(200);
    const failures = telemetry.logs().filter((l) => String(l.message).includes('served without telemetry'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ error: { message: 'metric store broken' } });
    expect((await telemetry.spans()).map((s) => s.attributes['url.path'])).toContain('/samples/2');
    server.close();
    await telemetry.shutdown();
  });
});
