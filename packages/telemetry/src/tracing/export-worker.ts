// The export worker: sends OTLP/HTTP requests for the main thread (see WorkerExportTransport).
import { parentPort, workerData } from 'node:worker_threads';
import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import {
  type ExportWorkerSettings,
  type ReadyMessage,
  type SendMessage,
  toMessage,
} from './export-messages.js';
import { OtlpHttpTransport } from './otlp-http-transport.js';

const settings = workerData as ExportWorkerSettings;
const transport = new OtlpHttpTransport(
  convertLegacyHttpOptions(
    {
      url: settings.url,
      headers: { ...settings.headers },
      timeoutMillis: settings.timeoutMs,
      keepAlive: true,
    },
    'TRACES',
    'v1/traces',
    { 'Content-Type': settings.contentType },
  ),
);

parentPort?.on('message', (message: SendMessage | { readonly type: 'shutdown' }) => {
  if ('type' in message) {
    transport.shutdown();
    return;
  }
  const body = message.data.buffer as ArrayBuffer;
  if (message.rehearsal) {
    parentPort?.postMessage({ ...toMessage(message.id, { status: 'success' }), body }, [body]);
    return;
  }
  transport.send(message.data, message.timeoutMillis).then(
    (response) =>
      response.status === 'success'
        ? parentPort?.postMessage({ ...toMessage(message.id, response), body }, [body])
        : parentPort?.postMessage(toMessage(message.id, response)),
    (error: unknown) =>
      parentPort?.postMessage(
        toMessage(message.id, {
          status: 'failure',
          error: error instanceof Error ? error : new Error(String(error)),
        }),
      ),
  );
});

// Booting a worker (an isolate, these modules, the transport) costs ~150-200 ms of CPU. The main
// thread waits for this message at start-up (startTelemetry), so that work is not done on the
// service's core during its first seconds of traffic.
parentPort?.postMessage({ type: 'ready' } satisfies ReadyMessage);
