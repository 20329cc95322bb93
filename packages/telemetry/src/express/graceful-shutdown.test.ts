import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createTestTelemetry } from '../testing/create-test-telemetry.js';

function get(url: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

const DIST = join(dirname(fileURLToPath(import.meta.url)), '../../dist/index.js');

// A real process: SIGTERM handling and exit codes cannot be observed in-process.
const SERVICE = `
import express from 'express';
const { startTelemetry } = await import(${JSON.stringify(DIST)});
const telemetry = await startTelemetry({ serviceName: 'sample-service', tracesExporter: 'none', shutdownTimeoutMs: 3000 });
const app = express();
telemetry.instrumentExpress(app);
app.get('/slow', (_req, res) => setTimeout(() => res.send('finished'), 600));
const server = app.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
`;

describe('graceful shutdown', () => {
  it('on SIGTERM turns ready to 503, lets the in-flight request finish, and exits 0', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SERVICE], {
      cwd: join(dirname(fileURLToPath(import.meta.url)), '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /PORT (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`service exited early (${code}): ${output}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const inFlight = fetch(`${base}/slow`).then(async (r) => [r.status, await r.text()] as const);
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const [exitCode] = (await once(child, 'exit')) as [number | null];
    expect(await inFlight).toEqual([200, 'finished']);
    expect(exitCode).toBe(0);
    expect(output).toContain('received SIGTERM: draining');
  }, 30_000);
});

describe('shutdown()', () => {
  it('reports not ready while draining and waits for in-flight requests', async () => {
    const telemetry = await createTestTelemetry({ serviceName: 'sample-service', shutdownTimeoutMs: 3000 });
    const app = express();
    telemetry.instrumentExpress(app);
    app.get('/slow', (_req, res) => {
      setTimeout(() => res.send('finished'), 300);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const probe = new Agent();
    expect((await get(`${base}/health/ready`, probe)).status).toBe(200);
    const slow = get(`${base}/slow`, new Agent());
    await new Promise((r) => setTimeout(r, 50));
    const stopped = telemetry.shutdown();
    const ready = await get(`${base}/health/ready`, probe);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({
      status: 'unavailable',
      checks: { shutdown: { ok: false, message: 'shutting down' } },
    });
    expect(await slow).toEqual({ status: 200, body: 'finished' });
    await stopped;
    probe.destroy();
  });
});
