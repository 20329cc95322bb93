// A local OTLP/HTTP trace receiver that accepts and discards: `POST /v1/traces` → 200 at once.
// Scenarios export to it so tracing pays the real serialization and HTTP cost, with no collector
// on the machine to compete for CPU. It counts exports, bytes and spans.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { countSpans } from './otlp-span-count.mjs';

/** Starts the sink on 127.0.0.1; resolves to `{url, counts(), close()}`. */
export async function startOtlpSink() {
  const totals = { exports: 0, bytes: 0, spans: 0, badBodies: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const type = req.headers['content-type'] ?? '';
      if (req.method === 'POST' && req.url === '/v1/traces') {
        let body = Buffer.concat(chunks);
        totals.exports++;
        totals.bytes += body.length;
        try {
          if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          totals.spans += countSpans(body, type);
        } catch {
          totals.badBodies++;
        }
        // An empty ExportTraceServiceResponse: full success in either encoding.
        const json = type.includes('json');
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
        res.end(json ? '{}' : '');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return {
    url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/v1/traces`,
    counts: () => ({ ...totals }),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
