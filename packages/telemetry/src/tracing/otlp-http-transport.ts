import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import {
  type ExportResponse,
  type IExporterTransport,
  OTLPExporterError,
} from '@opentelemetry/otlp-exporter-base';
import type { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';

/** The merged exporter settings (`url`, headers, compression, agent) the SDK's option helper returns. */
export type OtlpHttpSettings = ReturnType<typeof convertLegacyHttpOptions>;

/** Largest collector answer read; past it the export counts as failed (the SDK's own bound). */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** HTTP answers the OTLP/HTTP spec says to retry (with `Retry-After` when given). */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Network errors worth another attempt: the collector may be restarting or briefly unreachable. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

const gzipAsync = promisify(gzip);

/**
 * Milliseconds to wait from a `Retry-After` value (delta-seconds or an HTTP date); `undefined`
 * when absent or unreadable, so the caller's backoff applies.
 */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** An error carrying a Node-style `code`, as socket errors do, so callers can classify it. */
function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * One OTLP/HTTP POST per `send`, no retries (see `RetryingExportTransport`): what the SDK's Node
 * transport does, plus what it leaves out and the loss reporting needs. Every answer that is not a
 * success carries an error saying why (a retryable 503 keeps its status code instead of becoming
 * "retryable status"), and `shutdown()` aborts requests still in flight, so a stalled collector
 * cannot hold a socket past the process's shutdown.
 */
export class OtlpHttpTransport implements IExporterTransport {
  readonly #settings: OtlpHttpSettings;
  readonly #url: URL;
  readonly #open = new Set<ClientRequest>();
  #agent: Promise<Agent> | undefined;
  #stopped = false;

  constructor(settings: OtlpHttpSettings) {
    this.#settings = settings;
    this.#url = new URL(settings.url);
  }

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    if (this.#stopped) return { status: 'failure', error: new Error('exporter shut down') };
    let agent: Agent;
    let headers: Record<string, string>;
    let body: Uint8Array;
    try {
      this.#agent ??= Promise.resolve(
        this.#settings.agentFactory(this.#url.protocol) as Agent | Promise<Agent>,
      );
      agent = await this.#agent;
      headers = { ...(await this.#settings.headers()) };
      body = data;
      if (this.#settings.compression === 'gzip') {
        body = await gzipAsync(data);
        headers['Content-Encoding'] = 'gzip';
      }
    } catch (error) {
      return { status: 'failure', error: error instanceof Error ? error : new Error(String(error)) };
    }
    headers['Content-Length'] = String(body.byteLength);
    headers['User-Agent'] ??=
      `${this.#settings.userAgent ? `${this.#settings.userAgent} ` : ''}@tracseq/telemetry`;
    return new Promise<ExportResponse>((resolve) => {
      const send = this.#url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(this.#url, { method: 'POST', headers, agent }, (response) =>
        this.#read(response, resolve),
      );
      this.#open.add(request);
      request.once('close', () => this.#open.delete(request));
      request.setTimeout(Math.max(1, timeoutMillis), () => {
        const error = codedError(`no answer within ${timeoutMillis} ms`, 'ETIMEDOUT');
        resolve({ status: 'retryable', error });
        request.destroy(error);
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        const retry = typeof error.code === 'string' && RETRYABLE_NETWORK_CODES.has(error.code);
        resolve(retry && !this.#stopped ? { status: 'retryable', error } : { status: 'failure', error });
      });
      request.end(body);
    });
  }

  #read(response: IncomingMessage, resolve: (result: ExportResponse) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        resolve({
          status: 'failure',
          error: new Error(`collector answer larger than ${MAX_RESPONSE_BYTES} bytes`),
        });
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    response.on('error', (error) => resolve({ status: 'failure', error }));
    response.on('end', () => {
      const status = response.statusCode ?? 0;
      const body = Buffer.concat(chunks);
      if (status >= 200 && status <= 299) {
        resolve({ status: 'success', data: body });
        return;
      }
      const error = new OTLPExporterError(
        `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`,
        status,
        body.toString('utf8', 0, Math.min(body.length, 1024)),
      );
      resolve(
        RETRYABLE_STATUS.has(status)
          ? { status: 'retryable', error, retryInMillis: retryAfterMs(response.headers['retry-after']) }
          : { status: 'failure', error },
      );
    });
  }

  /** Aborts requests in flight and closes idle keep-alive sockets; later sends fail at once. */
  shutdown(): void {
    this.#stopped = true;
    for (const request of this.#open) request.destroy(new Error('exporter shut down'));
    this.#open.clear();
    this.#agent?.then((agent) => agent.destroy()).catch(() => undefined);
  }
}
