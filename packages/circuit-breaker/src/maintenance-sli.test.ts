import type { AddressInfo } from 'node:net';
import { createTestTelemetry } from '@tracseq/telemetry';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBreakerConfigYaml } from './breaker-config.js';
import { BreakerRegistry } from './breaker-registry.js';
import { MaintenanceError } from './errors.js';

describe('maintenance and the SLIs', () => {
  const closers: (() => void)[] = [];
  afterAll(() => {
    for (const close of closers) close();
  });

  it('keeps requests rejected by a forced-open breaker out of the HTTP histogram and counts them', async () => {
    const telemetry = await createTestTelemetry();
    const now = Date.now();
    const window = `${new Date(now - 60_000).toISOString()}/${new Date(now + 3_600_000).toISOString()}`;
    const registry = new BreakerRegistry(
      parseBreakerConfigYaml(
        `lab: lab-a\nmaintenance_windows:\n  - { instrument: sequencer-1, window: ${window}, reason: calibration }\n`,
      ),
    );
    const app = express();
    telemetry.instrumentExpress(app);
    const unavailable = (error: unknown, res: express.Response) =>
      res.status(503).json({ error: error instanceof Error ? error.message : String(error) });
    app.post('/schedule', async (_req, res) => {
      try {
        await registry.call(
          { lab: 'lab-a', instrument: 'sequencer-1', operation: 'schedule' },
          async () => 'ok',
        );
        res.json({ ok: true });
      } catch (error) {
        expect(error).toBeInstanceOf(MaintenanceError);
        unavailable(error, res);
      }
    });
    app.post('/broken', (_req, res) => unavailable(new Error('down'), res));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    closers.push(() => server.close());
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const path of ['/schedule', '/schedule', '/broken']) {
      expect((await fetch(`${base}${path}`, { method: 'POST' })).status).toBe(503);
    }
    const histogram = 'http_server_request_duration_seconds_count';
    expect(
      await telemetry.metricValue(histogram, { http_route: '/broken', http_response_status_code: '503' }),
    ).toBe(1);
    expect(await telemetry.metricValue(histogram, { http_route: '/schedule' })).toBeUndefined();
    expect(
      await telemetry.metricValue('tracseq_http_server_excluded_requests_total', {
        http_route: '/schedule',
        http_response_status_code: '503',
        reason: 'maintenance',
      }),
    ).toBe(2);
    registry.dispose();
    await telemetry.shutdown();
  });

  it('keeps requests out of the SLIs during an occurrence of a recurring window too', async () => {
    const telemetry = await createTestTelemetry();
    // A daily schedule whose occurrence began a minute ago, written as the lab settings spell it.
    const started = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const dtstart = started
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const registry = new BreakerRegistry(
      parseBreakerConfigYaml(
        `lab: lab-a\nmaintenance_windows:\n  - instrument: sequencer-1\n    schedule: "DTSTART:${dtstart}\\nRRULE:FREQ=DAILY"\n    duration: 1h\n    reason: daily flush\n`,
      ),
    );
    const app = express();
    telemetry.instrumentExpress(app);
    app.post('/flush', async (_req, res) => {
      try {
        await registry.call(
          { lab: 'lab-a', instrument: 'sequencer-1', operation: 'flush' },
          async () => 'ok',
        );
        res.json({ ok: true });
      } catch (error) {
        res.status(503).json({ error: error instanceof MaintenanceError ? error.message : String(error) });
      }
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    closers.push(() => server.close());
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const response = await fetch(`${base}/flush`, { method: 'POST' });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /in maintenance until .* \(daily flush\)$/,
    );
    expect(
      await telemetry.metricValue('http_server_request_duration_seconds_count', { http_route: '/flush' }),
    ).toBeUndefined();
    expect(
      await telemetry.metricValue('tracseq_http_server_excluded_requests_total', {
        http_route: '/flush',
        reason: 'maintenance',
      }),
    ).toBe(1);
    registry.dispose();
    await telemetry.shutdown();
  });
});
