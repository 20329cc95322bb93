import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  createOtlpNetworkExportDelegate,
  type IExporterTransport,
  type IOtlpExportDelegate,
} from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExporterMetrics,
} from '@opentelemetry/otlp-exporter-base/node-http';
import {
  type IExportTraceServiceResponse,
  type ISerializer,
  JsonTraceSerializer,
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper,
} from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { OtlpHttpTransport } from './otlp-http-transport.js';
import { encodeTraceRequest, requestSizeFor } from './otlp-protobuf.js';
import { RetryingExportTransport } from './retrying-export-transport.js';
import { ReusableBuffers } from './reusable-buffers.js';
import { SpanEncoder } from './span-encoder.js';
import type { OtlpProtocol } from './tracing-options.js';
import { exportWorkerAvailable, WorkerExportTransport } from './worker-export-transport.js';

/** Options of {@link createOtlpTraceExporter}. */
export interface OtlpTraceExporterOptions {
  /** Full traces URL, e.g. `http://localhost:4318/v1/traces`. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly headers?: Readonly<Record<string, string>>;
  /** Budget for one export including the exporter's own retries. */
  readonly timeoutMs: number;
  /**
   * Where the HTTP requests run: `worker` (default when the compiled worker exists), a worker
   * thread (see `WorkerExportTransport`), or `main`, this thread.
   */
  readonly requests?: 'worker' | 'main';
}

/** A span exporter that can stop retrying, so a shutdown need not sit out the retry backoff. */
export interface GivingUpSpanExporter extends SpanExporter {
  /** From now on a failed attempt is final; backoffs in progress end now (see `RetryingExportTransport`). */
  giveUp(): void;
  /**
   * Resolves when the exporter is ready to send (its export worker booted); never rejects. Absent
   * when there is nothing to wait for.
   */
  ready?(): Promise<void>;
  /**
   * Exports `spans` as a rehearsal: the same path as `export` up to the transport, which sends
   * nothing (see `rehearsePipeline`). Absent when the exporter cannot rehearse.
   */
  rehearse?(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void;
  /**
   * Encodes spans as they end, for this exporter's OTLP/protobuf requests (see `SpanEncoder`):
   * put it in front of the batch processor (`EncodingSpanProcessor`). Absent for OTLP/JSON.
   */
  readonly encoder?: SpanEncoder;
}

/** Whether `exporter` supports {@link GivingUpSpanExporter.rehearse}. */
export function canRehearse(
  exporter: SpanExporter,
): exporter is GivingUpSpanExporter & Required<Pick<GivingUpSpanExporter, 'rehearse'>> {
  return typeof (exporter as Partial<GivingUpSpanExporter>).rehearse === 'function';
}

/** Whether `exporter` supports {@link GivingUpSpanExporter.giveUp}. */
export function canGiveUp(exporter: SpanExporter): exporter is GivingUpSpanExporter {
  return typeof (exporter as Partial<GivingUpSpanExporter>).giveUp === 'function';
}

/**
 * Our single-pass encoder (same bytes as the SDK's), the SDK's response decoder. Once a batch is
 * framed, `encoder` takes back its queue entries (the delegate serializes before it sends, and
 * afterwards reads only the list's length).
 */
function protobufSerializer(
  encoder: SpanEncoder,
  bodies: ReusableBuffers | undefined,
): ISerializer<ReadableSpan[], IExportTraceServiceResponse> {
  return {
    serializeRequest: (spans) => {
      const request = encodeTraceRequest(spans, bodies?.take(requestSizeFor(spans.length)));
      encoder.recycle(spans);
      return request;
    },
    deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
  };
}

/** The SDK's component type for OTLP/HTTP span exporters (its own self-metrics name). */
const COMPONENT_TYPE = 'otlp_http_span_exporter';

/**
 * OTLP/HTTP trace exporter (protobuf or JSON) on the SDK's export delegate (bounded concurrency,
 * partial-success handling) with our own transport underneath: {@link OtlpHttpTransport} for the
 * request, in a worker thread ({@link WorkerExportTransport}), and {@link RetryingExportTransport}
 * for the OTLP retry policy, which can give up at shutdown. Two more differences from
 * `@opentelemetry/exporter-trace-otlp-*`:
 *
 * - protobuf batches are encoded by {@link encodeTraceRequest}, the same bytes as the SDK's
 *   serializer in one pass;
 * - encoding and sending start on the next turn of the event loop (`setImmediate`), not inside
 *   `export()`. The BatchSpanProcessor calls `export()` synchronously from the `span.end()` that
 *   fills a batch, so the request ending that span used to pay for serializing 512 spans.
 *   The processor's queue accounting is unchanged: it takes the batch out of its queue at the
 *   same moment, and waits for the result callback as before.
 */
class OtlpTraceExporter implements GivingUpSpanExporter {
  readonly encoder: SpanEncoder | undefined;
  readonly #delegate: IOtlpExportDelegate<ReadableSpan[]>;
  readonly #transport: RetryingExportTransport;
  readonly #ready: Promise<void>;
  /** Exports handed over but not started yet (waiting for `setImmediate`). */
  #pending = 0;
  /** True while a rehearsal's request is handed to the transport. */
  #rehearsing = false;
  #drained: (() => void)[] = [];

