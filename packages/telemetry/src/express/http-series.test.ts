import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS } from '@tracseq/contract';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { SeriesLimiter } from '../metrics/series-limiter.js';
import { createTestTelemetry } from '../testing/create-test-telemetry.js';

const DURATION = METRICS.httpServerRequestDuration.name;

/** A GET over plain http: fetch refuses some statuses (407), and a route answering any is the point. */
function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

/** Distinct label sets (without `le`) of `family` in the exposition text. */
function labelSets(text: string, family: string): Set<string> {
  return new Set(
    [...text.matchAll(new RegExp(`^${family}_count\\{([^}]*)\\}`, 'gm'))].map(([, labels]) => labels ?? ''),
  );
}

/** Sum of `family`'s `_count` samples whose labels match `filter`. */
function countOf(text: string, family: string, filter: RegExp = /./): number {
  let total = 0;
  for (const [, labels, value] of text.matchAll(new RegExp(`^${family}_count\\{([^}]*)\\} (\\S+)`, 'gm'))) {
    if (filter.test(labels ?? '')) total += Number(value);
  }
  return total;
}

describe('reliability row 8: the series cap is a hard limit on label sets per metric', () => {
  it('TRACSEQ_SERIES_LIMIT=50 and one route answering 400 status codes: at most 50 label sets, the rest counted', async () => {
    const telemetry = await createTestTelemetry({ serviceName: 'sample-service', seriesLimit: 50 });
    const app = express();
    telemetry.instrumentExpress(app);
    app.get('/api/instruments/:code', (req, res) => {
      res.status(Number(req.params.code)).end();
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const codes = Array.from({ length: 400 }, (_, i) => 200 + i);
    const agent = new Agent({ keepAlive: true });
    for (const code of codes) expect(await get(`${base}/api/instruments/${code}`, agent)).toBe(code);
    agent.destroy();
    const text = await (await fetch(`${base}/metrics`)).text();
    server.close();
    await telemetry.shutdown();

    const sets = labelSets(text, DURATION);
    expect(sets.size).toBeLessThanOrEqual(50);
    // 45 label sets for the route itself, then one per status class for everything refused.
    expect([...sets].filter((s) => s.includes('http_route="other"')).sort()).toEqual(
      ['2xx', '3xx', '4xx', '5xx'].map(
        (cls) =>
          `service="sample-service",http_request_method="_OTHER",http_route="other",http_response_status_code="${cls}"`,
      ),
    );
    expect(await telemetry.metricValue('tracseq_telemetry_series_dropped_total', { metric: DURATION })).toBe(
      355,
    );
    // The SLIs still see every request, and every server error as one.
    expect(countOf(text, DURATION)).toBe(400);
    expect(countOf(text, DURATION, /http_response_status_code="5.."/)).toBe(100);
  }, 60_000);

  it('below 50 no label sets are set aside: refused requests are counted, not recorded', async () => {
    const telemetry = await createTestTelemetry({ seriesLimit: 3 });
    const app = express();
    telemetry.instrumentExpress(app);
    for (const route of ['/a', '/b', '/c', '/d', '/e']) app.get(route, (_req, res) => res.status(500).end());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const route of ['/a', '/b', '/c', '/d', '/e', '/d'])
      await (await fetch(`${base}${route}`)).arrayBuffer();
    const text = await (await fetch(`${base}/metrics`)).text();
    server.close();
    await telemetry.shutdown();
    expect(labelSets(text, DURATION).size).toBe(3);
    expect(await telemetry.metricValue('tracseq_telemetry_series_dropped_total', { metric: DURATION })).toBe(
      3,
    );
  });
});

describe('SeriesLimiter', () => {
  it('keeps the reserve for overflow label sets and never passes the cap', () => {
    const refused: string[] = [];
    const limiter = new SeriesLimiter(4, (metric) => refused.push(metric));
    limiter.reserve('m', 2);
    expect(['a', 'b', 'c'].map((key) => limiter.allow('m', key))).toEqual([true, true, false]);
    expect(limiter.allow('m', 'a')).toBe(true);
    expect(['x', 'y', 'z'].map((key) => limiter.allowReserved('m', key))).toEqual([true, true, false]);
    expect(limiter.size('m')).toBe(4);
    // Only the refused regular label set is counted: an overflow set stands in for it.
    expect(refused).toEqual(['m']);
  });

  it('never reserves the whole cap', () => {
    const limiter = new SeriesLimiter(2, () => undefined);
    limiter.reserve('m', 5);
    expect(limiter.allow('m', 'a')).toBe(true);
    expect(limiter.allow('m', 'b')).toBe(false);
    expect(limiter.allowReserved('m', 'o')).toBe(true);
  });
});
