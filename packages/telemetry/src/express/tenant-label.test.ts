import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promtoolCheckMetrics } from '@tracseq/testkit';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createTestTelemetry, excludeFromSlis, type TestTelemetry } from '../index.js';

async function serve(telemetry: TestTelemetry): Promise<{ server: Server; base: string }> {
  const app = express();
  telemetry.instrumentExpress(app);
  app.get('/api/samples/:id', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/maintenance', (_req, res) => {
    excludeFromSlis('maintenance');
    res.status(503).end();
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Label names of every series of `family` in the exposition text, sorted and deduplicated. */
function labelSets(text: string, family: string): string[] {
  const sets = [...text.matchAll(new RegExp(`^${family}(?:_bucket|_sum|_count)?\\{([^}]*)\\}`, 'gm'))].map(
    ([, labels]) =>
      (labels ?? '')
        .split(',')
        .map((pair) => pair.slice(0, pair.indexOf('=')))
        .sort()
        .join(','),
  );
  return [...new Set(sets)].sort();
}

const TENANTS = [
  { 'x-tenant-id': 'lab-a' },
  { 'x-tenant-id': 'lab-b' },
  { 'x-tenant-id': 'lab-zz' },
  { 'x-tenant-id': 'not valid!' },
  {},
];

describe('tracseq_tenant', () => {
  it('is absent from the exposition when no allow-list is configured (the default)', async () => {
    const telemetry = await createTestTelemetry({ serviceName: 'sample-service' });
    const { server, base } = await serve(telemetry);
    for (const headers of TENANTS) await fetch(`${base}/api/samples/S-1`, { headers });
    await fetch(`${base}/maintenance`, { headers: { 'x-tenant-id': 'lab-a' } });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).not.toContain('tracseq_tenant');
    expect(labelSets(text, 'http_server_request_duration_seconds')).toEqual([
      'http_request_method,http_response_status_code,http_route,le,service',
      'http_request_method,http_response_status_code,http_route,service',
    ]);
    expect(labelSets(text, 'tracseq_http_server_excluded_requests_total')).toEqual([
      'http_request_method,http_response_status_code,http_route,reason,service',
    ]);
    server.close();
    await telemetry.shutdown();
  });

  it('carries listed tenants and records any other or no tenant as other', async () => {
    const telemetry = await createTestTelemetry({
      serviceName: 'sample-service',
      tenantAllowList: ['lab-a', 'lab-b'],
    });
    const { server, base } = await serve(telemetry);
    for (const headers of TENANTS) await fetch(`${base}/api/samples/S-1`, { headers });
    await fetch(`${base}/maintenance`, { headers: { 'x-tenant-id': 'lab-a' } });
    await fetch(`${base}/maintenance`, { headers: { 'x-tenant-id': 'lab-q' } });
    // An upstream service's baggage counts like the header (logs show it the same way).
    await fetch(`${base}/api/samples/S-2`, { headers: { baggage: 'tracseq.tenant_id=lab-b' } });

    const count = (labels: Record<string, string>) =>
      telemetry.metricValue('http_server_request_duration_seconds_count', labels);
    expect(await count({ tracseq_tenant: 'lab-a' })).toBe(1);
    expect(await count({ tracseq_tenant: 'lab-b' })).toBe(2);
    expect(await count({ tracseq_tenant: 'other' })).toBe(3);
    const excluded = (labels: Record<string, string>) =>
      telemetry.metricValue('tracseq_http_server_excluded_requests_total', labels);
    expect(await excluded({ tracseq_tenant: 'lab-a', reason: 'maintenance' })).toBe(1);
    expect(await excluded({ tracseq_tenant: 'other', reason: 'maintenance' })).toBe(1);

    const text = await (await fetch(`${base}/metrics`)).text();
    const values = new Set([...text.matchAll(/tracseq_tenant="([^"]*)"/g)].map((m) => m[1]));
    expect(values).toEqual(new Set(['lab-a', 'lab-b', 'other']));
    expect(labelSets(text, 'http_server_request_duration_seconds')).toEqual([
      'http_request_method,http_response_status_code,http_route,le,service,tracseq_tenant',
      'http_request_method,http_response_status_code,http_route,service,tracseq_tenant',
    ]);
    expect(text).toMatch(
      /^http_server_active_requests\{http_request_method="GET",service="sample-service"\}/m,
    );
    expect((await promtoolCheckMetrics(text)).ok).toBe(true);
    const open = await fetch(`${base}/metrics`, { headers: { accept: 'application/openmetrics-text' } });
    expect(await open.text()).toMatch(
      /http_server_request_duration_seconds_bucket\{[^}]*tracseq_tenant="lab-a"[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}"/,
    );
    // Logs keep the tenant as before, listed or not.
    expect(telemetry.logs().some((l) => l['tracseq.tenant_id'] === 'lab-zz')).toBe(true);
    server.close();
    await telemetry.shutdown();
  });
});
