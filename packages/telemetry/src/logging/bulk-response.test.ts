import { describe, expect, it } from 'vitest';
import { readBulkResponse } from './bulk-response.js';

const ES = 'Elasticsearch';

describe('readBulkResponse', () => {
  it('maps each item: 2xx shipped, 429 retry, other errors failed, missing items failed', () => {
    const body = JSON.stringify({
      errors: true,
      items: [
        { create: { status: 201 } },
        { create: { status: 429, error: { type: 'es_rejected_execution_exception' } } },
        { create: { status: 400, error: { type: 'mapper_parsing_exception' } } },
        { index: { status: 200 } },
      ],
    });
    expect(readBulkResponse(200, ES, body, 5)).toEqual({
      kind: 'items',
      outcomes: ['shipped', 'retry', 'failed', 'shipped', 'failed'],
    });
  });

  it.each([429, 500, 502, 503, 504])('retries a request refused with %i', (status) => {
    expect(readBulkResponse(status, ES, '{}', 1).kind).toBe('retry');
  });

  it.each([400, 401, 403, 404, 413, 501])('fails a request refused with %i', (status) => {
    expect(readBulkResponse(status, ES, '{}', 1)).toEqual({
      kind: 'failed',
      reason: `Elasticsearch answered HTTP ${status}`,
    });
  });

  it('trusts a 2xx only from Elasticsearch, with a readable body', () => {
    const ok = JSON.stringify({ errors: false, items: [{ create: { status: 201 } }] });
    expect(readBulkResponse(200, null, ok, 1)).toMatchObject({ kind: 'failed', reason: /x-elastic-product/ });
    expect(readBulkResponse(200, ES, '<html>', 1)).toMatchObject({ kind: 'failed' });
    expect(readBulkResponse(200, ES, '{"errors":false}', 1)).toMatchObject({ kind: 'failed' });
  });
});
