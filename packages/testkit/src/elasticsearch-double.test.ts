import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ElasticsearchDouble, startElasticsearchDouble } from './elasticsearch-double.js';
import { waitFor } from './wait-for.js';

function bulkBody(...lines: unknown[]): string {
  return `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
}

function post(es: ElasticsearchDouble, path: string, body: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${es.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body,
    ...(signal ? { signal } : {}),
  });
}

describe('startElasticsearchDouble', () => {
  let es: ElasticsearchDouble;

  beforeAll(async () => {
    es = await startElasticsearchDouble();
  });

  beforeEach(async () => {
    await es.setMode('up');
  });

  afterAll(async () => {
    await es.close();
  });

  it('answers GET / and HEAD / like an 8.x cluster, with the product header', async () => {
    const info = await fetch(es.url);
    expect(info.status).toBe(200);
    expect(info.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(info.headers.get('content-type')).toBe('application/json');
    expect(((await info.json()) as { version: { number: string } }).version.number).toMatch(/^8\./);
    const head = await fetch(es.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-elastic-product')).toBe('Elasticsearch');
  });

  it('parses NDJSON _bulk bodies and answers per item, with the index from the path or the action', async () => {
    const before = es.documents.length;
    const response = await post(
      es,
      '/logs-tracseq-default/_bulk',
      bulkBody(
        { create: {} },
        { message: 'one' },
        { index: { _index: 'other' } },
        { message: 'two' },
        { delete: { _id: 'x' } },
      ),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
    const answer = (await response.json()) as {
      errors: boolean;
      took: number;
      items: Record<string, { _index: string; status: number }>[];
    };
    expect(answer.errors).toBe(false);
    expect(answer.took).toEqual(expect.any(Number));
    expect(answer.items).toEqual([
      { create: expect.objectContaining({ _index: 'logs-tracseq-default', status: 201, result: 'created' }) },
      { index: expect.objectContaining({ _index: 'other', status: 201 }) },
      { delete: expect.objectContaining({ status: 200 }) },
    ]);
    expect(es.documents.slice(before)).toEqual([{ message: 'one' }, { message: 'two' }]);
    expect(es.accepted.slice(before).map((doc) => doc.index)).toEqual(['logs-tracseq-default', 'other']);

    const noIndex = (await (await post(es, '/_bulk', bulkBody({ create: {} }, { a: 1 }))).json()) as {
      errors: boolean;
      items: { create: { status: number } }[];
    };
    expect(noIndex.errors).toBe(true);
    expect(noIndex.items[0]?.create.status).toBe(400);
  });

  it('answers 400 to malformed NDJSON', async () => {
    const response = await post(es, '/_bulk', '{"create":{}}\nnot json\n');
    expect(response.status).toBe(400);
    expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
  });

  it('refuses with a fixed status, or per item', async () => {
    await es.setMode({ status: 401 });
    const refused = await post(es, '/i/_bulk', bulkBody({ create: {} }, { a: 1 }));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('security_exception');

    await es.setMode({ itemStatus: 429, every: 2 });
    const before = es.documents.length;
    const partial = (await (
      await post(es, '/i/_bulk', bulkBody({ create: {} }, { n: 1 }, { create: {} }, { n: 2 }))
    ).json()) as {
      errors: boolean;
      items: { create: { status: number; error?: { type: string } } }[];
    };
    expect(partial.errors).toBe(true);
    expect(partial.items.map((item) => item.create.status)).toEqual([201, 429]);
    expect(partial.items[1]?.create.error?.type).toBe('es_rejected_execution_exception');
    expect(es.documents.slice(before)).toEqual([{ n: 1 }]);
  });

  it('refuses connections while down and accepts them again on the same URL', async () => {
    await es.setMode('down');
    const { port } = new URL(es.url);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    await es.setMode('up');
    expect((await fetch(es.url)).status).toBe(200);
  });

  it('never answers while stalled, and resets stalled requests when leaving the stall', async () => {
    await es.setMode('stall');
    const requestsBefore = es.requests;
    const stalled = post(es, '/i/_bulk', bulkBody({ create: {} }, { a: 1 }));
    const outcome = stalled.then(
      () => 'answered',
      () => 'reset',
    );
    await waitFor(() => es.requests > requestsBefore, { intervalMs: 5 });
    // Received but unanswered: give a loopback answer ample time to arrive, then check none did.
    const early = await Promise.race([outcome, new Promise((resolve) => setTimeout(resolve, 50, 'pending'))]);
    expect(early).toBe('pending');
    await es.setMode('up');
    expect(await outcome).toBe('reset');
  });
});
