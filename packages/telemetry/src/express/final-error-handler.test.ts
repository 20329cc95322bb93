import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from 'vitest';
import { createTestTelemetry, type TestTelemetry } from '../testing/create-test-telemetry.js';

/** An error as http-errors and body-parser make them: a status for the client. */
class BadRequest extends Error {
  readonly status = 400;
  readonly headers = { 'x-reason': 'malformed' };
}

class SampleLookupError extends Error {
  override name = 'SampleLookupError';
}

let telemetry: TestTelemetry;
let server: Server;
let base: string;
let stderr: MockInstance;
let consoleError: MockInstance;

beforeAll(async () => {
  telemetry = await createTestTelemetry({ serviceName: 'sample-service' });
  const app = express();
  // Express's own final handler stays quiet under NODE_ENV=test (which vitest sets) and shows
  // the stack only outside production: make it as talkative as a default deployment.
  app.set('env', 'development');
  telemetry.instrumentExpress(app);
  app.get('/sync', () => {
    throw new SampleLookupError('sample S-1 not in LIMS');
  });
  app.get('/async', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    throw new SampleLookupError('LIMS timed out');
  });
  app.get('/bad', (_req, _res, next) => next(new BadRequest('unreadable barcode')));
  app.get('/string', (_req, _res, next) => next('plain string failure'));
  app.get('/half', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('partial');
    throw new SampleLookupError('failed mid-response');
  });
  app.get('/five-hundred', (_req, res) => {
    res.status(503).json({ error: 'storage offline' });
  });
  const handled = express.Router();
  handled.get('/teapot', () => {
    throw new Error('handled by the app');
  });
  handled.get('/passed-on', () => {
    throw new SampleLookupError('passed on by the app');
  });
  handled.use((err: Error, req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/passed-on') {
      next(err);
      return;
    }
    res.status(418).json({ handled: err.message });
  });
  app.use('/app-handler', handled);
  const sub = express();
  sub.get('/boom', () => {
    throw new SampleLookupError('from a mounted app');
  });
  app.use('/sub', sub);
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  await telemetry?.shutdown();
});

beforeEach(() => {
  stderr = vi.spyOn(process.stderr, 'write');
  consoleError = vi.spyOn(console, 'error');
});

afterEach(() => {
  stderr.mockRestore();
  consoleError.mockRestore();
});

/** Log lines mentioning `path` (request lines and lines about it). */
function linesFor(path: string): Record<string, unknown>[] {
  return telemetry.logs().filter((l) => JSON.stringify(l.url ?? '').includes(`"${path}"`));
}

async function spanFor(path: string): Promise<ReadableSpan | undefined> {
  return (await telemetry.spans()).find((s) => s.attributes['url.path'] === path);
}

describe('an exception reaching Express', () => {
  it.each([
    ['/sync', 'sample S-1 not in LIMS'],
    ['/async', 'LIMS timed out'],
  ])(
    '%s: 500, logged once as an ECS error record correlated with its span, marked on the span',
    async (path, message) => {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).toContain('Internal Server Error');
      expect(body).not.toContain('SampleLookupError');
      const lines = linesFor(path);
      expect(lines).toHaveLength(1);
      const span = await spanFor(path);
      expect(lines[0]).toMatchObject({
        'log.level': 'error',
        message: `GET ${path} 500`,
        error: {
          type: 'SampleLookupError',
          message,
          stack_trace: expect.stringContaining('SampleLookupError'),
        },
        'trace.id': span?.spanContext().traceId,
        'span.id': span?.spanContext().spanId,
        http: { response: { status_code: 500 } },
      });
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
      expect(span?.attributes['error.type']).toBe('SampleLookupError');
      expect(span?.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([
        ['exception', message],
      ]);
      expect(consoleError).not.toHaveBeenCalled();
      expect(stderr).not.toHaveBeenCalled();
    },
  );

  it("keeps the error's own status and headers: a 400 is a warning with the error, the span not an error", async () => {
    const response = await fetch(`${base}/bad`);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-reason')).toBe('malformed');
    const lines = linesFor('/bad');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      'log.level': 'warn',
      error: { type: 'BadRequest', message: 'unreadable barcode' },
    });
    const span = await spanFor('/bad');
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('turns a non-Error passed to next() into an error record', async () => {
    expect((await fetch(`${base}/string`)).status).toBe(500);
    expect(linesFor('/string')[0]).toMatchObject({
      'log.level': 'error',
      error: { message: 'plain string failure' },
    });
  });

  it('a failure after the headers went out: the connection is cut, the error still logged once', async () => {
    const outcome = await new Promise<string>((resolve) => {
      request(`${base}/half`, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve('complete'));
        res.on('error', () => resolve('cut'));
        res.on('aborted', () => resolve('cut'));
      })
        .on('error', () => resolve('cut'))
        .end();
    });
    expect(outcome).toBe('cut');
    await vi.waitFor(() => expect(linesFor('/half')).toHaveLength(1));
    expect(linesFor('/half')[0]).toMatchObject({
      error: { type: 'SampleLookupError', message: 'failed mid-response' },
    });
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('from a mounted app: handled once, by the top-level app', async () => {
    expect((await fetch(`${base}/sub/boom`)).status).toBe(500);
    const lines = linesFor('/sub/boom');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ error: { message: 'from a mounted app' } });
    expect(consoleError).not.toHaveBeenCalled();
  });
});

describe("the app's own error handlers and Express's other answers", () => {
  it('an app error handler that answers keeps working: nothing logged as an error', async () => {
    const response = await fetch(`${base}/app-handler/teapot`);
    expect(response.status).toBe(418);
    expect(await response.json()).toEqual({ handled: 'handled by the app' });
    expect(linesFor('/app-handler/teapot')).toMatchObject([{ 'log.level': 'info' }]);
    expect((await spanFor('/app-handler/teapot'))?.events).toEqual([]);
  });

  it('an app error handler that passes the error on reaches ours', async () => {
    expect((await fetch(`${base}/app-handler/passed-on`)).status).toBe(500);
    expect(linesFor('/app-handler/passed-on')).toMatchObject([
      { 'log.level': 'error', error: { message: 'passed on by the app' } },
    ]);
  });

  it("a path no route matches still gets Express's own 404", async () => {
    const response = await fetch(`${base}/no/such/sample`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Cannot GET /no/such/sample');
  });

  it('a 5xx answered without an exception is logged at error level', async () => {
    expect((await fetch(`${base}/five-hundred`)).status).toBe(503);
    expect(linesFor('/five-hundred')).toMatchObject([
      { 'log.level': 'error', message: 'GET /five-hundred 503' },
    ]);
    expect((await spanFor('/five-hundred'))?.attributes['error.type']).toBe('503');
  });
});
