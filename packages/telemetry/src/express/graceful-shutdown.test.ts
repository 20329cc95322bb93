import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort } from '@tracseq/testkit';
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

/** Starts `source` as a module in a child process; resolves once it printed its port. */
async function startService(source: string) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
    cwd: join(dirname(fileURLToPath(import.meta.url)), '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output.stdout += chunk.toString();
      const match = /PORT (\d+)/.exec(output.stdout);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`service exited early (${code}): ${output.stderr}`)));
  });
  return { child, port, output };
}

/** The JSON log lines a child wrote on stdout (its PORT line is not one). */
function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('graceful shutdown', () => {
  it('on SIGTERM with the collector down: gives up after the refused export, counts the spans as dropped, exits 0', async () => {
    const closed = await getFreePort();
    const { child, port, output } = await startService(`
import express from 'express';
const { startTelemetry } = await import(${JSON.stringify(DIST)});
const telemetry = await startTelemetry({ serviceName: 'sample-service', otlpEndpoint: 'http://127.0.0.1:${closed}' });
const app = express();
telemetry.instrumentExpress(app);
app.get('/api/samples/:id', (req, res) => res.json({ id: req.params.id }));
const server = app.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
`);
    for (let i = 0; i < 5; i++)
      expect((await fetch(`http://127.0.0.1:${port}/api/samples/S-${i}`)).status).toBe(200);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const [exitCode] = (await once(child, 'exit')) as [number | null];
    const elapsed = Date.now() - signalled;
    expect(exitCode).toBe(0);
    const lines = jsonLines(output.stdout);
    const endpoint = `http://127.0.0.1:${closed}/v1/traces`;
    // Warned once, with the reason and the endpoint.
    expect(
      lines.filter((l) => l['log.level'] === 'warn' && String(l.message).includes('span export')),
    ).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(`span export to ${endpoint} failed: connection refused`),
      }),
    ]);
    // The refused final export was final: all five spans failed in export; none was still
    // waiting to be retried when the deadline cut the shutdown (they would count as shutdown).
    expect(lines.at(-1)).toMatchObject({
      'log.level': 'warn',
      message: expect.stringContaining('telemetry stopped: 0 span(s) exported; 5 dropped'),
      tracseq: {
        spans: { exported: 0, dropped: { queue_full: 0, export_failed: 5, shutdown: 0 } },
        flushed: false,
      },
    });
    expect(output.stderr).toBe('');
    // Sanity bound only: well inside the 5 s deadline the exporter's retries used to run into.
    expect(elapsed).toBeLessThan(4000);
  }, 30_000);

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
