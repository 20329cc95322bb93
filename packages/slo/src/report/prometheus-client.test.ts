import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createPrometheusClient, PrometheusError, splitRange } from './prometheus-client.js';

function fakeFetch(answer: (body: URLSearchParams, url: string) => unknown): typeof fetch {
  return (async (url: string, init?: RequestInit) =>
    new Response(JSON.stringify(answer(init?.body as URLSearchParams, url)))) as typeof fetch;
}

describe('splitRange', () => {
  it('splits a range into chunks of at most maxPoints on the same grid', () => {
    expect(splitRange(0, 100, 10, 4)).toEqual([
      [0, 30],
      [40, 70],
      [80, 100],
    ]);
    expect(splitRange(0, 0, 60)).toEqual([[0, 0]]);
    expect(splitRange(0, 30 * 86_400, 60)).toHaveLength(5);
  });
});

describe('createPrometheusClient', () => {
  it('merges chunked range results per label set', async () => {
    const seen: string[] = [];
    const client = createPrometheusClient('http://prom.example/', {
      fetch: fakeFetch((body, url) => {
        seen.push(`${url} ${body.get('start')}-${body.get('end')}`);
        const start = Number(body.get('start'));
        return {
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: { a: '1' }, values: [[start, '1']] }] },
        };
      }),
    });
    const series = await client.queryRange('up', 0, 20_000 * 60, 60);
    expect(seen).toEqual([
      'http://prom.example/api/v1/query_range 0-599940',
      'http://prom.example/api/v1/query_range 600000-1199940',
      'http://prom.example/api/v1/query_range 1200000-1200000',
    ]);
    expect(series).toEqual([
      {
        metric: { a: '1' },
        samples: [
          [0, 1],
          [600_000, 1],
          [1_200_000, 1],
        ],
      },
    ]);
  });

  it('returns one value, undefined for an empty vector, and refuses several series', async () => {
    const answer = (result: unknown[]) =>
      createPrometheusClient('http://p', {
        fetch: fakeFetch(() => ({ status: 'success', data: { resultType: 'vector', result } })),
      });
    expect(await answer([{ metric: {}, value: [1, '0.25'] }]).queryValue('q', 1)).toBe(0.25);
    expect(await answer([]).queryValue('q', 1)).toBeUndefined();
    await expect(answer([{}, {}]).queryValue('q', 1)).rejects.toThrow('query q returned 2 series');
  });

  it('names the URL and query when Prometheus refuses a query', async () => {
    const client = createPrometheusClient('http://p', {
      fetch: fakeFetch(() => ({ status: 'error', errorType: 'bad_data', error: 'parse error' })),
    });
    await expect(client.queryValue('sum(', 1)).rejects.toThrow(
      new PrometheusError('Prometheus at http://p refused query sum(: bad_data: parse error'),
    );
  });

  it('says which URL cannot be reached', async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    await new Promise((done) => server.close(done));
    const client = createPrometheusClient(`http://127.0.0.1:${port}`);
    await expect(client.queryValue('up', 1)).rejects.toThrow(
      `cannot reach Prometheus at http://127.0.0.1:${port}: ECONNREFUSED`,
    );
  });

  it('times out with the query in the message', async () => {
    const server = createServer(() => {
      // never answers
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    try {
      const client = createPrometheusClient(`http://127.0.0.1:${port}`, { timeoutMs: 200 });
      await expect(client.queryValue('up', 1)).rejects.toThrow(
        `Prometheus at http://127.0.0.1:${port} did not answer within 0.2s (query: up)`,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });
});
