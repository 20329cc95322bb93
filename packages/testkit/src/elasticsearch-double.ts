import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { waitFor } from './wait-for.js';

/**
 * How the double answers:
 * - `'up'`: like a healthy cluster;
 * - `'down'`: the listening socket is closed and open connections are destroyed, so clients get
 *   `ECONNREFUSED` (a crashed or unreachable node);
 * - `'stall'`: connections are accepted and requests read, but never answered (a hung node);
 * - `{ status }`: every request is refused with that HTTP status and an ES-style error body
 *   (429 = overloaded, 500 = internal error, 401 = bad credentials);
 * - `{ itemStatus, every }`: `_bulk` answers 200 with `errors: true`, giving every `every`-th
 *   item (default: every item) that status (e.g. 429 or a 400 mapping error), the others 201.
 */
export type ElasticsearchDoubleMode =
  | 'up'
  | 'down'
  | 'stall'
  | { readonly status: number }
  | { readonly itemStatus: number; readonly every?: number };

/** One document the double accepted, with the index it was written to. */
export interface AcceptedDocument {
  readonly index: string;
  readonly document: Record<string, unknown>;
}

/** An HTTP server on 127.0.0.1 that speaks enough of Elasticsearch 8 for log shippers. */
export interface ElasticsearchDouble {
  /** Base URL, e.g. `http://127.0.0.1:40123`; stays the same across `'down'` and back. */
  readonly url: string;
  /** Sources of every document accepted so far (parsed), in arrival order. */
  readonly documents: readonly Record<string, unknown>[];
  /** Every accepted document with the index (or data stream) it was written to. */
  readonly accepted: readonly AcceptedDocument[];
  /** HTTP requests received so far, whatever the mode (refused connections are not requests). */
  readonly requests: number;
  /** The current mode. */
  readonly mode: ElasticsearchDoubleMode;
  /**
   * Switches how the double answers. Leaving `'stall'` resets the stalled connections (as a
   * restarted node would), so clients notice at once instead of waiting for their timeout.
   */
  setMode(mode: ElasticsearchDoubleMode): Promise<void>;
  /** Resolves with the accepted documents once at least `count` have arrived. */
  waitForDocuments(count: number, timeoutMs?: number): Promise<readonly Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Version reported by `GET /`; the official clients only talk to 8.x/9.x servers. */
const VERSION = '8.15.0';

/** Bulk actions that carry a source line after the action line. */
const ACTIONS_WITH_SOURCE = new Set(['index', 'create', 'update']);

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'mapper_parsing_exception',
  401: 'security_exception',
  403: 'security_exception',
  404: 'index_not_found_exception',
  409: 'version_conflict_engine_exception',
  429: 'es_rejected_execution_exception',
  500: 'internal_server_error',
  503: 'cluster_block_exception',
};

function errorBody(status: number, reason: string): { type: string; reason: string } {
  return { type: ERROR_TYPES[status] ?? 'exception', reason };
}

class BadRequest extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  // The official client gzips bodies when `compression: true`.
  const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
  return body.toString('utf8');
}

function send(
  response: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    // The official client refuses any 2xx answer without this header (product check).
    'x-elastic-product': 'Elasticsearch',
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  response.end(payload);
}

function sendError(response: ServerResponse, status: number, reason: string): void {
  const error = errorBody(status, reason);
  const headers: Record<string, string> =
    status === 401 ? { 'www-authenticate': 'Basic realm="security", charset="UTF-8"' } : {};
  send(response, status, { error: { root_cause: [error], ...error }, status }, headers);
}

