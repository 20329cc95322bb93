import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTelemetry, type TestTelemetry } from '../testing/create-test-telemetry.js';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';
const HISTOGRAM = 'http_server_request_duration_seconds';

/** The lines of the HTTP histogram (the other series, process metrics, move between two reads). */
const histogramLines = (text: string) => text.split('\n').filter((line) => line.startsWith(HISTOGRAM));

/** One scrape's body, read as bytes and decoded once at the end. */
function scrape(port: number, openMetrics: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers = openMetrics ? { accept: OPENMETRICS } : {};
    get({ host: '127.0.0.1', port, path: '/metrics', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** A scrape whose client goes away after the first bytes, leaving pieces unwritten. */
function abandonedScrape(port: number): Promise<void> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      res.once('data', () => {
        request.destroy();
        resolve();
      });
    });
    request.on('error', () => resolve());
  });
}

describe('/metrics streamed from chunks shared by every scrape', () => {
  let telemetry: TestTelemetry;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    telemetry = await createTestTelemetry({ serviceName: 'sample-service' });
    // ~2 MB of text: dozens of chunks per scrape, so concurrent scrapes reuse each other's.
    for (let i = 0; i < 1500; i++) {
      telemetry.metrics.httpServerRequestDuration.observe({
        labels: { http_request_method: 'GET', http_route: `/r${i}/:id`, http_response_status_code: '200' },
        value: 0.001 * (1 + (i % 400)),
        exemplarLabels: { trace_id: `${i}`.padStart(32, 'a'), span_id: `${i}`.padStart(16, 'b') },
      });
    }
    const app = express();
    telemetry.instrumentExpress(app);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server?.close();
    await telemetry?.shutdown();
  });

  it('gives concurrent scrapes, and scrapes after an abandoned one, exactly the registry text', async () => {
    const { registry, openMetricsRegistry } = telemetry.registry;
    const text = histogramLines(await registry.metrics());
    const open = histogramLines(await openMetricsRegistry.metrics());
    expect(text.length).toBeGreaterThan(25_000);
    for (let round = 0; round < 2; round++) {
      const [a, b, , c, d] = await Promise.all([
        scrape(port, false),
        scrape(port, true),
        abandonedScrape(port),
        scrape(port, false),
        scrape(port, true),
      ]);
      expect(histogramLines(a as string)).toEqual(text);
      expect(histogramLines(c as string)).toEqual(text);
      expect(histogramLines(b as string)).toEqual(open);
      expect(histogramLines(d as string)).toEqual(open);
      expect((d as string).endsWith('\n# EOF\n')).toBe(true);
    }
  });
});
