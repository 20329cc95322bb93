import { type ExportResponse, OTLPExporterError } from '@opentelemetry/otlp-exporter-base';

/** What the export worker needs to build the same transport settings as the main thread. */
export interface ExportWorkerSettings {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly contentType: string;
}

/** One request to the export worker: send `data`. */
export interface SendMessage {
  readonly id: number;
  readonly data: Uint8Array;
  readonly timeoutMillis: number;
  /** A rehearsal (see `rehearsePipeline`): answer success without sending anything. */
  readonly rehearsal: boolean;
}

/**
 * The worker's first message: its modules are loaded and its transport is built, so it is ready
 * to send (see `WorkerExportTransport.ready`).
 */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** The worker's answer to a {@link SendMessage}: an `ExportResponse` with its error as plain data. */
export interface SentMessage {
  readonly id: number;
  readonly status: ExportResponse['status'];
  readonly data?: Uint8Array | undefined;
  readonly retryInMillis?: number | undefined;
  readonly error?: SerializedError | undefined;
  /**
   * The buffer of the request's `data`, moved back for the next request's copy: only after a
   * success (the collector has read the whole body, so no socket still writes it) or a rehearsal.
   */
  readonly body?: ArrayBuffer | undefined;
}

/** An Error across the thread boundary: structured cloning keeps only message and stack. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  /** A socket error's code (`ECONNREFUSED`) or an HTTP status (OTLPExporterError). */
  readonly code?: string | number | undefined;
  /** OTLPExporterError's response body excerpt. */
  readonly data?: string | undefined;
}

/** The answer as the worker posts it. */
export function toMessage(id: number, response: ExportResponse): SentMessage {
  const error = 'error' in response ? response.error : undefined;
  return {
    id,
    status: response.status,
    data: response.status === 'success' ? response.data : undefined,
    retryInMillis: response.status === 'retryable' ? response.retryInMillis : undefined,
    error:
      error === undefined
        ? undefined
        : {
            name: error.name,
            message: error.message,
            code: (error as { code?: string | number }).code,
            data: (error as { data?: string }).data,
          },
  };
}

/** The `ExportResponse` a {@link SentMessage} stands for, with errors as the transport made them. */
export function fromMessage(message: SentMessage): ExportResponse {
  const error = message.error === undefined ? undefined : toError(message.error);
  if (message.status === 'success') return { status: 'success', data: message.data };
  if (message.status === 'retryable') {
    return { status: 'retryable', error, retryInMillis: message.retryInMillis };
  }
  return { status: 'failure', error: error ?? new Error('export failed') };
}

function toError(serialized: SerializedError): Error {
  if (serialized.name === 'OTLPExporterError') {
    return new OTLPExporterError(
      serialized.message,
      typeof serialized.code === 'number' ? serialized.code : undefined,
      serialized.data,
    );
  }
  const error = new Error(serialized.message);
  if (serialized.code !== undefined) Object.assign(error, { code: serialized.code });
  return error;
}