function clusterInfo(): unknown {
  return {
    name: 'es-double',
    cluster_name: 'tracseq-test',
    cluster_uuid: 'tracseq-es-double-0000000000',
    version: {
      number: VERSION,
      build_flavor: 'default',
      build_type: 'docker',
      build_snapshot: false,
      lucene_version: '9.11.1',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
}

/** Parses one NDJSON line or reports which line broke, as ES does with a 400. */
function parseLine(line: string, lineNumber: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new BadRequest(`Malformed content on line [${lineNumber}]: expected a JSON object`);
  }
}

/** Starts an Elasticsearch double on a free loopback port, in mode `'up'`. */
export async function startElasticsearchDouble(): Promise<ElasticsearchDouble> {
  const documents: Record<string, unknown>[] = [];
  const accepted: AcceptedDocument[] = [];
  const stalled = new Set<ServerResponse>();
  let mode: ElasticsearchDoubleMode = 'up';
  let requests = 0;
  let sequence = 0;

  function bulk(pathIndex: string | undefined, body: string): unknown {
    const started = Date.now();
    const lines = body.split('\n');
    const items: unknown[] = [];
    let errors = false;
    let itemNumber = 0;
    for (let i = 0; i < lines.length; i++) {
      const actionLine = lines[i];
      if (actionLine === undefined || actionLine.trim() === '') continue;
      const action = parseLine(actionLine, i + 1);
      const [operation] = Object.keys(action);
      if (operation === undefined || !['index', 'create', 'update', 'delete'].includes(operation)) {
        throw new BadRequest(
          `Malformed action/metadata line [${i + 1}], expected one of [create, delete, index, update]`,
        );
      }
      const meta = (action[operation] ?? {}) as Record<string, unknown>;
      let source: Record<string, unknown> | undefined;
      if (ACTIONS_WITH_SOURCE.has(operation)) {
        const sourceLine = lines[i + 1];
        if (sourceLine === undefined || sourceLine.trim() === '') {
          throw new BadRequest(`The bulk request must be terminated by a newline [\\n] (line [${i + 2}])`);
        }
        source = parseLine(sourceLine, i + 2);
        i++;
      }
      itemNumber++;
      const index = typeof meta._index === 'string' ? meta._index : pathIndex;
      const id = typeof meta._id === 'string' ? meta._id : `doc-${++sequence}`;
      const forced =
        typeof mode === 'object' && 'itemStatus' in mode && itemNumber % (mode.every ?? 1) === 0
          ? mode.itemStatus
          : undefined;
      if (index === undefined) {
        errors = true;
        items.push({ [operation]: { _id: id, status: 400, error: errorBody(400, 'index is missing') } });
      } else if (forced !== undefined && forced >= 300) {
        errors = true;
        items.push({
          [operation]: {
            _index: index,
            _id: id,
            status: forced,
            error: errorBody(forced, 'rejected by the double'),
          },
        });
      } else {
        if (source !== undefined && operation !== 'update') {
          documents.push(source);
          accepted.push({ index, document: source });
        }
        items.push({
          [operation]: {
            _index: index,
            _id: id,
            _version: 1,
            result: operation === 'delete' ? 'deleted' : 'created',
            _shards: { total: 2, successful: 1, failed: 0 },
            _seq_no: sequence,
            _primary_term: 1,
            status: operation === 'delete' ? 200 : 201,
          },
        });
      }
    }
    return { took: Date.now() - started, errors, items };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (mode === 'stall') {
      // Never answer; remembered so close() and leaving 'stall' can reset the connection.
      stalled.add(response);
      response.on('close', () => stalled.delete(response));
      return;
    }
    if (typeof mode === 'object' && 'status' in mode) {
      sendError(response, mode.status, `the double answers ${mode.status}`);
      return;
    }
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const method = request.method ?? 'GET';
    if (path === '/' && (method === 'GET' || method === 'HEAD')) {
      if (method === 'HEAD') send(response, 200);
      else send(response, 200, clusterInfo());
      return;
    }
    const bulkPath = /^\/(?:([^/_][^/]*)\/)?_bulk$/.exec(path);
    if (bulkPath && (method === 'POST' || method === 'PUT')) {
      const pathIndex = bulkPath[1] === undefined ? undefined : decodeURIComponent(bulkPath[1]);
      try {
        send(response, 200, bulk(pathIndex, body));
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        send(response, 400, {
          error: { ...errorBody(400, error.message), type: 'illegal_argument_exception' },
          status: 400,
        });
      }
      return;
    }
    sendError(response, 404, `no handler found for uri [${path}] and method [${method}]`);
  }

  const server = createServer((request, response) => {
    requests++;
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendError(response, 500, error instanceof Error ? error.message : String(error));
    });
  });

  function resetStalled(): void {
    for (const response of stalled) response.destroy();
    stalled.clear();
  }

  function listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  function stopListening(): Promise<void> {
    return new Promise((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      // close() waits for open connections; destroying them makes 'down' immediate.
      server.closeAllConnections();
    });
  }

  await listen(0);
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    documents,
    accepted,
    get requests() {
      return requests;
    },
    get mode() {
      return mode;
    },
    async setMode(next) {
      const previous = mode;
      mode = next;
      if (previous === 'stall' && next !== 'stall') resetStalled();
      if (next === 'down') await stopListening();
      else if (!server.listening) await listen(port);
    },
    waitForDocuments: (count, timeoutMs = 30_000) =>
      waitFor(() => (documents.length >= count ? documents : undefined), {
        timeoutMs,
        intervalMs: 20,
        description: `${count} documents in the Elasticsearch double (received so far: ${documents.length})`,
      }),
    async close() {
      resetStalled();
      await stopListening();
    },
  };
}
