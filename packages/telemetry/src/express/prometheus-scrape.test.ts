import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALL_METRICS, METRICS } from '@tracseq/contract';
import { type PrometheusHandle, startPrometheus, waitFor } from '@tracseq/testkit';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTelemetry, type TestTelemetry } from '../testing/create-test-telemetry.js';

describe('a real Prometheus scraping an instrumented app', () => {
  let telemetry: TestTelemetry;
  let server: Server;
  let prometheus: PrometheusHandle;

  beforeAll(async () => {
    telemetry = await createTestTelemetry({ serviceName: 'sample-service' });
    const app = express();
    telemetry.instrumentExpress(app);
    const samples = express.Router();
    samples.get('/:id', (_req, res) => {
      res.json({ ok: true });
    });
    app.use('/api/samples', samples);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    for (let i = 0; i < 5; i++) await fetch(`http://127.0.0.1:${port}/api/samples/S-${i}`);
    telemetry.lab.sampleReceived({ sampleType: 'blood' });
    prometheus = await startPrometheus({
      scrapeTargets: [{ job: 'sample-service', targets: [`127.0.0.1:${port}`] }],
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    server?.close();
    await telemetry?.shutdown();
  });

  it('ingests the contract series with the service label and route templates', async () => {
    await prometheus.waitForTargetsUp();
    const count = await waitFor(
      () =>
        prometheus.queryValue(
          `sum(${METRICS.httpServerRequestDuration.name}_count{service="sample-service",http_route="/api/samples/:id",http_response_status_code="200"})`,
        ),
      { description: 'the HTTP histogram in Prometheus' },
    );
    expect(count).toBe(5);
    const names = new Set(
      (await prometheus.query('count by (__name__) ({service="sample-service"})')).map(
        (s) => s.metric.__name__,
      ),
    );
    for (const def of ALL_METRICS.filter((m) => m.type !== 'histogram' && m.labels.length === 0)) {
      expect(names).toContain(def.name);
    }
    expect(names).toContain('tracseq_samples_received_total');
    expect(names).toContain('process_cpu_seconds_total');
    expect(names).toContain('nodejs_eventloop_lag_seconds');
    expect(await prometheus.queryValue('up{job="sample-service"}')).toBe(1);
  });
});
