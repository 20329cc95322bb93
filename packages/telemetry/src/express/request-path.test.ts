import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createTestTelemetry } from '../testing/create-test-telemetry.js';
import { requestPath } from './request-path.js';

/** Sends one raw HTTP/1.1 request (any request target) and resolves with the status line. */
function rawRequest(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: svc.example\r\nConnection: close\r\n\r\n`);
    });
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('end', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

describe('reliability row 9: url.path without userinfo', () => {
  it('records the path of an absolute-form request, never its credentials, host or query', async () => {
    const telemetry = await createTestTelemetry({ serviceName: 'sample-service' });
    const app = express();
    telemetry.instrumentExpress(app);
    app.get('/api/samples/:id', (req, res) => {
      telemetry.logger.info({ sample: req.params.id }, 'looked up sample');
      res.json({ id: req.params.id });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const status = await rawRequest(port, 'http://alice:SECRET@svc.example/api/samples/S-1?patient=P-7');
    server.close();
    expect(status).toBe('HTTP/1.1 200 OK');
    const [span] = await telemetry.spans();
    expect(span?.name).toBe('GET /api/samples/:id');
    expect(span?.attributes['url.path']).toBe('/api/samples/S-1');
    const line = telemetry.logs().find((l) => l.message === 'GET /api/samples/:id 200');
    expect(line).toMatchObject({ url: { path: '/api/samples/S-1' } });
    const everything = JSON.stringify([telemetry.logs(), span?.attributes]);
    for (const secret of ['SECRET', 'alice', 'svc.example', 'P-7']) expect(everything).not.toContain(secret);
    await telemetry.shutdown();
  });

  it('strips what is not the path from every request-target form', () => {
    expect(requestPath('/api/samples/S-1?x=1')).toBe('/api/samples/S-1');
    expect(requestPath('http://alice:SECRET@svc.example/api/samples?x=1')).toBe('/api/samples');
    expect(requestPath('https://bob:pw@svc.example:8443/a/b#frag')).toBe('/a/b');
    expect(requestPath('http://alice:SECRET@svc.example')).toBe('/');
    expect(requestPath('http://alice:SECRET@svc.example?token=t')).toBe('/');
    expect(requestPath('HTTP://alice:SECRET@svc.example\\api')).toBe('/\\api');
    expect(requestPath('svc.example:443')).toBe('/');
    expect(requestPath('*')).toBe('*');
    expect(requestPath('')).toBe('/');
    expect(requestPath(undefined)).toBe('/');
  });
});