  constructor(options: OtlpTraceExporterOptions) {
    const json = options.protocol === 'http/json';
    this.encoder = json ? undefined : new SpanEncoder();
    const contentType = json ? 'application/json' : 'application/x-protobuf';
    // The URL is passed explicitly so the SDK's own OTEL_EXPORTER_OTLP_* lookup cannot override
    // the resolved one; the other OTEL_EXPORTER_OTLP_* settings (headers, compression) still apply.
    const settings = convertLegacyHttpOptions(
      {
        url: options.url,
        headers: { ...options.headers },
        timeoutMillis: options.timeoutMs,
        keepAlive: true,
      },
      'TRACES',
      'v1/traces',
      { 'Content-Type': contentType },
    );
    // The worker builds the same settings from the same inputs (functions do not cross threads).
    const inWorker = (options.requests ?? 'worker') === 'worker' && exportWorkerAvailable();
    const worker = inWorker
      ? new WorkerExportTransport({
          url: options.url,
          headers: { ...options.headers },
          timeoutMs: options.timeoutMs,
          contentType,
        })
      : undefined;
    this.#ready = worker?.ready() ?? Promise.resolve();
    const requests = worker ?? new OtlpHttpTransport(settings);
    // The delegate serializes and calls `send` in the same turn, so the flag marks exactly the
    // rehearsal's request: the worker takes its message and answers without sending it; without a
    // worker it ends here.
    const rehearsable: IExporterTransport = {
      send: (data, timeoutMillis) => {
        if (!this.#rehearsing) return requests.send(data, timeoutMillis);
        return worker ? worker.send(data, timeoutMillis, true) : Promise.resolve({ status: 'success' });
      },
      shutdown: () => requests.shutdown(),
    };
    this.#transport = new RetryingExportTransport(rehearsable);
    // Request bodies are encoded into reused buffers (see ReusableBuffers) only when the worker
    // sends them: it copies a body before `send` returns, so once the last retry's `send` has
    // settled, nothing reads the body any more and it goes back for the next request.
    const bodies = worker && this.encoder ? new ReusableBuffers() : undefined;
    const retrying = this.#transport;
    const transport: IExporterTransport = bodies
      ? {
          send: (data, timeoutMillis) =>
            retrying
              .send(data, timeoutMillis)
              .finally(() => bodies.give(new Uint8Array(data.buffer as ArrayBuffer))),
          shutdown: () => retrying.shutdown(),
        }
      : retrying;
    this.#delegate = createOtlpNetworkExportDelegate(
      settings,
      this.encoder ? protobufSerializer(this.encoder, bodies) : JsonTraceSerializer,
      createOtlpHttpExporterMetrics(COMPONENT_TYPE, TraceExporterMetricsHelper, settings.url, undefined),
      transport,
    );
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.#exportNextTurn(spans, resultCallback, false);
  }

  rehearse(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.#exportNextTurn(spans, resultCallback, true);
  }

  #exportNextTurn(
    spans: ReadableSpan[],
    resultCallback: (result: ExportResult) => void,
    rehearsal: boolean,
  ): void {
    this.#pending++;
    setImmediate(() => {
      this.#rehearsing = rehearsal;
      try {
        this.#delegate.export(spans, resultCallback);
      } catch (error) {
        // Outside the processor's promise now: a throw here would be an uncaught exception.
        resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
      } finally {
        this.#rehearsing = false;
        if (--this.#pending === 0) for (const resolve of this.#drained.splice(0)) resolve();
      }
    });
  }

  giveUp(): void {
    this.#transport.giveUp();
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  #started(): Promise<void> {
    return this.#pending === 0 ? Promise.resolve() : new Promise((resolve) => this.#drained.push(resolve));
  }

  async forceFlush(): Promise<void> {
    await this.#started();
    await this.#delegate.forceFlush();
  }

  /**
   * Aborts what is still in flight (the processor calls this only after its final flush, and
   * `createTracing` calls it at the shutdown deadline, when a stalled request must not hold the
   * process), then lets the delegate settle.
   */
  async shutdown(): Promise<void> {
    this.#transport.shutdown();
    await this.#started();
    await this.#delegate.shutdown();
  }
}

/** The OTLP/HTTP trace exporter for the requested encoding. */
export function createOtlpTraceExporter(options: OtlpTraceExporterOptions): GivingUpSpanExporter {
  return new OtlpTraceExporter(options);
}
