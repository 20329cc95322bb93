/**
 * What one `_bulk` answer means for the lines of the batch:
 * - `items`: ES answered per document; `outcomes[i]` is the fate of line `i`;
 * - `retry`: ES refused the whole request with a status that may pass (429, 5xx but 501);
 * - `failed`: ES refused the whole request for good (401, 403, 400...) or the answer cannot
 *   be trusted (not Elasticsearch, unreadable), so no line can be counted as shipped.
 */
export type BulkResult =
  | { readonly kind: 'items'; readonly outcomes: readonly ItemOutcome[] }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/** Fate of one document in a `_bulk` answer. */
export type ItemOutcome = 'shipped' | 'failed' | 'retry';

/**
 * Request-level statuses worth retrying: overload (429) and server-side failures that a node
 * restart or a master election clears. 501 (not implemented) will not change, so it fails.
 */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Value of `x-elastic-product` that the official clients require on successful answers. */
export const ELASTIC_PRODUCT = 'Elasticsearch';

function itemOutcome(item: unknown): ItemOutcome {
  if (item === null || typeof item !== 'object') return 'failed';
  const result = Object.values(item)[0] as { status?: unknown } | undefined;
  const status = typeof result?.status === 'number' ? result.status : 0;
  if (status >= 200 && status < 300) return 'shipped';
  // Per-document 429 means the node was busy, not that the document is wrong (the official bulk
  // helper retries exactly these); any other item error is about the document and will repeat.
  if (status === 429) return 'retry';
  return 'failed';
}

/**
 * Reads a `_bulk` answer for a batch of `count` documents.
 *
 * @param status - HTTP status of the answer.
 * @param product - the `x-elastic-product` response header, checked on 2xx like the official
 *   client does: a 2xx from something else (a proxy's error page, another product) proves nothing.
 * @param body - the response body.
 */
export function readBulkResponse(
  status: number,
  product: string | null,
  body: string,
  count: number,
): BulkResult {
  if (status < 200 || status >= 300) {
    const reason = `Elasticsearch answered HTTP ${status}`;
    return RETRYABLE_STATUSES.has(status) ? { kind: 'retry', reason } : { kind: 'failed', reason };
  }
  if (product !== ELASTIC_PRODUCT) {
    return {
      kind: 'failed',
      reason: `the server did not identify as ${ELASTIC_PRODUCT} (x-elastic-product header)`,
    };
  }
  let parsed: { errors?: unknown; items?: unknown };
  try {
    parsed = JSON.parse(body) as { errors?: unknown; items?: unknown };
  } catch {
    return { kind: 'failed', reason: 'the _bulk answer is not JSON' };
  }
  if (!Array.isArray(parsed.items)) return { kind: 'failed', reason: 'the _bulk answer has no items' };
  const items: unknown[] = parsed.items;
  const outcomes: ItemOutcome[] = new Array(count);
  for (let i = 0; i < count; i++) {
    // An item ES did not report on cannot be counted as shipped.
    outcomes[i] = i < items.length ? itemOutcome(items[i]) : 'failed';
  }
  return { kind: 'items', outcomes };
}
