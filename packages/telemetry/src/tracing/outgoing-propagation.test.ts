import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { startOtlpReceiver } from '@tracseq/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTracing, type Tracing } from './create-tracing.js';
import { enableOutgoingPropagation } from './outgoing-propagation.js';

let server: Server;
let base: string;
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ path: request.url ?? '/', headers: request.headers });
    response.statusCode = request.url?.startsWith('/missing') ? 404 : 200;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let tracing: Tracing | undefined;
let stop: (() => void) | undefined;
afterEach(async () => {
  stop?.();
  stop = undefined;
  await tracing?.shutdown(1000);
  tracing = undefined;
});

function httpGet(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

function headersOf(path: string): IncomingHttpHeaders {
  const entry = seen.find((s) => s.path === path);
  if (!entry) throw new Error(`the server never saw ${path}`);
  return entry.headers;
}

describe('enableOutgoingPropagation', () => {
  it('fetch and http.request carry traceparent and baggage of the active span', async () => {
    const memory = new InMemorySpanExporter();
    tracing = createTracing({ serviceName: 'sample-service', exporter: memory });
    stop = enableOutgoingPropagation();
    const tenant = propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ 'tracseq.tenant_id': { value: 'lab-north' } }),
    );
    const active = await context.with(tenant, () =>
      tracing?.tracer.startActiveSpan('POST /api/samples', async (span) => {
        await (await fetch(`${base}/fetch-1`)).text();
        await httpGet(`${base}/http-1`);
        span.end();
        return span.spanContext();
      }),
    );
    for (const path of ['/fetch-1', '/http-1']) {
      expect(headersOf(path).traceparent).toBe(`00-${active?.traceId}-${active?.spanId}-01`);
      expect(headersOf(path).baggage).toBe('tracseq.tenant_id=lab-north');
    }
  });

  it('leaves requests outside any span, and after unsubscribing, untouched', async () => {
    tracing = createTracing({ serviceName: 'sample-service', exporter: new InMemorySpanExporter() });
    stop = enableOutgoingPropagation();
    await (await fetch(`${base}/fetch-no-span`)).text();
    await httpGet(`${base}/http-no-span`);
    stop();
    await tracing.tracer.startActiveSpan('after stop', async (span) => {
      await (await fetch(`${base}/fetch-stopped`)).text();
      await httpGet(`${base}/http-stopped`);
      span.end();
    });
    for (const path of ['/fetch-no-span', '/http-no-span', '/fetch-stopped', '/http-stopped']) {
      expect(headersOf(path).traceparent).toBeUndefined();
    }
  });

  it('keeps a traceparent the caller set explicitly', async () => {
    tracing = createTracing({ serviceName: 'sample-service', exporter: new InMemorySpanExporter() });
    stop = enableOutgoingPropagation();
    const explicit = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await tracing.tracer.startActiveSpan('explicit', async (span) => {
      await (await fetch(`${base}/fetch-explicit`, { headers: { traceparent: explicit } })).text();
      await httpGet(`${base}/http-explicit`, { traceparent: explicit });
      span.end();
    });
    expect(headersOf('/fetch-explicit').traceparent).toBe(explicit);
    expect(headersOf('/http-explicit').traceparent).toBe(explicit);
  });

  it('with a tracer, wraps each request in a CLIENT span that the server sees as parent', async () => {
    const memory = new InMemorySpanExporter();
    tracing = createTracing({ serviceName: 'sample-service', exporter: memory });
    stop = enableOutgoingPropagation({ tracer: tracing.tracer });
    const outer = await tracing.tracer.startActiveSpan('GET /api/storage', async (span) => {
      await (await fetch(`${base}/fetch-client?patient=secret`)).text();
      await httpGet(`${base}/missing-client`);
      span.end();
      return span.spanContext();
    });
    expect(await tracing.forceFlush()).toBe(true);
    const clients = memory.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(clients).toHaveLength(2);
    for (const client of clients) {
      expect(client.spanContext().traceId).toBe(outer.traceId);
      expect(client.parentSpanContext?.spanId).toBe(outer.spanId);
      expect(client.name).toBe('GET');
    }
    const viaFetch = clients.find((s) => String(s.attributes['url.full']).includes('/fetch-client'));
    const viaHttp = clients.find((s) => String(s.attributes['url.full']).includes('/missing-client'));
    expect(viaFetch?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
      'url.full': `${base}/fetch-client`,
    });
    expect(viaHttp?.attributes).toMatchObject({ 'http.response.status_code': 404, 'error.type': '404' });
    expect(viaHttp?.status.code).toBe(SpanStatusCode.ERROR);
    expect(headersOf('/fetch-client?patient=secret').traceparent).toBe(
      `00-${outer.traceId}-${viaFetch?.spanContext().spanId}-01`,
    );
    expect(headersOf('/missing-client').traceparent).toBe(
      `00-${outer.traceId}-${viaHttp?.spanContext().spanId}-01`,
    );
  });

  it('ends the CLIENT span with an error when the connection fails', async () => {
    const memory = new InMemorySpanExporter();
    tracing = createTracing({ serviceName: 'sample-service', exporter: memory });
    stop = enableOutgoingPropagation({ tracer: tracing.tracer });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await tracing.tracer.startActiveSpan('unreachable', async (span) => {
      await expect(httpGet(`http://127.0.0.1:${port}/x`)).rejects.toThrow();
      await expect(fetch(`http://127.0.0.1:${port}/y`)).rejects.toThrow();
      span.end();
    });
    await tracing.forceFlush();
    const clients = memory.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(clients).toHaveLength(2);
    for (const client of clients) expect(client.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('does not trace or tag the exporter’s own requests to the collector', async () => {
    const receiver = await startOtlpReceiver();
    try {
      tracing = createTracing({ serviceName: 'sample-service', endpoint: receiver.url });
      stop = enableOutgoingPropagation({ tracer: tracing.tracer });
      const { tracer } = tracing;
      const traceId = await tracer.startActiveSpan('request that flushes', async (span) => {
        tracer.startSpan('queued').end();
        // The export runs inside this active span: it must neither carry its ids nor get a span.
        expect(await tracing?.forceFlush()).toBe(true);
        span.end();
        return span.spanContext().traceId;
      });
      expect(await tracing.forceFlush()).toBe(true);
      await receiver.waitForSpans((s) => s.name === 'request that flushes');
      expect(receiver.spans.find((s) => s.name === 'queued')?.traceId).toBe(traceId);
      expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
      expect(receiver.requests.map((r) => r.headers.traceparent)).toEqual(
        receiver.requests.map(() => undefined),
      );
      expect(receiver.spans.filter((s) => s.kind === 3)).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
