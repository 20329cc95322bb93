import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { getFreePort, type OtlpReceiver, startOtlpReceiver } from '@tracseq/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProtobufWriter } from './otlp-protobuf.js';
import { exportWorkerAvailable, WorkerExportTransport } from './worker-export-transport.js';

// The worker runs compiled JavaScript: these tests start the build's worker (dist/), as a
// service does; the sources here only run in the main thread.
const WORKER = pathToFileURL(
  join(dirname(fileURLToPath(import.meta.url)), '../../dist/tracing/export-worker.js'),
);

/** An empty ExportTraceServiceRequest: a valid protobuf body with no spans. */
const EMPTY_EXPORT = new Uint8Array(0);

/** An ExportTraceServiceRequest with one span per name, all in one ResourceSpans and ScopeSpans. */
function requestOf(names: readonly string[]): Uint8Array {
  const w = new ProtobufWriter(1024);
  w.tag(1, 2); // resource_spans
  const resourceSpans = w.begin();
  w.tag(2, 2); // scope_spans
  const scopeSpans = w.begin();
  names.forEach((name, i) => {
    w.tag(2, 2); // spans
    const span = w.begin();
    w.tag(1, 2);
    w.hex(i.toString(16).padStart(32, '0'));
    w.tag(2, 2);
    w.hex((i + 1).toString(16).padStart(16, '0'));
    w.tag(5, 2);
    w.string(name);
    w.end(span);
  });
  w.end(scopeSpans);
  w.end(resourceSpans);
  return w.bytes();
}

describe('WorkerExportTransport', () => {
  let receiver: OtlpReceiver;
  let transport: WorkerExportTransport | undefined;

  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    transport?.shutdown();
    transport = undefined;
    await receiver.close();
  });

  const start = (url = receiver.tracesUrl) => {
    transport = new WorkerExportTransport(
      { url, headers: { 'x-tenant': 'lab-a' }, timeoutMs: 2000, contentType: 'application/x-protobuf' },
      WORKER,
    );
    return transport;
  };

  it('finds the compiled worker in the build, not next to the sources', () => {
    expect(exportWorkerAvailable(WORKER)).toBe(true);
    expect(exportWorkerAvailable(new URL('./export-worker.ts', import.meta.url))).toBe(false);
  });

  it('reports ready once the worker booted, and still sends afterwards', async () => {
    const t = start();
    let booted = false;
    const ready = t.ready().then(() => {
      booted = true;
    });
    // The worker cannot have booted within the constructor's turn.
    expect(booted).toBe(false);
    await ready;
    expect((await t.send(EMPTY_EXPORT, 2000)).status).toBe('success');
    expect(receiver.requests).toHaveLength(1);
  });

  it('resolves ready when the worker cannot start, and fails its sends instead', async () => {
    const missing = pathToFileURL(join(dirname(fileURLToPath(WORKER)), 'no-such-worker.js'));
    transport = new WorkerExportTransport(
      { url: receiver.tracesUrl, headers: {}, timeoutMs: 2000, contentType: 'application/x-protobuf' },
      missing,
    );
    await transport.ready();
    const response = await transport.send(EMPTY_EXPORT, 2000);
    expect(response.status).toBe('failure');
    expect(receiver.requests).toHaveLength(0);
  });

  it('posts the bytes from the worker with the configured headers and answers success', async () => {
    const response = await start().send(EMPTY_EXPORT, 2000);
    expect(response.status).toBe('success');
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/traces',
      contentType: 'application/x-protobuf',
      status: 200,
    });
    expect(receiver.requests[0]?.headers['x-tenant']).toBe('lab-a');
  });

  it('leaves the caller its bytes, so a retry can send them again', async () => {
    const t = start();
    const data = new Uint8Array([0x0a, 0x00]); // one empty ResourceSpans
    expect((await t.send(data, 2000)).status).toBe('success');
    expect([...data]).toEqual([0x0a, 0x00]);
    expect((await t.send(data, 2000)).status).toBe('success');
    expect(receiver.requests.map((r) => r.status)).toEqual([200, 200]);
  });

  it('sends every body intact while the copies move to the worker and back for reuse', async () => {
    const t = start();
    // Requests of different sizes (~100 B per span), each in turn, then two at once: a copy
    // reused too early, or handed to two requests, would arrive as another request's bytes.
    const batches = [3000, 200, 2500, 4000, 2600, 50].map((count, k) =>
      Array.from({ length: count }, (_, i) => `batch ${k} span ${i}`),
    );
    const bodies = batches.map(requestOf);
    const sent = bodies.map((body) => Buffer.from(body));
    for (const body of bodies.slice(0, 4)) expect((await t.send(body, 5000)).status).toBe('success');
    const together = await Promise.all(bodies.slice(4).map((body) => t.send(body, 5000)));
    expect(together.map((r) => r.status)).toEqual(['success', 'success']);
    expect(receiver.spans.map((s) => s.name).sort()).toEqual(batches.flat().sort());
    expect(bodies.every((body, k) => Buffer.from(body).equals(sent[k] as Buffer))).toBe(true);
  });

  it('answers a rehearsal as success without sending it, and still sends the next request', async () => {
    const t = start();
    const data = new Uint8Array([0x0a, 0x00]);
    expect((await t.send(data, 2000, true)).status).toBe('success');
    expect((await t.send(data, 2000, true)).status).toBe('success');
    expect(receiver.requests).toHaveLength(0);
    expect((await t.send(data, 2000)).status).toBe('success');
    expect(receiver.requests).toHaveLength(1);
  });

  it('answers a 503 as retryable with its Retry-After and the HTTP status as an OTLPExporterError', async () => {
    await receiver.setMode('fail503', { retryAfterSeconds: 7 });
    const response = await start().send(EMPTY_EXPORT, 2000);
    expect(response.status).toBe('retryable');
    if (response.status !== 'retryable') return;
    expect(response.retryInMillis).toBe(7000);
    expect(response.error).toBeInstanceOf(OTLPExporterError);
    expect((response.error as OTLPExporterError).code).toBe(503);
  });

  it('keeps the socket error code of a refused connection', async () => {
    const closed = await getFreePort();
    const response = await start(`http://127.0.0.1:${closed}/v1/traces`).send(EMPTY_EXPORT, 2000);
    expect(response.status).toBe('retryable');
    if (response.status === 'success') return;
    expect((response.error as { code?: unknown }).code).toBe('ECONNREFUSED');
  });

  it('shutdown() aborts a request a stalled collector holds, and refuses later sends', async () => {
    await receiver.setMode('stall');
    const t = start();
    const stalled = t.send(EMPTY_EXPORT, 60_000);
    while (receiver.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    t.shutdown();
    const response = await stalled;
    expect(response.status).toBe('failure');
    const later = await t.send(EMPTY_EXPORT, 2000);
    expect(later).toMatchObject({ status: 'failure', error: { message: 'exporter shut down' } });
  });
});
