import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';
import {
  type ExportWorkerSettings,
  fromMessage,
  type ReadyMessage,
  type SendMessage,
  type SentMessage,
} from './export-messages.js';
import { ReusableBuffers } from './reusable-buffers.js';

/** The compiled worker next to this module (absent when the sources run untranspiled, in tests). */
export const EXPORT_WORKER_URL = new URL('./export-worker.js', import.meta.url);

/** Whether {@link EXPORT_WORKER_URL} can be started. */
export function exportWorkerAvailable(script: URL = EXPORT_WORKER_URL): boolean {
  return !fileURLToPath(script).endsWith('.ts') && existsSync(fileURLToPath(script));
}

/**
 * An OTLP/HTTP transport whose requests run in a worker thread (an `OtlpHttpTransport` there),
 * for the server's sake rather than the export's.
 *
 * An HTTP request from the service's own thread runs the same Node code as its server does
 * (`OutgoingMessage`, `IncomingMessage`, streams, sockets) with objects of other shapes (a
 * `ClientRequest`, a client-side response). The first export, ~40 ms into a busy start, deopted
 * about 75 of the server's hottest functions that V8 had just optimized for server objects only
 * (`--trace-deopt`: "wrong map" in `_storeHeader`, `write_`, `end`, `Writable.uncork`,
 * `Readable.push`, `parserOnHeadersComplete`, …), and every export kept those call sites
 * polymorphic. In a worker the client code has its own JIT state, and the request's work (and gzip)
 * leaves the event loop that serves requests; the main thread encodes the batch and moves a copy
 * over.
 *
 * Semantics are the in-thread transport's: one attempt per `send` (retries stay with
 * `RetryingExportTransport` in the main thread), every answer an `ExportResponse`, `shutdown()`
 * aborts what is in flight. The worker does not keep the process alive while idle, but does while a
 * request is in flight, as a socket would. If the worker dies, its requests fail and the next send
 * starts a new one.
 */
export class WorkerExportTransport implements IExporterTransport {
  readonly #script: URL;
  readonly #settings: ExportWorkerSettings;
  readonly #pending = new Map<number, (response: ExportResponse) => void>();
  #worker: Worker | undefined;
  #ready: Promise<void>;
  #nextId = 0;
  #stopped = false;
  /** The buffers copies are moved to the worker in, back after each successful request. */
  readonly #copies = new ReusableBuffers();

  constructor(settings: ExportWorkerSettings, script: URL = EXPORT_WORKER_URL) {
    this.#script = script;
    this.#settings = settings;
    // Started now, while the service starts, rather than at the first export under load.
    let booted: () => void = () => undefined;
    this.#ready = new Promise((resolve) => {
      booted = resolve;
    });
    this.#worker = this.#start(booted);
  }

  /**
   * Resolves once the worker has loaded its modules and built its transport, or has failed to
   * (then the next send starts a new one); never rejects. `startTelemetry` waits for it, so the
   * worker's boot is part of the service's start-up rather than of its first seconds of traffic.
   */
  ready(): Promise<void> {
    return this.#ready;
  }

  #start(booted: () => void = () => undefined): Worker {
    // No execArgv: the process's own (`--import @tracseq/telemetry/register`, `--input-type`,
    // loaders, `--require` agents) are for the application, not for this worker.
    const worker = new Worker(this.#script, { workerData: this.#settings, execArgv: [] });
    worker.unref();
    worker.on('message', (message: SentMessage | ReadyMessage) => {
      if ('type' in message) {
        booted();
        return;
      }
      if (message.body !== undefined) this.#copies.give(new Uint8Array(message.body));
      const resolve = this.#pending.get(message.id);
      if (resolve === undefined) return;
      this.#pending.delete(message.id);
      this.#settled(worker);
      resolve(fromMessage(message));
    });
    worker.on('error', (error) => {
      booted();
      this.#failAll(worker, error);
    });
    worker.on('exit', (code) => {
      booted();
      this.#failAll(worker, new Error(`the span export worker exited (${code})`));
    });
    return worker;
  }

  /** Fails every request of `worker` (it died) and forgets it. */
  #failAll(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    for (const resolve of waiting) resolve({ status: 'failure', error });
  }

  #settled(worker: Worker): void {
    if (this.#pending.size > 0) return;
    if (this.#stopped) void worker.terminate();
    else worker.unref();
  }

  /**
   * Sends `data` in the worker. A `rehearsal` takes the same path (copy, message, answer) but the
   * worker answers success without sending it anywhere (see `rehearsePipeline`).
   */
  send(data: Uint8Array, timeoutMillis: number, rehearsal = false): Promise<ExportResponse> {
    if (this.#stopped) {
      return Promise.resolve({ status: 'failure', error: new Error('exporter shut down') });
    }
    this.#worker ??= this.#start();
    const worker = this.#worker;
    const id = ++this.#nextId;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      // In flight, the worker keeps the process alive as the request's socket would.
      if (this.#pending.size === 1) worker.ref();
      // RetryingExportTransport may send `data` again, so the worker gets a copy of its own,
      // moved rather than serialized (structured cloning copies it twice, through a growing
      // buffer), in a buffer the worker moves back after a successful request.
      const whole = this.#copies.take(data.byteLength);
      const copy = new Uint8Array(whole.buffer, 0, data.byteLength);
      copy.set(data);
      const message: SendMessage = { id, data: copy, timeoutMillis, rehearsal };
      worker.postMessage(message, [whole.buffer]);
    });
  }

  /** Aborts requests in flight (they answer as failed); the worker ends once none is left. */
  shutdown(): void {
    this.#stopped = true;
    const worker = this.#worker;
    if (worker === undefined) return;
    if (this.#pending.size === 0) void worker.terminate();
    else worker.postMessage({ type: 'shutdown' });
  }
}
